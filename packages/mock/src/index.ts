/** `@computeplane/mock`: msw handlers for application tests, stateful by default, typed overrides on demand. */
export {
  createMockComputeplane,
  DEFAULT_MOCK_ADMIN_KEY,
  DEFAULT_MOCK_BASE_URL,
  type MockComputeplane,
  type MockOptions,
} from './mock-computeplane.js';
export {
  startMockComputeplane,
  useMockComputeplane,
  type LifecycleHook,
  type MockHarness,
  type MockHarnessOptions,
  type StartedMockHarness,
  type UseMockComputeplaneOptions,
} from './use-mock-computeplane.js';
export { errorBody, gpuErrorBody, typedHttp } from './typed-overrides.js';

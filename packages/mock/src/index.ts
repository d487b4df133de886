/** `@computeplane/mock`: msw handlers for application tests, stateful by default, typed overrides on demand. */
export { createMockComputeplane, type MockComputeplane, type MockOptions } from './mock-computeplane.js';
export { errorBody, gpuErrorBody, typedHttp } from './typed-overrides.js';

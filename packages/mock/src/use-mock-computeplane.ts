/**
 * useMockComputeplane(): the whole msw set-up of an application test suite in one call. It creates the
 * mock (createMockComputeplane), serves its handlers from an msw `setupServer`, removes the overrides a
 * test added with `server.use(...)` (and, by default, empties the mock's data) after each test, and closes
 * both after the suite.
 *
 * It is not tied to a test runner: pass the runner's own lifecycle hooks.
 *
 * ```ts
 * import { afterAll, afterEach, beforeAll, it } from 'vitest'; // or jest's globals, or node:test's before/afterEach/after
 * import { useMockComputeplane } from '@computeplane/mock';
 *
 * const cp = useMockComputeplane({ beforeAll, afterEach, afterAll });
 *
 * it('lists models', async () => {
 *   await listModels(cp.client);                                          // a ready SDK client for the seeded tenant
 *   cp.server.use(cp.http.models.get('/api/v1/models/{id}', ...));       // a typed override, this test only
 *   const other = cp.clientWith({ apiKey: await cp.mock.createTenantKey('other') });
 * });
 * ```
 *
 * Without hooks (a script, or a runner with other needs), `startMockComputeplane()` does the same set-up
 * at once and returns the harness with `reset()` (what runs after each test) and `stop()`.
 *
 * `baseUrl`, `apiKey`, `adminKey`, `client`, `clientWith`, `http` and `server` can be used as soon as
 * useMockComputeplane returns (the SDK client looks up the global fetch, which msw patches, at each
 * request); `mock` only from the first `beforeAll` on.
 */
import { setupServer, type SetupServer } from 'msw/node';
import { createClient, type ClientOptions, type Computeplane } from '@computeplane/sdk';
import { DEVELOPMENT_KEY } from '@computeplane/server';
import {
  createMockComputeplane,
  DEFAULT_MOCK_ADMIN_KEY,
  DEFAULT_MOCK_BASE_URL,
  type MockComputeplane,
  type MockOptions,
} from './mock-computeplane.js';
import { typedHttp } from './typed-overrides.js';

/** A lifecycle hook of a test runner: registers `fn` to run at that point (vitest, jest, mocha and node:test all fit). */
export type LifecycleHook = (fn: () => Promise<void>) => unknown;

export interface MockHarnessOptions extends MockOptions {
  /** After each test, empty the mock's data and seed the development key again, as well as dropping overrides (default `true`). */
  resetState?: boolean;
  /** What msw does with a request no handler answers (default `'error'`: a test that reaches elsewhere fails). */
  onUnhandledRequest?: 'error' | 'warn' | 'bypass';
  /** Options of `client` and the defaults of `clientWith` (baseUrl and apiKey are the mock's; default `maxRetries: 0`). */
  clientOptions?: ClientOptions;
}

export interface UseMockComputeplaneOptions extends MockHarnessOptions {
  /** Runs once before the suite's tests: creates the mock and starts serving it. */
  beforeAll: LifecycleHook;
  /** Runs after each test: drops the overrides, and (unless `resetState: false`) the data. */
  afterEach: LifecycleHook;
  /** Runs once after the suite: stops msw and closes the mock. */
  afterAll: LifecycleHook;
}

export interface MockHarness {
  /** The base URL the handlers answer (`http://computeplane.test` unless set). */
  baseUrl: string;
  /** The seeded tenant's API key. */
  apiKey: string;
  /** The admin key the mock accepts. */
  adminKey: string;
  /** An SDK client for the seeded tenant, pointed at the mock. */
  client: Computeplane;
  /** Another SDK client on the mock, e.g. `clientWith({ apiKey: await mock.createTenantKey('other') })` or `clientWith({ adminKey })`. */
  clientWith(options?: ClientOptions): Computeplane;
  /** The msw server: `server.use(...)` adds overrides in front of the mock until the test ends. */
  server: SetupServer;
  /** Typed override builders for this base URL (`typedHttp(baseUrl)`). */
  http: ReturnType<typeof typedHttp>;
  /** The mock itself (tenant keys, handlers); available once the suite's `beforeAll` has run, so read it as `harness.mock` there rather than destructuring it. */
  readonly mock: MockComputeplane;
}

export interface StartedMockHarness extends MockHarness {
  /** Drops the overrides added with `server.use(...)` and, unless `resetState: false`, empties the mock's data. */
  reset(): Promise<void>;
  /** Stops msw and closes the mock. */
  stop(): Promise<void>;
}

/** Registers the mock's set-up and tear-down with the given hooks and returns the harness the tests use. */
export function useMockComputeplane(options: UseMockComputeplaneOptions): MockHarness {
  const { beforeAll, afterEach, afterAll, ...harnessOptions } = options;
  const harness = createHarness(harnessOptions);
  beforeAll(() => harness.start());
  afterEach(() => harness.reset());
  afterAll(() => harness.stop());
  return harness;
}

/** Creates the mock and starts serving it now; call `reset()` between tests and `stop()` at the end. */
export async function startMockComputeplane(options: MockHarnessOptions = {}): Promise<StartedMockHarness> {
  const harness = createHarness(options);
  await harness.start();
  return harness;
}

function createHarness(options: MockHarnessOptions): StartedMockHarness & { start(): Promise<void> } {
  const { resetState = true, onUnhandledRequest = 'error', clientOptions = {}, ...mockOptions } = options;
  const baseUrl = (mockOptions.baseUrl ?? DEFAULT_MOCK_BASE_URL).replace(/\/+$/, '');
  const adminKey = mockOptions.adminKey ?? DEFAULT_MOCK_ADMIN_KEY;
  const server = setupServer();
  const clientWith = (overrides: ClientOptions = {}) =>
    createClient({ maxRetries: 0, ...clientOptions, baseUrl, apiKey: DEVELOPMENT_KEY, ...overrides });
  let mock: MockComputeplane | undefined;
  return {
    baseUrl,
    apiKey: DEVELOPMENT_KEY,
    adminKey,
    client: clientWith(),
    clientWith,
    server,
    http: typedHttp(baseUrl),
    get mock() {
      if (!mock)
        throw new Error(
          'useMockComputeplane: the mock exists once the suite’s beforeAll has run; read `mock` inside a test or hook',
        );
      return mock;
    },
    async start() {
      if (mock) return;
      mock = await createMockComputeplane({ baseUrl, adminKey });
      // The mock's handlers become the initial ones: resetHandlers() goes back to exactly them.
      server.resetHandlers(...mock.handlers);
      server.listen({ onUnhandledRequest });
    },
    async reset() {
      server.resetHandlers();
      if (resetState) await mock?.reset();
    },
    async stop() {
      server.close();
      await mock?.close();
      mock = undefined;
    },
  };
}

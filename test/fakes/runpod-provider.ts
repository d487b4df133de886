/**
 * The real RunPod adapter over the fake of its API, without retries: what a test server that rents RunPod
 * pods is given (the fake answers in-process, so a retry would only hide a refusal the test is after).
 */
import type { GpuProvider } from '../../packages/server/src/providers/provider.js';
import { createRunPodProvider } from '../../packages/server/src/providers/runpod/runpod-provider.js';
import { fakeProviderHttp } from './fake-provider-http.js';
import type { FakeRunPod } from './runpod-api.js';

export const runPodProviderOver = (fake: FakeRunPod): GpuProvider =>
  createRunPodProvider(
    fakeProviderHttp('runpod', fake, { baseUrl: 'https://api.runpod.io/v2', apiKey: 'runpod-test-key', retries: 0 })
      .http,
  );

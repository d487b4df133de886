/**
 * The real provider adapters over the fakes of their APIs, without retries: what a test server that rents
 * from Vast.ai, Lambda or RunPod is given (a fake answers in-process, so a retry would only hide a refusal
 * the test is after). One function per provider, each with the fake's own base URL and key.
 */
import type { GpuProvider } from '../../packages/server/src/providers/provider.js';
import { createLambdaProvider } from '../../packages/server/src/providers/lambda/lambda-provider.js';
import { createRunPodProvider } from '../../packages/server/src/providers/runpod/runpod-provider.js';
import { createVastAiProvider } from '../../packages/server/src/providers/vastai/vastai-provider.js';
import { fakeProviderHttp } from './fake-provider-http.js';
import type { FakeLambda } from './lambda-api.js';
import type { FakeRunPod } from './runpod-api.js';
import type { FakeVastAi } from './vastai-api.js';

const over = (provider: string, fake: { fetch: typeof fetch }, baseUrl: string, apiKey: string) =>
  fakeProviderHttp(provider, fake, { baseUrl, apiKey, retries: 0 }).http;

export const vastAiProviderOver = (fake: FakeVastAi): GpuProvider =>
  createVastAiProvider(over('vastai', fake, 'https://console.vast.ai', 'vast-test-key'));

export const lambdaProviderOver = (fake: FakeLambda): GpuProvider =>
  createLambdaProvider(over('lambda', fake, 'https://cloud.lambdalabs.com/api/v1', 'lambda-test-key'));

export const runPodProviderOver = (fake: FakeRunPod): GpuProvider =>
  createRunPodProvider(over('runpod', fake, 'https://api.runpod.io/v2', 'runpod-test-key'));

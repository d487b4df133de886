/**
 * The providers a server offers GPUs from: always this machine (`local`, instances in runc containers
 * with their state under `DATA_DIR/containers`), plus Vast.ai, Lambda Cloud, TensorDock and RunPod when
 * their API keys are configured. Each remote provider gets its own circuit breaker and shares the
 * `gpu_provider_api_errors_total{provider,operation}` counter.
 */
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { Counter, type Registry } from 'prom-client';
import { createRuncDriver } from '../platform/containers/index.js';
import { createCircuitBreaker } from './circuit-breaker.js';
import { createLambdaProvider } from './lambda/lambda-provider.js';
import { createLocalProvider, instanceLimits } from './local/local-provider.js';
import type { ProviderSettings } from '../platform/settings.js';
import type { GpuProvider } from './provider.js';
import { createProviderHttp } from './provider-http.js';
import { createRunPodProvider } from './runpod/runpod-provider.js';
import { createTensorDockProvider } from './tensordock/tensordock-provider.js';
import { createVastAiProvider } from './vastai/vastai-provider.js';

export type { ProviderSettings };

export function providerErrorsCounter(registry: Registry): Counter<'provider' | 'operation'> {
  return new Counter({
    name: 'gpu_provider_api_errors_total',
    help: 'Failed calls to GPU provider APIs',
    labelNames: ['provider', 'operation'],
    registers: [registry],
  });
}

export function createProviders(
  settings: ProviderSettings,
  dataDir: string,
  errors: Counter<'provider' | 'operation'>,
) {
  // The node id is stable for one data directory on one host: a restarted replica recognises its instances' ids.
  const nodeId = createHash('sha256')
    .update(`${hostname()}:${resolve(dataDir)}`)
    .digest('hex')
    .slice(0, 8);
  // Containers' user namespaces run as unprivileged host uids, which must pass through DATA_DIR to reach
  // their root and volume: others get execute (not read) on it. Nothing under it is visible inside.
  try {
    mkdirSync(dataDir, { recursive: true });
    chmodSync(dataDir, statSync(dataDir).mode | 0o001);
  } catch {
    // Without it the local provider runs its containers without a user namespace.
  }
  const limits = settings.localInstance;
  const local = createLocalProvider({
    root: join(dataDir, 'instances'),
    pricePerHour: settings.localPricePerHour ?? 0,
    nodeId,
    containers: createRuncDriver({ stateDir: join(dataDir, 'containers') }),
    ...(limits ? { limits: instanceLimits(limits) } : {}),
  });
  const providers: GpuProvider[] = [local];
  const http = (provider: string, config: { apiKey: string; baseUrl: string }) =>
    createProviderHttp({
      provider,
      baseUrl: config.baseUrl,
      headers: { Authorization: `Bearer ${config.apiKey}` },
      breaker: createCircuitBreaker(provider),
      errors,
    });
  if (settings.vastai) providers.push(createVastAiProvider(http('vastai', settings.vastai)));
  if (settings.lambda) providers.push(createLambdaProvider(http('lambda', settings.lambda)));
  if (settings.tensordock) providers.push(createTensorDockProvider(http('tensordock', settings.tensordock)));
  if (settings.runpod) providers.push(createRunPodProvider(http('runpod', settings.runpod)));
  return { providers, close: () => local.close() };
}

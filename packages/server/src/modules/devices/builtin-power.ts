/**
 * The built-in device's power draw: this machine sampled with the workers' sampler
 * (`@computeplane/device-protocol/power`: nvidia-smi, RAPL; null when unreadable) every heartbeat interval
 * while the module runs, so a training checkpoint on the built-in device reads the latest without waiting.
 */
import { createPowerSampler, type PowerSamplerOptions } from '@computeplane/device-protocol/power';

export function builtinPower(intervalMs: number, options: PowerSamplerOptions = {}) {
  const sampler = createPowerSampler(options);
  let latest: number | null = null;
  let timer: NodeJS.Timeout | undefined;
  let sampling: Promise<void> | undefined;
  const sample = () => {
    sampling ??= sampler.sample().then((watts) => {
      latest = watts;
      sampling = undefined;
    });
    return sampling;
  };
  return {
    /** Watts at the last sample, null before the first or when nothing reports it. */
    latest: () => latest,
    /** Samples now and then every interval; resolves once the first sample is in. */
    start(): Promise<void> {
      clearInterval(timer);
      timer = setInterval(() => void sample(), intervalMs).unref();
      return sample();
    },
    async stop() {
      clearInterval(timer);
      timer = undefined;
      await sampling;
    },
  };
}

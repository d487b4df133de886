import { describe, expect, it } from 'vitest';
import { ignoreGone, ProviderApiError } from './provider-http.js';

describe('ignoreGone', () => {
  it('passes a value through', async () => {
    await expect(ignoreGone(Promise.resolve(42))).resolves.toBe(42);
  });

  it('answers undefined when the provider says 404', async () => {
    await expect(
      ignoreGone(Promise.reject(new ProviderApiError('vastai', 'get_instance', 404, 'gone'))),
    ).resolves.toBeUndefined();
  });

  it('rethrows any other failure', async () => {
    const refused = new ProviderApiError('vastai', 'get_instance', 403, 'refused');
    await expect(ignoreGone(Promise.reject(refused))).rejects.toBe(refused);
    const unreachable = new ProviderApiError('vastai', 'get_instance', null, 'unreachable');
    await expect(ignoreGone(Promise.reject(unreachable))).rejects.toBe(unreachable);
    const plain = new Error('not a provider error');
    await expect(ignoreGone(Promise.reject(plain))).rejects.toBe(plain);
  });
});

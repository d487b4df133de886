/** sha256 of bytes as `sha256:<hex>`, the checksum format of the models API. */
import { createHash } from 'node:crypto';

export const sha256Checksum = (bytes: Uint8Array): string =>
  `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

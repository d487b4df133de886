/**
 * Helpers of the instances area: wait for a pulled image (`waitForImage(client, name, options?)`, polling
 * `getImage` until `ready` or `failed`), and read the log lines of a `streamInstanceLogs` answer (Server-Sent
 * Events whose `data:` is one JSON-encoded line each).
 */
import { ComputeplaneError, pollUntil, type Computeplane, type PollOptions } from '../core/index.js';
import { getImage, type Image } from '../generated/instances.operations.js';

/** The image's pull failed (its `error` says why). */
export class ImagePullError extends ComputeplaneError {
  override name = 'ImagePullError';
  constructor(readonly image: Image) {
    super(`Image ${image.name} failed to pull: ${image.error ?? 'no reason given'}`);
  }
}

/** Polls until the image is `ready` and returns it; throws ImagePullError when its pull failed. */
export async function waitForImage(client: Computeplane, name: string, options: PollOptions = {}): Promise<Image> {
  const image = await pollUntil(
    () => getImage(client, { params: { path: { name } } }),
    (current) => current.status === 'ready' || current.status === 'failed',
    options,
  );
  if (image.status === 'failed') throw new ImagePullError(image);
  return image;
}

/** The log lines of an SSE text (each event's `data:` is a JSON string). */
export function parseLogEvents(text: string): string[] {
  return text
    .split('\n')
    .filter((line) => line.startsWith('data:'))
    .map((line) => JSON.parse(line.slice(5).trim()) as string);
}

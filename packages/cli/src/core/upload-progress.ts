/**
 * Upload progress for multipart calls (models, datasets): a client whose fetch counts the request body's
 * bytes as they leave, so the bar follows the socket rather than the disk. Each retry starts again from 0.
 */
import type { Computeplane } from '@computeplane/sdk';

export function withUploadProgress(client: Computeplane, onBytes: (sent: number) => void): Computeplane {
  const fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    if (!request.body) return client.fetch(request);
    let sent = 0;
    const counter = new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        sent += chunk.byteLength;
        onBytes(sent);
        controller.enqueue(chunk);
      },
    });
    return client.fetch(
      new Request(request, { body: request.body.pipeThrough(counter), duplex: 'half' } as RequestInit),
    );
  };
  return Object.freeze({ ...client, fetch });
}

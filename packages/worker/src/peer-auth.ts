/**
 * The peer endpoints' credential: a bearer token (COMPUTEPLANE_PEER_TOKEN, or a random one) that the runtime
 * registers with the server, which presents it on every gRPC call (metadata `authorization`) and realtime
 * connection (`Authorization` header). Compared in constant time.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export const newPeerToken = () => randomBytes(32).toString('base64url');

const digest = (value: string) => createHash('sha256').update(value).digest();

/** Whether an `authorization` value presents `token`. */
export function presents(authorization: string | undefined, token: string): boolean {
  if (!authorization) return false;
  return timingSafeEqual(digest(authorization), digest(`Bearer ${token}`));
}

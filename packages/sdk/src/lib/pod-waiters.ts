/**
 * `waitForPod(client, podId, status, options?)`: polls a pod until it is in `status` (default `running`) and
 * returns it. A pod that settles where `status` cannot follow without an action (terminated or failed, or
 * stopped while waiting for running: its start failed) ends the wait with PodStatusError.
 */
import { ComputeplaneError, pollUntil, type ApiResult, type Computeplane, type PollOptions } from '../core/index.js';
import { getPod, type Pod } from '../generated/pods.operations.js';

/** The pod settled in another status than the one waited for. */
export class PodStatusError extends ComputeplaneError {
  override name = 'PodStatusError';
  constructor(
    readonly pod: Pod,
    readonly wanted: Pod['status'],
  ) {
    super(
      `Pod ${pod.id} is ${pod.status}, not ${wanted}${pod.failureReason ? `: ${pod.failureReason}` : pod.stopReason ? ` (${pod.stopReason})` : ''}`,
    );
  }
}

/** Whether the pod can no longer reach `wanted` by itself. */
const settledElsewhere = (pod: Pod, wanted: Pod['status']) =>
  pod.status === 'terminated' || pod.status === 'failed' || (wanted === 'running' && pod.status === 'stopped');

export async function waitForPod(
  client: Computeplane,
  podId: string,
  status: Pod['status'] = 'running',
  options: PollOptions = {},
): Promise<Pod> {
  const pod = await pollUntil<Pod>(
    async (): Promise<ApiResult<Pod>> => {
      const result = await getPod(client, { params: { path: { id: podId } } });
      return result.error ? result : { ...result, data: result.data.data };
    },
    (current) => current.status === status || settledElsewhere(current, status),
    options,
  );
  if (pod.status !== status) throw new PodStatusError(pod, status);
  return pod;
}

/**
 * The volume rules of instances.md: a mount path is absolute and not `/`; `overlay` requires `readonly`
 * and an `overlay_size`; a volume is attached to several instances only when every attachment, the new one
 * included, is readonly.
 */
import { ApiProblem } from '../../platform/http/problem.js';
import { parseSize } from './human-values.js';
import type { VolumeAttachmentRow } from './volumes/volume-repository.js';

export interface AttachmentRequest {
  mount_path: string;
  readonly?: boolean;
  overlay?: boolean;
  overlay_size?: string;
}

export function checkAttachment(at: string, request: AttachmentRequest): void {
  const path = request.mount_path;
  if (!path.startsWith('/') || path === '/' || path.split('/').includes('..') || path.includes('\0'))
    throw new ApiProblem(
      400,
      'VALIDATION_ERROR',
      `${at}.mount_path must be an absolute path other than / without '..'`,
    );
  if (request.overlay && !request.readonly)
    throw new ApiProblem(
      400,
      'VALIDATION_ERROR',
      `${at}.overlay requires readonly: true (the overlay takes the writes)`,
    );
  if (request.overlay && (!request.overlay_size || parseSize(request.overlay_size) === null))
    throw new ApiProblem(400, 'VALIDATION_ERROR', `${at}.overlay_size is required with overlay: true (e.g. "1GB")`);
}

/** 409 unless every attachment of the volume (existing and new) is readonly. */
export function checkMultiAttach(volumeName: string, existing: VolumeAttachmentRow[], readonly: boolean): void {
  if (existing.length === 0) return;
  if (!readonly || existing.some((a) => !a.readonly))
    throw new ApiProblem(
      409,
      'CONFLICT',
      `Volume '${volumeName}' is attached to instance '${existing[0]!.instanceId}'; a volume is attached to several instances only when every attachment is readonly`,
    );
}

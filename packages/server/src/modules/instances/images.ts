/** The images use-cases: queue a pull (deduplicated by name, then by digest), read, list, forget. */
import { ApiProblem, notFound } from '../../platform/http/problem.js';
import type { ImagePuller } from './engine/image-puller.js';
import { ReferenceError, resolveReference } from './engine/image-reference.js';
import type { ImageStore } from './engine/image-store.js';
import type { ImageRepository, ImageRow } from './image-repository.js';

export function imageUseCases(deps: {
  repository: ImageRepository;
  store: ImageStore;
  puller: ImagePuller;
  importDir: string;
  clock: () => Date;
  /** Whether an instance still runs from the digest's files (they stay until none does). */
  inUse: (digest: string) => Promise<boolean>;
}) {
  const { repository } = deps;
  const view = async (row: ImageRow) => ({
    name: row.name,
    digest: row.digest,
    status: row.status,
    created_at: row.createdAt.toISOString(),
    error: row.error,
    size_bytes: row.sizeBytes,
    queue_position: row.status === 'pending' ? await repository.queuePosition(row) : null,
    entrypoint: row.config?.entrypoint ?? null,
    cmd: row.config?.cmd ?? null,
    env: row.config?.env
      ? Object.fromEntries(row.config.env.map((e) => [e.split('=')[0]!, e.slice(e.indexOf('=') + 1)]))
      : null,
    working_dir: row.config?.workingDir ?? null,
  });
  const find = async (tenantId: string, name: string) => {
    const row = await repository.get(tenantId, name);
    if (!row) throw notFound('Image', name);
    return row;
  };
  return {
    view,
    find,
    async create(tenantId: string, name: string) {
      try {
        await resolveReference(name, deps.importDir);
      } catch (error) {
        if (error instanceof ReferenceError) throw new ApiProblem(400, 'VALIDATION_ERROR', error.message);
        throw error;
      }
      const row = await repository.insertPending(tenantId, name, deps.clock());
      deps.puller.kick();
      return view(row);
    },
    async get(tenantId: string, name: string) {
      return view(await find(tenantId, name));
    },
    async list(tenantId: string) {
      return Promise.all((await repository.list(tenantId)).map(view));
    },
    async remove(tenantId: string, name: string) {
      const row = await repository.delete(tenantId, name);
      if (!row) throw notFound('Image', name);
      if (row.digest && (await repository.countByDigest(row.digest)) === 0 && !(await deps.inUse(row.digest)))
        await deps.store.remove(row.digest);
    },
  };
}

export type ImageUseCases = ReturnType<typeof imageUseCases>;

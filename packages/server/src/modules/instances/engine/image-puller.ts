/**
 * The image pull queue: pending rows are pulled one at a time, oldest first (`pending` → `pulling` →
 * `converting` → `ready`, or `failed` with skopeo's or umoci's reason). The queue is the table, so a pull
 * survives a restart: at start, pulls left `pulling` or `converting` are queued again. A digest already on
 * disk is not copied again (dedup by digest).
 */
import type { Logger } from 'pino';
import type { ImageRepository } from '../image-repository.js';
import type { ImageStore } from './image-store.js';

export function createImagePuller(deps: {
  repository: ImageRepository;
  store: ImageStore;
  resolve: (name: string) => Promise<string>;
  logger: Logger;
}) {
  const { repository, store, logger } = deps;
  let running: Promise<void> | undefined;
  let again = false;
  let stopped = false;

  async function drain() {
    for (let row = await repository.claimNext(); row && !stopped; row = await repository.claimNext()) {
      const { tenantId, name } = row;
      try {
        const source = await deps.resolve(name);
        const { digest, sizeBytes } = await store.inspect(source);
        await repository.update(tenantId, name, { digest, sizeBytes });
        const config = await store.pull(source, digest, (stage) =>
          repository.update(tenantId, name, { status: stage }),
        );
        await repository.update(tenantId, name, { status: 'ready', config, error: null });
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        logger.warn({ image: name, err: message }, 'image pull failed');
        await repository.update(tenantId, name, { status: 'failed', error: message });
      }
    }
  }

  const kick = () => {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = drain()
      .catch((error: unknown) => logger.error({ err: error }, 'image puller stopped on an error'))
      .finally(() => {
        running = undefined;
        if (again) {
          again = false;
          kick();
        }
      });
  };

  return {
    kick,
    async start() {
      await repository.requeueInterrupted();
      kick();
    },
    async stop() {
      stopped = true;
      await running;
    },
  };
}

export type ImagePuller = ReturnType<typeof createImagePuller>;

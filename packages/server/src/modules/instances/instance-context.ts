/** What the instances use-cases share: repositories, the runtime, the network, settings, clock, logger. */
import type { Logger } from 'pino';
import type { InstanceSettings } from '../../platform/settings.js';
import type { InstanceNetwork } from './engine/network/instance-network.js';
import type { InstanceRuntime } from './engine/instance-runtime.js';
import type { ImageStore } from './engine/image-store.js';
import type { ImageRepository } from './image-repository.js';
import type { InstanceRepository } from './instance-repository.js';
import type { VolumeStore } from './volumes/volume-store.js';
import type { VolumeRepository } from './volumes/volume-repository.js';

export interface InstanceContext {
  instances: InstanceRepository;
  images: ImageRepository;
  imageStore: ImageStore;
  volumes: VolumeRepository;
  volumeStore: VolumeStore;
  runtime: InstanceRuntime;
  network: InstanceNetwork;
  settings: InstanceSettings;
  /** Why instances cannot run here (runc missing, not root), or null when they can. */
  unavailable: () => Promise<string | null>;
  nodeId: string;
  clock: () => Date;
  logger: Logger;
  /** Instances whose workload this process watches for its exit. */
  watch: (id: string) => void;
  /** Instances being stopped or deleted by a request: their exit is that request's to record. */
  busy: Set<string>;
}

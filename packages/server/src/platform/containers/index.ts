/** The container layer: the driver contract, root filesystem sources, and the runc driver. */
export type {
  ContainerDriver,
  ContainerInfo,
  ContainerLimits,
  ContainerMount,
  ContainerSpec,
  ContainerStats,
  ExecOptions,
  SupervisedIo,
  UserMapping,
} from './container-driver.js';
export { hostView, imageDirectory, imageOverlay, type RootfsSource } from './rootfs.js';
export { blockedAncestor } from './traversable.js';
export { createRuncDriver, probeRunc } from './drivers/runc/index.js';

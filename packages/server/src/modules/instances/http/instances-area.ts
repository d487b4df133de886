/**
 * The instances area (openapi/instances.yaml): the handlers of instances, volumes and images, bound to
 * the generated routes. Lists are bare arrays, as the seed's clients expect.
 */
import { routes } from '../../../generated/routes/instances.js';
import { area } from '../../../platform/module.js';
import { imageHandlers } from './images.js';
import { instanceHandlers, type InstancesAreaDeps } from './instances.js';
import { lifecycleHandlers } from './lifecycle.js';
import { volumeHandlers } from './volumes.js';

export function instancesArea(deps: InstancesAreaDeps) {
  return area('instances', routes, {
    ...instanceHandlers(deps),
    ...lifecycleHandlers(deps),
    ...volumeHandlers(deps),
    ...imageHandlers(deps.images),
  });
}

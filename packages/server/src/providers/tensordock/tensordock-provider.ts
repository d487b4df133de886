/**
 * The TensorDock adapter: each GPU model in stock at a location is an offer (`<location id>:<gpu v0Name>`,
 * one GPU with the minimum CPU, RAM and disk priced in); instances are VMs whose SSH port is forwarded.
 */
import type {
  CreateInstanceRequest,
  GpuProvider,
  InstanceStatus,
  ProviderInstance,
  ProviderOffer,
} from '../provider.js';
import { ignoreGone, ProviderApiError, type ProviderHttp } from '../provider-http.js';
import type { TensorDockCreateRequest, TensorDockInstance, TensorDockLocation } from './tensordock-types.js';

/** The smallest VM an offer's price includes besides its GPU. */
export const MIN_RESOURCES = { vcpu_count: 2, ram_gb: 8, storage_gb: 100 };

const STATUS: Record<string, InstanceStatus> = {
  starting: 'provisioning',
  running: 'running',
  stopping: 'stopped',
  stopped: 'stopped',
  deleting: 'stopped',
  deleted: 'stopped',
  error: 'failed',
};

export function toOffers(locations: TensorDockLocation[]): ProviderOffer[] {
  return locations.flatMap((location) =>
    location.gpus
      .filter((gpu) => gpu.max_count > 0)
      .map((gpu) => {
        const extras = gpu.pricing
          ? MIN_RESOURCES.vcpu_count * gpu.pricing.per_vcpu_hr +
            MIN_RESOURCES.ram_gb * gpu.pricing.per_gb_ram_hr +
            MIN_RESOURCES.storage_gb * gpu.pricing.per_gb_storage_hr
          : 0;
        const vram = /(\d+)\s*gb/i.exec(gpu.displayName) ?? /(\d+)gb/i.exec(gpu.v0Name);
        return {
          provider: 'tensordock' as const,
          providerId: `${location.id}:${gpu.v0Name}`,
          gpuType: gpu.displayName.replace(/\s*\d+\s*GB$/i, ''),
          gpuCount: 1,
          vramGb: vram ? Number(vram[1]) : 0,
          pricePerHour: Math.round((gpu.price_per_hr + extras) * 10_000) / 10_000,
          location: [location.city, location.stateprovince, location.country].filter(Boolean).join(', '),
          reliability: 1,
          available: true,
          maxDurationHours: 0,
          cudaVersion: null,
        };
      }),
  );
}

export function toInstance(instance: TensorDockInstance): ProviderInstance {
  const { attributes } = instance;
  const sshPort = attributes.portForwards?.['22'];
  return {
    provider: 'tensordock',
    instanceId: instance.id,
    status: STATUS[attributes.status] ?? 'unknown',
    label: attributes.name ?? null,
    ssh:
      attributes.status === 'running' && attributes.ipAddress && sshPort
        ? { host: attributes.ipAddress, port: sshPort, user: 'user' }
        : null,
    startedAt: null,
    pricePerHour: attributes.rateHourly ?? null,
    lastActivityAt: null,
  };
}

export function createTensorDockProvider(http: ProviderHttp): GpuProvider {
  return {
    name: 'tensordock',
    async listOffers() {
      const { data } = await http<{ data: { locations: TensorDockLocation[] } }>('list_offers', 'GET', '/locations');
      return toOffers(data.locations);
    },
    async createInstance(request: CreateInstanceRequest) {
      const [locationId, gpuName] = request.providerOfferId.split(':');
      if (!locationId || !gpuName)
        throw new ProviderApiError(
          'tensordock',
          'create_instance',
          400,
          `tensordock create_instance: offer id '${request.providerOfferId}' is not <location>:<gpu>`,
        );
      const body: TensorDockCreateRequest = {
        data: {
          type: 'virtualmachine',
          attributes: {
            name: request.label,
            type: 'virtualmachine',
            image: request.image,
            resources: {
              ...MIN_RESOURCES,
              storage_gb: Math.max(MIN_RESOURCES.storage_gb, request.diskGb),
              gpus: { [gpuName]: { count: 1 } },
            },
            location_id: locationId,
            useDedicatedIp: false,
            port_forwards: [{ internal_port: 22, external_port: 0 }],
            ssh_key: request.sshPublicKey,
            ...(request.onStartCmd ? { cloud_init: { runcmd: [request.onStartCmd] } } : {}),
          },
        },
      };
      const { data } = await http<{ data: { id: string } }>('create_instance', 'POST', '/instances', body);
      return { instanceId: data.id };
    },
    async getInstance(instanceId) {
      return ignoreGone(
        http<{ data: TensorDockInstance }>('get_instance', 'GET', `/instances/${encodeURIComponent(instanceId)}`).then(
          ({ data }) => (data.attributes.status === 'deleted' ? undefined : toInstance(data)),
        ),
      );
    },
    async listInstances() {
      const { data } = await http<{ data: { attributes: { instances: TensorDockInstance[] } } }>(
        'list_instances',
        'GET',
        '/instances',
      );
      return data.attributes.instances.filter((instance) => instance.attributes.status !== 'deleted').map(toInstance);
    },
    async destroyInstance(instanceId) {
      await ignoreGone(http('destroy_instance', 'DELETE', `/instances/${encodeURIComponent(instanceId)}`));
    },
  };
}

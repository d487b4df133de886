/**
 * The Lambda Cloud adapter: each instance type with capacity in a region is one offer (`<type>@<region>`);
 * SSH keys are registered by name before launch; the instance name carries the deployment label.
 * Lambda keeps terminated instances listed for a while; they count as gone.
 */
import type {
  CreateInstanceRequest,
  GpuProvider,
  InstanceStatus,
  ProviderInstance,
  ProviderOffer,
} from '../provider.js';
import { ignoreGone, ProviderApiError, type ProviderHttp } from '../provider-http.js';
import type { LambdaInstance, LambdaInstanceType, LambdaLaunchRequest } from './lambda-types.js';

const STATUS: Record<string, InstanceStatus> = {
  booting: 'provisioning',
  active: 'running',
  unhealthy: 'unknown',
  terminating: 'stopped',
  terminated: 'stopped',
};

/** "1x H100 (80 GB SXM5)" → H100, 80; falls back to the type name. */
function describeGpu(type: LambdaInstanceType['instance_type']): { gpuType: string; vramGb: number } {
  const match = /^\d+x\s+(.+?)\s+\((\d+)\s*GB/i.exec(type.gpu_description ?? type.description);
  return match ? { gpuType: match[1]!, vramGb: Number(match[2]) } : { gpuType: type.name, vramGb: 0 };
}

export function toOffers(types: Record<string, LambdaInstanceType>): ProviderOffer[] {
  return Object.values(types).flatMap(({ instance_type: type, regions_with_capacity_available: regions }) =>
    regions.map((region) => ({
      provider: 'lambda' as const,
      providerId: `${type.name}@${region.name}`,
      ...describeGpu(type),
      gpuCount: type.specs.gpus,
      pricePerHour: type.price_cents_per_hour / 100,
      location: region.name,
      reliability: 1,
      available: true,
      maxDurationHours: 0,
      cudaVersion: null,
    })),
  );
}

export function toInstance(instance: LambdaInstance): ProviderInstance {
  return {
    provider: 'lambda',
    instanceId: instance.id,
    status: STATUS[instance.status] ?? 'unknown',
    label: instance.name ?? null,
    ssh: instance.ip && instance.status === 'active' ? { host: instance.ip, port: 22, user: 'ubuntu' } : null,
    startedAt: null,
    pricePerHour:
      instance.instance_type?.price_cents_per_hour !== undefined
        ? instance.instance_type.price_cents_per_hour / 100
        : null,
    lastActivityAt: null,
  };
}

export function createLambdaProvider(http: ProviderHttp): GpuProvider {
  return {
    name: 'lambda',
    async listOffers() {
      const { data } = await http<{ data: Record<string, LambdaInstanceType> }>(
        'list_offers',
        'GET',
        '/instance-types',
      );
      return toOffers(data);
    },
    async createInstance(request: CreateInstanceRequest) {
      const [typeName, region] = request.providerOfferId.split('@');
      if (!typeName || !region)
        throw new ProviderApiError(
          'lambda',
          'create_instance',
          400,
          `lambda create_instance: offer id '${request.providerOfferId}' is not <type>@<region>`,
        );
      const keyName = `${request.label}`.replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 60);
      await http('add_ssh_key', 'POST', '/ssh-keys', { name: keyName, public_key: request.sshPublicKey });
      const body: LambdaLaunchRequest = {
        region_name: region,
        instance_type_name: typeName,
        ssh_key_names: [keyName],
        quantity: 1,
        name: request.label,
      };
      const { data } = await http<{ data: { instance_ids: string[] } }>(
        'create_instance',
        'POST',
        '/instance-operations/launch',
        body,
      );
      const instanceId = data.instance_ids[0];
      if (!instanceId)
        throw new ProviderApiError(
          'lambda',
          'create_instance',
          200,
          'lambda create_instance: no instance id in the response',
        );
      return { instanceId };
    },
    async getInstance(instanceId) {
      return ignoreGone(
        http<{ data: LambdaInstance }>('get_instance', 'GET', `/instances/${encodeURIComponent(instanceId)}`).then(
          ({ data }) => (data.status === 'terminated' ? undefined : toInstance(data)),
        ),
      );
    },
    async listInstances() {
      const { data } = await http<{ data: LambdaInstance[] }>('list_instances', 'GET', '/instances');
      return data.filter((instance) => instance.status !== 'terminated').map(toInstance);
    },
    async destroyInstance(instanceId) {
      await ignoreGone(
        http('destroy_instance', 'POST', '/instance-operations/terminate', { instance_ids: [instanceId] }),
      );
    },
  };
}

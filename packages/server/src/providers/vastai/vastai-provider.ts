/**
 * The Vast.ai adapter: offers from the marketplace search, instances rented from an ask, SSH keys
 * attached per instance, instance states mapped onto the provider layer's, and the recommended
 * templates from the template search.
 */
import type {
  CreateInstanceRequest,
  GpuProvider,
  InstanceStatus,
  ProviderInstance,
  ProviderOffer,
  ProviderTemplate,
} from '../provider.js';
import { ignoreGone, ProviderApiError, type ProviderHttp } from '../provider-http.js';
import type { VastInstance, VastOffer, VastRentRequest, VastTemplate } from './vastai-types.js';

const STATUS: Record<string, InstanceStatus> = {
  created: 'provisioning',
  loading: 'provisioning',
  rebooting: 'provisioning',
  running: 'running',
  stopped: 'stopped',
  frozen: 'stopped',
  exited: 'failed',
  unknown: 'unknown',
  offline: 'unknown',
};

export function toOffer(offer: VastOffer): ProviderOffer {
  return {
    provider: 'vastai',
    providerId: String(offer.ask_contract_id ?? offer.id),
    gpuType: offer.gpu_name.replaceAll('_', ' '),
    gpuCount: offer.num_gpus,
    vramGb: Math.round(offer.gpu_ram / 1024),
    pricePerHour: offer.dph_total,
    location: offer.geolocation ?? null,
    reliability: offer.reliability2 ?? offer.reliability ?? 1,
    available: offer.rentable ?? true,
    maxDurationHours: offer.duration ? Math.floor(offer.duration / 3600) : 0,
    cudaVersion: offer.cuda_max_good ?? null,
  };
}

export function toInstance(instance: VastInstance): ProviderInstance {
  return {
    provider: 'vastai',
    instanceId: String(instance.id),
    status: instance.actual_status === null ? 'provisioning' : (STATUS[instance.actual_status] ?? 'unknown'),
    label: instance.label ?? null,
    ssh:
      instance.ssh_host && instance.ssh_port
        ? { host: instance.ssh_host, port: instance.ssh_port, user: 'root' }
        : null,
    startedAt: instance.start_date ? new Date(instance.start_date * 1000) : null,
    pricePerHour: instance.dph_total ?? null,
    lastActivityAt: null,
  };
}

export function toTemplate(template: VastTemplate): ProviderTemplate {
  const filters = template.extra_filters;
  return {
    provider: 'vastai',
    id: template.id,
    hashId: template.hash_id,
    name: template.name || template.image,
    image: template.image,
    tag: template.tag || null,
    env: template.env ?? '',
    onstart: template.onstart || null,
    runtype: template.runtype || 'args',
    useSsh: template.use_ssh ?? false,
    sshDirect: template.ssh_direct ?? false,
    recommended: template.recommended ?? false,
    recommendedDiskSpace: template.recommended_disk_space ?? null,
    extraFilters: typeof filters === 'string' ? filters.trim() || null : filters ? JSON.stringify(filters) : null,
    creatorId: template.creator_id ?? null,
    createdAt: typeof template.created_at === 'number' ? new Date(Math.round(template.created_at * 1000)) : null,
    countCreated: template.count_created ?? null,
  };
}

/** Only the curated templates the Vast.ai console recommends: the thousands of user templates are unmaintained. */
const TEMPLATE_QUERY = `select_filters=${encodeURIComponent(JSON.stringify({ recommended: { eq: true } }))}&select_cols=${encodeURIComponent(JSON.stringify(['*']))}`;

export function createVastAiProvider(http: ProviderHttp): GpuProvider {
  return {
    name: 'vastai',
    async listOffers() {
      const query = encodeURIComponent(
        JSON.stringify({ rentable: { eq: true }, order: [['dph_total', 'asc']], type: 'on-demand' }),
      );
      const { offers } = await http<{ offers: VastOffer[] }>('list_offers', 'GET', `/api/v0/bundles/?q=${query}`);
      return offers.map(toOffer);
    },
    async listTemplates() {
      const { templates } = await http<{ templates: VastTemplate[] }>(
        'list_templates',
        'GET',
        `/api/v0/template/?${TEMPLATE_QUERY}`,
      );
      return templates.filter((template) => template.hash_id && template.image).map(toTemplate);
    },
    async createInstance(request: CreateInstanceRequest) {
      const body: VastRentRequest = {
        client_id: 'me',
        image: request.image,
        disk: request.diskGb,
        label: request.label,
        env: request.env,
        runtype: 'ssh',
        ...(request.onStartCmd ? { onstart: request.onStartCmd } : {}),
      };
      const rented = await http<{ success: boolean; new_contract?: number; msg?: string }>(
        'create_instance',
        'PUT',
        `/api/v0/asks/${encodeURIComponent(request.providerOfferId)}/`,
        body,
      );
      if (!rented.success || rented.new_contract === undefined) {
        throw new ProviderApiError(
          'vastai',
          'create_instance',
          200,
          `vastai create_instance: ${rented.msg ?? 'the offer could not be rented'}`,
        );
      }
      const instanceId = String(rented.new_contract);
      await http('attach_ssh_key', 'POST', `/api/v0/instances/${instanceId}/ssh/`, { ssh_key: request.sshPublicKey });
      return { instanceId };
    },
    async getInstance(instanceId) {
      return ignoreGone(
        http<{ instances: VastInstance | null }>(
          'get_instance',
          'GET',
          `/api/v0/instances/${encodeURIComponent(instanceId)}/`,
        ).then(({ instances }) => (instances ? toInstance(instances) : undefined)),
      );
    },
    async listInstances() {
      const { instances } = await http<{ instances: VastInstance[] }>('list_instances', 'GET', '/api/v0/instances/');
      return instances.map(toInstance);
    },
    async destroyInstance(instanceId) {
      await ignoreGone(http('destroy_instance', 'DELETE', `/api/v0/instances/${encodeURIComponent(instanceId)}/`));
    },
  };
}

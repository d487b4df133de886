/**
 * The provider layer GPU sessions, pods and compute workers share: one interface over every GPU cloud
 * (Vast.ai, TensorDock, RunPod, Lambda, and the local machine). Adapters translate each provider's REST API
 * into these shapes; nothing above this layer knows a provider's wire format.
 */

export type ProviderName = 'vastai' | 'tensordock' | 'runpod' | 'lambda' | 'local';

export interface ProviderOffer {
  provider: ProviderName;
  /** The provider's own id of the offer (Vast.ai ask id, TensorDock hostnode id, ...). */
  providerId: string;
  gpuType: string;
  gpuCount: number;
  vramGb: number;
  pricePerHour: number;
  location: string | null;
  /** 0-1, as the provider reports it (1 when it reports none). */
  reliability: number;
  available: boolean;
  /** 0: no limit. */
  maxDurationHours: number;
  cudaVersion: number | null;
}

/**
 * A launch template as the provider publishes it (Vast.ai's template fields): an image, Docker-style
 * options, a start command and the machine requirements (`extraFilters`) an offer must meet to run it.
 */
export interface ProviderTemplate {
  provider: ProviderName;
  /** The provider's numeric id (a built-in template's is derived from its hash). */
  id: number;
  /** The id sessions launch it with; unique across providers. */
  hashId: string;
  name: string;
  image: string;
  tag: string | null;
  /** Docker-style options, e.g. `-e VAR=value -p 8000:8000`. */
  env: string;
  onstart: string | null;
  runtype: string;
  useSsh: boolean;
  sshDirect: boolean;
  recommended: boolean;
  /** GB */
  recommendedDiskSpace: number | null;
  /** JSON text of `{field: {op: value}}` in Vast.ai's offer field names, as the provider gives it. */
  extraFilters: string | null;
  creatorId: number | null;
  createdAt: Date | null;
  countCreated: number | null;
}

export type InstanceStatus = 'provisioning' | 'running' | 'stopped' | 'failed' | 'unknown';

export interface ProviderInstance {
  provider: ProviderName;
  instanceId: string;
  status: InstanceStatus;
  /** The label given at creation: carries the deployment id, so a deployment only touches its own instances. */
  label: string | null;
  ssh: { host: string; port: number; user: string } | null;
  startedAt: Date | null;
  pricePerHour: number | null;
  /** Last measured activity (a command, a connection), where the provider can observe it; null otherwise. */
  lastActivityAt: Date | null;
}

export interface CreateInstanceRequest {
  providerOfferId: string;
  image: string;
  label: string;
  diskGb: number;
  env: Record<string, string>;
  onStartCmd: string | null;
  sshPublicKey: string;
  /**
   * Ports of this machine's loopback the instance must reach (a worker's runtime calling the server). A
   * cloud instance reaches the server over the network and ignores it; the local provider, whose
   * instances have only a loopback of their own, makes each one reachable at the instance's own
   * 127.0.0.1:<port> and nothing else of the host (local/host-forward.ts).
   */
  hostPorts?: number[];
}

export interface GpuProvider {
  readonly name: ProviderName;
  listOffers(): Promise<ProviderOffer[]>;
  /** The templates instances of this provider can be launched with; a provider without templates leaves it out. */
  listTemplates?(): Promise<ProviderTemplate[]>;
  createInstance(request: CreateInstanceRequest): Promise<{ instanceId: string }>;
  /** undefined when the provider no longer knows the instance. */
  getInstance(instanceId: string): Promise<ProviderInstance | undefined>;
  /** Every instance of the account, for reconciliation. */
  listInstances(): Promise<ProviderInstance[]>;
  /**
   * Idempotent: destroying an instance that is already gone succeeds. With `preserveStorage`, a provider
   * that can keep the instance's disk does (see `preservesStorage`).
   */
  destroyInstance(instanceId: string, options?: { preserveStorage?: boolean }): Promise<void>;
  /** The provider can keep an instance's disk after destroying it (storage_policy `preserve`). */
  readonly preservesStorage?: boolean;
  /** Its instances end with this process (the local provider): sessions on it end at shutdown. */
  readonly instancesEndWithProcess?: boolean;
  /**
   * Set where each process sees only its own instances (the local provider): every instance this process
   * can see has an id starting with it, so a replica never judges another node's local instances.
   */
  readonly instanceIdPrefix?: string;
  /** Why the provider cannot create instances on this machine (the local provider without runc), or null. */
  unavailableReason?(): Promise<string | null>;
  /** What an operator should know about how the provider runs here (logged at start-up), e.g. weaker isolation. */
  notices?(): Promise<string[]>;
}

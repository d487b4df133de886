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
  /** One OpenSSH public key per line: every one of them may log in. */
  sshPublicKey: string;
  /**
   * A persistent volume (pods): the instance mounts it at the provider's `volumePath`, and destroying the
   * instance keeps it until `deleteVolume`. A provider that ties volumes to instances ignores the id.
   */
  volume?: { id: string; sizeGb: number };
  /**
   * Ports of this machine's loopback the instance must reach (a worker's runtime calling the server). A
   * cloud instance reaches the server over the network and ignores it; the local provider, whose
   * instances have only a loopback of their own, makes each one reachable at the instance's own
   * 127.0.0.1:<port> and nothing else of the host (local/host-forward.ts).
   */
  hostPorts?: number[];
}

/** What was measured inside an instance at one moment; a null figure was not measurable there. */
export interface ActivitySample {
  at: Date;
  /** CPU use since the previous sample, in percent of one core. */
  cpuPercent: number | null;
  /** Processes of the workload (the instance's own init not counted). */
  processes: number | null;
  /** Open SSH connections. */
  sshSessions: number | null;
  /** Mean GPU utilisation over the instance's GPUs, 0-100. */
  gpuUtilization: number | null;
}

/**
 * Long-lived instances with a persistent volume (the pods area): stop keeps the volume, start boots the
 * instance again on it, and the volume is deleted only when asked.
 */
export interface PodOperations {
  /** Where the volume appears inside the instance, e.g. `/workspace`. */
  readonly volumePath: string;
  /** Storage of a stopped instance's volume outlives its instance on the provider (local: yes; RunPod: the pod keeps it). */
  readonly vanishedKeepsVolume: boolean;
  /** Stops the instance and keeps its volume; idempotent. */
  stop(instanceId: string): Promise<void>;
  /** Boots a stopped instance on its volume; returns the instance id it has now (the same or a new one). */
  start(
    instanceId: string,
    request: CreateInstanceRequest & { volume: { id: string; sizeGb: number } },
  ): Promise<{ instanceId: string }>;
  /** Deletes the volume (and whatever of the instance the provider still keeps); idempotent. */
  deleteVolume(volumeId: string, instanceId: string | null): Promise<void>;
  /** What is happening inside a running instance now; null when nothing could be measured. */
  sample(instanceId: string): Promise<ActivitySample | null>;
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
  /** Pods: instances with persistent volumes; a provider without it offers no pods. */
  readonly pods?: PodOperations;
  /** Why the provider cannot create instances on this machine (the local provider without runc), or null. */
  unavailableReason?(): Promise<string | null>;
  /** What an operator should know about how the provider runs here (logged at start-up), e.g. weaker isolation. */
  notices?(): Promise<string[]>;
}

/**
 * The parts of Vast.ai's REST API (https://console.vast.ai/api/v0, Bearer auth) the adapter uses, as the
 * API documents them: offer search (`GET /bundles/?q=`), rent (`PUT /asks/{id}/`), instances
 * (`GET /instances/`, `GET /instances/{id}/`, `DELETE /instances/{id}/`), SSH key attach
 * (`POST /instances/{id}/ssh/`), template search (`GET /template/?select_filters=`). Only the fields we
 * read are listed.
 */
export interface VastOffer {
  id: number;
  ask_contract_id?: number;
  gpu_name: string;
  num_gpus: number;
  /** MB */
  gpu_ram: number;
  /** USD per hour, all costs included */
  dph_total: number;
  geolocation?: string | null;
  reliability2?: number;
  reliability?: number;
  rentable?: boolean;
  cuda_max_good?: number | null;
  /** seconds until the offer's end date; absent or 0: no limit */
  duration?: number | null;
}

export interface VastInstance {
  id: number;
  /** null while provisioning; created, loading, running, stopped, frozen, exited, rebooting, unknown, offline */
  actual_status: string | null;
  intended_status?: string | null;
  label?: string | null;
  ssh_host?: string | null;
  ssh_port?: number | null;
  /** unix seconds */
  start_date?: number | null;
  dph_total?: number | null;
}

export interface VastRentRequest {
  client_id: 'me';
  image: string;
  disk: number;
  label: string;
  env: Record<string, string>;
  onstart?: string;
  runtype: 'ssh';
}

/** A template as the template search (`GET /template/`) answers it. */
export interface VastTemplate {
  id: number;
  hash_id: string;
  name?: string | null;
  image: string;
  tag?: string | null;
  /** Docker options: `-e VAR=value -p 8000:8000` */
  env?: string | null;
  onstart?: string | null;
  /** ssh, jupyter or args */
  runtype?: string | null;
  use_ssh?: boolean | null;
  ssh_direct?: boolean | null;
  recommended?: boolean | null;
  /** GB */
  recommended_disk_space?: number | null;
  /** Machine search filters: JSON text in search results (an object when a template is created). */
  extra_filters?: string | Record<string, unknown> | null;
  creator_id?: number | null;
  /** unix seconds */
  created_at?: number | null;
  count_created?: number | null;
}

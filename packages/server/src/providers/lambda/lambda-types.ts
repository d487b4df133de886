/**
 * The parts of Lambda Cloud's REST API (https://cloud.lambdalabs.com/api/v1, Bearer auth) the adapter uses,
 * as the API documents them: `GET /instance-types`, `POST /instance-operations/launch`,
 * `GET /instances`, `GET /instances/{id}`, `POST /instance-operations/terminate`, `POST /ssh-keys`.
 * Responses wrap their payload in `data`; errors are `{error: {code, message, suggestion?}}`.
 */
export interface LambdaInstanceType {
  instance_type: {
    name: string;
    description: string;
    /** e.g. "1x H100 (80 GB SXM5)" */
    gpu_description?: string;
    price_cents_per_hour: number;
    specs: { vcpus: number; memory_gib: number; storage_gib: number; gpus: number };
  };
  regions_with_capacity_available: { name: string; description: string }[];
}

export interface LambdaInstance {
  id: string;
  name?: string | null;
  ip?: string | null;
  /** booting, active, unhealthy, terminating, terminated */
  status: string;
  region?: { name: string };
  instance_type?: { name: string; price_cents_per_hour?: number };
}

export interface LambdaLaunchRequest {
  region_name: string;
  instance_type_name: string;
  ssh_key_names: string[];
  quantity: 1;
  name: string;
}

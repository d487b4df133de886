/** The create request as stored on the session row (`request` column), with what was resolved from it. */
export interface StoredRequest {
  workload_type: 'llm' | 'training' | 'batch';
  storage_policy: 'preserve' | 'destroy';
  launch_mode: 'ssh' | 'entrypoint';
  docker_image?: string;
  model_id?: string;
  exposed_ports?: number[];
  quantization?: string;
  disk_gb: number;
  template_hash_id?: string;
  auto_retry: boolean;
  max_retries: number;
  retry_scope: 'same_gpu' | 'same_vram' | 'any';
  ssh_timeout_minutes: number;
  on_start_cmd?: string;
  /** Image, environment and start command the instance is created with (from the template or the request). */
  resolved: {
    image: string | null;
    env: Record<string, string>;
    onStart: string | null;
    templateProvider: string | null;
  };
}

export const storedRequest = (row: { request: Record<string, unknown> }) => row.request as unknown as StoredRequest;

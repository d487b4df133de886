/**
 * The parts of TensorDock's v2 REST API (https://dashboard.tensordock.com/api/v2, Bearer auth) the adapter
 * uses, as its documentation shows them: `GET /locations` (GPU stock and prices per location),
 * `POST /instances`, `GET /instances`, `GET /instances/{id}`, `DELETE /instances/{id}`. Bodies follow its
 * JSON:API style (`data.type`, `data.id`, `data.attributes`).
 */
export interface TensorDockLocation {
  id: string;
  city: string;
  stateprovince?: string;
  country: string;
  gpus: {
    v0Name: string;
    displayName: string;
    max_count: number;
    price_per_hr: number;
    pricing?: { per_vcpu_hr: number; per_gb_ram_hr: number; per_gb_storage_hr: number };
  }[];
}

export interface TensorDockInstance {
  type: string;
  id: string;
  attributes: {
    name: string;
    /** starting, running, stopping, stopped, deleting, deleted, error */
    status: string;
    ipAddress?: string | null;
    /** internal port -> external port */
    portForwards?: Record<string, number>;
    rateHourly?: number;
  };
}

export interface TensorDockCreateRequest {
  data: {
    type: 'virtualmachine';
    attributes: {
      name: string;
      type: 'virtualmachine';
      image: string;
      resources: { vcpu_count: number; ram_gb: number; storage_gb: number; gpus: Record<string, { count: number }> };
      location_id: string;
      useDedicatedIp: boolean;
      port_forwards: { internal_port: number; external_port: number }[];
      ssh_key: string;
      cloud_init?: { runcmd: string[] };
    };
  };
}

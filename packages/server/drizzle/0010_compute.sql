CREATE TABLE "compute_jobs" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"kind" text NOT NULL,
	"status" text NOT NULL,
	"stage" text,
	"stages" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"provider" text,
	"instance_id" text,
	"api_key_id" text,
	"request" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"report" jsonb,
	"error" text,
	"terminated_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "compute_peers" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"name" text NOT NULL,
	"grpc_peer" text,
	"realtime_peer_url" text,
	"instance_id" text,
	"auth_token" text,
	"capabilities" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"last_seen_at" timestamp with time zone NOT NULL,
	"last_probe_at" timestamp with time zone,
	"probe_latency_ms" double precision,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "compute_jobs" ADD CONSTRAINT "compute_jobs_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "compute_peers" ADD CONSTRAINT "compute_peers_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "compute_jobs_tenant_idx" ON "compute_jobs" USING btree ("tenant_id","created_at");--> statement-breakpoint
CREATE INDEX "compute_jobs_instance_idx" ON "compute_jobs" USING btree ("instance_id");--> statement-breakpoint
CREATE INDEX "compute_peers_tenant_idx" ON "compute_peers" USING btree ("tenant_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "compute_peers_grpc_idx" ON "compute_peers" USING btree ("tenant_id","grpc_peer") WHERE grpc_peer IS NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "compute_peers_realtime_idx" ON "compute_peers" USING btree ("tenant_id","realtime_peer_url") WHERE realtime_peer_url IS NOT NULL;
CREATE TABLE "gpu_sessions" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"consumer_id" text NOT NULL,
	"status" text NOT NULL,
	"label" text NOT NULL,
	"offer_id" text NOT NULL,
	"provider" text NOT NULL,
	"provider_offer_id" text NOT NULL,
	"instance_id" text,
	"gpu_type" text NOT NULL,
	"gpu_count" integer NOT NULL,
	"vram_gb" integer NOT NULL,
	"price_per_hour" double precision NOT NULL,
	"request" jsonb NOT NULL,
	"reservation_hours" integer NOT NULL,
	"idle_threshold_minutes" integer DEFAULT 0 NOT NULL,
	"retry_count" integer DEFAULT 0 NOT NULL,
	"tried_offers" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"ssh_host" text,
	"ssh_port" integer,
	"ssh_user" text,
	"ssh_public_key" text NOT NULL,
	"ssh_private_key" text,
	"failure_reason" text,
	"stop_reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"provisioned_at" timestamp with time zone,
	"started_at" timestamp with time zone,
	"expires_at" timestamp with time zone NOT NULL,
	"hard_expires_at" timestamp with time zone NOT NULL,
	"stopped_at" timestamp with time zone,
	"billing_started_at" timestamp with time zone,
	"billing_ended_at" timestamp with time zone,
	"last_activity_at" timestamp with time zone,
	"key_collected_at" timestamp with time zone,
	"destroy_attempts" integer DEFAULT 0 NOT NULL,
	"end_status" text,
	"prior_cost" double precision DEFAULT 0 NOT NULL,
	"prior_hours" double precision DEFAULT 0 NOT NULL,
	"preserve_storage" boolean DEFAULT false NOT NULL,
	"next_check_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "platform_settings" (
	"key" text PRIMARY KEY NOT NULL,
	"value" text NOT NULL
);
--> statement-breakpoint
ALTER TABLE "gpu_sessions" ADD CONSTRAINT "gpu_sessions_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "gpu_sessions_tenant_idx" ON "gpu_sessions" USING btree ("tenant_id","created_at");--> statement-breakpoint
CREATE INDEX "gpu_sessions_check_idx" ON "gpu_sessions" USING btree ("status","next_check_at");--> statement-breakpoint
CREATE INDEX "gpu_sessions_billing_idx" ON "gpu_sessions" USING btree ("tenant_id","billing_started_at");--> statement-breakpoint
CREATE UNIQUE INDEX "gpu_sessions_active_offer_idx" ON "gpu_sessions" USING btree ("tenant_id","consumer_id","offer_id") WHERE status IN ('pending', 'provisioning', 'running');
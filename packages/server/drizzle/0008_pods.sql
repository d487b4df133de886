CREATE TABLE "labs" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"name" text NOT NULL,
	"slug" text NOT NULL,
	"idle_alert_minutes" integer NOT NULL,
	"idle_stop_minutes" integer NOT NULL,
	"auto_schedule_enabled" boolean DEFAULT false NOT NULL,
	"monthly_budget" double precision,
	"budget_action" text DEFAULT 'stop' NOT NULL,
	"ssh_public_keys" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"budget_alerted_month" text,
	"next_budget_check_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "pod_events" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"lab_id" text NOT NULL,
	"pod_id" text,
	"type" text NOT NULL,
	"message" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "pod_usage" (
	"id" text PRIMARY KEY NOT NULL,
	"pod_id" text NOT NULL,
	"lab_id" text NOT NULL,
	"tenant_id" text NOT NULL,
	"kind" text NOT NULL,
	"price_per_hour" double precision NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"ended_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "pods" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"lab_id" text NOT NULL,
	"status" text NOT NULL,
	"label" text NOT NULL,
	"provider" text NOT NULL,
	"offer_id" text NOT NULL,
	"provider_offer_id" text NOT NULL,
	"instance_id" text,
	"volume_id" text NOT NULL,
	"gpu_type" text NOT NULL,
	"gpu_count" integer NOT NULL,
	"price_per_hour" double precision NOT NULL,
	"storage_price_per_hour" double precision NOT NULL,
	"image" text NOT NULL,
	"env" jsonb NOT NULL,
	"volume_size" integer NOT NULL,
	"volume_path" text NOT NULL,
	"max_hours" double precision,
	"ssh_host" text,
	"ssh_port" integer,
	"ssh_user" text,
	"ssh_public_keys" text NOT NULL,
	"running_seconds" double precision DEFAULT 0 NOT NULL,
	"run_started_at" timestamp with time zone,
	"last_activity_at" timestamp with time zone,
	"telemetry" jsonb,
	"idle_alerted_at" timestamp with time zone,
	"max_hours_warned_at" timestamp with time zone,
	"key_collected_at" timestamp with time zone,
	"failure_reason" text,
	"stop_reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"stopped_at" timestamp with time zone,
	"terminated_at" timestamp with time zone,
	"volume_delete_at" timestamp with time zone,
	"volume_deleted_at" timestamp with time zone,
	"next_check_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "labs" ADD CONSTRAINT "labs_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pod_events" ADD CONSTRAINT "pod_events_lab_id_labs_id_fk" FOREIGN KEY ("lab_id") REFERENCES "public"."labs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pod_usage" ADD CONSTRAINT "pod_usage_pod_id_pods_id_fk" FOREIGN KEY ("pod_id") REFERENCES "public"."pods"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pods" ADD CONSTRAINT "pods_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pods" ADD CONSTRAINT "pods_lab_id_labs_id_fk" FOREIGN KEY ("lab_id") REFERENCES "public"."labs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "labs_tenant_slug_idx" ON "labs" USING btree ("tenant_id","slug");--> statement-breakpoint
CREATE INDEX "labs_budget_check_idx" ON "labs" USING btree ("next_budget_check_at");--> statement-breakpoint
CREATE INDEX "pod_events_lab_idx" ON "pod_events" USING btree ("lab_id","created_at");--> statement-breakpoint
CREATE INDEX "pod_usage_lab_idx" ON "pod_usage" USING btree ("lab_id","started_at");--> statement-breakpoint
CREATE UNIQUE INDEX "pod_usage_open_idx" ON "pod_usage" USING btree ("pod_id","kind") WHERE ended_at IS NULL;--> statement-breakpoint
CREATE INDEX "pods_lab_idx" ON "pods" USING btree ("lab_id","created_at");--> statement-breakpoint
CREATE INDEX "pods_check_idx" ON "pods" USING btree ("status","next_check_at");
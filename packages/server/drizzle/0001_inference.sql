CREATE TABLE "blobs" (
	"checksum" text PRIMARY KEY NOT NULL,
	"size" bigint NOT NULL,
	"bytes" "bytea" NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "inference_jobs" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"model_id" text NOT NULL,
	"kind" text NOT NULL,
	"status" text DEFAULT 'queued' NOT NULL,
	"name" text,
	"project_id" text,
	"options" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"total_tasks" integer NOT NULL,
	"completed_tasks" integer DEFAULT 0 NOT NULL,
	"failed_tasks" integer DEFAULT 0 NOT NULL,
	"cancelled_tasks" integer DEFAULT 0 NOT NULL,
	"error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"completed_at" timestamp with time zone,
	"deadline_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "inference_tasks" (
	"job_id" text NOT NULL,
	"idx" integer NOT NULL,
	"first_item" integer NOT NULL,
	"item_count" integer NOT NULL,
	"status" text DEFAULT 'queued' NOT NULL,
	"items" text NOT NULL,
	"results" text,
	"claimed_by" text,
	"claim_token" text,
	"lease_expires_at" timestamp with time zone,
	"attempts" integer DEFAULT 0 NOT NULL,
	"completed_at" timestamp with time zone,
	CONSTRAINT "inference_tasks_job_id_idx_pk" PRIMARY KEY("job_id","idx")
);
--> statement-breakpoint
ALTER TABLE "inference_jobs" ADD CONSTRAINT "inference_jobs_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inference_tasks" ADD CONSTRAINT "inference_tasks_job_id_inference_jobs_id_fk" FOREIGN KEY ("job_id") REFERENCES "public"."inference_jobs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "inference_jobs_tenant_idx" ON "inference_jobs" USING btree ("tenant_id","created_at");--> statement-breakpoint
CREATE INDEX "inference_jobs_status_idx" ON "inference_jobs" USING btree ("status");--> statement-breakpoint
CREATE INDEX "inference_tasks_claim_idx" ON "inference_tasks" USING btree ("status","lease_expires_at");
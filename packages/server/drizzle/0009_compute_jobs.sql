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
ALTER TABLE "compute_jobs" ADD CONSTRAINT "compute_jobs_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "compute_jobs_tenant_idx" ON "compute_jobs" USING btree ("tenant_id","created_at");--> statement-breakpoint
CREATE INDEX "compute_jobs_instance_idx" ON "compute_jobs" USING btree ("instance_id");
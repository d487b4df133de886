CREATE TABLE "training_jobs" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"model_id" text NOT NULL,
	"status" text NOT NULL,
	"config" jsonb NOT NULL,
	"loss" jsonb NOT NULL,
	"progress" jsonb NOT NULL,
	"checkpoint" jsonb,
	"assigned_devices" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"result_model_id" text,
	"error" text,
	"claim_token" text,
	"lease_until" timestamp with time zone,
	"attempts" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"completed_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "training_jobs" ADD CONSTRAINT "training_jobs_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "training_jobs_tenant_idx" ON "training_jobs" USING btree ("tenant_id","created_at");--> statement-breakpoint
CREATE INDEX "training_jobs_status_idx" ON "training_jobs" USING btree ("status");
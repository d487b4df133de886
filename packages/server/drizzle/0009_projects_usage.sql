CREATE TABLE "benchmarks" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"status" text NOT NULL,
	"config" jsonb NOT NULL,
	"steps" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"completed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "projects" (
	"tenant_id" text NOT NULL,
	"id" text NOT NULL,
	"name" text NOT NULL,
	"type" text NOT NULL,
	"model_id" text,
	"status" text DEFAULT 'active' NOT NULL,
	"total_tasks" integer,
	"submitted_tasks" bigint DEFAULT 0 NOT NULL,
	"completed_tasks" bigint DEFAULT 0 NOT NULL,
	"failed_tasks" bigint DEFAULT 0 NOT NULL,
	"compute_ms" double precision DEFAULT 0 NOT NULL,
	"latency_ms_sum" double precision DEFAULT 0 NOT NULL,
	"latency_samples" bigint DEFAULT 0 NOT NULL,
	"bytes_in" bigint DEFAULT 0 NOT NULL,
	"bytes_out" bigint DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"first_task_at" timestamp with time zone,
	"last_task_at" timestamp with time zone,
	"completed_at" timestamp with time zone,
	"cancelled_at" timestamp with time zone,
	CONSTRAINT "projects_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "task_records" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "task_records_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"tenant_id" text NOT NULL,
	"project_id" text,
	"kind" text NOT NULL,
	"job_id" text,
	"device_id" text NOT NULL,
	"device_kind" text NOT NULL,
	"processor" text NOT NULL,
	"tasks" integer NOT NULL,
	"failed" integer NOT NULL,
	"compute_ms" double precision NOT NULL,
	"latency_ms" double precision NOT NULL,
	"bytes_in" bigint NOT NULL,
	"bytes_out" bigint NOT NULL,
	"finished_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "training_samples" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "training_samples_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"job_id" text NOT NULL,
	"tenant_id" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"batches_completed" integer NOT NULL,
	"samples_completed" bigint NOT NULL,
	"accuracy" double precision,
	"loss" double precision,
	"devices" integer NOT NULL,
	"device_kind" text NOT NULL,
	"power_watts" double precision
);
--> statement-breakpoint
CREATE TABLE "usage_hourly" (
	"tenant_id" text NOT NULL,
	"project_id" text NOT NULL,
	"device_id" text NOT NULL,
	"device_kind" text NOT NULL,
	"processor" text NOT NULL,
	"hour" timestamp with time zone NOT NULL,
	"ok_tasks" bigint DEFAULT 0 NOT NULL,
	"failed_tasks" bigint DEFAULT 0 NOT NULL,
	"ok_compute_ms" double precision DEFAULT 0 NOT NULL,
	"failed_compute_ms" double precision DEFAULT 0 NOT NULL,
	"bytes_in" bigint DEFAULT 0 NOT NULL,
	"bytes_out" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "usage_hourly_tenant_id_project_id_device_id_processor_hour_pk" PRIMARY KEY("tenant_id","project_id","device_id","processor","hour")
);
--> statement-breakpoint
ALTER TABLE "training_jobs" ADD COLUMN "project_id" text;--> statement-breakpoint
ALTER TABLE "benchmarks" ADD CONSTRAINT "benchmarks_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "projects" ADD CONSTRAINT "projects_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "benchmarks_tenant_idx" ON "benchmarks" USING btree ("tenant_id","created_at");--> statement-breakpoint
CREATE INDEX "projects_tenant_idx" ON "projects" USING btree ("tenant_id","created_at");--> statement-breakpoint
CREATE INDEX "task_records_tenant_idx" ON "task_records" USING btree ("tenant_id","finished_at");--> statement-breakpoint
CREATE INDEX "task_records_project_idx" ON "task_records" USING btree ("tenant_id","project_id","finished_at");--> statement-breakpoint
CREATE INDEX "task_records_finished_idx" ON "task_records" USING btree ("finished_at");--> statement-breakpoint
CREATE INDEX "training_samples_job_idx" ON "training_samples" USING btree ("job_id","at");--> statement-breakpoint
CREATE INDEX "usage_hourly_hour_idx" ON "usage_hourly" USING btree ("hour");
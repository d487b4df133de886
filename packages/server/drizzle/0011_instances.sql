CREATE TABLE "instance_images" (
	"tenant_id" text NOT NULL,
	"name" text NOT NULL,
	"status" text NOT NULL,
	"digest" text,
	"size_bytes" bigint,
	"error" text,
	"config" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "instance_images_tenant_id_name_pk" PRIMARY KEY("tenant_id","name")
);
--> statement-breakpoint
CREATE TABLE "instance_volume_attachments" (
	"volume_id" text NOT NULL,
	"instance_id" text NOT NULL,
	"mount_path" text NOT NULL,
	"readonly" boolean DEFAULT false NOT NULL,
	"overlay" boolean DEFAULT false NOT NULL,
	"overlay_size" text,
	"position" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "instance_volume_attachments_volume_id_instance_id_pk" PRIMARY KEY("volume_id","instance_id")
);
--> statement-breakpoint
CREATE TABLE "instance_volumes" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"name" text NOT NULL,
	"size_gb" integer NOT NULL,
	"tags" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "instances" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"name" text NOT NULL,
	"image" text NOT NULL,
	"image_digest" text NOT NULL,
	"node_id" text NOT NULL,
	"state" text NOT NULL,
	"spec" jsonb NOT NULL,
	"tags" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"hypervisor" text NOT NULL,
	"ip" text,
	"mac" text,
	"exit_code" integer,
	"exit_message" text,
	"state_error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"stopped_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "instance_images" ADD CONSTRAINT "instance_images_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "instance_volume_attachments" ADD CONSTRAINT "instance_volume_attachments_volume_id_instance_volumes_id_fk" FOREIGN KEY ("volume_id") REFERENCES "public"."instance_volumes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "instance_volume_attachments" ADD CONSTRAINT "instance_volume_attachments_instance_id_instances_id_fk" FOREIGN KEY ("instance_id") REFERENCES "public"."instances"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "instance_volumes" ADD CONSTRAINT "instance_volumes_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "instances" ADD CONSTRAINT "instances_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "instance_images_status_idx" ON "instance_images" USING btree ("status");--> statement-breakpoint
CREATE UNIQUE INDEX "instance_volumes_tenant_name_idx" ON "instance_volumes" USING btree ("tenant_id","name");--> statement-breakpoint
CREATE UNIQUE INDEX "instances_tenant_name_idx" ON "instances" USING btree ("tenant_id","name");--> statement-breakpoint
CREATE INDEX "instances_node_idx" ON "instances" USING btree ("node_id","state");
CREATE TABLE "datasets" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"name" text NOT NULL,
	"format" text NOT NULL,
	"size" bigint NOT NULL,
	"checksum" text NOT NULL,
	"rows" bigint NOT NULL,
	"columns" jsonb NOT NULL,
	"label_column" text NOT NULL,
	"label_type" text NOT NULL,
	"num_classes" integer,
	"label_min" double precision NOT NULL,
	"label_max" double precision NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "datasets" ADD CONSTRAINT "datasets_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "datasets_tenant_created_idx" ON "datasets" USING btree ("tenant_id","created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "datasets_checksum_idx" ON "datasets" USING btree ("checksum");
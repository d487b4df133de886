CREATE TABLE "blob_chunks" (
	"checksum" text NOT NULL,
	"seq" integer NOT NULL,
	"bytes" "bytea" NOT NULL,
	CONSTRAINT "blob_chunks_checksum_seq_pk" PRIMARY KEY("checksum","seq")
);
--> statement-breakpoint
ALTER TABLE "blobs" ADD COLUMN "chunks" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "blob_chunks" ADD CONSTRAINT "blob_chunks_checksum_blobs_checksum_fk" FOREIGN KEY ("checksum") REFERENCES "public"."blobs"("checksum") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
-- Model weights barely compress; chunks are stored out of line without pglz trying.
ALTER TABLE "blob_chunks" ALTER COLUMN "bytes" SET STORAGE EXTERNAL;

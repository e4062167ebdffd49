CREATE TYPE "public"."knowledge_source" AS ENUM('manual', 'import', 'feedback');--> statement-breakpoint
CREATE TYPE "public"."knowledge_status" AS ENUM('draft', 'approved', 'archived');--> statement-breakpoint
CREATE TYPE "public"."user_role" AS ENUM('admin', 'staff');--> statement-breakpoint
CREATE TABLE "audit_log" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"actor_id" uuid,
	"action" text NOT NULL,
	"target_type" text,
	"target_id" text,
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "knowledge_markers" (
	"key" text PRIMARY KEY NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "knowledge_pair_versions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"pair_id" uuid NOT NULL,
	"version" integer NOT NULL,
	"snapshot" jsonb NOT NULL,
	"change" text NOT NULL,
	"changed_by" uuid,
	"changed_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "knowledge_pair_versions_pair_version_key" UNIQUE("pair_id","version")
);
--> statement-breakpoint
CREATE TABLE "knowledge_pairs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"question" text NOT NULL,
	"answer" text DEFAULT '' NOT NULL,
	"variants" text[] DEFAULT '{}'::text[] NOT NULL,
	"variants_text" text DEFAULT '' NOT NULL,
	"context" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"product" text,
	"tags" text[] DEFAULT '{}'::text[] NOT NULL,
	"status" "knowledge_status" DEFAULT 'draft' NOT NULL,
	"source" "knowledge_source" DEFAULT 'manual' NOT NULL,
	"question_hash" text NOT NULL,
	"answer_hash" text NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_by" uuid,
	"updated_by" uuid,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"search_vector" "tsvector" GENERATED ALWAYS AS (setweight(to_tsvector('english'::regconfig, question), 'A') || setweight(to_tsvector('english'::regconfig, variants_text), 'B') || setweight(to_tsvector('english'::regconfig, answer), 'C')) STORED,
	"question_signature" text GENERATED ALWAYS AS (strip(to_tsvector('english'::regconfig, question))::text) STORED
);
--> statement-breakpoint
CREATE TABLE "sign_in_attempts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"email" text NOT NULL,
	"succeeded" boolean NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "users" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"email" text NOT NULL,
	"name" text DEFAULT '' NOT NULL,
	"password_hash" text NOT NULL,
	"role" "user_role" NOT NULL,
	"disabled_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "users_email_unique" UNIQUE("email")
);
--> statement-breakpoint
ALTER TABLE "audit_log" ADD CONSTRAINT "audit_log_actor_id_users_id_fk" FOREIGN KEY ("actor_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "knowledge_pair_versions" ADD CONSTRAINT "knowledge_pair_versions_pair_id_knowledge_pairs_id_fk" FOREIGN KEY ("pair_id") REFERENCES "public"."knowledge_pairs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "knowledge_pair_versions" ADD CONSTRAINT "knowledge_pair_versions_changed_by_users_id_fk" FOREIGN KEY ("changed_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "knowledge_pairs" ADD CONSTRAINT "knowledge_pairs_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "knowledge_pairs" ADD CONSTRAINT "knowledge_pairs_updated_by_users_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "audit_log_created_idx" ON "audit_log" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "audit_log_action_idx" ON "audit_log" USING btree ("action");--> statement-breakpoint
CREATE INDEX "knowledge_pairs_search_idx" ON "knowledge_pairs" USING gin ("search_vector");--> statement-breakpoint
CREATE INDEX "knowledge_pairs_question_trgm_idx" ON "knowledge_pairs" USING gin ("question" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "knowledge_pairs_variants_trgm_idx" ON "knowledge_pairs" USING gin ("variants_text" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "knowledge_pairs_tags_idx" ON "knowledge_pairs" USING gin ("tags");--> statement-breakpoint
CREATE INDEX "knowledge_pairs_updated_idx" ON "knowledge_pairs" USING btree ("updated_at","id");--> statement-breakpoint
CREATE INDEX "knowledge_pairs_created_idx" ON "knowledge_pairs" USING btree ("created_at","id");--> statement-breakpoint
CREATE INDEX "knowledge_pairs_question_sort_idx" ON "knowledge_pairs" USING btree (lower(left("question", 120)),"id");--> statement-breakpoint
CREATE INDEX "knowledge_pairs_status_updated_idx" ON "knowledge_pairs" USING btree ("status","updated_at","id");--> statement-breakpoint
CREATE INDEX "knowledge_pairs_product_idx" ON "knowledge_pairs" USING btree ("product");--> statement-breakpoint
CREATE INDEX "knowledge_pairs_question_hash_idx" ON "knowledge_pairs" USING btree ("question_hash");--> statement-breakpoint
CREATE INDEX "knowledge_pairs_signature_idx" ON "knowledge_pairs" USING hash ("question_signature");--> statement-breakpoint
CREATE INDEX "sign_in_attempts_email_created_idx" ON "sign_in_attempts" USING btree ("email","created_at");--> statement-breakpoint
CREATE INDEX "users_role_idx" ON "users" USING btree ("role");
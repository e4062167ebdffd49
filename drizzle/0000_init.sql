CREATE TYPE "public"."conversation_status" AS ENUM('open', 'resolved');--> statement-breakpoint
CREATE TYPE "public"."feedback_rating" AS ENUM('up', 'down');--> statement-breakpoint
CREATE TYPE "public"."feedback_reason" AS ENUM('incorrect', 'incomplete', 'outdated', 'off_topic', 'other');--> statement-breakpoint
CREATE TYPE "public"."message_grounding" AS ENUM('answer', 'clarify', 'decline');--> statement-breakpoint
CREATE TYPE "public"."message_role" AS ENUM('user', 'assistant', 'staff');--> statement-breakpoint
CREATE TYPE "public"."message_state" AS ENUM('complete', 'generating', 'cancelled', 'failed');--> statement-breakpoint
CREATE TYPE "public"."review_item_kind" AS ENUM('rating', 'correction', 'escalation');--> statement-breakpoint
CREATE TYPE "public"."review_item_status" AS ENUM('open', 'resolved', 'dismissed');--> statement-breakpoint
CREATE TYPE "public"."knowledge_source" AS ENUM('manual', 'import', 'feedback');--> statement-breakpoint
CREATE TYPE "public"."knowledge_status" AS ENUM('draft', 'approved', 'archived');--> statement-breakpoint
CREATE TYPE "public"."base_model_kind" AS ENUM('local', 'starter', 'hub');--> statement-breakpoint
CREATE TYPE "public"."base_model_status" AS ENUM('ready', 'downloading', 'invalid');--> statement-breakpoint
CREATE TYPE "public"."model_status" AS ENUM('candidate', 'production', 'retired');--> statement-breakpoint
CREATE TYPE "public"."training_run_status" AS ENUM('queued', 'running', 'succeeded', 'failed', 'cancelled');--> statement-breakpoint
CREATE TYPE "public"."user_role" AS ENUM('admin', 'staff');--> statement-breakpoint
CREATE TABLE "api_keys" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"prefix" text NOT NULL,
	"key_hash" text NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_used_at" timestamp with time zone,
	"revoked_at" timestamp with time zone,
	"revoked_by" uuid
);
--> statement-breakpoint
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
CREATE TABLE "conversations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"customer_id" text NOT NULL,
	"channel" text DEFAULT 'chat' NOT NULL,
	"status" "conversation_status" DEFAULT 'open' NOT NULL,
	"escalated_at" timestamp (3) with time zone,
	"contact" text,
	"resolved_at" timestamp (3) with time zone,
	"resolved_by" uuid,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"last_message_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "message_feedback" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"message_id" uuid NOT NULL,
	"conversation_id" uuid NOT NULL,
	"rating" "feedback_rating" NOT NULL,
	"reason" "feedback_reason",
	"correction" text,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "messages" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"conversation_id" uuid NOT NULL,
	"role" "message_role" NOT NULL,
	"content" text NOT NULL,
	"state" "message_state" DEFAULT 'complete' NOT NULL,
	"author_id" uuid,
	"model_id" uuid,
	"finish_reason" text,
	"prompt_tokens" integer,
	"completion_tokens" integer,
	"retrieved_pair_ids" uuid[] DEFAULT '{}'::uuid[] NOT NULL,
	"grounding" "message_grounding",
	"grounding_score" real,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "review_items" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"kind" "review_item_kind" NOT NULL,
	"conversation_id" uuid NOT NULL,
	"message_id" uuid,
	"feedback_id" uuid,
	"status" "review_item_status" DEFAULT 'open' NOT NULL,
	"outcome" text,
	"pair_id" uuid,
	"resolved_by" uuid,
	"resolved_at" timestamp (3) with time zone,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "knowledge_embeddings" (
	"encoder_id" text NOT NULL,
	"text_hash" text NOT NULL,
	"vector" "bytea" NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "knowledge_embeddings_encoder_id_text_hash_pk" PRIMARY KEY("encoder_id","text_hash")
);
--> statement-breakpoint
CREATE TABLE "knowledge_lexicon" (
	"word" text PRIMARY KEY NOT NULL
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
CREATE TABLE "base_models" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"kind" "base_model_kind" NOT NULL,
	"path" text NOT NULL,
	"hub_id" text,
	"status" "base_model_status" DEFAULT 'ready' NOT NULL,
	"summary" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "model_promotions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"model_id" uuid NOT NULL,
	"previous_model_id" uuid,
	"actor_id" uuid,
	"kind" text NOT NULL,
	"override_reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "models" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"status" "model_status" DEFAULT 'candidate' NOT NULL,
	"bundle_path" text NOT NULL,
	"base_model_id" uuid,
	"training_run_id" uuid,
	"metrics" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"evaluation" jsonb,
	"promoted_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "app_settings" (
	"key" text PRIMARY KEY NOT NULL,
	"value" jsonb NOT NULL,
	"updated_by" uuid,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "dataset_snapshots" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"sha256" text NOT NULL,
	"pair_count" integer NOT NULL,
	"train_pair_count" integer NOT NULL,
	"held_out_pair_count" integer NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "snapshot_pairs" (
	"snapshot_id" uuid NOT NULL,
	"pair_id" uuid NOT NULL,
	"question" text NOT NULL,
	"variants" text[] DEFAULT '{}'::text[] NOT NULL,
	"answer" text NOT NULL,
	"context" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"product" text,
	"split" text NOT NULL,
	CONSTRAINT "snapshot_pairs_snapshot_id_pair_id_pk" PRIMARY KEY("snapshot_id","pair_id")
);
--> statement-breakpoint
CREATE TABLE "training_metrics" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"run_id" uuid NOT NULL,
	"step" integer NOT NULL,
	"kind" text NOT NULL,
	"loss" double precision NOT NULL,
	"learning_rate" double precision,
	"tokens_per_second" double precision,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "training_runs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"status" "training_run_status" DEFAULT 'queued' NOT NULL,
	"base_model_id" uuid NOT NULL,
	"snapshot_id" uuid NOT NULL,
	"settings" jsonb NOT NULL,
	"created_by" uuid,
	"worker_id" text,
	"heartbeat_at" timestamp with time zone,
	"cancel_requested" boolean DEFAULT false NOT NULL,
	"progress" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"log_tail" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"error" text,
	"model_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "sign_in_attempts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"email" text NOT NULL,
	"client" text DEFAULT 'unknown' NOT NULL,
	"succeeded" boolean NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "user_sessions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"revoked_at" timestamp with time zone
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
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_revoked_by_users_id_fk" FOREIGN KEY ("revoked_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "audit_log" ADD CONSTRAINT "audit_log_actor_id_users_id_fk" FOREIGN KEY ("actor_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "conversations" ADD CONSTRAINT "conversations_resolved_by_users_id_fk" FOREIGN KEY ("resolved_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "message_feedback" ADD CONSTRAINT "message_feedback_message_id_messages_id_fk" FOREIGN KEY ("message_id") REFERENCES "public"."messages"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "message_feedback" ADD CONSTRAINT "message_feedback_conversation_id_conversations_id_fk" FOREIGN KEY ("conversation_id") REFERENCES "public"."conversations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "messages" ADD CONSTRAINT "messages_conversation_id_conversations_id_fk" FOREIGN KEY ("conversation_id") REFERENCES "public"."conversations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "messages" ADD CONSTRAINT "messages_author_id_users_id_fk" FOREIGN KEY ("author_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "messages" ADD CONSTRAINT "messages_model_id_models_id_fk" FOREIGN KEY ("model_id") REFERENCES "public"."models"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "review_items" ADD CONSTRAINT "review_items_conversation_id_conversations_id_fk" FOREIGN KEY ("conversation_id") REFERENCES "public"."conversations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "review_items" ADD CONSTRAINT "review_items_message_id_messages_id_fk" FOREIGN KEY ("message_id") REFERENCES "public"."messages"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "review_items" ADD CONSTRAINT "review_items_feedback_id_message_feedback_id_fk" FOREIGN KEY ("feedback_id") REFERENCES "public"."message_feedback"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "review_items" ADD CONSTRAINT "review_items_pair_id_knowledge_pairs_id_fk" FOREIGN KEY ("pair_id") REFERENCES "public"."knowledge_pairs"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "review_items" ADD CONSTRAINT "review_items_resolved_by_users_id_fk" FOREIGN KEY ("resolved_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "knowledge_pair_versions" ADD CONSTRAINT "knowledge_pair_versions_pair_id_knowledge_pairs_id_fk" FOREIGN KEY ("pair_id") REFERENCES "public"."knowledge_pairs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "knowledge_pair_versions" ADD CONSTRAINT "knowledge_pair_versions_changed_by_users_id_fk" FOREIGN KEY ("changed_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "knowledge_pairs" ADD CONSTRAINT "knowledge_pairs_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "knowledge_pairs" ADD CONSTRAINT "knowledge_pairs_updated_by_users_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "model_promotions" ADD CONSTRAINT "model_promotions_model_id_models_id_fk" FOREIGN KEY ("model_id") REFERENCES "public"."models"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "model_promotions" ADD CONSTRAINT "model_promotions_previous_model_id_models_id_fk" FOREIGN KEY ("previous_model_id") REFERENCES "public"."models"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "model_promotions" ADD CONSTRAINT "model_promotions_actor_id_users_id_fk" FOREIGN KEY ("actor_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "models" ADD CONSTRAINT "models_base_model_id_base_models_id_fk" FOREIGN KEY ("base_model_id") REFERENCES "public"."base_models"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "app_settings" ADD CONSTRAINT "app_settings_updated_by_users_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dataset_snapshots" ADD CONSTRAINT "dataset_snapshots_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "snapshot_pairs" ADD CONSTRAINT "snapshot_pairs_snapshot_id_dataset_snapshots_id_fk" FOREIGN KEY ("snapshot_id") REFERENCES "public"."dataset_snapshots"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "training_metrics" ADD CONSTRAINT "training_metrics_run_id_training_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."training_runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "training_runs" ADD CONSTRAINT "training_runs_base_model_id_base_models_id_fk" FOREIGN KEY ("base_model_id") REFERENCES "public"."base_models"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "training_runs" ADD CONSTRAINT "training_runs_snapshot_id_dataset_snapshots_id_fk" FOREIGN KEY ("snapshot_id") REFERENCES "public"."dataset_snapshots"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "training_runs" ADD CONSTRAINT "training_runs_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "training_runs" ADD CONSTRAINT "training_runs_model_id_models_id_fk" FOREIGN KEY ("model_id") REFERENCES "public"."models"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "user_sessions" ADD CONSTRAINT "user_sessions_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "api_keys_hash_key" ON "api_keys" USING btree ("key_hash");--> statement-breakpoint
CREATE INDEX "api_keys_created_idx" ON "api_keys" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "audit_log_created_idx" ON "audit_log" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "audit_log_action_idx" ON "audit_log" USING btree ("action");--> statement-breakpoint
CREATE INDEX "conversations_customer_idx" ON "conversations" USING btree ("customer_id","last_message_at");--> statement-breakpoint
CREATE INDEX "conversations_last_message_idx" ON "conversations" USING btree ("last_message_at","id");--> statement-breakpoint
CREATE INDEX "conversations_escalated_idx" ON "conversations" USING btree ("escalated_at");--> statement-breakpoint
CREATE UNIQUE INDEX "message_feedback_message_key" ON "message_feedback" USING btree ("message_id");--> statement-breakpoint
CREATE INDEX "message_feedback_conversation_idx" ON "message_feedback" USING btree ("conversation_id","rating");--> statement-breakpoint
CREATE INDEX "messages_conversation_idx" ON "messages" USING btree ("conversation_id","created_at");--> statement-breakpoint
CREATE INDEX "messages_content_trgm_idx" ON "messages" USING gin ("content" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "review_items_status_created_idx" ON "review_items" USING btree ("status","created_at");--> statement-breakpoint
CREATE INDEX "review_items_conversation_idx" ON "review_items" USING btree ("conversation_id");--> statement-breakpoint
CREATE UNIQUE INDEX "review_items_open_message_key" ON "review_items" USING btree ("message_id") WHERE status = 'open' and message_id is not null;--> statement-breakpoint
CREATE INDEX "knowledge_lexicon_word_trgm_idx" ON "knowledge_lexicon" USING gin ("word" gin_trgm_ops);--> statement-breakpoint
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
CREATE INDEX "models_status_idx" ON "models" USING btree ("status");--> statement-breakpoint
CREATE UNIQUE INDEX "models_one_production_idx" ON "models" USING btree ("status") WHERE status = 'production';--> statement-breakpoint
CREATE INDEX "training_metrics_run_idx" ON "training_metrics" USING btree ("run_id","id");--> statement-breakpoint
CREATE INDEX "training_runs_status_created_idx" ON "training_runs" USING btree ("status","created_at");--> statement-breakpoint
CREATE INDEX "sign_in_attempts_email_created_idx" ON "sign_in_attempts" USING btree ("email","created_at");--> statement-breakpoint
CREATE INDEX "sign_in_attempts_client_created_idx" ON "sign_in_attempts" USING btree ("client","created_at");--> statement-breakpoint
CREATE INDEX "user_sessions_user_idx" ON "user_sessions" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "users_role_idx" ON "users" USING btree ("role");
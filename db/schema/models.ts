import { sql } from "drizzle-orm";
import { index, jsonb, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { users } from "./users";

export const baseModelKinds = ["local", "starter", "hub"] as const;
export const baseModelKind = pgEnum("base_model_kind", baseModelKinds);
export const baseModelStatuses = ["ready", "downloading", "invalid"] as const;
export const baseModelStatus = pgEnum("base_model_status", baseModelStatuses);

/** A checkpoint to fine-tune from: a local HF directory, the built-in starter, or a hub download. */
export const baseModels = pgTable("base_models", {
  id: uuid("id").primaryKey().defaultRandom(),
  name: text("name").notNull(),
  kind: baseModelKind("kind").notNull(),
  path: text("path").notNull(),
  hubId: text("hub_id"),
  status: baseModelStatus("status").notNull().default("ready"),
  /** Architecture summary read from config.json: parameters, layers, hidden size, vocab. */
  summary: jsonb("summary").$type<Record<string, unknown>>().notNull().default({}),
  error: text("error"),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});

export const modelStatuses = ["candidate", "production", "retired"] as const;
export const modelStatus = pgEnum("model_status", modelStatuses);

/** A trained, exported model bundle that can serve customers. */
export const models = pgTable(
  "models",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    name: text("name").notNull(),
    /**
     * The model's id in the API: its name in URL-safe words plus the start of its id, derived by the
     * database so every row has one and it never changes (names are set once, at registration).
     */
    slug: text("slug")
      .notNull()
      .generatedAlwaysAs(
        sql`trim(both '-' from regexp_replace(lower(name), '[^a-z0-9]+', '-', 'g')) || '-' || left(id::text, 6)`,
      ),
    status: modelStatus("status").notNull().default("candidate"),
    bundlePath: text("bundle_path").notNull(),
    baseModelId: uuid("base_model_id").references(() => baseModels.id, { onDelete: "set null" }),
    trainingRunId: uuid("training_run_id"),
    /** Training metrics from bundle.json and the post-training evaluation. */
    metrics: jsonb("metrics").$type<Record<string, unknown>>().notNull().default({}),
    evaluation: jsonb("evaluation").$type<Record<string, unknown>>(),
    promotedAt: timestamp("promoted_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("models_status_idx").on(t.status),
    uniqueIndex("models_slug_idx").on(t.slug),
    // At most one model serves customers at a time.
    uniqueIndex("models_one_production_idx").on(t.status).where(sql`status = 'production'`),
  ],
);

export type Model = typeof models.$inferSelect;
export type BaseModel = typeof baseModels.$inferSelect;

/** Every promotion and roll-back, with the reason when the promotion gate was overridden. */
export const modelPromotions = pgTable("model_promotions", {
  id: uuid("id").primaryKey().defaultRandom(),
  modelId: uuid("model_id")
    .notNull()
    .references(() => models.id, { onDelete: "cascade" }),
  previousModelId: uuid("previous_model_id").references(() => models.id, { onDelete: "set null" }),
  actorId: uuid("actor_id").references(() => users.id, { onDelete: "set null" }),
  kind: text("kind").$type<"promote" | "rollback">().notNull(),
  overrideReason: text("override_reason"),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});

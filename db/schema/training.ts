import { sql } from "drizzle-orm";
import {
  bigserial,
  boolean,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uuid,
} from "drizzle-orm/pg-core";
import type { ContextMessage } from "./knowledge";
import { baseModels, models } from "./models";
import { users } from "./users";

/** An immutable copy of the approved pairs a run trained on, identified by its content hash. */
export const datasetSnapshots = pgTable("dataset_snapshots", {
  id: uuid("id").primaryKey().defaultRandom(),
  sha256: text("sha256").notNull(),
  pairCount: integer("pair_count").notNull(),
  trainPairCount: integer("train_pair_count").notNull(),
  heldOutPairCount: integer("held_out_pair_count").notNull(),
  createdBy: uuid("created_by").references(() => users.id, { onDelete: "set null" }),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});

export const snapshotSplits = ["train", "heldout"] as const;
export type SnapshotSplit = (typeof snapshotSplits)[number];

export const snapshotPairs = pgTable(
  "snapshot_pairs",
  {
    snapshotId: uuid("snapshot_id")
      .notNull()
      .references(() => datasetSnapshots.id, { onDelete: "cascade" }),
    pairId: uuid("pair_id").notNull(),
    question: text("question").notNull(),
    variants: text("variants").array().notNull().default(sql`'{}'::text[]`),
    answer: text("answer").notNull(),
    context: jsonb("context").$type<ContextMessage[]>().notNull().default([]),
    product: text("product"),
    split: text("split").$type<SnapshotSplit>().notNull(),
  },
  (t) => [primaryKey({ columns: [t.snapshotId, t.pairId] })],
);

export const trainingRunStatuses = ["queued", "running", "succeeded", "failed", "cancelled"] as const;
export type TrainingRunStatus = (typeof trainingRunStatuses)[number];
export const trainingRunStatus = pgEnum("training_run_status", trainingRunStatuses);

export type TrainingPhase = "preparing" | "training" | "evaluating" | "registering";

/** What the worker reports while a run is going: shown live on the run page. */
export type TrainingProgress = {
  phase?: TrainingPhase;
  step?: number;
  totalSteps?: number;
  tokensPerSecond?: number;
  /** Seconds left in the training phase, from its pace so far. */
  etaSeconds?: number;
  /** The whole run as the Train page estimated it when the run was started. */
  estimatedSeconds?: number;
  device?: string;
  precision?: string;
  parameters?: number;
  trainExamples?: number;
  valExamples?: number;
  paddingRatio?: number;
  /** Seconds spent per phase, for the time-to-ready benchmark. */
  phaseSeconds?: Partial<Record<TrainingPhase, number>>;
};

/** A training run is also its own queue entry: workers claim queued rows with SKIP LOCKED. */
export const trainingRuns = pgTable(
  "training_runs",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    status: trainingRunStatus("status").notNull().default("queued"),
    baseModelId: uuid("base_model_id")
      .notNull()
      .references(() => baseModels.id),
    snapshotId: uuid("snapshot_id")
      .notNull()
      .references(() => datasetSnapshots.id),
    /** The validated training settings (method, epochs, learning rate, ...). */
    settings: jsonb("settings").$type<Record<string, unknown>>().notNull(),
    createdBy: uuid("created_by").references(() => users.id, { onDelete: "set null" }),
    workerId: text("worker_id"),
    heartbeatAt: timestamp("heartbeat_at", { withTimezone: true }),
    cancelRequested: boolean("cancel_requested").notNull().default(false),
    progress: jsonb("progress").$type<TrainingProgress>().notNull().default({}),
    logTail: jsonb("log_tail").$type<string[]>().notNull().default([]),
    error: text("error"),
    modelId: uuid("model_id").references(() => models.id, { onDelete: "set null" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    startedAt: timestamp("started_at", { withTimezone: true }),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
  },
  (t) => [index("training_runs_status_created_idx").on(t.status, t.createdAt)],
);

export type TrainingRun = typeof trainingRuns.$inferSelect;

/** Loss curve points: one row per trainer step or evaluation event. */
export const trainingMetrics = pgTable(
  "training_metrics",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    runId: uuid("run_id")
      .notNull()
      .references(() => trainingRuns.id, { onDelete: "cascade" }),
    step: integer("step").notNull(),
    kind: text("kind").$type<"train" | "eval">().notNull(),
    loss: doublePrecision("loss").notNull(),
    learningRate: doublePrecision("learning_rate"),
    tokensPerSecond: doublePrecision("tokens_per_second"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("training_metrics_run_idx").on(t.runId, t.id)],
);

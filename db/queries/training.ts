import { and, asc, desc, eq, getTableColumns, lt, sql } from "drizzle-orm";
import type { Db } from "../client";
import {
  baseModels,
  datasetSnapshots,
  snapshotPairs,
  type TrainingProgress,
  type TrainingRun,
  trainingMetrics,
  trainingRuns,
} from "../schema";
import type { Pair } from "./knowledge";

/** What a snapshot keeps of an approved pair. */
export type SnapshotSource = Pick<Pair, "id" | "question" | "variants" | "answer" | "context" | "product">;

export async function insertSnapshot(
  db: Db,
  snapshot: { sha256: string; createdBy: string | null; train: SnapshotSource[]; heldOut: SnapshotSource[] },
) {
  const [row] = await db
    .insert(datasetSnapshots)
    .values({
      sha256: snapshot.sha256,
      pairCount: snapshot.train.length + snapshot.heldOut.length,
      trainPairCount: snapshot.train.length,
      heldOutPairCount: snapshot.heldOut.length,
      createdBy: snapshot.createdBy,
    })
    .returning();
  const rows = [
    ...snapshot.train.map((p) => ({ ...p, split: "train" as const })),
    ...snapshot.heldOut.map((p) => ({ ...p, split: "heldout" as const })),
  ].map((p) => ({
    snapshotId: row!.id,
    pairId: p.id,
    question: p.question,
    variants: p.variants,
    answer: p.answer,
    context: p.context,
    product: p.product,
    split: p.split,
  }));
  for (let i = 0; i < rows.length; i += 1000) await db.insert(snapshotPairs).values(rows.slice(i, i + 1000));
  return row!;
}

export async function getSnapshot(db: Db, id: string) {
  const [row] = await db.select().from(datasetSnapshots).where(eq(datasetSnapshots.id, id));
  return row;
}

export async function listSnapshotPairs(db: Db, snapshotId: string) {
  return db
    .select()
    .from(snapshotPairs)
    .where(eq(snapshotPairs.snapshotId, snapshotId))
    .orderBy(asc(snapshotPairs.pairId));
}

export async function insertRun(
  db: Db,
  run: {
    baseModelId: string;
    snapshotId: string;
    settings: Record<string, unknown>;
    createdBy: string | null;
    progress?: TrainingProgress;
  },
): Promise<TrainingRun> {
  const [row] = await db.insert(trainingRuns).values(run).returning();
  return row!;
}

export async function getRun(db: Db, id: string): Promise<TrainingRun | undefined> {
  const [row] = await db.select().from(trainingRuns).where(eq(trainingRuns.id, id));
  return row;
}

/** Newest runs first, with their base's name for the runs list (staff cannot list bases). */
export async function listRuns(
  db: Db,
  limit: number,
): Promise<(TrainingRun & { baseName: string | null })[]> {
  return db
    .select({ ...getTableColumns(trainingRuns), baseName: baseModels.name })
    .from(trainingRuns)
    .leftJoin(baseModels, eq(baseModels.id, trainingRuns.baseModelId))
    .orderBy(desc(trainingRuns.createdAt))
    .limit(limit);
}

/** Takes the oldest queued run for this worker; concurrent workers never get the same one. */
export async function claimNextRun(db: Db, workerId: string): Promise<TrainingRun | undefined> {
  const [row] = await db
    .update(trainingRuns)
    .set({ status: "running", workerId, heartbeatAt: sql`now()`, startedAt: sql`now()` })
    .where(
      eq(
        trainingRuns.id,
        sql`(select id from ${trainingRuns} where status = 'queued' order by created_at limit 1 for update skip locked)`,
      ),
    )
    .returning();
  return row;
}

/** Records liveness; returns whether an admin asked to cancel (undefined if the run is no longer ours). */
export async function heartbeatRun(
  db: Db,
  runId: string,
  workerId: string,
  update: { progress?: TrainingProgress; logTail?: string[] } = {},
): Promise<{ cancelRequested: boolean } | undefined> {
  const [row] = await db
    .update(trainingRuns)
    .set({ heartbeatAt: sql`now()`, ...update })
    .where(
      and(
        eq(trainingRuns.id, runId),
        eq(trainingRuns.workerId, workerId),
        eq(trainingRuns.status, "running"),
      ),
    )
    .returning({ cancelRequested: trainingRuns.cancelRequested });
  return row;
}

export async function finishRun(
  db: Db,
  runId: string,
  outcome: { status: "succeeded" | "failed" | "cancelled"; error?: string | null; modelId?: string | null },
): Promise<void> {
  await db
    .update(trainingRuns)
    .set({ ...outcome, finishedAt: sql`now()` })
    .where(eq(trainingRuns.id, runId));
}

/** Asks for cancellation; a queued run is cancelled at once. Returns the run after the change. */
export async function requestCancel(db: Db, runId: string): Promise<TrainingRun | undefined> {
  await db
    .update(trainingRuns)
    .set({
      status: "cancelled",
      cancelRequested: true,
      finishedAt: sql`now()`,
      error: "Cancelled before it started",
    })
    .where(and(eq(trainingRuns.id, runId), eq(trainingRuns.status, "queued")));
  await db
    .update(trainingRuns)
    .set({ cancelRequested: true })
    .where(and(eq(trainingRuns.id, runId), eq(trainingRuns.status, "running")));
  return getRun(db, runId);
}

/** Fails runs whose worker stopped heart-beating, so no run stays "running" forever. */
export async function failStaleRuns(db: Db, staleBefore: Date): Promise<string[]> {
  const rows = await db
    .update(trainingRuns)
    .set({
      status: "failed",
      finishedAt: sql`now()`,
      error: sql`'The worker running this job stopped responding (last heartbeat ' || to_char(heartbeat_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS') || ' UTC). Start the run again.'`,
    })
    .where(and(eq(trainingRuns.status, "running"), lt(trainingRuns.heartbeatAt, staleBefore)))
    .returning({ id: trainingRuns.id });
  return rows.map((r) => r.id);
}

export async function insertMetrics(
  db: Db,
  points: {
    runId: string;
    step: number;
    kind: "train" | "eval";
    loss: number;
    learningRate?: number;
    tokensPerSecond?: number;
  }[],
): Promise<void> {
  if (points.length) await db.insert(trainingMetrics).values(points);
}

export async function listMetrics(db: Db, runId: string, afterId = 0) {
  return db
    .select()
    .from(trainingMetrics)
    .where(and(eq(trainingMetrics.runId, runId), sql`${trainingMetrics.id} > ${afterId}`))
    .orderBy(asc(trainingMetrics.id));
}

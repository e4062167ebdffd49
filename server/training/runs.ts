import fs from "node:fs";
import path from "node:path";
import { and, desc, eq, isNotNull } from "drizzle-orm";
import type { Db } from "@/db/client";
import { listApprovedPairsForTraining } from "@/db/queries/knowledge";
import { insertRun, requestCancel } from "@/db/queries/training";
import { type BaseModel, datasetSnapshots, trainingRuns } from "@/db/schema";
import { ChatFormat } from "@/server/inference";
import { UserFacingError } from "@/server/users/errors";
import { getBase } from "./bases";
import { buildTrainingSchedule } from "./examples";
import { SHOWINGS_PER_EPOCH, type TrainingSettings, trainingSettingsInput } from "./settings";
import { createSnapshot } from "./snapshot";
import { heldOutPhrasings, trainingView } from "./split";

// Characters per token of byte-level BPE tokenizers on English support text, for bases not yet on disk.
const CHARS_PER_TOKEN = 3.5;

/** What the last finished run on this base measured on this host: its speed and the other phases. */
interface MeasuredRun {
  tokensPerSecond: number;
  /** Seconds of the phases other than training (preparing, evaluating, registering). */
  otherSeconds: number;
  pairs: number | undefined;
}

async function lastMeasuredRun(db: Db, base: BaseModel): Promise<MeasuredRun | undefined> {
  const [previous] = await db
    .select({ progress: trainingRuns.progress, snapshotId: trainingRuns.snapshotId })
    .from(trainingRuns)
    .where(
      and(
        eq(trainingRuns.baseModelId, base.id),
        eq(trainingRuns.status, "succeeded"),
        isNotNull(trainingRuns.finishedAt),
      ),
    )
    .orderBy(desc(trainingRuns.finishedAt))
    .limit(1);
  const { tokensPerSecond, phaseSeconds } = previous?.progress ?? {};
  if (!previous || !tokensPerSecond) return undefined;
  const otherSeconds = Object.entries(phaseSeconds ?? {})
    .filter(([phase]) => phase !== "training")
    .reduce((sum, [, seconds]) => sum + (seconds ?? 0), 0);
  const [snapshot] = await db
    .select({ pairCount: datasetSnapshots.pairCount })
    .from(datasetSnapshots)
    .where(eq(datasetSnapshots.id, previous.snapshotId));
  return { tokensPerSecond, otherSeconds, pairs: snapshot?.pairCount };
}

/** Tokens/s a base of this size trains at on 2 CPU cores, before any run measured it here. */
function guessedTokensPerSecond(base: BaseModel, method: TrainingSettings["method"]): number {
  const parameters = Number((base.summary as { parameters?: number }).parameters ?? 135_000_000);
  // Measured on 2 cores: a 135M model trains at ~210 tok/s (full, bf16) and ~425 tok/s (LoRA);
  // small models do not scale past ~700 tok/s over the whole training phase (per-step overhead,
  // held-out checks, retriever tuning and export: bench:pipeline --estimate, the demo on the starter).
  const at135m = method === "lora" ? 425 : 210;
  return Math.min(700, (at135m * 135_000_000) / Math.max(parameters, 1_000_000));
}

/**
 * Seconds a run takes end to end: training from the tokens and the measured speed, the other phases
 * (retriever tuning, evaluation of three models, export) as the last run here took them, scaled by
 * the number of pairs. Before any run: a rough guess from the base's size.
 */
function estimateSeconds(
  trainTokens: number,
  settings: TrainingSettings,
  pairs: number,
  measured: MeasuredRun | undefined,
  base: BaseModel,
): { seconds: number; basis: "measured" | "guessed" } {
  if (measured) {
    const scale = measured.pairs ? Math.min(4, Math.max(0.25, pairs / measured.pairs)) : 1;
    const training = (trainTokens * settings.epochs) / measured.tokensPerSecond;
    return { seconds: Math.round(training + measured.otherSeconds * scale), basis: "measured" };
  }
  const training = (trainTokens * settings.epochs) / guessedTokensPerSecond(base, settings.method);
  const others = FIRST_RUN_OTHER_SECONDS + FIRST_RUN_SECONDS_PER_PAIR * pairs;
  return { seconds: Math.round(training + others), basis: "guessed" };
}

/** Preparing and evaluating a first run (the demo's 82 pairs took 43 s on 2 cores). */
const FIRST_RUN_OTHER_SECONDS = 25;
const FIRST_RUN_SECONDS_PER_PAIR = 0.25;

export interface RunPreview {
  pairs: number;
  /** Phrasings (questions and variants) training shows. */
  trainExamples: number;
  /** Variants kept out of training to ask each model in other words. */
  heldOutPhrasings: number;
  trainTokens: number;
  tokensExact: boolean;
  /** The whole run, all phases. */
  estimatedSeconds: number;
  /** From a run measured on this host, or guessed from the base's size (the first run). */
  estimateBasis: "measured" | "guessed";
}

/** What a run with these settings would train on, and about how long it would take. */
export async function previewRun(db: Db, baseModelId: string, rawSettings: unknown): Promise<RunPreview> {
  const settings = parseSettings(rawSettings);
  const base = await getBase(db, baseModelId);
  const pairs = (await listApprovedPairsForTraining(db)).filter((p) => p.answer.trim());
  const train = trainingView(pairs);
  const asSnapshot = (ps: typeof pairs) => ps.map((p) => ({ ...p, pairId: p.id }));
  let trainTokens: number;
  let tokensExact = false;
  if (fs.existsSync(path.join(base.path, "tokenizer.json"))) {
    const format = await ChatFormat.load(base.path);
    const examples = buildTrainingSchedule(format, asSnapshot(train), {
      maxTokens: settings.maxSeqLen,
      epochs: 1,
    });
    trainTokens = examples.reduce((n, e) => n + e.input_ids.length, 0);
    tokensExact = true;
  } else {
    const chars = train.reduce(
      (n, p) => n + (p.question.length + p.answer.length * 2) * SHOWINGS_PER_EPOCH,
      0,
    );
    trainTokens = Math.round(chars / CHARS_PER_TOKEN);
  }
  const estimate = estimateSeconds(
    trainTokens,
    settings,
    pairs.length,
    await lastMeasuredRun(db, base),
    base,
  );
  return {
    pairs: pairs.length,
    trainExamples: train.length * SHOWINGS_PER_EPOCH,
    heldOutPhrasings: heldOutPhrasings(pairs).length,
    trainTokens,
    tokensExact,
    estimatedSeconds: estimate.seconds,
    estimateBasis: estimate.basis,
  };
}

function parseSettings(raw: unknown): TrainingSettings {
  const result = trainingSettingsInput.safeParse(raw);
  if (!result.success)
    throw new UserFacingError(result.error.issues[0]?.message ?? "Invalid training settings");
  return result.data;
}

/** Freezes the approved pairs and queues a run; a worker picks it up. */
export async function startRun(
  db: Db,
  params: { baseModelId: string; settings: unknown; actorId: string | null },
) {
  const settings = parseSettings(params.settings);
  const base = await getBase(db, params.baseModelId);
  if (base.status !== "ready")
    throw new UserFacingError(`The base model "${base.name}" is not ready (${base.status})`);
  // The estimate the admin saw stays with the run: the run page shows it beside the time so far.
  const { estimatedSeconds } = await previewRun(db, base.id, settings);
  const snapshot = await createSnapshot(db, params.actorId);
  return insertRun(db, {
    baseModelId: base.id,
    snapshotId: snapshot.id,
    settings,
    createdBy: params.actorId,
    progress: { estimatedSeconds },
  });
}

export async function cancelRun(db: Db, runId: string) {
  const run = await requestCancel(db, runId);
  if (!run) throw new UserFacingError("That training run does not exist", "not_found");
  if (run.status !== "cancelled" && run.status !== "running") {
    throw new UserFacingError(
      `The run already ${run.status === "succeeded" ? "finished" : run.status}`,
      "conflict",
    );
  }
  return run;
}

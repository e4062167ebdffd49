import fs from "node:fs";
import path from "node:path";
import { and, desc, eq, isNotNull } from "drizzle-orm";
import type { Db } from "@/db/client";
import { listApprovedPairsForTraining } from "@/db/queries/knowledge";
import { insertRun, requestCancel } from "@/db/queries/training";
import { type BaseModel, trainingRuns } from "@/db/schema";
import { ChatFormat } from "@/server/inference";
import { UserFacingError } from "@/server/users/errors";
import { getBase } from "./bases";
import { buildTrainingSchedule } from "./examples";
import { SHOWINGS_PER_EPOCH, type TrainingSettings, trainingSettingsInput } from "./settings";
import { createSnapshot } from "./snapshot";
import { heldOutPhrasings, trainingView } from "./split";

// Characters per token of byte-level BPE tokenizers on English support text, for bases not yet on disk.
const CHARS_PER_TOKEN = 3.5;

/** Tokens/s this installation reached on the base before, else an estimate from its size (2 CPU cores). */
async function expectedTokensPerSecond(
  db: Db,
  base: BaseModel,
  method: TrainingSettings["method"],
): Promise<number> {
  const [previous] = await db
    .select({ progress: trainingRuns.progress })
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
  if (previous?.progress.tokensPerSecond) return previous.progress.tokensPerSecond;
  const parameters = Number((base.summary as { parameters?: number }).parameters ?? 135_000_000);
  // Measured on 2 cores: a 135M model trains at ~210 tok/s (full, bf16) and ~425 tok/s (LoRA);
  // small models do not scale past ~1,500 tok/s (per-step overhead dominates).
  const at135m = method === "lora" ? 425 : 210;
  return Math.min(1_500, (at135m * 135_000_000) / Math.max(parameters, 1_000_000));
}

export interface RunPreview {
  pairs: number;
  /** Phrasings (questions and variants) training shows. */
  trainExamples: number;
  /** Variants kept out of training to ask each model in other words. */
  heldOutPhrasings: number;
  trainTokens: number;
  tokensExact: boolean;
  estimatedSeconds: number;
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
  const tokensPerSecond = await expectedTokensPerSecond(db, base, settings.method);
  return {
    pairs: pairs.length,
    trainExamples: train.length * SHOWINGS_PER_EPOCH,
    heldOutPhrasings: heldOutPhrasings(pairs).length,
    trainTokens,
    tokensExact,
    estimatedSeconds: Math.round((trainTokens * settings.epochs) / tokensPerSecond),
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
  const snapshot = await createSnapshot(db, params.actorId);
  return insertRun(db, {
    baseModelId: base.id,
    snapshotId: snapshot.id,
    settings,
    createdBy: params.actorId,
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

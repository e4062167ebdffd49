/**
 * Drives one training run through the real pipeline (snapshot, queue, worker, trainer, evaluation)
 * on an embedded database, printing its live progress, and returns the finished run with its
 * wall time. Shared by the pipeline and quality benchmarks.
 */
import type { Db } from "@/db/client";
import { countApprovedPhrasings } from "@/db/queries/knowledge";
import { getRun } from "@/db/queries/training";
import type { BaseModel, TrainingRun } from "@/db/schema";
import { startRun } from "@/server/training/runs";
import { defaultTrainingSettings, type TrainingSettings } from "@/server/training/settings";
import { TrainingWorker } from "@/server/training/worker";

export interface TrainedRun {
  run: TrainingRun;
  settings: TrainingSettings;
  seconds: number;
}

/** Command-line options of the benchmarks that override a base's default settings (parseArgs). */
export const settingsOverrideOptions = {
  epochs: { type: "string" },
  lr: { type: "string" },
  method: { type: "string" },
  "batch-tokens": { type: "string" },
  "max-seq-len": { type: "string" },
} as const;

export function settingsOverrides(
  values: {
    [K in keyof typeof settingsOverrideOptions]?: string;
  },
): Partial<TrainingSettings> {
  return {
    ...(values.epochs ? { epochs: Number(values.epochs) } : {}),
    ...(values.lr ? { learningRate: Number(values.lr) } : {}),
    ...(values.method ? { method: values.method as TrainingSettings["method"] } : {}),
    ...(values["batch-tokens"] ? { batchTokens: Number(values["batch-tokens"]) } : {}),
    ...(values["max-seq-len"] ? { maxSeqLen: Number(values["max-seq-len"]) } : {}),
  };
}

const clock = () => new Date().toISOString().slice(11, 19);

export async function trainToReady(
  db: Db,
  dataDir: string,
  base: BaseModel,
  overrides: Partial<TrainingSettings> = {},
): Promise<TrainedRun> {
  const summary = base.summary as { parameters?: number; maxPositions?: number };
  const defaults = defaultTrainingSettings({ kind: base.kind, ...summary }, await countApprovedPhrasings(db));
  const settings = { ...defaults, ...overrides };
  console.log(`[${clock()}] base ${base.name}; settings ${JSON.stringify(settings)}`);
  const started = performance.now();
  const queued = await startRun(db, { baseModelId: base.id, settings, actorId: null });
  const worker = new TrainingWorker({ db, dataDir, python: "/usr/bin/python3", pollIntervalMs: 200 });
  worker.start();
  let run = await getRun(db, queued.id);
  let lastPrinted = 0;
  try {
    while (run && (run.status === "queued" || run.status === "running")) {
      await new Promise((r) => setTimeout(r, 1000));
      run = await getRun(db, queued.id);
      if (run && performance.now() - lastPrinted > 30_000) {
        lastPrinted = performance.now();
        const p = run.progress;
        console.log(
          `[${clock()}] ${p.phase ?? run.status} step ${p.step ?? 0}/${p.totalSteps ?? "?"}` +
            (p.tokensPerSecond ? `, ${p.tokensPerSecond.toFixed(0)} tok/s` : "") +
            (p.etaSeconds ? `, eta ${p.etaSeconds.toFixed(0)} s` : "") +
            ` — ${run.logTail.at(-1) ?? ""}`,
        );
      }
    }
  } finally {
    await worker.stop();
  }
  if (run?.status !== "succeeded") throw new Error(`run ${run?.status}: ${run?.error}`);
  return { run, settings, seconds: (performance.now() - started) / 1000 };
}

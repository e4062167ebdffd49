import fs from "node:fs";
import path from "node:path";
import type { Db } from "@/db/client";
import { listConfirmedQuestions } from "@/db/queries/feedback";
import { findProductionModel } from "@/db/queries/models";
import { getSnapshot, insertMetrics, listSnapshotPairs } from "@/db/queries/training";
import {
  type BaseModel,
  models,
  type TrainingPhase,
  type TrainingProgress,
  type TrainingRun,
} from "@/db/schema";
import { OFF_TOPIC_FOR_TUNING } from "@/server/assistant/off-topic";
import { getAssistantTexts } from "@/server/assistant/texts";
import { ChatFormat, type TrainingExample } from "@/server/inference";
import type { ServingPrecision } from "@/server/inference/bundle";
import { getBase } from "./bases";
import {
  type EvaluationReport,
  evaluateBundle,
  heldOutQuestions,
  MAX_REGRESSION_QUESTIONS,
  offTopicQuestions,
  regressionQuestions,
  trainedQuestions,
} from "./evaluation";
import { buildSupportExamples, buildTrainingSchedule, trainerEpochs } from "./examples";
import { calibrateBundleRetriever, type RetrieverReport, tuneRetriever } from "./retriever-tuning";
import { SHOWINGS_PER_EPOCH, type TrainingSettings } from "./settings";
import { heldOutPhrasings, trainingView } from "./split";
import { runTrainerProcess, type TrainerEvent } from "./trainer-process";

export interface PipelineContext {
  db: Db;
  dataDir: string;
  python: string;
  signal: AbortSignal;
  /** Merges into the run's live progress (written by the worker's heartbeat). */
  report: (progress: Partial<TrainingProgress>) => void;
  log: (line: string) => void;
  /** The web's serving precision: every model is evaluated as it would be served (default fp32). */
  servingPrecision?: ServingPrecision;
}

export class TrainingFailure extends Error {}

function writeJsonl(file: string, examples: TrainingExample[]) {
  fs.writeFileSync(file, examples.map((e) => JSON.stringify(e)).join("\n") + (examples.length ? "\n" : ""));
}

/** Makes sure a base directory exists: the starter's weights are created on first use. */
async function prepareBaseDir(ctx: PipelineContext, base: BaseModel): Promise<string> {
  if (base.kind !== "starter" || fs.existsSync(path.join(base.path, "config.json"))) return base.path;
  ctx.log(`Creating the starter base model in ${base.path}`);
  const outcome = await runTrainerProcess({
    python: ctx.python,
    args: ["init-base", "--preset", "starter", "--out", base.path],
    onEvent: () => {},
    onLog: ctx.log,
    signal: ctx.signal,
  });
  if (outcome.exitCode !== 0)
    throw new TrainingFailure(outcome.error ?? "Could not create the starter base model");
  return base.path;
}

/** A base has no ONNX decoder; export one (once) so evaluation can run it like any bundle. */
async function baseBundleDir(ctx: PipelineContext, base: BaseModel, baseDir: string): Promise<string> {
  const dir = path.resolve(ctx.dataDir, "bases", `${base.id}-bundle`);
  if (fs.existsSync(path.join(dir, "model.onnx"))) return dir;
  const outcome = await runTrainerProcess({
    python: ctx.python,
    args: ["export", "--checkpoint", baseDir, "--out", dir],
    onEvent: () => {},
    onLog: ctx.log,
    signal: ctx.signal,
  });
  if (outcome.exitCode !== 0) throw new TrainingFailure(outcome.error ?? "Could not export the base model");
  return dir;
}

/**
 * Rows the trainer packs examples into: as long as the longest example (rounded up to 64), not the
 * whole sequence limit. Packed rows attend within themselves, so a 1,024-token row of 250-token
 * examples spends most of its attention on pairs that are masked anyway (1.5x slower measured).
 */
export function packLength(examples: TrainingExample[], maxSeqLen: number): number {
  const longest = examples.reduce((m, e) => Math.max(m, e.input_ids.length), 0);
  return Math.min(maxSeqLen, Math.max(64, Math.ceil(longest / 64) * 64));
}

function timed<T>(
  ctx: PipelineContext,
  phase: TrainingPhase,
  seconds: Partial<Record<TrainingPhase, number>>,
  fn: () => Promise<T>,
) {
  ctx.report({ phase });
  const started = performance.now();
  return fn().finally(() => {
    seconds[phase] = (performance.now() - started) / 1000;
    ctx.report({ phaseSeconds: { ...seconds } });
  });
}

/**
 * One training run from snapshot to registered candidate: render the examples with the base's own
 * chat template, train and export in the trainer, evaluate against production and the base,
 * register the bundle. Throws TrainingFailure with a message meant for the run page.
 */
export async function runTrainingPipeline(
  ctx: PipelineContext,
  run: TrainingRun,
): Promise<{ modelId: string }> {
  const seconds: Partial<Record<TrainingPhase, number>> = {};
  let retrieverReport: RetrieverReport | undefined;
  const settings = run.settings as TrainingSettings;
  const base = await getBase(ctx.db, run.baseModelId);
  const snapshot = await getSnapshot(ctx.db, run.snapshotId);
  if (!snapshot) throw new TrainingFailure("The dataset snapshot of this run is missing");
  const workDir = path.resolve(ctx.dataDir, "runs", run.id);
  const bundleDir = path.resolve(ctx.dataDir, "models", run.id);
  fs.mkdirSync(workDir, { recursive: true });

  const prepared = await timed(ctx, "preparing", seconds, async () => {
    const baseDir = await prepareBaseDir(ctx, base);
    const format = await ChatFormat.load(baseDir);
    const pairs = await listSnapshotPairs(ctx.db, run.snapshotId);
    // Every pair trains; a stable share of variants is kept out to ask in other words (split.ts).
    const train = trainingView(pairs);
    const heldOut = heldOutPhrasings(pairs).map(({ pair, question }) => ({
      ...pair,
      question,
      variants: [],
    }));
    const trainExamples = buildTrainingSchedule(format, train, {
      maxTokens: settings.maxSeqLen,
      epochs: settings.epochs,
      offTopic: OFF_TOPIC_FOR_TUNING,
      decline: (await getAssistantTexts(ctx.db)).decline,
    });
    const valExamples = buildSupportExamples(format, heldOut, { maxTokens: settings.maxSeqLen });
    writeJsonl(path.join(workDir, "train.jsonl"), trainExamples);
    writeJsonl(path.join(workDir, "val.jsonl"), valExamples);
    ctx.log(
      `Prepared ${trainExamples.length} training examples (${settings.epochs} epochs, each pair ${SHOWINGS_PER_EPOCH} times an epoch) and ${valExamples.length} held-out phrasings`,
    );
    return { baseDir, train, heldOut, packLength: packLength(trainExamples, settings.maxSeqLen) };
  });

  await timed(ctx, "training", seconds, async () => {
    const runConfig = {
      base_dir: prepared.baseDir,
      train_file: path.join(workDir, "train.jsonl"),
      val_file: prepared.heldOut.length ? path.join(workDir, "val.jsonl") : null,
      output_dir: bundleDir,
      bundle_meta: {
        id: run.id,
        base_model: base.name,
        dataset_snapshot_id: snapshot.id,
        dataset_sha256: snapshot.sha256,
      },
      method: settings.method,
      lora: { rank: settings.loraRank, alpha: settings.loraRank * 2 },
      // The schedule already holds every epoch (examples.ts): the trainer reads it once.
      epochs: trainerEpochs(settings.epochs),
      learning_rate: settings.learningRate,
      batch_tokens: Math.max(settings.batchTokens, prepared.packLength),
      max_seq_len: prepared.packLength,
      packing: true,
      // Validation pairs are knowledge this model never trains on: the last weights, not the
      // lowest validation loss, are the ones that know the trained pairs (trainer/README.md).
      restore_best: false,
      seed: settings.seed,
      export_int8: settings.exportInt8,
      checkpoint_dir: path.join(workDir, "checkpoints"),
    };
    const configFile = path.join(workDir, "run.json");
    fs.writeFileSync(configFile, JSON.stringify(runConfig, null, 2));
    const outcome = await runTrainerProcess({
      python: ctx.python,
      args: ["train", "--config", configFile],
      onEvent: (event) => recordTrainerEvent(ctx, run.id, event),
      onLog: ctx.log,
      signal: ctx.signal,
    });
    if (ctx.signal.aborted) throw new TrainingFailure("Cancelled");
    if (outcome.exitCode !== 0 || !fs.existsSync(path.join(bundleDir, "model.onnx"))) {
      throw new TrainingFailure(
        outcome.error ??
          `The trainer exited with ${outcome.signal ?? `code ${outcome.exitCode}`} without a bundle`,
      );
    }
    ctx.log("Tuning the retriever on the knowledge base");
    const tuned = await tuneRetriever(ctx, {
      runId: run.id,
      workDir,
      bundleDir,
      pairs: prepared.train,
      previousBundleDir: (await findProductionModel(ctx.db))?.bundlePath,
    }).catch((err: Error) => {
      if (ctx.signal.aborted) throw new TrainingFailure("Cancelled");
      throw new TrainingFailure(`The retriever could not be tuned: ${err.message}`);
    });
    const calibration = await calibrateBundleRetriever(
      ctx,
      bundleDir,
      prepared.heldOut.map((p) => ({ question: p.question, pairId: p.pairId })),
    );
    retrieverReport = { ...tuned, calibration };
    ctx.log(
      `Retriever: ${{ general: "tuned from the general base", previous: "tuned on from the production model's", none: "tuned from scratch" }[tuned.base]}; ` +
        `answers at a score of ${calibration.answerAt.toFixed(3)} (${calibration.source})`,
    );
  });

  const evaluation = await timed(ctx, "evaluating", seconds, () =>
    evaluateAgainstBaselines(ctx, {
      bundleDir,
      base,
      baseDir: prepared.baseDir,
      train: prepared.train,
      heldOut: prepared.heldOut,
    }),
  );

  const bundleMeta = JSON.parse(fs.readFileSync(path.join(bundleDir, "bundle.json"), "utf8"));
  const [model] = await ctx.db
    .insert(models)
    .values({
      name: `${base.name} · ${new Date().toISOString().slice(0, 16).replace("T", " ")}`,
      bundlePath: bundleDir,
      baseModelId: base.id,
      trainingRunId: run.id,
      metrics: {
        ...(bundleMeta.metrics ?? {}),
        phaseSeconds: seconds,
        retriever: retrieverReport,
        decoders: decoderChecks(bundleMeta),
      },
      evaluation: evaluation as unknown as Record<string, unknown>,
    })
    .returning();
  return { modelId: model!.id };
}

async function evaluateAgainstBaselines(
  ctx: PipelineContext,
  params: {
    bundleDir: string;
    base: BaseModel;
    baseDir: string;
    train: { pairId: string; question: string; answer: string }[];
    heldOut: { pairId: string; question: string; variants: string[]; answer: string }[];
  },
): Promise<EvaluationReport> {
  const sets = {
    heldOut: heldOutQuestions(params.heldOut),
    trained: trainedQuestions(params.train),
    offTopic: offTopicQuestions(),
  };
  const production = await findProductionModel(ctx.db);
  // Confirmed customer questions are asked of the two models the admin chooses between.
  const regression = production
    ? regressionQuestions(await listConfirmedQuestions(ctx.db, MAX_REGRESSION_QUESTIONS * 2), params.train)
    : [];
  const report: EvaluationReport = {
    questions: sets.heldOut,
    models: [],
    trained: { questions: sets.trained, models: [] },
    offTopic: { questions: sets.offTopic, models: [] },
    ...(regression.length ? { regression: { questions: regression, models: [] } } : {}),
  };
  const serving = ctx.servingPrecision ?? "fp32";
  const contenders: {
    label: string;
    modelId: string | null;
    dir: () => Promise<string>;
    precision?: ServingPrecision;
  }[] = [
    { label: "candidate", modelId: null, dir: async () => params.bundleDir },
    // Served quantized, the candidate is also asked at full precision: the row beside it is what
    // quantization costs in answers, and the speed it buys.
    ...(serving !== "fp32"
      ? [
          {
            label: "candidate fp32",
            modelId: null,
            dir: async () => params.bundleDir,
            precision: "fp32" as const,
          },
        ]
      : []),
    ...(production
      ? [{ label: "production", modelId: production.id, dir: async () => production.bundlePath }]
      : []),
    { label: "base", modelId: null, dir: () => baseBundleDir(ctx, params.base, params.baseDir) },
  ];
  for (const c of contenders) {
    ctx.log(
      `Evaluating ${c.label}: ${sets.heldOut.length} held-out and ${sets.trained.length} trained questions`,
    );
    const askRegression = (c.label === "candidate" || c.label === "production") && report.regression;
    const result = await evaluateBundle(
      ctx.db,
      await c.dir(),
      { ...sets, regression: askRegression ? regression : [] },
      { signal: ctx.signal, precision: c.precision ?? serving },
    );
    const entry = { label: c.label, modelId: c.modelId, precision: result.precision };
    if (sets.heldOut.length) report.models.push({ ...entry, ...result.heldOut });
    report.trained!.models.push({ ...entry, ...result.trained });
    report.offTopic!.models.push({ ...entry, ...result.offTopic });
    if (askRegression) report.regression!.models.push({ ...entry, ...result.regression });
  }
  return report;
}

/**
 * Per serving precision, how the bundle's decoder compares with the trained weights (the trainer's
 * export checks): greedy answers identical on training prompts, and the largest logit difference.
 */
export function decoderChecks(bundleMeta: {
  onnx?: {
    fused?: { files?: Record<string, { parity?: { max_abs_diff?: number }; greedy_identical?: number }> };
  };
}): Record<string, { greedyIdentical?: number; maxLogitDiff?: number }> {
  const files = bundleMeta.onnx?.fused?.files ?? {};
  return Object.fromEntries(
    Object.entries(files).map(([precision, f]) => [
      precision,
      { greedyIdentical: f.greedy_identical, maxLogitDiff: f.parity?.max_abs_diff },
    ]),
  );
}

function recordTrainerEvent(ctx: PipelineContext, runId: string, event: TrainerEvent) {
  const num = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? v : undefined);
  if (event.event === "start") {
    ctx.report({
      device: String(event.device ?? ""),
      precision: String(event.precision ?? ""),
      parameters: num(event.n_params),
      trainExamples: num(event.n_train_examples),
      valExamples: num(event.n_val_examples),
      totalSteps: num(event.total_steps),
      paddingRatio: num(event.padding_ratio),
    });
  } else if (event.event === "step") {
    const step = num(event.step) ?? 0;
    const total = num(event.total_steps);
    const elapsed = num(event.elapsed_s);
    const etaSeconds = total && elapsed && step > 0 ? (elapsed / step) * (total - step) : undefined;
    ctx.report({ step, totalSteps: total, tokensPerSecond: num(event.tokens_per_s), etaSeconds });
    const loss = num(event.loss);
    if (loss !== undefined) {
      void insertMetrics(ctx.db, [
        {
          runId,
          step,
          kind: "train",
          loss,
          learningRate: num(event.lr),
          tokensPerSecond: num(event.tokens_per_s),
        },
      ]).catch((err) => ctx.log(`could not store a metric: ${err.message}`));
    }
  } else if (event.event === "eval") {
    const loss = num(event.val_loss);
    if (loss !== undefined) {
      void insertMetrics(ctx.db, [{ runId, step: num(event.step) ?? 0, kind: "eval", loss }]).catch((err) =>
        ctx.log(`could not store a metric: ${err.message}`),
      );
    }
  }
}

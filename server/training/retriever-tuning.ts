/**
 * Each run tunes the retriever on its own knowledge (from the general base when one was built with
 * `npm run build:retriever`, else from scratch) and calibrates the grounding decision on the
 * held-out phrasings; the result lives in `<bundle>/retriever/`.
 */
import fs from "node:fs";
import path from "node:path";
import type { Db } from "@/db/client";
import { confirmedPhrasingKey, listConfirmedPhrasingKeys } from "@/db/queries/feedback";
import { type CalibrationProbe, calibrate } from "@/server/assistant/calibration";
import { CALIBRATION_FILE, type Calibration } from "@/server/assistant/decision";
import {
  OFF_TOPIC_FOR_MEASURING,
  OFF_TOPIC_FOR_THRESHOLD,
  OFF_TOPIC_FOR_TUNING,
} from "@/server/assistant/off-topic";
import { RETRIEVER_DIR } from "@/server/assistant/retriever/encoder";
import { Retriever } from "@/server/assistant/retriever/retriever";
import type { PipelineContext } from "./pipeline";
import { runTrainerProcess } from "./trainer-process";

/** Where `npm run build:retriever` puts the general retriever base. */
export function retrieverBaseDir(dataDir: string): string {
  return path.resolve(dataDir, "retriever-base");
}

export interface RetrieverReport {
  /** Where tuning started: the general base, the previous model's retriever, or nothing. */
  base: "general" | "previous" | "none";
  steps: number | null;
  seconds: number;
  calibration: Calibration;
}

export async function tuneRetriever(
  ctx: PipelineContext,
  params: {
    runId: string;
    workDir: string;
    bundleDir: string;
    pairs: { pairId: string; question: string; variants: string[]; answer: string }[];
    /** A previous bundle (production's) whose retriever came from today's general base. */
    previousBundleDir?: string | null;
  },
): Promise<{ seconds: number; steps: number | null; base: RetrieverReport["base"] }> {
  const started = performance.now();
  const groupsFile = path.join(params.workDir, "retriever-groups.jsonl");
  const groups = await retrieverTrainingGroups(ctx.db, params.pairs);
  fs.writeFileSync(groupsFile, groups.map((g) => JSON.stringify(g)).join("\n"));
  const baseDir = retrieverBaseDir(ctx.dataDir);
  const hasBase = fs.existsSync(path.join(baseDir, "retriever.json"));
  if (!hasBase)
    ctx.log(`No general retriever base in ${baseDir} (npm run build:retriever): tuning one from scratch`);
  const previous = params.previousBundleDir
    ? continuableRetriever(params.previousBundleDir, hasBase ? baseDir : null)
    : null;
  if (previous)
    ctx.log("Tuning the retriever on from the production model's, so what it answered right stays");
  const configFile = path.join(params.workDir, "retriever.json");
  fs.writeFileSync(
    configFile,
    JSON.stringify({
      id: params.runId,
      base_dir: previous ?? (hasBase ? baseDir : null),
      groups_file: groupsFile,
      off_topic: OFF_TOPIC_FOR_TUNING,
      out_dir: path.join(params.bundleDir, RETRIEVER_DIR),
    }),
  );
  let steps: number | null = null;
  const outcome = await runTrainerProcess({
    python: ctx.python,
    args: ["retriever-tune", "--config", configFile],
    onEvent: (event) => {
      if (event.event === "done" && typeof event.steps === "number") steps = event.steps;
    },
    onLog: ctx.log,
    signal: ctx.signal,
  });
  if (outcome.exitCode !== 0) throw new Error(outcome.error ?? "The retriever could not be tuned");
  return {
    seconds: (performance.now() - started) / 1000,
    steps,
    base: previous ? "previous" : hasBase ? "general" : "none",
  };
}

/**
 * The customers' questions staff attached to a pair in the review queue. The index matches them
 * from the moment they are attached, but the encoder is not tuned on them: they are the questions
 * it confused, often worded like a neighbouring pair, and tuning on them pulls that neighbour's
 * questions across (bench:feedback, banking77: 23 of 390 right answers broken when tuned on them,
 * 10 when only matched). Ranking also weighs them a little below curated phrasings
 * (`RankingWeights.confirmedWeight`).
 */
export async function retrieverTrainingGroups(
  db: Db,
  pairs: { pairId: string; question: string; variants: string[]; answer: string }[],
): Promise<{ texts: string[]; answer: string }[]> {
  const confirmed = await listConfirmedPhrasingKeys(db);
  return pairs.map((p) => ({
    texts: [p.question, ...p.variants.filter((v) => !confirmed.has(confirmedPhrasingKey(p.pairId, v)))],
    answer: p.answer,
  }));
}

/**
 * A previous bundle's retriever directory when tuning may continue from it: it descends from the
 * same general base as today's (or, like today, from none). Continuing keeps what customers were
 * answered right (a fresh tuning of changed data reshuffles the encoder: bench:feedback).
 */
export function continuableRetriever(
  previousBundleDir: string,
  generalBaseDir: string | null,
): string | null {
  const dir = path.join(previousBundleDir, RETRIEVER_DIR);
  const meta = readRetrieverMeta(dir);
  if (meta?.kind !== "tuned") return null;
  const general = generalBaseDir ? (readRetrieverMeta(generalBaseDir)?.created_at ?? null) : null;
  return (meta.general_base ?? null) === general ? dir : null;
}

function readRetrieverMeta(
  dir: string,
): { kind?: string; created_at?: string; general_base?: string | null } | null {
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, "retriever.json"), "utf8"));
  } catch {
    return null;
  }
}

/** Calibrates the bundle's retriever and writes calibration.json beside it. */
export async function calibrateBundleRetriever(
  ctx: PipelineContext,
  bundleDir: string,
  heldOut: CalibrationProbe[],
): Promise<Calibration> {
  const retriever = await Retriever.forBundle(bundleDir);
  try {
    const calibration = await calibrate(ctx.db, retriever, heldOut, {
      threshold: OFF_TOPIC_FOR_THRESHOLD,
      measuring: OFF_TOPIC_FOR_MEASURING,
    });
    fs.writeFileSync(
      path.join(bundleDir, RETRIEVER_DIR, CALIBRATION_FILE),
      JSON.stringify(calibration, null, 2),
    );
    return calibration;
  } finally {
    await retriever.dispose();
  }
}

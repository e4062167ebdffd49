/**
 * Each run tunes the retriever on its own knowledge (from the general base when one was built with
 * `npm run build:retriever`, else from scratch) and calibrates the grounding decision on the
 * held-out phrasings; the result lives in `<bundle>/retriever/`.
 */
import fs from "node:fs";
import path from "node:path";
import { type CalibrationProbe, calibrate } from "@/server/assistant/calibration";
import { CALIBRATION_FILE, type Calibration } from "@/server/assistant/decision";
import { OFF_TOPIC_FOR_CALIBRATION, OFF_TOPIC_FOR_TUNING } from "@/server/assistant/off-topic";
import { RETRIEVER_DIR } from "@/server/assistant/retriever/encoder";
import { Retriever } from "@/server/assistant/retriever/retriever";
import type { PipelineContext } from "./pipeline";
import { runTrainerProcess } from "./trainer-process";

/** Where `npm run build:retriever` puts the general retriever base. */
export function retrieverBaseDir(dataDir: string): string {
  return path.resolve(dataDir, "retriever-base");
}

export interface RetrieverReport {
  base: "general" | "none";
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
  },
): Promise<{ seconds: number; steps: number | null; base: "general" | "none" }> {
  const started = performance.now();
  const groupsFile = path.join(params.workDir, "retriever-groups.jsonl");
  fs.writeFileSync(
    groupsFile,
    params.pairs
      .map((p) => JSON.stringify({ texts: [p.question, ...p.variants], answer: p.answer }))
      .join("\n"),
  );
  const baseDir = retrieverBaseDir(ctx.dataDir);
  const hasBase = fs.existsSync(path.join(baseDir, "retriever.json"));
  if (!hasBase)
    ctx.log(`No general retriever base in ${baseDir} (npm run build:retriever): tuning one from scratch`);
  const configFile = path.join(params.workDir, "retriever.json");
  fs.writeFileSync(
    configFile,
    JSON.stringify({
      id: params.runId,
      base_dir: hasBase ? baseDir : null,
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
  return { seconds: (performance.now() - started) / 1000, steps, base: hasBase ? "general" : "none" };
}

/** Calibrates the bundle's retriever and writes calibration.json beside it. */
export async function calibrateBundleRetriever(
  ctx: PipelineContext,
  bundleDir: string,
  heldOut: CalibrationProbe[],
): Promise<Calibration> {
  const retriever = await Retriever.forBundle(bundleDir);
  try {
    const calibration = await calibrate(ctx.db, retriever, heldOut, OFF_TOPIC_FOR_CALIBRATION);
    fs.writeFileSync(
      path.join(bundleDir, RETRIEVER_DIR, CALIBRATION_FILE),
      JSON.stringify(calibration, null, 2),
    );
    return calibration;
  } finally {
    await retriever.dispose();
  }
}

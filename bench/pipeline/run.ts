/**
 * Time from "Train" to "ready to promote" for the demo knowledge base (Fernhollow Gear), with the
 * built-in starter (from scratch, full training) and with a SmolLM2-135M-shaped base (random
 * weights, real tokenizer; LoRA), using each base's default settings from the Train page.
 * Prints the wall time, the share spent preparing / training / evaluating, and the evaluation.
 *
 *   npm run bench:pipeline [-- --base starter|smollm2-135m|DIR] [--epochs N] [--lr X]
 *                          [--batch-tokens N] [--max-seq-len N]   (overrides of the defaults)
 *                          [--keep]   (keep the run's folder: examples, run.json, bundle)
 *                          [--estimate]   (train twice: the Train page's estimate before each run,
 *                                          first guessed, then from the first run, beside the real time)
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { openDatabase } from "@/db/client";
import { countApprovedPhrasings } from "@/db/queries/knowledge";
import { findModelById } from "@/db/queries/models";
import { loadDemoKnowledge } from "@/server/knowledge/demo";
import { ensureStarterBase, registerLocalBase } from "@/server/training/bases";
import type { EvaluationReport } from "@/server/training/evaluation";
import { previewRun } from "@/server/training/runs";
import { defaultTrainingSettings, ESTIMATE_RANGE } from "@/server/training/settings";
import { ensureBenchBundle } from "../inference/build-bundle";
import { settingsOverrideOptions, settingsOverrides, trainToReady } from "./train-to-ready";

/** The Train page's defaults for this base and today's knowledge, as trainToReady uses them. */
const defaultsFor = (base: { kind: string; summary: unknown }, knowledge: { pairs: number }) =>
  defaultTrainingSettings(
    { kind: base.kind, ...(base.summary as { parameters?: number; maxPositions?: number }) },
    knowledge,
  );

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const SMOLLM2_TOKENIZER = path.resolve(repo, "../shared/models/smollm2-135m-tokenizer");

async function main() {
  const { values } = parseArgs({
    options: {
      base: { type: "string" },
      keep: { type: "boolean" },
      estimate: { type: "boolean" },
      ...settingsOverrideOptions,
    },
  });
  const overrides = settingsOverrides(values);
  const bases = values.base ? [values.base] : ["starter", "smollm2-135m"];
  const rows: Record<string, string | number>[] = [];
  for (const which of bases) {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "tunedesk-pipeline-bench-"));
    const database = await openDatabase({ kind: "pglite" });
    await database.migrate();
    const { db } = database;
    const demo = await loadDemoKnowledge(db);
    let base: Awaited<ReturnType<typeof ensureStarterBase>>;
    if (which === "starter") {
      base = await ensureStarterBase(db, dataDir);
    } else if (which === "smollm2-135m") {
      if (!fs.existsSync(SMOLLM2_TOKENIZER)) {
        console.log(`skipped ${which}: ${SMOLLM2_TOKENIZER} is absent`);
        continue;
      }
      const dir = await ensureBenchBundle(
        repo,
        SMOLLM2_TOKENIZER,
        path.join(repo, "bench/inference/.cache/smollm2-135m-random"),
      );
      base = await registerLocalBase(db, { name: "smollm2-135m-random", path: dir });
    } else if (fs.existsSync(path.join(which, "config.json"))) {
      base = await registerLocalBase(db, { name: path.basename(which), path: path.resolve(which) });
    } else {
      throw new Error(`unknown --base ${which} (starter, smollm2-135m or a base model folder)`);
    }
    const estimated = async () =>
      (
        await previewRun(db, base.id, {
          ...defaultsFor(base, await countApprovedPhrasings(db)),
          ...overrides,
        })
      ).estimatedSeconds;
    const firstEstimate = await estimated();
    const trained = await trainToReady(db, dataDir, base, overrides);
    if (values.estimate) {
      const secondEstimate = await estimated();
      const again = await trainToReady(db, dataDir, base, overrides);
      const line = (label: string, estimate: number, actual: number) =>
        `${label}: estimated ${estimate} s (shown as ${Math.round(estimate * ESTIMATE_RANGE.low)}–${Math.round(estimate * ESTIMATE_RANGE.high)} s), took ${actual.toFixed(0)} s (${(((actual - estimate) / estimate) * 100).toFixed(0)}%)`;
      console.log(line("first run (guessed)", firstEstimate, trained.seconds));
      console.log(line("second run (measured on the first)", secondEstimate, again.seconds));
    }
    const phases = trained.run.progress.phaseSeconds ?? {};
    const model = await findModelById(db, trained.run.modelId!);
    const evaluation = model?.evaluation as unknown as EvaluationReport;
    const score = (label: string, set: "heldOut" | "trained") => {
      const models = set === "heldOut" ? evaluation.models : (evaluation.trained?.models ?? []);
      const s = models.find((m) => m.label === label)?.scores;
      return s ? `${s.tokenF1.toFixed(2)} / ${s.stoppedShare.toFixed(2)}` : "-";
    };
    const share = (s?: number) =>
      `${(s ?? 0).toFixed(0)} s (${(((s ?? 0) / trained.seconds) * 100).toFixed(0)}%)`;
    rows.push({
      base: which,
      method: trained.settings.method,
      epochs: trained.settings.epochs,
      pairs: demo.created,
      "train examples": trained.run.progress.trainExamples ?? 0,
      steps: trained.run.progress.totalSteps ?? 0,
      "Train→ready": `${trained.seconds.toFixed(0)} s`,
      preparing: share(phases.preparing),
      training: share(phases.training),
      evaluating: share(phases.evaluating),
      "held-out F1 / stopped": score("candidate", "heldOut"),
      "trained F1 / stopped": score("candidate", "trained"),
      "base trained F1": score("base", "trained"),
    });
    console.log(JSON.stringify(rows.at(-1)));
    const candidate = evaluation.models.find((m) => m.label === "candidate");
    evaluation.questions.slice(0, 3).forEach((q, i) => {
      console.log(`  Q: ${q.question}\n  A: ${candidate?.answers[i] ?? ""}\n  reference: ${q.reference}\n`);
    });
    await database.close();
    if (values.keep) console.log(`kept ${dataDir}`);
    else fs.rmSync(dataDir, { recursive: true, force: true });
  }
  console.table(rows);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});

/**
 * One training round of the retriever alone, through the product's own code: tune the encoder on
 * the approved knowledge as a run would (held-out phrasings kept out), calibrate the decision, and
 * load the result as serving does. The benchmarks use it where a language model adds nothing to
 * what they measure (which pair an answer is grounded on).
 */
import fs from "node:fs";
import path from "node:path";
import type { Db } from "@/db/client";
import { listApprovedPairsForTraining } from "@/db/queries/knowledge";
import { type RankingWeights, Retriever } from "@/server/assistant/retriever/retriever";
import type { PipelineContext } from "@/server/training/pipeline";
import {
  calibrateBundleRetriever,
  retrieverBaseDir,
  tuneRetriever,
} from "@/server/training/retriever-tuning";
import { heldOutPhrasings, trainingView } from "@/server/training/split";

/** Links the general retriever base into a benchmark's data dir, where runs look for it. */
export function linkRetrieverBase(dataDir: string, baseDir: string | undefined): string {
  if (baseDir && fs.existsSync(path.join(baseDir, "retriever.json"))) {
    fs.symlinkSync(path.resolve(baseDir), retrieverBaseDir(dataDir));
    return baseDir;
  }
  return "none (npm run build:retriever); tuned from scratch";
}

/** `--retriever-base` may name one directory or, with `{set}`, one per evaluated data set. */
export function retrieverBaseFor(template: string, set: string): string {
  return template.replaceAll("{set}", set);
}

export async function tuneRetrieverRound(
  db: Db,
  dataDir: string,
  name: string,
  options: { weights?: RankingWeights; previousBundleDir?: string } = {},
): Promise<{ retriever: Retriever; seconds: number; bundleDir: string }> {
  const started = performance.now();
  const bundleDir = path.join(dataDir, `retriever-${name}`);
  const workDir = `${bundleDir}-work`;
  fs.mkdirSync(bundleDir, { recursive: true });
  fs.mkdirSync(workDir, { recursive: true });
  const pairs = (await listApprovedPairsForTraining(db)).map((p) => ({ ...p, pairId: p.id }));
  const ctx: PipelineContext = {
    db,
    dataDir,
    python: "/usr/bin/python3",
    signal: new AbortController().signal,
    report: () => {},
    log: () => {},
  };
  await tuneRetriever(ctx, {
    runId: name,
    workDir,
    bundleDir,
    pairs: trainingView(pairs),
    previousBundleDir: options.previousBundleDir,
  });
  await calibrateBundleRetriever(
    ctx,
    bundleDir,
    heldOutPhrasings(pairs).map(({ pair, question }) => ({ question, pairId: pair.pairId })),
  );
  const retriever = await Retriever.forBundle(bundleDir, options.weights);
  return { retriever, seconds: (performance.now() - started) / 1000, bundleDir };
}

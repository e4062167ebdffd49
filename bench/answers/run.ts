/**
 * Answers customers can trust, measured: for each data set in ../shared (banking77, clinc150,
 * dstc11, ecommerce-faq) a knowledge base is built on an embedded database, and the same questions
 * go through lexical ranking alone, the run's tuned hybrid ranking (with its calibrated decision),
 * and the whole answer path (retrieve, decide, generate, guard) of a model trained by the real
 * pipeline. Prints one table per data set. Needs ../shared (says so when absent).
 *
 *   npm run bench:answers -- [--sets banking77,clinc150,dstc11,ecommerce-faq] [--base DIR|starter|none]
 *                            [--per-intent 8] [--off-topic 300] [--seed 13]
 *                            [--retriever-base DIR | DIR-with-{set}]  (a base built without the set it is
 *                            asked about: build:retriever -- --exclude banking77 --out DIR)
 *                            [--no-variants]  (each pair its question only, as a first import has)
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { openDatabase } from "@/db/client";
import { DEFAULT_CALIBRATION } from "@/server/assistant/decision";
import { DEFAULT_WEIGHTS, type RankingWeights, Retriever } from "@/server/assistant/retriever/retriever";
import { InferenceEngine } from "@/server/inference";
import { ensureStarterBase, registerLocalBase } from "@/server/training/bases";
import { retrieverBaseDir } from "@/server/training/retriever-tuning";
import { trainToReady } from "../pipeline/train-to-ready";
import {
  type BenchSet,
  banking77,
  clinc150,
  clincOffTopic,
  dstc11,
  ecommerceFaq,
  insertBenchPairs,
  SHARED,
} from "./datasets";
import { type Knowledge, type Scores, scoreAnswers, scoreRanking } from "./measure";
import { linkRetrieverBase, retrieverBaseFor, tuneRetrieverRound } from "./retriever-round";

const SETS = ["banking77", "clinc150", "dstc11", "ecommerce-faq"] as const;
const DEFAULT_BASE = path.resolve("../shared/models/tunedesk-chat-17m");

async function main() {
  const { values } = parseArgs({
    options: {
      sets: { type: "string", default: SETS.join(",") },
      base: { type: "string" },
      "per-intent": { type: "string", default: "8" },
      "off-topic": { type: "string", default: "300" },
      seed: { type: "string", default: "13" },
      conversations: { type: "string", default: "40" },
      "dense-share": { type: "string" },
      "answer-weight": { type: "string" },
      "second-share": { type: "string" },
      "retriever-base": { type: "string" },
      "no-variants": { type: "boolean", default: false },
    },
  });
  if (!fs.existsSync(SHARED)) {
    console.log(`answers benchmark skipped: ${SHARED} is absent (it lives in ../shared beside the repo)`);
    return;
  }
  const seed = Number(values.seed);
  const offTopic = clincOffTopic(Number(values["off-topic"]), seed);
  const perIntent = Number(values["per-intent"]);
  const base = values.base ?? (fs.existsSync(DEFAULT_BASE) ? DEFAULT_BASE : "starter");
  const generalBase = values["retriever-base"] ?? retrieverBaseDir(".tunedesk");
  console.log(
    `model for the whole answer path: ${base}; off-topic: ${offTopic.length} of clinc150's oos_test (seed ${seed})`,
  );
  const builders: Record<string, () => BenchSet> = {
    banking77: () => banking77(perIntent, seed, offTopic),
    clinc150: () => clinc150(perIntent, seed, offTopic),
    dstc11: () => dstc11(perIntent, seed, offTopic),
    "ecommerce-faq": () => ecommerceFaq(offTopic),
  };
  for (const name of (values.sets ?? SETS.join(",")).split(",")) {
    const build = builders[name];
    if (!build) throw new Error(`unknown set ${name}; choose from ${SETS.join(", ")}`);
    const weights = {
      denseShare: Number(values["dense-share"] ?? DEFAULT_WEIGHTS.denseShare),
      answerWeight: Number(values["answer-weight"] ?? DEFAULT_WEIGHTS.answerWeight),
      secondShare: Number(values["second-share"] ?? DEFAULT_WEIGHTS.secondShare),
      confirmedWeight: DEFAULT_WEIGHTS.confirmedWeight,
    };
    const set = build();
    if (values["no-variants"]) withoutVariants(set);
    await benchSet(set, {
      base,
      generalBase,
      conversations: Number(values.conversations),
      weights,
    });
  }
}

/** A first import: each pair's question alone, its variants dropped. */
function withoutVariants(set: BenchSet) {
  for (const p of set.pairs) p.variants = [];
  set.note += ", variants dropped";
}

async function benchSet(
  set: BenchSet,
  options: {
    base: string;
    generalBase: string;
    conversations: number;
    weights: RankingWeights;
  },
) {
  console.log(`\n## ${set.name}: ${set.note}, ${set.offTopic.length} off-topic`);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `tunedesk-answers-${set.name}-`));
  console.log(
    `retriever base: ${linkRetrieverBase(dataDir, retrieverBaseFor(options.generalBase, set.name))}`,
  );
  const database = await openDatabase({ kind: "pglite" });
  await database.migrate();
  const { db } = database;
  const knowledge: Knowledge = { byPairId: new Map(), byKey: new Map() };
  const idByKey = await insertBenchPairs(db, set.pairs);
  for (const p of set.pairs) {
    knowledge.byPairId.set(idByKey.get(p.key)!, p);
    knowledge.byKey.set(p.key, p);
  }
  const rows: [string, Scores, string][] = [];
  const lexical = new Retriever(null, DEFAULT_CALIBRATION.lexical, options.weights);
  rows.push(["lexical ranking", await scoreRanking(db, lexical, set, knowledge), "-"]);

  let bundleDir: string;
  let trainSeconds: number;
  let engine: InferenceEngine | undefined;
  if (options.base === "none") {
    const round = await tuneRetrieverRound(db, dataDir, set.name, { weights: options.weights });
    await round.retriever.dispose();
    bundleDir = round.bundleDir;
    trainSeconds = round.seconds;
  } else {
    const baseRow =
      options.base === "starter"
        ? await ensureStarterBase(db, dataDir)
        : await registerLocalBase(db, {
            name: path.basename(options.base),
            path: path.resolve(options.base),
          });
    const { run, seconds } = await trainToReady(db, dataDir, baseRow);
    bundleDir = path.join(dataDir, "models", run.id);
    trainSeconds = seconds;
    engine = await InferenceEngine.load(bundleDir, { threads: 2 });
  }
  const hybrid = await Retriever.forBundle(bundleDir, options.weights);
  const calibration = hybrid.calibration;
  // Calibration's held-out phrasings are approved variants: the benchmark asks only test questions.
  rows.push([
    "hybrid ranking + decision",
    await scoreRanking(db, hybrid, set, knowledge),
    `${trainSeconds.toFixed(0)} s`,
  ]);
  if (engine) {
    rows.push([
      "whole answer path",
      await scoreAnswers(db, engine, hybrid, set, knowledge, options.conversations),
      `${trainSeconds.toFixed(0)} s`,
    ]);
    await engine.dispose();
  }
  await hybrid.dispose();
  await database.close();
  console.log(
    `calibration: answers at ${calibration.answerAt.toFixed(3)} (${calibration.source}); measured on held-out phrasings ${JSON.stringify(calibration.measured ?? {})}`,
  );
  printTable(rows);
}

const pct = (x: number | undefined) =>
  x === undefined || Number.isNaN(x) ? "-" : `${(x * 100).toFixed(1)}%`;

function printTable(rows: [string, Scores, string][]) {
  const header = [
    "path",
    "retrieval@1",
    "right",
    "in-scope declined",
    "clarified",
    "off-topic declined",
    "p50 ms",
    "p95 ms",
    "loops",
    "mixed",
    "right after 2 off-topic",
    "training",
  ];
  const lines = rows.map(([label, s, training]) => [
    label,
    pct(s.retrievalAt1),
    pct(s.right),
    pct(s.inScopeDeclined),
    pct(s.clarified),
    pct(s.offTopicDeclined),
    s.p50Ms.toFixed(1),
    s.p95Ms.toFixed(1),
    s.loops?.toString() ?? "-",
    s.mixed?.toString() ?? "-",
    pct(s.afterOffTopicRight),
    training,
  ]);
  console.log(`| ${header.join(" | ")} |\n|${header.map(() => " --- ").join("|")}|`);
  for (const l of lines) console.log(`| ${l.join(" | ")} |`);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});

/**
 * Answer quality on support knowledge the product has never seen: loads ../shared's ecommerce FAQ
 * (157 pairs) as approved knowledge, trains through the real pipeline (starter from scratch, or
 * a base given with --base DIR), then asks customer-style rewordings and scores the answers
 * against the reference answers. Prints numbers; needs ../shared (says so when absent).
 *
 *   npx tsx bench/quality/run.ts [--base DIR] [--epochs N] [--lr X] [--method full|lora]
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { openDatabase } from "@/db/client";
import { createPair } from "@/db/queries/knowledge";
import { retrieveApprovedPairs } from "@/db/queries/retrieval";
import { answerCustomer } from "@/server/assistant/answer";
import { Retriever } from "@/server/assistant/retriever/retriever";
import { InferenceEngine } from "@/server/inference";
import { rougeL, tokenF1 } from "@/server/training/answer-metrics";
import { ensureStarterBase, registerLocalBase } from "@/server/training/bases";
import { settingsOverrideOptions, settingsOverrides, trainToReady } from "../pipeline/train-to-ready";

const FAQ = path.resolve("../shared/datasets/ecommerce-faq/Ecommerce_FAQ_Chatbot_dataset.json");

async function main() {
  const { values } = parseArgs({
    options: { base: { type: "string" }, ...settingsOverrideOptions },
  });
  if (!fs.existsSync(FAQ)) {
    console.log(`quality benchmark skipped: ${FAQ} is absent (it lives in ../shared beside the repo)`);
    return;
  }
  const faq = JSON.parse(fs.readFileSync(FAQ, "utf8")) as Record<
    string,
    { question: string; answer: string }[]
  >;
  const paraphrases = JSON.parse(fs.readFileSync(new URL("paraphrases.json", import.meta.url), "utf8"));
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "tunedesk-quality-"));
  const database = await openDatabase({ kind: "pglite" });
  await database.migrate();
  const { db } = database;

  for (const [category, pairs] of Object.entries(faq)) {
    for (const p of pairs) {
      await createPair(
        db,
        {
          question: p.question,
          answer: p.answer,
          variants: [],
          context: [],
          product: category,
          tags: [],
          status: "approved",
        },
        null,
      );
    }
  }
  const base = values.base
    ? await registerLocalBase(db, { name: path.basename(values.base), path: path.resolve(values.base) })
    : await ensureStarterBase(db, dataDir);
  const { run, seconds } = await trainToReady(db, dataDir, base, settingsOverrides(values));
  console.log(
    `time from Train to ready: ${seconds.toFixed(0)} s; phases: ${JSON.stringify(run.progress.phaseSeconds)}`,
  );

  const engine = await InferenceEngine.load(path.join(dataDir, "models", run.id), { threads: 2 });
  const retriever = await Retriever.forBundle(path.join(dataDir, "models", run.id));
  const rows: { kind: string; f1: number; rouge: number; hit: boolean }[] = [];
  for (const [key, asks] of Object.entries(paraphrases)) {
    if (key.startsWith("_")) continue;
    const [category, index] = key.split("/");
    const pair = faq[category!]![Number(index)]!;
    for (const [kind, question] of [
      ["original", pair.question],
      ...(asks as string[]).map((a) => ["reworded", a]),
    ] as const) {
      const top = await retrieveApprovedPairs(db, question, 1);
      const { stream } = await answerCustomer({ db, model: engine, retriever, question });
      const answer = (await stream.result).text.trim();
      rows.push({
        kind,
        f1: tokenF1(answer, pair.answer),
        rouge: rougeL(answer, pair.answer),
        hit: top[0]?.question === pair.question,
      });
      if (kind === "reworded" && rows.length % 4 === 0)
        console.log(`  Q: ${question}\n  A: ${answer}\n  ref: ${pair.answer}\n`);
    }
  }
  await engine.dispose();
  for (const kind of ["original", "reworded"]) {
    const r = rows.filter((x) => x.kind === kind);
    const mean = (f: (x: (typeof r)[number]) => number) =>
      (r.reduce((a, x) => a + f(x), 0) / r.length).toFixed(3);
    console.log(
      `${kind}: n=${r.length} tokenF1=${mean((x) => x.f1)} rougeL=${mean((x) => x.rouge)} retrieval@1=${mean((x) => (x.hit ? 1 : 0))}`,
    );
  }
  await database.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
}

void main();

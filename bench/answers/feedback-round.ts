/**
 * A round of customer feedback, measured with the product's own code: does the next round fix what
 * customers corrected without breaking what worked? For banking77 and clinc150 (one pair per intent
 * from the train split, as bench:answers builds them) two disjoint seeded groups of test questions,
 * A and B, are asked after round 1. Every A question answered wrongly is corrected as the review
 * queue does it (the customer's words become a variant of the right pair, addVariantToPair), the
 * retriever is trained again with the default settings, and A and B are asked again.
 * "Right" = grounded on the right pair (the decision answers from it); the guard serves that pair's
 * curated answer whenever generation departs from it, so the pair decides what customers get.
 *
 *   npm run bench:feedback -- [--sets banking77,clinc150] [--per-intent 8] [--seed 13]
 *                             [--retriever-base DIR | DIR-with-{set}] [--fresh]
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import type { Db } from "@/db/client";
import { openDatabase } from "@/db/client";
import { listReviewItemsForConversation } from "@/db/queries/feedback";
import { insertUser } from "@/db/queries/users";
import { groundQuestion } from "@/server/assistant/answer";
import type { Retriever } from "@/server/assistant/retriever/retriever";
import { applyItemToPair } from "@/server/chat/review";
import { retrieverBaseDir } from "@/server/training/retriever-tuning";
import { insertRatedDownAnswer } from "@/test/helpers/conversations";
import { type BenchSet, banking77, clinc150, clincOffTopic, insertBenchPairs, SHARED } from "./datasets";
import { linkRetrieverBase, retrieverBaseFor, tuneRetrieverRound } from "./retriever-round";

const SETS = ["banking77", "clinc150"] as const;

type Question = { text: string; key: string };

async function main() {
  const { values } = parseArgs({
    options: {
      sets: { type: "string", default: SETS.join(",") },
      "per-intent": { type: "string", default: "8" },
      "off-topic": { type: "string", default: "300" },
      seed: { type: "string", default: "13" },
      "retriever-base": { type: "string", default: retrieverBaseDir(".tunedesk") },
      /** Round 2 tunes from the general base again instead of on from round 1 (for comparison). */
      fresh: { type: "boolean", default: false },
    },
  });
  if (!fs.existsSync(SHARED)) {
    console.log(`feedback benchmark skipped: ${SHARED} is absent (it lives in ../shared beside the repo)`);
    return;
  }
  const seed = Number(values.seed);
  const perIntent = Number(values["per-intent"]);
  const offTopic = clincOffTopic(Number(values["off-topic"]), seed);
  const builders: Record<string, () => BenchSet> = {
    banking77: () => banking77(perIntent, seed, offTopic),
    clinc150: () => clinc150(perIntent, seed, offTopic),
  };
  for (const name of (values.sets ?? "").split(",")) {
    const build = builders[name];
    if (!build) throw new Error(`unknown set ${name}; choose from ${SETS.join(", ")}`);
    await feedbackRound(build(), retrieverBaseFor(values["retriever-base"]!, name), values.fresh ?? false);
  }
}

type Outcome = "right" | "declined" | "clarified" | "other pair";

/** Per question: answered from its own pair, or what happened instead. */
async function outcomes(db: Db, retriever: Retriever, questions: Question[], idByKey: Map<string, string>) {
  const out: Outcome[] = [];
  for (const q of questions) {
    const { decision } = await groundQuestion(db, retriever, q.text);
    out.push(
      decision.kind === "decline"
        ? "declined"
        : decision.kind === "clarify"
          ? "clarified"
          : decision.pair.id === idByKey.get(q.key)
            ? "right"
            : "other pair",
    );
  }
  return out;
}

async function declinedShare(db: Db, retriever: Retriever, messages: string[]) {
  let declined = 0;
  for (const m of messages)
    if ((await groundQuestion(db, retriever, m)).decision.kind === "decline") declined++;
  return declined / Math.max(1, messages.length);
}

async function feedbackRound(set: BenchSet, baseDir: string, fresh: boolean) {
  // Alternate each intent's questions between the groups: A and B ask every intent equally.
  const seen = new Map<string, number>();
  const groupA: Question[] = [];
  const groupB: Question[] = [];
  for (const q of set.questions) {
    const n = seen.get(q.key) ?? 0;
    seen.set(q.key, n + 1);
    (n % 2 === 0 ? groupA : groupB).push(q);
  }
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `tunedesk-feedback-${set.name}-`));
  console.log(
    `\n## ${set.name}: ${set.pairs.length} pairs; A ${groupA.length} and B ${groupB.length} questions`,
  );
  console.log(`retriever base: ${linkRetrieverBase(dataDir, baseDir)}`);
  const database = await openDatabase({ kind: "pglite" });
  await database.migrate();
  const { db } = database;
  const idByKey = await insertBenchPairs(db, set.pairs);

  const all = [...groupA, ...groupB];
  const round1 = await tuneRetrieverRound(db, dataDir, "round-1");
  const o1 = await outcomes(db, round1.retriever, all, idByKey);
  const off1 = await declinedShare(db, round1.retriever, set.offTopic);

  // Corrections: each wrong A answer is rated down with the right answer as the correction, and
  // staff attach the customer's words to the right pair in the review queue; retrieval matches
  // them at once (before any retraining) and they join the regression set.
  const corrected = groupA.filter((_, i) => o1[i] !== "right");
  const staff = await insertUser(db, {
    email: "reviewer@bench.local",
    name: "Reviewer",
    role: "staff",
    passwordHash: "unused",
  });
  const answerByKey = new Map(set.pairs.map((p) => [p.key, p.answer]));
  for (const q of corrected) {
    const conversationId = await insertRatedDownAnswer(db, q.text, answerByKey.get(q.key)!);
    const [item] = await listReviewItemsForConversation(db, conversationId);
    await applyItemToPair(db, staff.id, {
      itemId: item!.id,
      pairId: idByKey.get(q.key)!,
      mode: "variant",
      text: q.text,
    });
  }
  const reviewed = await outcomes(db, round1.retriever, all, idByKey);
  const offReviewed = await declinedShare(db, round1.retriever, set.offTopic);
  await round1.retriever.dispose();

  // Round 2 is trained as the product trains the next run: on from the model in production.
  const round2 = await tuneRetrieverRound(db, dataDir, "round-2", {
    previousBundleDir: fresh ? undefined : round1.bundleDir,
  });
  const o2 = await outcomes(db, round2.retriever, all, idByKey);
  const off2 = await declinedShare(db, round2.retriever, set.offTopic);
  await round2.retriever.dispose();
  await database.close();

  const pct = (n: number, d: number) => (d ? `${((n / d) * 100).toFixed(1)}%` : "-");
  const inA = (i: number) => i < groupA.length;
  const right = (o: Outcome[], group: (i: number) => boolean) =>
    o.filter((x, i) => group(i) && x === "right").length;
  const row = (label: string, o: Outcome[], off: number, seconds: string) => {
    const fixed = o.filter((x, i) => inA(i) && o1[i] !== "right" && x === "right").length;
    const broken = o.filter((x, i) => o1[i] === "right" && x !== "right");
    const brokenA = o.filter((x, i) => inA(i) && o1[i] === "right" && x !== "right").length;
    const became = new Map<Outcome, number>();
    for (const x of broken) became.set(x, (became.get(x) ?? 0) + 1);
    const notA = (i: number) => !inA(i);
    return (
      `| ${label} | ${pct(right(o, inA), groupA.length)} | ${pct(right(o, notA), groupB.length)} | ` +
      `${corrected.length ? `${fixed} of ${corrected.length} (${pct(fixed, corrected.length)})` : "-"} | ` +
      `${broken.length} of ${right(o1, () => true)} (${pct(
        broken.length,
        right(o1, () => true),
      )}; A ${brokenA}, B ${broken.length - brokenA}) | ` +
      `${[...became].map(([x, n]) => `${x} ${n}`).join(", ") || "-"} | ${pct(off, 1)} | ${seconds} |`
    );
  };
  console.log(
    "| after | A right | B right | corrected A fixed | previously right broken | broken became | off-topic declined | training |\n" +
      "| --- | --- | --- | --- | --- | --- | --- | --- |",
  );
  console.log(
    `| round 1 | ${pct(right(o1, inA), groupA.length)} | ${pct(
      right(o1, (i) => !inA(i)),
      groupB.length,
    )} | - | - | - | ${pct(off1, 1)} | ${round1.seconds.toFixed(0)} s |`,
  );
  console.log(row(`review (${corrected.length} corrections, no retraining)`, reviewed, offReviewed, "-"));
  console.log(
    row(
      `round 2 (${fresh ? "tuned afresh" : "tuned on from round 1"})`,
      o2,
      off2,
      `${round2.seconds.toFixed(0)} s`,
    ),
  );
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});

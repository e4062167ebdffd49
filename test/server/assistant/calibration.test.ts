import path from "node:path";
import { beforeAll, expect, it } from "vitest";
import { createPair } from "@/db/queries/knowledge";
import { calibrate, harrellDavisQuantile, OFF_TOPIC_DECLINE_FLOOR } from "@/server/assistant/calibration";
import { decide, readCalibration } from "@/server/assistant/decision";
import {
  OFF_TOPIC_FOR_MEASURING,
  OFF_TOPIC_FOR_THRESHOLD,
  OFF_TOPIC_FOR_TUNING,
} from "@/server/assistant/off-topic";
import { Retriever } from "@/server/assistant/retriever/retriever";
import type { PipelineContext } from "@/server/training/pipeline";
import { calibrateBundleRetriever } from "@/server/training/retriever-tuning";
import { describeEachDatabase } from "../../helpers/db";
import { KNOWLEDGE, tinyRetrieverBundle } from "./fixtures";

const TOPICS = ["invoice", "parcel", "refund", "password", "voucher", "warranty", "battery", "charger"];
const PAIRS = TOPICS.flatMap((topic) =>
  ["find", "change", "cancel"].map((verb) => ({
    question: `How do I ${verb} my ${topic}?`,
    variants: [`${verb} ${topic} please`, `where can I ${verb} the ${topic}`],
    answer: `To ${verb} your ${topic}, open Account, then ${topic}.`,
  })),
);

let bundle: string;
beforeAll(async () => {
  bundle = await tinyRetrieverBundle(KNOWLEDGE);
}, 120_000);

describeEachDatabase("calibrating the grounding decision", (testDb) => {
  it("sets the answer threshold so that at most 5% of held-out phrasings retrieved right are declined, and records it", async () => {
    const db = testDb().db;
    const probes = [];
    for (const p of PAIRS) {
      const row = await createPair(
        db,
        { ...p, context: [], tags: [], product: null, status: "approved" },
        null,
      );
      probes.push({ pairId: row.id, question: p.variants[1]! });
    }
    const ctx = { db } as PipelineContext;
    const calibration = await calibrateBundleRetriever(ctx, bundle, probes);
    expect(calibration.source).toBe("calibrated");
    expect(calibration.measured).toMatchObject({ inScopeQuestions: PAIRS.length });
    expect(calibration.measured!.retrievedRightDeclined).toBeLessThanOrEqual(0.05 + 1 / PAIRS.length);
    expect(readCalibration(path.join(bundle, "retriever"))).toMatchObject({ answerAt: calibration.answerAt });

    // Phrasings retrieval gets wrong (declining them is no loss) do not pull the threshold down.
    const unknownPair = "00000000-0000-4000-8000-000000000000";
    const wrong = ["zebra opera", "tulip lorem", "violin moon", "cactus tide", "pearl anvil", "harp fog"].map(
      (question) => ({ question, pairId: unknownPair }),
    );
    const withWrong = await calibrateBundleRetriever(ctx, bundle, [...probes, ...wrong]);
    expect(withWrong.answerAt).toBe(calibration.answerAt);

    // Too few held-out phrasings to say anything: the defaults, and the run says why.
    const few = await calibrateBundleRetriever(ctx, bundle, probes.slice(0, 5));
    expect(few).toMatchObject({ source: "default", note: expect.stringMatching(/calibration needs 20/) });
  });

  it("never answers above a tenth of the off-topic messages set aside for the threshold, even when weak held-out phrasings would allow it", async () => {
    const db = testDb().db;
    for (const p of PAIRS)
      await createPair(
        db,
        { ...p, variants: [], context: [], tags: [], product: null, status: "approved" },
        null,
      );
    const retriever = await Retriever.forBundle(bundle);
    try {
      // Held-out phrasings that only just reach their pair: their quantile alone would answer
      // almost anything, and only the floor stands in the way.
      const weak = [];
      for (const word of [
        "zebra",
        "opera",
        "tulip",
        "violin",
        "cactus",
        "pearl",
        "anvil",
        "harp",
        "fog",
        "moss",
        "kite",
        "lantern",
      ])
        for (const other of ["blue", "quiet"]) {
          const question = `${word} ${other}`;
          const top = (await retriever.rank(db, question)).ranked[0];
          if (top) weak.push({ question, pairId: top.id });
        }
      const offTopic = { threshold: OFF_TOPIC_FOR_THRESHOLD, measuring: OFF_TOPIC_FOR_MEASURING };
      const calibration = await calibrate(db, retriever, weak, offTopic);
      expect(calibration.source).toBe("calibrated");
      expect(calibration.note).toMatch(/threshold raised/);
      expect(calibration.offTopicFloor).toBeDefined();
      expect(calibration.answerAt).toBeGreaterThanOrEqual(calibration.offTopicFloor!);
      let declined = 0;
      for (const q of OFF_TOPIC_FOR_THRESHOLD) {
        const { ranked, offTopicScore } = await retriever.rank(db, q);
        if (decide(ranked, calibration, offTopicScore).kind === "decline") declined++;
      }
      expect(declined / OFF_TOPIC_FOR_THRESHOLD.length).toBeGreaterThanOrEqual(OFF_TOPIC_DECLINE_FLOOR);
      // What the report measures was never used to set the threshold.
      expect(calibration.measured!.offTopicQuestions).toBe(OFF_TOPIC_FOR_MEASURING.length);
    } finally {
      await retriever.dispose();
    }
  });
});

it("splits the written off-topic messages into three stable, disjoint parts", () => {
  const parts = [OFF_TOPIC_FOR_TUNING, OFF_TOPIC_FOR_THRESHOLD, OFF_TOPIC_FOR_MEASURING];
  const all = parts.flat();
  expect(new Set(all).size).toBe(all.length);
  for (const part of parts) expect(part.length).toBeGreaterThanOrEqual(40);
});

it("estimates the low quantile from every held-out score, so one stray score moves it little", () => {
  // A symmetric sample's median is its mean; weights sum to one, so a constant sample is itself.
  expect(harrellDavisQuantile([1, 2, 3, 4, 5], 0.5)).toBeCloseTo(3, 10);
  expect(harrellDavisQuantile(Array(40).fill(0.3), 0.05)).toBeCloseTo(0.3, 10);
  expect(harrellDavisQuantile([], 0.05)).toBe(0);
  // One more phrasing held out, scored high, moves the 5% order statistic from the second-lowest
  // score to the third (floor(0.05 n): 39 → 40 scores), here from 0.09 to 0.2: a threshold that
  // declines what was answered the round before. The Beta-weighted estimate barely moves.
  const scores = [0.06, 0.09, ...Array.from({ length: 37 }, (_, i) => 0.2 + i * 0.01)];
  const oneMore = [...scores, 0.9];
  expect([scores[Math.floor(0.05 * scores.length)], oneMore[Math.floor(0.05 * oneMore.length)]]).toEqual([
    0.09, 0.2,
  ]);
  const moved = Math.abs(harrellDavisQuantile(oneMore, 0.05) - harrellDavisQuantile(scores, 0.05));
  expect(moved).toBeLessThan((0.2 - 0.09) / 4);
  expect(harrellDavisQuantile(scores, 0.05)).toBeGreaterThan(0.06);
  expect(harrellDavisQuantile(scores, 0.05)).toBeLessThan(0.2);
});

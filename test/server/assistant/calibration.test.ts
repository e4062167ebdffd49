import fs from "node:fs";
import path from "node:path";
import { beforeAll, expect, it } from "vitest";
import { createPair } from "@/db/queries/knowledge";
import { CALIBRATION_FILE, readCalibration } from "@/server/assistant/decision";
import type { PipelineContext } from "@/server/training/pipeline";
import { calibrateBundleRetriever } from "@/server/training/retriever-tuning";
import { describeEachDatabase } from "../../helpers/db";
import { KNOWLEDGE, tinyRetrieverBundle } from "./fixtures";

const TOPICS = ["invoice", "parcel", "refund", "password", "voucher", "warranty", "battery", "charger"];
const PLAIN = TOPICS.flatMap((topic) =>
  ["How do I find my", "What happens to my", "Can I change my"].map((start, i) => ({
    question: `${start} ${topic}?`,
    answer: `For your ${topic}: open Account, then ${topic} settings, step ${i + 1}.`,
  })),
);

let bundle: string;
beforeAll(async () => {
  bundle = await tinyRetrieverBundle(KNOWLEDGE);
}, 120_000);

describeEachDatabase("calibrating the grounding decision", (testDb) => {
  it("calibrates plain question/answer pairs (no variants) on their own questions, matched through their answers", async () => {
    const db = testDb().db;
    const pairs = [];
    for (const p of PLAIN) {
      const row = await createPair(
        db,
        { ...p, variants: [], context: [], tags: [], product: null, status: "approved" },
        null,
      );
      pairs.push({ pairId: row.id, question: p.question });
    }
    const ctx = { db } as PipelineContext;
    const calibration = await calibrateBundleRetriever(ctx, bundle, [], pairs);
    expect(calibration).toMatchObject({
      source: "calibrated",
      note: expect.stringMatching(/no held-out variants/),
    });
    expect(calibration.measured?.inScopeQuestions).toBe(PLAIN.length);
    expect(calibration.measured?.inScopeDeclined).toBeLessThanOrEqual(0.05 + 1 / PLAIN.length);
    expect(readCalibration(path.join(bundle, "retriever"))).toMatchObject({ answerAt: calibration.answerAt });
    expect(fs.existsSync(path.join(bundle, "retriever", CALIBRATION_FILE))).toBe(true);

    // Too little knowledge to say anything: the defaults, and the run says why.
    const few = await calibrateBundleRetriever(ctx, bundle, [], pairs.slice(0, 5));
    expect(few).toMatchObject({ source: "default", note: expect.stringMatching(/calibration needs 20/) });
  });
});

import path from "node:path";
import { beforeAll, expect, it } from "vitest";
import { createPair } from "@/db/queries/knowledge";
import { readCalibration } from "@/server/assistant/decision";
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
});

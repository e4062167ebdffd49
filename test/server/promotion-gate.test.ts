import { expect, it } from "vitest";
import { findProductionModel } from "@/db/queries/models";
import { models } from "@/db/schema";
import type { EvaluationReport, ModelScores } from "@/server/training/evaluation";
import { gateVerdict, promoteModel, RIGHT_ANSWER_FLOOR } from "@/server/training/promotion";
import { createUser } from "@/server/users/service";
import { describeEachDatabase } from "../helpers/db";

const scores = (rightShare: number, questions = 30): ModelScores => ({
  tokenF1: 0.5,
  rougeL: 0.5,
  stoppedShare: 1,
  repetition: 0,
  meanAnswerWords: 10,
  meanLatencyMs: 100,
  questions,
  rightShare,
});
const report = (entries: [string, string | null, number][]): EvaluationReport => ({
  questions: [],
  models: entries.map(([label, modelId, right]) => ({ label, modelId, scores: scores(right), answers: [] })),
});

describeEachDatabase("promotion gate", (useDb) => {
  it("asks for a reason below the right-answer floor or below production, and says the figures", async () => {
    const db = useDb().db;
    const admin = await createUser(
      db,
      { email: "g@example.com", password: "correct-horse-9", role: "admin" },
      null,
    );
    const insert = async (name: string, evaluation: EvaluationReport) =>
      (
        await db
          .insert(models)
          .values({ name, bundlePath: `/nowhere/${name}`, evaluation: evaluation as never })
          .returning()
      )[0]!;

    const weak = await insert("weak", report([["candidate", null, RIGHT_ANSWER_FLOOR - 0.2]]));
    expect(gateVerdict(weak, undefined)).toMatchObject({
      belowFloor: true,
      worse: false,
      metric: "right answers",
    });
    await expect(promoteModel(db, { modelId: weak.id, actorId: admin.id })).rejects.toThrow(
      /below the floor of 60%/,
    );

    const good = await insert("good", report([["candidate", null, 0.9]]));
    await promoteModel(db, { modelId: good.id, actorId: admin.id });
    expect((await findProductionModel(db))?.id).toBe(good.id);

    const worse = await insert(
      "worse",
      report([
        ["candidate", null, 0.8],
        ["production", good.id, 0.9],
      ]),
    );
    expect(gateVerdict(worse, good)).toMatchObject({
      worse: true,
      belowFloor: false,
      candidate: 0.8,
      production: 0.9,
    });
    await expect(promoteModel(db, { modelId: worse.id, actorId: admin.id })).rejects.toThrow(/80% vs 90%/);
    await promoteModel(db, {
      modelId: worse.id,
      actorId: admin.id,
      overrideReason: "fixes the refund answers",
    });
    expect((await findProductionModel(db))?.id).toBe(worse.id);

    // Same held-out score, but it breaks more confirmed customer questions than it fixes.
    const asked = ["refund pls", "where is my parcel", "cancel order", "change address"].map(
      (question, i) => ({
        pairId: `pair-${i}`,
        question,
        reference: "",
      }),
    );
    const regressive = await insert("regressive", {
      ...report([
        ["candidate", null, 0.8],
        ["production", worse.id, 0.8],
      ]),
      regression: {
        questions: asked,
        models: [
          {
            label: "candidate",
            modelId: null,
            scores: scores(0.5, 4),
            answers: [],
            right: [true, false, false, true],
          },
          {
            label: "production",
            modelId: worse.id,
            scores: scores(0.75, 4),
            answers: [],
            right: [true, true, true, false],
          },
        ],
      },
    });
    const verdict = gateVerdict(regressive, worse);
    expect(verdict).toMatchObject({
      worse: false,
      breaksConfirmed: true,
      regressionChanges: {
        questions: 4,
        fixed: 1,
        broken: 2,
        brokenQuestions: [
          { question: "where is my parcel", pairId: "pair-1" },
          { question: "cancel order", pairId: "pair-2" },
        ],
      },
    });
    await expect(promoteModel(db, { modelId: regressive.id, actorId: admin.id })).rejects.toThrow(
      /breaks 2 of 4 customer questions staff confirmed and fixes 1/,
    );
    await promoteModel(db, { modelId: regressive.id, actorId: admin.id, overrideReason: "accepted" });
    expect((await findProductionModel(db))?.id).toBe(regressive.id);
  });
});

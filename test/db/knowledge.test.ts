import { expect, it } from "vitest";
import {
  addVariantToPair,
  createFeedbackDraft,
  createPair,
  listApprovedPairsForTraining,
  listPairVersions,
  setPairAnswer,
  setPairsStatus,
} from "@/db/queries/knowledge";
import { findSimilarQuestions, listPairs, searchPairsByText } from "@/db/queries/knowledge-search";
import { describeEachDatabase } from "../helpers/db";

describeEachDatabase("knowledge queries for other features", (testDb) => {
  it("feedback drafts, new variants and answers, training snapshot and retrieval", async () => {
    const db = testDb().db;
    const draft = await createFeedbackDraft(db, {
      question: " Does the Driftlight float? ",
      context: [
        { role: "user", content: "Hi" },
        { role: "assistant", content: "Hello! How can I help?" },
      ],
      product: "Driftlight Lantern",
    });
    expect(draft).toMatchObject({
      question: "Does the Driftlight float?",
      answer: "",
      status: "draft",
      source: "feedback",
      version: 1,
    });

    const withVariant = await addVariantToPair(db, draft.id, "will the lantern float in water", null);
    expect(withVariant?.variants).toEqual(["will the lantern float in water"]);
    expect((await addVariantToPair(db, draft.id, "Will the lantern float in water", null))?.version).toBe(2);
    const answered = await setPairAnswer(db, draft.id, "No, it sinks; keep it out of lakes.", null);
    expect(answered).toMatchObject({ answer: "No, it sinks; keep it out of lakes.", version: 3 });
    expect((await listPairVersions(db, draft.id)).map((v) => v.change)).toEqual([
      "answer changed",
      "variant added",
      "created",
    ]);

    const other = await createPair(
      db,
      {
        question: "How bright is the Driftlight?",
        answer: "600 lumens.",
        variants: ["lantern brightness"],
        context: [],
        product: "Driftlight Lantern",
        tags: [],
      },
      null,
    );
    expect(await listApprovedPairsForTraining(db)).toEqual([]);
    expect(await searchPairsByText(db, "lantern float")).toEqual([]);
    await setPairsStatus(db, [draft.id, other.id], "approved", null);

    const training = await listApprovedPairsForTraining(db);
    expect(training.map((p) => p.question).sort()).toEqual([
      "Does the Driftlight float?",
      "How bright is the Driftlight?",
    ]);
    expect(training.find((p) => p.id === draft.id)?.context).toHaveLength(2);

    const hits = await searchPairsByText(db, "does the lantern float");
    expect(hits[0]).toMatchObject({ id: draft.id, answer: "No, it sinks; keep it out of lakes." });
    const typo = await searchPairsByText(db, "how brigth is the driftlite");
    expect(typo[0]?.id).toBe(other.id);
    expect(await searchPairsByText(db, "   ")).toEqual([]);

    const similar = await findSimilarQuestions(db, "How bright is the Driftlight lamp?");
    expect(similar[0]?.id).toBe(other.id);
    expect(await findSimilarQuestions(db, "How bright is the Driftlight?", { excludeId: other.id })).toEqual(
      [],
    );
  });

  it("keyset pages never repeat or skip a pair, even when many share a timestamp", async () => {
    const db = testDb().db;
    await Promise.all(
      Array.from({ length: 23 }, (_, i) =>
        createPair(
          db,
          {
            question: `Question number ${i}?`,
            answer: `Answer ${i}.`,
            variants: [],
            context: [],
            product: null,
            tags: [],
          },
          null,
        ),
      ),
    );
    for (const sort of ["updated_desc", "created_desc", "question_asc"] as const) {
      const ids: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await listPairs(db, { filter: { q: "question number" }, sort, cursor, limit: 5 });
        ids.push(...page.items.map((i) => i.id));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      expect(new Set(ids).size, sort).toBe(23);
      expect(ids.length, sort).toBe(23);
    }
    const byRelevance = await listPairs(db, {
      filter: { q: "question number 7" },
      sort: "relevance",
      limit: 50,
    });
    expect(byRelevance.items[0]?.question).toBe("Question number 7?");
  });
});

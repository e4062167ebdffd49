import { describe, expect, it } from "vitest";
import { countApprovedPhrasings, createPair } from "@/db/queries/knowledge";
import { packLength } from "@/server/training/pipeline";
import { defaultTrainingSettings } from "@/server/training/settings";
import { describeEachDatabase } from "../helpers/db";

describe("default training settings", () => {
  it("trains the starter and small bases fully, larger ones with LoRA", () => {
    expect(defaultTrainingSettings({ kind: "starter" })).toMatchObject({
      method: "full",
      learningRate: 2e-3,
    });
    expect(defaultTrainingSettings({ kind: "local", parameters: 17_000_000 })).toMatchObject({
      method: "full",
      learningRate: 1e-3,
    });
    expect(defaultTrainingSettings({ kind: "local", parameters: 135_000_000 })).toMatchObject({
      method: "lora",
      learningRate: 2e-4,
    });
  });

  it("sets epochs by the number of pairs, never by their phrasings", () => {
    const starter = { kind: "starter" };
    expect(defaultTrainingSettings(starter, { pairs: 80 }).epochs).toBe(12);
    // A round of feedback piles variants on some pairs: the epochs stay (the schedule balances pairs).
    expect(defaultTrainingSettings(starter, { pairs: 80, phrasings: 900 } as { pairs: number }).epochs).toBe(
      12,
    );
    expect(defaultTrainingSettings(starter, { pairs: 0 }).epochs).toBe(12);
  });

  it("gives a large knowledge base fewer epochs rather than a run of many hours", () => {
    expect(defaultTrainingSettings({ kind: "starter" }, { pairs: 2000 }).epochs).toBe(2);
    expect(defaultTrainingSettings({ kind: "starter" }, { pairs: 50_000 }).epochs).toBe(1);
  });

  it("never reads a sequence longer than the base can", () => {
    expect(defaultTrainingSettings({ kind: "local", parameters: 1e8, maxPositions: 512 }).maxSeqLen).toBe(
      512,
    );
  });
});

describe("pack length", () => {
  const examples = (...lengths: number[]) =>
    lengths.map((n) => ({ input_ids: Array(n).fill(1), labels: [] }));

  it("packs rows as long as the longest example, rounded up to 64, within the sequence limit", () => {
    expect(packLength(examples(100, 250, 30), 1024)).toBe(256);
    expect(packLength(examples(100, 256), 1024)).toBe(256);
    expect(packLength(examples(900), 512)).toBe(512);
    expect(packLength(examples(), 1024)).toBe(64);
  });
});

describeEachDatabase("approved phrasings", (testDb) => {
  it("counts approved pairs and their questions plus variants, nothing else", async () => {
    const db = testDb().db;
    expect(await countApprovedPhrasings(db)).toEqual({ pairs: 0, phrasings: 0 });
    const pair = { answer: "A.", context: [], product: null, tags: [] };
    await createPair(db, { ...pair, question: "One?", variants: ["Uno?", "Ein?"], status: "approved" }, null);
    await createPair(db, { ...pair, question: "Two?", variants: [], status: "approved" }, null);
    await createPair(db, { ...pair, question: "Draft?", variants: ["Not counted?"], status: "draft" }, null);
    expect(await countApprovedPhrasings(db)).toEqual({ pairs: 2, phrasings: 4 });
  });
});

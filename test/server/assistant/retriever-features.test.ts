import fs from "node:fs";
import { expect, it } from "vitest";
import { featurize } from "@/server/assistant/retriever/features";

// The same fixture is checked against trainer/retriever/features.py by test/trainer/test_retriever.py.
const fixture = JSON.parse(fs.readFileSync("test/fixtures/retriever-features.json", "utf8")) as {
  buckets: number;
  char_ngrams: [number, number];
  cases: { text: string; ids: number[]; weights: number[] }[];
};

it("featurizes exactly like the trainer (ids and weights), scripts and edge cases included", () => {
  expect(fixture.cases.length).toBeGreaterThan(5);
  for (const c of fixture.cases) {
    const got = featurize(c.text, { buckets: fixture.buckets, char_ngrams: fixture.char_ngrams });
    expect(got.ids, c.text).toEqual(c.ids);
    expect(got.weights.length).toBe(c.weights.length);
    for (const [i, w] of got.weights.entries()) expect(w).toBeCloseTo(c.weights[i]!, 7);
  }
});

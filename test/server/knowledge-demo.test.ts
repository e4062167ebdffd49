import { sql } from "drizzle-orm";
import { expect, it } from "vitest";
import { countAllPairs, countPairsByStatus, listProducts } from "@/db/queries/knowledge";
import { DEMO_MARKER, demoPairs, loadDemoKnowledge, seedDemoOnFirstStart } from "@/server/knowledge/demo";
import { cleanPairContent } from "@/server/knowledge/limits";
import { describeEachDatabase } from "../helpers/db";

it("the demo knowledge base is well-formed: 60+ pairs, 5+ products, 2–4 variants and a short answer each", () => {
  expect(demoPairs.length).toBeGreaterThanOrEqual(60);
  expect(new Set(demoPairs.map((p) => p.product)).size).toBeGreaterThanOrEqual(5);
  const questions = new Set<string>();
  for (const pair of demoPairs) {
    expect(cleanPairContent(pair, { requireAnswer: true }).ok, pair.question).toBe(true);
    expect(pair.variants.length, pair.question).toBeGreaterThanOrEqual(2);
    expect(pair.variants.length, pair.question).toBeLessThanOrEqual(4);
    expect(pair.answer.length, pair.question).toBeLessThan(400);
    expect(questions.has(pair.question.toLowerCase()), pair.question).toBe(false);
    questions.add(pair.question.toLowerCase());
  }
});

describeEachDatabase("demo knowledge base", (testDb) => {
  it("loads once on first start, never again after being deleted, and the seed command adds nothing twice", async () => {
    const db = testDb().db;
    expect(await seedDemoOnFirstStart(db)).toBe(true);
    const counts = await countPairsByStatus(db);
    expect(counts).toMatchObject({ approved: demoPairs.length, total: demoPairs.length });
    expect((await listProducts(db)).length).toBeGreaterThanOrEqual(5);
    expect(await loadDemoKnowledge(db)).toEqual({ created: 0, skipped: demoPairs.length });
    await db.execute(sql`delete from knowledge_pairs`);
    expect(await seedDemoOnFirstStart(db)).toBe(false);
    expect(await countAllPairs(db)).toBe(0);
    const marker = await db.execute(sql`select key from knowledge_markers`);
    expect((marker as unknown as { rows: { key: string }[] }).rows.map((r) => r.key)).toEqual([DEMO_MARKER]);
  });
});

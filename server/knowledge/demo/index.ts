import type { Db } from "@/db/client";
import {
  countAllPairs,
  findPairsByQuestionHash,
  hasKnowledgeMarker,
  insertPairs,
  type NewPair,
  setKnowledgeMarker,
} from "@/db/queries/knowledge";
import { questionHash } from "@/db/queries/knowledge-keys";
import { demoPairs } from "./fernhollow";

export { demoCompany, demoPairs } from "./fernhollow";

/** Set once the demo knowledge base has been loaded, so deleting it never brings it back. */
export const DEMO_MARKER = "demo-knowledge-loaded";

/**
 * Loads the Fernhollow Gear demo pairs as approved pairs, skipping any whose question is already
 * there (so running it twice adds nothing), in one transaction.
 */
export async function loadDemoKnowledge(
  db: Db,
  actorId: string | null = null,
): Promise<{ created: number; skipped: number }> {
  return db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    const pairs: NewPair[] = demoPairs.map((p) => ({
      question: p.question,
      answer: p.answer,
      variants: p.variants,
      context: [],
      product: p.product,
      tags: p.tags,
      status: "approved",
      source: "manual",
    }));
    const existing = new Set(
      (
        await findPairsByQuestionHash(
          t,
          pairs.map((p) => questionHash(p.question, p.context)),
        )
      ).map((r) => r.questionHash),
    );
    const fresh = pairs.filter((p) => !existing.has(questionHash(p.question, p.context)));
    await insertPairs(t, fresh, { actorId, change: "demo data loaded" });
    await setKnowledgeMarker(t, DEMO_MARKER);
    return { created: fresh.length, skipped: pairs.length - fresh.length };
  });
}

/** On the first start of the embedded database: load the demo when the knowledge base is empty. */
export async function seedDemoOnFirstStart(db: Db): Promise<boolean> {
  if (await hasKnowledgeMarker(db, DEMO_MARKER)) return false;
  if ((await countAllPairs(db)) > 0) return false;
  await loadDemoKnowledge(db);
  return true;
}

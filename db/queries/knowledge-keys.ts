import crypto from "node:crypto";
import { type SQL, sql } from "drizzle-orm";
import type { Db } from "../client";
import type { ContextMessage } from "../schema";

/** Lower-cased, whitespace-collapsed text: what "the same question" means for exact duplicates. */
export function normalizeForKey(text: string): string {
  return text.normalize("NFC").toLowerCase().replace(/\s+/g, " ").trim();
}

function sha256(text: string): string {
  return crypto.createHash("sha256").update(text).digest("hex");
}

/** Exact-duplicate key of a question asked after the given earlier turns. */
export function questionHash(question: string, context: ContextMessage[]): string {
  const turns = context.map((m) => `${m.role}:${normalizeForKey(m.content)}`);
  return sha256([...turns, `user:${normalizeForKey(question)}`].join("\n"));
}

export function answerHash(answer: string): string {
  return sha256(normalizeForKey(answer));
}

/** Newline-joined variants: the text column the full-text and trigram indexes cover. */
export function variantsText(variants: string[]): string {
  return variants.join("\n");
}

/** Rows of a raw SQL query; PGlite and node-postgres both answer `{ rows }`. */
export async function queryRows<T>(db: Db, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as { rows: T[] };
  return result.rows;
}

// Trigram thresholds for typo tolerance: a variant may contain the question with a typo or two
// (word similarity, default 0.6), and a misspelt word still finds its lexicon word (default 0.3
// lets too many short words through; 0.35 keeps "brigth" → "bright").
const TYPO_THRESHOLD = sql`set local pg_trgm.word_similarity_threshold = 0.5`;
const WORD_THRESHOLD = sql`set local pg_trgm.similarity_threshold = 0.35`;

/** Rows of a text-search query, run in a transaction whose trigram threshold tolerates typos. */
export function searchRows<T>(db: Db, query: SQL): Promise<T[]> {
  return db.transaction(async (tx) => {
    await tx.execute(TYPO_THRESHOLD);
    await tx.execute(WORD_THRESHOLD);
    return queryRows<T>(tx as unknown as Db, query);
  });
}

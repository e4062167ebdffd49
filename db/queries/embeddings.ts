import { createHash } from "node:crypto";
import { and, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "../client";
import { knowledgeEmbeddings, knowledgePairs } from "../schema";

export function textHash(text: string): string {
  return createHash("sha256").update(text).digest("hex").slice(0, 40);
}

const toBytes = (v: Float32Array) => new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
const toVector = (b: Uint8Array) =>
  new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));

const LOOKUP_BATCH = 5_000;
const WHOLE_TABLE_AFTER = 20_000;

/** Stored vectors of these text hashes for one encoder. */
export async function findEmbeddings(
  db: Db,
  encoderId: string,
  hashes: string[],
): Promise<Map<string, Float32Array>> {
  const found = new Map<string, Float32Array>();
  if (hashes.length > WHOLE_TABLE_AFTER) {
    // Rebuilding a large index: one scan of the encoder's vectors beats tens of IN-list lookups.
    const wanted = new Set(hashes);
    const rows = await db
      .select({ textHash: knowledgeEmbeddings.textHash, vector: knowledgeEmbeddings.vector })
      .from(knowledgeEmbeddings)
      .where(eq(knowledgeEmbeddings.encoderId, encoderId));
    for (const r of rows) if (wanted.has(r.textHash)) found.set(r.textHash, toVector(r.vector));
    return found;
  }
  for (let i = 0; i < hashes.length; i += LOOKUP_BATCH) {
    const rows = await db
      .select({ textHash: knowledgeEmbeddings.textHash, vector: knowledgeEmbeddings.vector })
      .from(knowledgeEmbeddings)
      .where(
        and(
          eq(knowledgeEmbeddings.encoderId, encoderId),
          inArray(knowledgeEmbeddings.textHash, hashes.slice(i, i + LOOKUP_BATCH)),
        ),
      );
    for (const r of rows) found.set(r.textHash, toVector(r.vector));
  }
  return found;
}

/** Stores vectors (a vector already stored by another process is left as it is). */
export async function saveEmbeddings(
  db: Db,
  encoderId: string,
  vectors: { textHash: string; vector: Float32Array }[],
): Promise<void> {
  for (let i = 0; i < vectors.length; i += 1_000) {
    await db
      .insert(knowledgeEmbeddings)
      .values(
        vectors
          .slice(i, i + 1_000)
          .map((v) => ({ encoderId, textHash: v.textHash, vector: toBytes(v.vector) })),
      )
      .onConflictDoNothing();
  }
}

/** What the retrieval index holds of an approved pair. */
export type IndexedPair = {
  id: string;
  question: string;
  variants: string[];
  answer: string;
  product: string | null;
  updatedAt: Date;
};

/**
 * A cheap fingerprint of the approved knowledge: it changes whenever an approved pair is added,
 * edited, archived or deleted (count and latest edit), so every process sees edits of the others.
 */
export async function approvedKnowledgeVersion(db: Db): Promise<string> {
  const [row] = await db
    .select({
      count: sql<number>`count(*)::int`,
      latest: sql<string | null>`max(${knowledgePairs.updatedAt})::text`,
    })
    .from(knowledgePairs)
    .where(eq(knowledgePairs.status, "approved"));
  return `${row?.count ?? 0}:${row?.latest ?? ""}`;
}

/** Every approved pair with an answer, as the retrieval index holds it. */
export async function listIndexedPairs(db: Db): Promise<IndexedPair[]> {
  return db
    .select({
      id: knowledgePairs.id,
      question: knowledgePairs.question,
      variants: knowledgePairs.variants,
      answer: knowledgePairs.answer,
      product: knowledgePairs.product,
      updatedAt: knowledgePairs.updatedAt,
    })
    .from(knowledgePairs)
    .where(and(eq(knowledgePairs.status, "approved"), sql`${knowledgePairs.answer} <> ''`))
    .orderBy(knowledgePairs.id);
}

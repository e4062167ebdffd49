import { sql } from "drizzle-orm";
import type { Db } from "../client";

export type RetrievedPair = { id: string; question: string; answer: string; score: number };

/**
 * Approved pairs relevant to a customer's message. Customers write whole sentences, so terms are
 * OR-ed (any shared word counts, more shared words rank higher) and trigram similarity catches typos.
 */
export async function retrieveApprovedPairs(db: Db, text: string, limit: number): Promise<RetrievedPair[]> {
  const query = text.trim().slice(0, 500);
  if (!query) return [];
  const result = await db.execute(sql`
    with q as (
      select nullif(replace(plainto_tsquery('english', ${query})::text, '&', '|'), '')::tsquery as tsq
    )
    select p.id, p.question, p.answer,
      coalesce(ts_rank(p.search_vector, q.tsq), 0) + similarity(p.question, ${query}) as score
    from knowledge_pairs p, q
    where p.status = 'approved' and p.answer <> ''
      and ((q.tsq is not null and p.search_vector @@ q.tsq) or p.question % ${query})
    order by score desc, p.id
    limit ${limit}`);
  const rows = (result as unknown as { rows: RetrievedPair[] }).rows;
  return rows.map((r) => ({ ...r, score: Number(r.score) }));
}

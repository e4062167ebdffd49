import { sql } from "drizzle-orm";
import type { Db } from "../client";

export type UnansweredGroup = {
  /** Stemmed words of the question: equal signatures are the same question in near-equal words. */
  signature: string;
  example: string;
  count: number;
  lastAskedAt: Date;
  /** How the bot handled them: declined, or asked which of two pairs was meant. */
  declined: number;
  clarified: number;
};

/**
 * Customer questions the bot declined or could not tell apart, grouped by their stemmed words
 * (as near-duplicate pairs are), most asked first. The question of a reply is the customer's last
 * message before it.
 */
export async function listUnansweredQuestions(
  db: Db,
  params: { limit: number; since?: Date },
): Promise<UnansweredGroup[]> {
  const since = params.since ?? new Date(0);
  const result = await db.execute(sql`
    with asked as (
      select q.content, q.created_at, a.grounding
      from messages a
      join lateral (
        select u.content, u.created_at from messages u
        where u.conversation_id = a.conversation_id and u.role = 'user' and u.created_at <= a.created_at
        order by u.created_at desc limit 1
      ) q on true
      where a.role = 'assistant' and a.grounding in ('decline', 'clarify') and a.created_at >= ${since}
    )
    select strip(to_tsvector('english', content))::text as signature,
      (array_agg(content order by created_at desc))[1] as example,
      count(*)::int as count,
      max(created_at) as last_asked_at,
      count(*) filter (where grounding = 'decline')::int as declined,
      count(*) filter (where grounding = 'clarify')::int as clarified
    from asked
    group by 1
    order by count(*) desc, max(created_at) desc
    limit ${params.limit}`);
  const rows = (result as unknown as { rows: Record<string, unknown>[] }).rows;
  return rows.map((r) => ({
    signature: String(r.signature),
    example: String(r.example),
    count: Number(r.count),
    lastAskedAt: new Date(r.last_asked_at as string),
    declined: Number(r.declined),
    clarified: Number(r.clarified),
  }));
}

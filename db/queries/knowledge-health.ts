import { type SQL, sql } from "drizzle-orm";
import type { Db } from "../client";
import { queryRows } from "./knowledge-keys";

export const healthIssues = [
  "near_duplicate",
  "conflict",
  "empty_field",
  "overlong_field",
  "approved_without_product",
] as const;
export type HealthIssue = (typeof healthIssues)[number];

/** Limits past which a field is "over-long" for training: answers should be short and factual. */
export const OVERLONG = { question: 500, variant: 500, answer: 2000 } as const;

// Near-duplicates share the question signature (stemmed lexemes without stop words), which one
// grouping pass finds over 100,000 rows; archived pairs are out of the knowledge base.
const duplicateSignatures = sql`(select question_signature from knowledge_pairs
  where status <> 'archived' and question_signature <> '' group by question_signature having count(*) > 1)`;
const conflictingSignatures = sql`(select question_signature from knowledge_pairs
  where status <> 'archived' and question_signature <> '' group by question_signature
  having count(distinct answer_hash) > 1)`;

/** The condition over `knowledge_pairs p` selecting the pairs with a health issue. */
export function healthCondition(issue: HealthIssue): SQL {
  switch (issue) {
    case "near_duplicate":
      return sql`(p.status <> 'archived' and p.question_signature in ${duplicateSignatures})`;
    case "conflict":
      return sql`(p.status <> 'archived' and p.question_signature in ${conflictingSignatures})`;
    case "empty_field":
      return sql`(p.status <> 'archived' and (btrim(p.question) = '' or btrim(p.answer) = ''
        or exists (select 1 from unnest(p.variants) v where btrim(v) = '')))`;
    case "overlong_field":
      return sql`(p.status <> 'archived' and (length(p.question) > ${OVERLONG.question} or length(p.answer) > ${OVERLONG.answer}
        or exists (select 1 from unnest(p.variants) v where length(v) > ${OVERLONG.variant})))`;
    case "approved_without_product":
      return sql`(p.status = 'approved' and coalesce(btrim(p.product), '') = '')`;
  }
}

export type HealthReport = Record<HealthIssue, number>;

/** How many pairs have each issue (one statement). */
export async function getHealthReport(db: Db): Promise<HealthReport> {
  const columns = sql.join(
    [
      sql`count(*) filter (where ${healthCondition("near_duplicate")})::int as near_duplicate`,
      sql`count(*) filter (where ${healthCondition("conflict")})::int as conflict`,
      sql`count(*) filter (where ${healthCondition("empty_field")})::int as empty_field`,
      sql`count(*) filter (where ${healthCondition("overlong_field")})::int as overlong_field`,
      sql`count(*) filter (where ${healthCondition("approved_without_product")})::int as approved_without_product`,
    ],
    sql`, `,
  );
  const result = await queryRows<HealthReport>(db, sql`select ${columns} from knowledge_pairs p`);
  const row = result[0];
  return {
    near_duplicate: Number(row?.near_duplicate ?? 0),
    conflict: Number(row?.conflict ?? 0),
    empty_field: Number(row?.empty_field ?? 0),
    overlong_field: Number(row?.overlong_field ?? 0),
    approved_without_product: Number(row?.approved_without_product ?? 0),
  };
}

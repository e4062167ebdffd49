import { type SQL, sql } from "drizzle-orm";
import type { Db } from "../client";
import type { KnowledgeSource, KnowledgeStatus } from "../schema";
import { idList } from "./knowledge";
import { type HealthIssue, healthCondition } from "./knowledge-health";
import { searchRows } from "./knowledge-keys";

export type PairFilter = {
  /** Full-text search over question, variants and answer, plus trigram matching for typos. */
  q?: string;
  status?: KnowledgeStatus[];
  /** A product name; "" means pairs without a product. */
  product?: string;
  tag?: string;
  source?: KnowledgeSource;
  changedSince?: Date;
  health?: HealthIssue;
  ids?: string[];
  /** Set by resolveTextMode; without it `q` is matched as typed. */
  textQuery?: TextQuery;
};

export const pairSorts = [
  "updated_desc",
  "updated_asc",
  "created_desc",
  "question_asc",
  "relevance",
] as const;
export type PairSort = (typeof pairSorts)[number];

/**
 * How `q` is matched, decided once per search so each search uses one index and pages stay
 * consistent: "web" is full text on the words as typed (stemmed); when that finds nothing (typos,
 * half-typed words), "corrected" replaces each word by its nearest words in the lexicon (trigram
 * similarity over a small table of known words) and searches full text for those.
 */
export type TextQuery = { kind: "web" } | { kind: "corrected"; tsquery: string } | { kind: "nothing" };

function tsqueryOf(q: string, text: TextQuery): SQL {
  return text.kind === "corrected"
    ? sql`to_tsquery('simple', ${text.tsquery})`
    : sql`websearch_to_tsquery('english', ${q})`;
}

function textMatch(q: string, text: TextQuery): SQL {
  return text.kind === "nothing" ? sql`false` : sql`p.search_vector @@ ${tsqueryOf(q, text)}`;
}

function textScore(q: string, text: TextQuery): SQL {
  return sql`ts_rank(p.search_vector, ${tsqueryOf(q, text)}, 32)::float8`;
}

/** A lexeme as a to_tsquery operand: quoted, so punctuation in it is not read as an operator. */
function quoteLexeme(word: string): string {
  return `'${word.replace(/\\/g, "\\\\").replace(/'/g, "''")}'`;
}

/** The filter with its text query decided: as typed if that finds anything, else typo-corrected. */
export async function resolveTextMode(db: Db, filter: PairFilter): Promise<PairFilter> {
  const q = filter.q?.trim();
  if (!q || filter.textQuery) return filter;
  // A materialized CTE is planned on its own, so it reads the full-text index; a plain EXISTS lets
  // the planner bet on a sequential scan finding a first row early, which costs a whole-table scan
  // exactly when nothing matches (a typo): 70 ms instead of 3 ms at 100,000 pairs.
  const found = await searchRows<{ found: boolean }>(
    db,
    sql`with matches as materialized (select 1 from knowledge_pairs p
      where ${pairFilterWhere({ ...filter, q: undefined })} and ${textMatch(q, { kind: "web" })})
    select exists (select 1 from matches) as found`,
  );
  if (found[0]?.found) return { ...filter, textQuery: { kind: "web" } };
  const terms = await searchRows<{ term: string; alternatives: string[] }>(
    db,
    sql`select t.term, array(select l.word from knowledge_lexicon l where l.word % t.term
        order by similarity(l.word, t.term) desc, l.word limit 4) as alternatives
      from unnest(tsvector_to_array(to_tsvector('english', ${q}))) as t(term) limit 8`,
  );
  const groups = terms
    .filter((t) => t.alternatives.length > 0)
    .map((t) => `(${t.alternatives.map(quoteLexeme).join(" | ")})`);
  return {
    ...filter,
    textQuery: groups.length ? { kind: "corrected", tsquery: groups.join(" & ") } : { kind: "nothing" },
  };
}

/** The WHERE clause of a filter over `knowledge_pairs p`. */
export function pairFilterWhere(filter: PairFilter): SQL {
  const parts: SQL[] = [sql`true`];
  const q = filter.q?.trim();
  if (q) parts.push(textMatch(q, filter.textQuery ?? { kind: "web" }));
  if (filter.status?.length)
    parts.push(
      sql`p.status in (${sql.join(
        filter.status.map((s) => sql`${s}`),
        sql`, `,
      )})`,
    );
  if (filter.product !== undefined) {
    parts.push(
      filter.product === "" ? sql`coalesce(p.product, '') = ''` : sql`p.product = ${filter.product}`,
    );
  }
  if (filter.tag) parts.push(sql`p.tags @> array[${filter.tag}]::text[]`);
  if (filter.source) parts.push(sql`p.source = ${filter.source}`);
  if (filter.changedSince) parts.push(sql`p.updated_at >= ${filter.changedSince.toISOString()}::timestamptz`);
  if (filter.health) parts.push(healthCondition(filter.health));
  if (filter.ids) parts.push(filter.ids.length ? sql`p.id in (${idList(filter.ids)})` : sql`false`);
  return sql.join(parts, sql` and `);
}

export type PairListItem = {
  id: string;
  question: string;
  answerPreview: string;
  variantCount: number;
  product: string | null;
  tags: string[];
  status: KnowledgeStatus;
  source: KnowledgeSource;
  version: number;
  updatedAt: Date;
  updatedByName: string | null;
  score: number | null;
};

type Cursor = [string | number, string];

function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString("base64url");
}

function decodeCursor(raw: string | undefined): Cursor | undefined {
  if (!raw) return undefined;
  try {
    const value = JSON.parse(Buffer.from(raw, "base64url").toString("utf8"));
    if (Array.isArray(value) && value.length === 2 && typeof value[1] === "string") return value as Cursor;
  } catch {}
  return undefined;
}

/** The sort key expression, its direction, and how to read it back for the cursor. */
function sortKey(
  sort: PairSort,
  q: string | undefined,
  mode: TextQuery,
): { key: SQL; dir: "asc" | "desc"; cast: SQL } {
  switch (sort) {
    case "updated_asc":
      return { key: sql`p.updated_at`, dir: "asc", cast: sql`::timestamptz` };
    case "created_desc":
      return { key: sql`p.created_at`, dir: "desc", cast: sql`::timestamptz` };
    case "question_asc":
      return { key: sql`lower(left(p.question, 120))`, dir: "asc", cast: sql`::text` };
    case "relevance":
      if (q) return { key: textScore(q, mode), dir: "desc", cast: sql`::float8` };
      return { key: sql`p.updated_at`, dir: "desc", cast: sql`::timestamptz` };
    default:
      return { key: sql`p.updated_at`, dir: "desc", cast: sql`::timestamptz` };
  }
}

/** One page of pairs matching a filter, in a stable order, continued with `nextCursor`. */
export async function listPairs(
  db: Db,
  params: { filter: PairFilter; sort: PairSort; cursor?: string; limit: number },
): Promise<{ items: PairListItem[]; nextCursor: string | null }> {
  const filter = await resolveTextMode(db, params.filter);
  const q = filter.q?.trim() || undefined;
  const mode = filter.textQuery ?? { kind: "web" };
  const { key, dir, cast } = sortKey(params.sort, q, mode);
  const cursor = decodeCursor(params.cursor);
  const op = dir === "desc" ? sql.raw("<") : sql.raw(">");
  const after = cursor ? sql`(s.sort_key, s.id) ${op} (${cursor[0]}${cast}, ${cursor[1]}::uuid)` : sql`true`;
  const order = sql.raw(dir === "desc" ? "s.sort_key desc, s.id desc" : "s.sort_key asc, s.id asc");
  const result = await searchRows<{
    id: string;
    question: string;
    answer_preview: string;
    variant_count: number;
    product: string | null;
    tags: string[];
    status: KnowledgeStatus;
    source: KnowledgeSource;
    version: number;
    updated_at: string | Date;
    updated_by_name: string | null;
    sort_key: string | number | Date;
    score: number | null;
  }>(
    db,
    sql`
    select s.*, coalesce(nullif(u.name, ''), u.email) as updated_by_name
    from (
      select p.id, p.question, left(p.answer, 240) as answer_preview, cardinality(p.variants) as variant_count,
        p.product, p.tags, p.status, p.source, p.version, p.updated_at, p.updated_by,
        ${key} as sort_key, ${q ? textScore(q, mode) : sql`null::float8`} as score
      from knowledge_pairs p
      where ${pairFilterWhere(filter)}
    ) s
    left join users u on u.id = s.updated_by
    where ${after}
    order by ${order}
    limit ${params.limit + 1}`,
  );
  const rows = result;
  const page = rows.slice(0, params.limit);
  const last = page.at(-1);
  const sortValue = (v: string | number | Date): string | number =>
    v instanceof Date ? v.toISOString() : typeof v === "number" ? v : String(v);
  return {
    items: page.map((r) => ({
      id: r.id,
      question: r.question,
      answerPreview: r.answer_preview,
      variantCount: Number(r.variant_count),
      product: r.product,
      tags: r.tags,
      status: r.status,
      source: r.source,
      version: r.version,
      updatedAt: new Date(r.updated_at),
      updatedByName: r.updated_by_name,
      score: r.score === null ? null : Number(r.score),
    })),
    nextCursor: rows.length > params.limit && last ? encodeCursor([sortValue(last.sort_key), last.id]) : null,
  };
}

export async function countPairs(db: Db, filter: PairFilter): Promise<number> {
  const result = await searchRows<{ n: number }>(
    db,
    sql`select count(*)::int as n from knowledge_pairs p where ${pairFilterWhere(await resolveTextMode(db, filter))}`,
  );
  return Number(result[0]?.n ?? 0);
}

/** Ids of every pair matching a filter, in id order (bulk actions and export over a filter). */
export async function listPairIds(db: Db, filter: PairFilter, limit: number): Promise<string[]> {
  const result = await searchRows<{ id: string }>(
    db,
    sql`select p.id from knowledge_pairs p where ${pairFilterWhere(await resolveTextMode(db, filter))} order by p.id limit ${limit}`,
  );
  return result.map((r) => r.id);
}

export type PairHit = {
  id: string;
  question: string;
  answer: string;
  variants: string[];
  product: string | null;
  score: number;
};

/**
 * Pairs that best match a text (for retrieval at chat time): full text plus typo-tolerant trigram
 * matching, best first. Only approved pairs unless `statuses` says otherwise.
 */
export async function searchPairsByText(
  db: Db,
  text: string,
  opts: { limit?: number; statuses?: KnowledgeStatus[]; product?: string } = {},
): Promise<PairHit[]> {
  const q = text.trim().slice(0, 500);
  if (!q) return [];
  const filter = await resolveTextMode(db, {
    q,
    status: opts.statuses ?? ["approved"],
    product: opts.product,
  });
  const result = await searchRows<{
    id: string;
    question: string;
    answer: string;
    variants: string[];
    product: string | null;
    score: number;
  }>(
    db,
    sql`
    select p.id, p.question, p.answer, p.variants, p.product, ${textScore(q, filter.textQuery ?? { kind: "web" })} as score
    from knowledge_pairs p where ${pairFilterWhere(filter)}
    order by score desc, p.id limit ${opts.limit ?? 5}`,
  );
  return result.map((r) => ({ ...r, score: Number(r.score) }));
}

export type SimilarPair = {
  id: string;
  question: string;
  answerPreview: string;
  status: KnowledgeStatus;
  similarity: number;
};

/** Pairs (not archived) whose question or a variant is very similar to `question`: the editor's warning. */
export async function findSimilarQuestions(
  db: Db,
  question: string,
  opts: { excludeId?: string; limit?: number; minSimilarity?: number } = {},
): Promise<SimilarPair[]> {
  const q = question.trim().slice(0, 500);
  if (q.length < 4) return [];
  const result = await searchRows<{
    id: string;
    question: string;
    answer_preview: string;
    status: KnowledgeStatus;
    similarity: number;
  }>(
    db,
    sql`
    select * from (
      select p.id, p.question, left(p.answer, 160) as answer_preview, p.status,
        greatest(similarity(p.question, ${q}), word_similarity(${q}, p.variants_text) * 0.95)::float8 as similarity
      from knowledge_pairs p
      where (p.question % ${q} or ${q} <% p.variants_text) and p.status <> 'archived'
        and p.id <> ${opts.excludeId ?? "00000000-0000-0000-0000-000000000000"}::uuid
    ) s where s.similarity >= ${opts.minSimilarity ?? 0.5}
    order by s.similarity desc, s.id limit ${opts.limit ?? 5}`,
  );
  return result.map((r) => ({
    id: r.id,
    question: r.question,
    answerPreview: r.answer_preview,
    status: r.status,
    similarity: Number(r.similarity),
  }));
}

/**
 * Approved pairs that conflict with the given pair: a similar question (or the same question
 * signature) with a different answer. Approving the pair would teach the bot two answers.
 */
export async function findApprovedConflicts(db: Db, pairId: string): Promise<SimilarPair[]> {
  const result = await searchRows<{
    id: string;
    question: string;
    answer_preview: string;
    status: KnowledgeStatus;
    similarity: number;
  }>(
    db,
    sql`
    select o.id, o.question, left(o.answer, 160) as answer_preview, o.status,
      similarity(o.question, x.question)::float8 as similarity
    from knowledge_pairs x
    join knowledge_pairs o on o.id <> x.id and o.status = 'approved' and o.answer_hash <> x.answer_hash
      and (o.question % x.question or (x.question_signature <> '' and o.question_signature = x.question_signature))
    where x.id = ${pairId}::uuid
      and (similarity(o.question, x.question) >= 0.6 or o.question_signature = x.question_signature)
    order by similarity desc limit 10`,
  );
  return result.map((r) => ({
    id: r.id,
    question: r.question,
    answerPreview: r.answer_preview,
    status: r.status,
    similarity: Number(r.similarity),
  }));
}

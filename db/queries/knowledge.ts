import crypto from "node:crypto";
import { and, asc, desc, eq, inArray, ne, type SQL, sql } from "drizzle-orm";
import type { Db } from "../client";
import {
  type ContextMessage,
  type KnowledgeSource,
  type KnowledgeStatus,
  knowledgeMarkers,
  knowledgePairs,
  knowledgePairVersions,
  type PairSnapshot,
  users,
} from "../schema";
import { answerHash, queryRows, questionHash, variantsText } from "./knowledge-keys";

/** The editable content of a pair. */
export type PairContent = {
  question: string;
  answer: string;
  variants: string[];
  context: ContextMessage[];
  product: string | null;
  tags: string[];
};

export type NewPair = PairContent & { status?: KnowledgeStatus; source?: KnowledgeSource };

export type Pair = PairContent & {
  id: string;
  status: KnowledgeStatus;
  source: KnowledgeSource;
  version: number;
  questionHash: string;
  answerHash: string;
  createdAt: Date;
  updatedAt: Date;
  updatedBy: string | null;
  updatedByName: string | null;
};

/** Every column a caller needs; never the (large) search vector. */
export const pairColumns = {
  id: knowledgePairs.id,
  question: knowledgePairs.question,
  answer: knowledgePairs.answer,
  variants: knowledgePairs.variants,
  context: knowledgePairs.context,
  product: knowledgePairs.product,
  tags: knowledgePairs.tags,
  status: knowledgePairs.status,
  source: knowledgePairs.source,
  version: knowledgePairs.version,
  questionHash: knowledgePairs.questionHash,
  answerHash: knowledgePairs.answerHash,
  createdAt: knowledgePairs.createdAt,
  updatedAt: knowledgePairs.updatedAt,
  updatedBy: knowledgePairs.updatedBy,
};

/** The derived columns written with every content change. */
function derived(content: Pick<PairContent, "question" | "answer" | "variants" | "context">) {
  return {
    questionHash: questionHash(content.question, content.context),
    answerHash: answerHash(content.answer),
    variantsText: variantsText(content.variants),
  };
}

/** SQL building a version snapshot from a knowledge_pairs row (alias `p` or the table itself). */
const snapshotOf = (p: string) =>
  sql.raw(
    `jsonb_build_object('question', ${p}.question, 'answer', ${p}.answer, 'variants', to_jsonb(${p}.variants),
      'context', ${p}.context, 'product', ${p}.product, 'tags', to_jsonb(${p}.tags), 'status', ${p}.status)`,
  );

export function idList(ids: readonly string[]): SQL {
  return sql.join(
    ids.map((id) => sql`${id}::uuid`),
    sql`, `,
  );
}

/** Adds the pairs' words (not numbers) to the lexicon that corrects typos in searches; words are never removed. */
async function recordLexemes(db: Db, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await db.execute(sql`
    insert into knowledge_lexicon (word)
    select distinct w from knowledge_pairs p, unnest(tsvector_to_array(p.search_vector)) w
    where p.id in (${idList(ids)}) and length(w) between 3 and 40 and w !~ '^[0-9.,:-]+$'
    on conflict do nothing`);
}

/**
 * Inserts pairs (version 1 each, with its version row) in batches; returns their ids in order.
 * Each batch travels as one JSON parameter expanded by jsonb_to_recordset: for 100,000-pair imports
 * that is several times faster than a VALUES list with a parameter per column and row. Ids are made
 * here, so their order never depends on the order of RETURNING.
 */
export async function insertPairs(
  db: Db,
  pairs: NewPair[],
  opts: { actorId: string | null; change?: string; batchSize?: number },
): Promise<string[]> {
  const ids: string[] = [];
  const batchSize = opts.batchSize ?? 5000;
  for (let i = 0; i < pairs.length; i += batchSize) {
    const batch = pairs.slice(i, i + batchSize).map((p) => {
      const keys = derived(p);
      return {
        id: crypto.randomUUID(),
        question: p.question,
        answer: p.answer,
        variants: p.variants,
        context: p.context,
        product: p.product,
        tags: p.tags,
        status: p.status ?? "draft",
        source: p.source ?? "manual",
        question_hash: keys.questionHash,
        answer_hash: keys.answerHash,
        variants_text: keys.variantsText,
      };
    });
    const batchIds = batch.map((r) => r.id);
    await db.execute(sql`
      insert into knowledge_pairs (id, question, answer, variants, context, product, tags, status, source,
        question_hash, answer_hash, variants_text, created_by, updated_by)
      select r.id, r.question, r.answer, r.variants, r.context, r.product, r.tags, r.status::knowledge_status,
        r.source::knowledge_source, r.question_hash, r.answer_hash, r.variants_text, ${opts.actorId}::uuid, ${opts.actorId}::uuid
      from jsonb_to_recordset(${JSON.stringify(batch)}::jsonb) as r(id uuid, question text, answer text,
        variants text[], context jsonb, product text, tags text[], status text, source text,
        question_hash text, answer_hash text, variants_text text)`);
    await recordLexemes(db, batchIds);
    await db.execute(sql`
      insert into knowledge_pair_versions (pair_id, version, snapshot, change, changed_by, changed_at)
      select p.id, p.version, ${snapshotOf("p")}, ${opts.change ?? "created"}, ${opts.actorId}, p.updated_at
      from knowledge_pairs p where p.id in (${idList(batchIds)})`);
    ids.push(...batchIds);
  }
  return ids;
}

export async function createPair(db: Db, pair: NewPair, actorId: string | null): Promise<Pair> {
  const [id] = await insertPairs(db, [pair], { actorId });
  const created = id ? await getPair(db, id) : undefined;
  if (!created) throw new Error("insert into knowledge_pairs returned no row");
  return created;
}

export async function getPair(db: Db, id: string): Promise<Pair | undefined> {
  const [row] = await db
    .select({
      ...pairColumns,
      updatedByName: sql<string | null>`coalesce(nullif(${users.name}, ''), ${users.email})`,
    })
    .from(knowledgePairs)
    .leftJoin(users, eq(users.id, knowledgePairs.updatedBy))
    .where(eq(knowledgePairs.id, id));
  return row;
}

export async function getPairs(db: Db, ids: string[]): Promise<Pair[]> {
  if (ids.length === 0) return [];
  return db
    .select({
      ...pairColumns,
      updatedByName: sql<string | null>`coalesce(nullif(${users.name}, ''), ${users.email})`,
    })
    .from(knowledgePairs)
    .leftJoin(users, eq(users.id, knowledgePairs.updatedBy))
    .where(inArray(knowledgePairs.id, ids));
}

export type PairChange = Partial<PairContent & { status: KnowledgeStatus }>;

/**
 * Changes one pair and records the new version, in one transaction.
 * Returns "stale" when `expectedVersion` is given and someone changed the pair meanwhile.
 */
export async function updatePair(
  db: Db,
  id: string,
  change: PairChange,
  opts: { actorId: string | null; change: string; expectedVersion?: number },
): Promise<Pair | "stale" | undefined> {
  return db.transaction(async (tx) => {
    const [current] = await tx
      .select(pairColumns)
      .from(knowledgePairs)
      .where(eq(knowledgePairs.id, id))
      .for("update");
    if (!current) return undefined;
    if (opts.expectedVersion !== undefined && opts.expectedVersion !== current.version) return "stale";
    const next = { ...current, ...change };
    await tx
      .update(knowledgePairs)
      .set({
        question: next.question,
        answer: next.answer,
        variants: next.variants,
        context: next.context,
        product: next.product,
        tags: next.tags,
        status: next.status,
        ...derived(next),
        version: current.version + 1,
        updatedBy: opts.actorId,
        updatedAt: sql`now()`,
      })
      .where(eq(knowledgePairs.id, id));
    await recordLexemes(tx as unknown as Db, [id]);
    await tx.execute(sql`
      insert into knowledge_pair_versions (pair_id, version, snapshot, change, changed_by, changed_at)
      select p.id, p.version, ${snapshotOf("p")}, ${opts.change}, ${opts.actorId}, p.updated_at
      from knowledge_pairs p where p.id = ${id}`);
    return getPair(tx as unknown as Db, id);
  });
}

/**
 * Runs one SQL assignment (e.g. a status or tag change) over many pairs and records a version for
 * each pair it actually changed, in one statement. Returns the ids changed.
 */
async function bulkChange(
  db: Db,
  ids: string[],
  assignment: SQL,
  unchanged: SQL,
  opts: { actorId: string | null; change: string },
): Promise<string[]> {
  if (ids.length === 0) return [];
  const result = await queryRows<{ pair_id: string }>(
    db,
    sql`
    with changed as (
      update knowledge_pairs p set ${assignment}, version = p.version + 1, updated_by = ${opts.actorId}, updated_at = now()
      where p.id in (${idList(ids)}) and not (${unchanged})
      returning p.*
    )
    insert into knowledge_pair_versions (pair_id, version, snapshot, change, changed_by, changed_at)
    select p.id, p.version, ${snapshotOf("p")}, ${opts.change}, ${opts.actorId}, p.updated_at from changed p
    returning pair_id`,
  );
  return result.map((r) => r.pair_id);
}

export function setPairsStatus(db: Db, ids: string[], status: KnowledgeStatus, actorId: string | null) {
  const change = { draft: "moved to draft", approved: "approved", archived: "archived" }[status];
  return bulkChange(db, ids, sql`status = ${status}`, sql`p.status = ${status}`, { actorId, change });
}

export function addTagToPairs(db: Db, ids: string[], tag: string, actorId: string | null) {
  return bulkChange(
    db,
    ids,
    sql`tags = array_append(p.tags, ${tag}::text)`,
    sql`${tag}::text = any(p.tags)`,
    {
      actorId,
      change: `tagged "${tag}"`,
    },
  );
}

export function removeTagFromPairs(db: Db, ids: string[], tag: string, actorId: string | null) {
  return bulkChange(
    db,
    ids,
    sql`tags = array_remove(p.tags, ${tag}::text)`,
    sql`not (${tag}::text = any(p.tags))`,
    {
      actorId,
      change: `untagged "${tag}"`,
    },
  );
}

export type PairVersionEntry = {
  version: number;
  change: string;
  changedAt: Date;
  changedByName: string | null;
  snapshot: PairSnapshot;
};

export async function listPairVersions(db: Db, pairId: string): Promise<PairVersionEntry[]> {
  return db
    .select({
      version: knowledgePairVersions.version,
      change: knowledgePairVersions.change,
      changedAt: knowledgePairVersions.changedAt,
      changedByName: sql<string | null>`coalesce(nullif(${users.name}, ''), ${users.email})`,
      snapshot: knowledgePairVersions.snapshot,
    })
    .from(knowledgePairVersions)
    .leftJoin(users, eq(users.id, knowledgePairVersions.changedBy))
    .where(eq(knowledgePairVersions.pairId, pairId))
    .orderBy(desc(knowledgePairVersions.version));
}

export async function getPairVersion(
  db: Db,
  pairId: string,
  version: number,
): Promise<PairSnapshot | undefined> {
  const [row] = await db
    .select({ snapshot: knowledgePairVersions.snapshot })
    .from(knowledgePairVersions)
    .where(and(eq(knowledgePairVersions.pairId, pairId), eq(knowledgePairVersions.version, version)));
  return row?.snapshot;
}

/** Existing pairs whose exact-duplicate key is one of `hashes` (import planning). */
export async function findPairsByQuestionHash(db: Db, hashes: string[]) {
  const found: {
    id: string;
    questionHash: string;
    answerHash: string;
    variants: string[];
    tags: string[];
  }[] = [];
  for (let i = 0; i < hashes.length; i += 5000) {
    const chunk = hashes.slice(i, i + 5000);
    const rows = await db
      .select({
        id: knowledgePairs.id,
        questionHash: knowledgePairs.questionHash,
        answerHash: knowledgePairs.answerHash,
        variants: knowledgePairs.variants,
        tags: knowledgePairs.tags,
      })
      .from(knowledgePairs)
      .where(inArray(knowledgePairs.questionHash, chunk))
      .orderBy(asc(knowledgePairs.createdAt));
    found.push(...rows);
  }
  return found;
}

export async function countPairsByStatus(db: Db): Promise<Record<KnowledgeStatus | "total", number>> {
  const rows = await db
    .select({ status: knowledgePairs.status, n: sql<number>`count(*)::int` })
    .from(knowledgePairs)
    .groupBy(knowledgePairs.status);
  const counts = { draft: 0, approved: 0, archived: 0, total: 0 };
  for (const r of rows) {
    counts[r.status] = r.n;
    counts.total += r.n;
  }
  return counts;
}

export async function listProducts(db: Db): Promise<{ product: string; count: number }[]> {
  const rows = await db
    .select({ product: knowledgePairs.product, count: sql<number>`count(*)::int` })
    .from(knowledgePairs)
    .where(and(sql`${knowledgePairs.product} is not null`, ne(knowledgePairs.product, "")))
    .groupBy(knowledgePairs.product)
    .orderBy(asc(knowledgePairs.product));
  return rows.map((r) => ({ product: r.product ?? "", count: r.count }));
}

export async function listTags(db: Db): Promise<{ tag: string; count: number }[]> {
  const result = await queryRows<{ tag: string; count: number }>(
    db,
    sql`select t as tag, count(*)::int as count from knowledge_pairs, unnest(tags) t group by t order by t limit 500`,
  );
  return result;
}

// ---- For other features: training snapshots, customer feedback, retrieval ----

/** Every approved pair, oldest first, with its variants: the content of a training snapshot. */
export async function listApprovedPairsForTraining(db: Db): Promise<Pair[]> {
  return db
    .select({ ...pairColumns, updatedByName: sql<string | null>`null` })
    .from(knowledgePairs)
    .where(eq(knowledgePairs.status, "approved"))
    .orderBy(asc(knowledgePairs.createdAt), asc(knowledgePairs.id));
}

/** How many approved pairs there are, and how many phrasings (question + variants) they have in all. */
export async function countApprovedPhrasings(db: Db): Promise<{ pairs: number; phrasings: number }> {
  const [row] = await db
    .select({
      pairs: sql<number>`count(*)::int`,
      phrasings: sql<number>`coalesce(sum(1 + cardinality(${knowledgePairs.variants})), 0)::int`,
    })
    .from(knowledgePairs)
    .where(eq(knowledgePairs.status, "approved"));
  return { pairs: Number(row?.pairs ?? 0), phrasings: Number(row?.phrasings ?? 0) };
}

/** A draft pair from customer feedback (source = feedback); the answer may still be empty. */
export function createFeedbackDraft(
  db: Db,
  input: {
    question: string;
    answer?: string;
    context?: ContextMessage[];
    product?: string | null;
    tags?: string[];
  },
  actorId: string | null = null,
): Promise<Pair> {
  return createPair(
    db,
    {
      question: input.question.trim(),
      answer: (input.answer ?? "").trim(),
      variants: [],
      context: input.context ?? [],
      product: input.product ?? null,
      tags: input.tags ?? [],
      status: "draft",
      source: "feedback",
    },
    actorId,
  );
}

/** Adds a paraphrase to an existing pair (no-op when it is already there); a new version. */
export async function addVariantToPair(db: Db, pairId: string, variant: string, actorId: string | null) {
  const pair = await getPair(db, pairId);
  if (!pair) return undefined;
  const text = variant.trim();
  const known = [pair.question, ...pair.variants].some((v) => v.toLowerCase() === text.toLowerCase());
  if (!text || known) return pair;
  const updated = await updatePair(
    db,
    pairId,
    { variants: [...pair.variants, text] },
    { actorId, change: "variant added" },
  );
  return updated === "stale" ? undefined : updated;
}

/** Replaces a pair's answer (e.g. a better one written from feedback); a new version. */
export async function setPairAnswer(db: Db, pairId: string, answer: string, actorId: string | null) {
  const updated = await updatePair(
    db,
    pairId,
    { answer: answer.trim() },
    { actorId, change: "answer changed" },
  );
  return updated === "stale" ? undefined : updated;
}

export async function hasKnowledgeMarker(db: Db, key: string): Promise<boolean> {
  const [row] = await db.select().from(knowledgeMarkers).where(eq(knowledgeMarkers.key, key));
  return row !== undefined;
}

export async function setKnowledgeMarker(db: Db, key: string): Promise<void> {
  await db.insert(knowledgeMarkers).values({ key }).onConflictDoNothing();
}

export async function countAllPairs(db: Db): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(knowledgePairs);
  return row?.n ?? 0;
}

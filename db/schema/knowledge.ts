import { sql } from "drizzle-orm";
import {
  customType,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  text,
  timestamp,
  unique,
  uuid,
} from "drizzle-orm/pg-core";
import { users } from "./users";

export const knowledgeStatuses = ["draft", "approved", "archived"] as const;
export type KnowledgeStatus = (typeof knowledgeStatuses)[number];
export const knowledgeStatus = pgEnum("knowledge_status", knowledgeStatuses);

export const knowledgeSources = ["manual", "import", "feedback"] as const;
export type KnowledgeSource = (typeof knowledgeSources)[number];
export const knowledgeSource = pgEnum("knowledge_source", knowledgeSources);

export const contextRoles = ["system", "user", "assistant"] as const;
/** An earlier turn of a multi-turn conversation (or its system prompt) that precedes the question. */
export type ContextMessage = { role: (typeof contextRoles)[number]; content: string };

const tsvector = customType<{ data: string }>({ dataType: () => "tsvector" });

// Millisecond precision so timestamps survive a round trip through a JS Date (keyset cursors).
const ms = { withTimezone: true, precision: 3 } as const;

export const knowledgePairs = pgTable(
  "knowledge_pairs",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    question: text("question").notNull(),
    // Empty only for drafts (e.g. created from feedback before anyone wrote the answer).
    answer: text("answer").notNull().default(""),
    variants: text("variants").array().notNull().default(sql`'{}'::text[]`),
    // The variants joined by newlines, written together with `variants` by db/queries/knowledge.ts:
    // generated columns cannot call array_to_string (not immutable), and trigram indexes need text.
    variantsText: text("variants_text").notNull().default(""),
    context: jsonb("context").$type<ContextMessage[]>().notNull().default([]),
    product: text("product"),
    tags: text("tags").array().notNull().default(sql`'{}'::text[]`),
    status: knowledgeStatus("status").notNull().default("draft"),
    source: knowledgeSource("source").notNull().default("manual"),
    // sha256 of the normalised context + question / answer: the exact-duplicate keys for imports.
    questionHash: text("question_hash").notNull(),
    answerHash: text("answer_hash").notNull(),
    version: integer("version").notNull().default(1),
    createdBy: uuid("created_by").references(() => users.id, { onDelete: "set null" }),
    updatedBy: uuid("updated_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp("created_at", ms).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", ms).notNull().defaultNow(),
    searchVector: tsvector("search_vector").generatedAlwaysAs(
      sql`setweight(to_tsvector('english'::regconfig, question), 'A') || setweight(to_tsvector('english'::regconfig, variants_text), 'B') || setweight(to_tsvector('english'::regconfig, answer), 'C')`,
    ),
    // The question's stemmed, stop-word-free lexemes: equal signatures are near-duplicate questions
    // ("How do I reset my password?" / "reset password"), found with one grouping pass.
    questionSignature: text("question_signature").generatedAlwaysAs(
      sql`strip(to_tsvector('english'::regconfig, question))::text`,
    ),
  },
  (t) => [
    index("knowledge_pairs_search_idx").using("gin", t.searchVector),
    index("knowledge_pairs_question_trgm_idx").using("gin", t.question.op("gin_trgm_ops")),
    index("knowledge_pairs_variants_trgm_idx").using("gin", t.variantsText.op("gin_trgm_ops")),
    index("knowledge_pairs_tags_idx").using("gin", t.tags),
    index("knowledge_pairs_updated_idx").on(t.updatedAt, t.id),
    index("knowledge_pairs_created_idx").on(t.createdAt, t.id),
    index("knowledge_pairs_question_sort_idx").on(sql`lower(left(${t.question}, 120))`, t.id),
    index("knowledge_pairs_status_updated_idx").on(t.status, t.updatedAt, t.id),
    index("knowledge_pairs_product_idx").on(t.product),
    index("knowledge_pairs_question_hash_idx").on(t.questionHash),
    // Hash, not btree: a signature of a long question can exceed btree's row size limit.
    index("knowledge_pairs_signature_idx").using("hash", t.questionSignature),
  ],
);

export type KnowledgePair = typeof knowledgePairs.$inferSelect;

/** The editable content of a pair as it was at one version. */
export type PairSnapshot = {
  question: string;
  answer: string;
  variants: string[];
  context: ContextMessage[];
  product: string | null;
  tags: string[];
  status: KnowledgeStatus;
};

export const knowledgePairVersions = pgTable(
  "knowledge_pair_versions",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    pairId: uuid("pair_id")
      .notNull()
      .references(() => knowledgePairs.id, { onDelete: "cascade" }),
    version: integer("version").notNull(),
    snapshot: jsonb("snapshot").$type<PairSnapshot>().notNull(),
    // What happened, in words: "created", "edited", "approved", "restored version 2", ...
    change: text("change").notNull(),
    changedBy: uuid("changed_by").references(() => users.id, { onDelete: "set null" }),
    changedAt: timestamp("changed_at", ms).notNull().defaultNow(),
  },
  (t) => [unique("knowledge_pair_versions_pair_version_key").on(t.pairId, t.version)],
);

export type KnowledgePairVersion = typeof knowledgePairVersions.$inferSelect;

/**
 * Every stemmed word the knowledge base has contained: a search word that full text does not find
 * (a typo) is corrected to its nearest words here by trigram similarity, then searched in full text.
 */
export const knowledgeLexicon = pgTable("knowledge_lexicon", { word: text("word").primaryKey() }, (t) => [
  index("knowledge_lexicon_word_trgm_idx").using("gin", t.word.op("gin_trgm_ops")),
]);

/** One-off facts about the knowledge base, e.g. that the demo data was loaded once. */
export const knowledgeMarkers = pgTable("knowledge_markers", {
  key: text("key").primaryKey(),
  createdAt: timestamp("created_at", ms).notNull().defaultNow(),
});

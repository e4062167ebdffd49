import { sql } from "drizzle-orm";
import Papa from "papaparse";
import type { Db } from "@/db/client";
import { searchRows } from "@/db/queries/knowledge-keys";
import { type PairFilter, pairFilterWhere, resolveTextMode } from "@/db/queries/knowledge-search";
import type { ContextMessage, KnowledgeStatus } from "@/db/schema";

export const exportFormats = ["openai", "jsonl", "csv", "training"] as const;
export type ExportFormat = (typeof exportFormats)[number];

export const exportFileTypes: Record<ExportFormat, { extension: string; contentType: string }> = {
  openai: { extension: "jsonl", contentType: "application/jsonl; charset=utf-8" },
  training: { extension: "jsonl", contentType: "application/jsonl; charset=utf-8" },
  jsonl: { extension: "jsonl", contentType: "application/jsonl; charset=utf-8" },
  csv: { extension: "csv", contentType: "text/csv; charset=utf-8" },
};

type ExportRow = {
  id: string;
  question: string;
  answer: string;
  variants: string[];
  context: ContextMessage[];
  product: string | null;
  tags: string[];
  status: KnowledgeStatus;
  created_at: Date | string;
};

const BATCH = 2000;

/** Pairs matching the filter, oldest first, read in keyset batches so memory stays flat. */
async function* pairsInBatches(db: Db, unresolved: PairFilter): AsyncGenerator<ExportRow[]> {
  const filter = await resolveTextMode(db, unresolved);
  let after: [string, string] | undefined;
  for (;;) {
    const keyset = after
      ? sql`(p.created_at, p.id) > (${after[0]}::timestamptz, ${after[1]}::uuid)`
      : sql`true`;
    const rows = await searchRows<ExportRow>(
      db,
      sql`select p.id, p.question, p.answer, p.variants, p.context, p.product, p.tags, p.status, p.created_at
        from knowledge_pairs p where ${pairFilterWhere(filter)} and ${keyset}
        order by p.created_at, p.id limit ${BATCH}`,
    );
    if (rows.length === 0) return;
    yield rows;
    const last = rows[rows.length - 1] as ExportRow;
    after = [new Date(last.created_at).toISOString(), last.id];
    if (rows.length < BATCH) return;
  }
}

/** OpenAI chat lines: the pair's question, then each variant, all with the same answer. */
function openAiLines(row: ExportRow): string {
  let out = "";
  for (const question of [row.question, ...row.variants]) {
    const messages = [
      ...row.context,
      { role: "user", content: question },
      { role: "assistant", content: row.answer },
    ];
    out += `${JSON.stringify({ messages })}\n`;
  }
  return out;
}

function jsonLine(row: ExportRow): string {
  const { question, answer, variants, product, tags, status, context } = row;
  const value = context.length
    ? { question, answer, variants, product, tags, status, context }
    : { question, answer, variants, product, tags, status };
  return `${JSON.stringify(value)}\n`;
}

const csvColumns = ["question", "answer", "variants", "product", "tags", "status", "context"];

function csvRows(rows: ExportRow[]): string {
  const data = rows.map((r) => [
    r.question,
    r.answer,
    r.variants.join("\n"),
    r.product ?? "",
    r.tags.join(", "),
    r.status,
    r.context.length ? JSON.stringify(r.context) : "",
  ]);
  return `${Papa.unparse(data, { header: false, newline: "\r\n", escapeFormulae: false })}\r\n`;
}

/**
 * The export file as a stream of text chunks. "training" is the training view: approved pairs only,
 * variants expanded, in OpenAI chat format (whatever the filter says about status).
 */
export async function* exportKnowledge(
  db: Db,
  format: ExportFormat,
  filter: PairFilter,
): AsyncGenerator<string> {
  const effective: PairFilter = format === "training" ? { ...filter, status: ["approved"] } : filter;
  if (format === "csv") yield `${csvColumns.join(",")}\r\n`;
  for await (const rows of pairsInBatches(db, effective)) {
    if (format === "csv") yield csvRows(rows);
    else yield rows.map(format === "jsonl" ? jsonLine : openAiLines).join("");
  }
}

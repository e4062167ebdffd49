import { sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { findPairsByQuestionHash, insertPairs, type NewPair, updatePair } from "@/db/queries/knowledge";
import { answerHash, questionHash } from "@/db/queries/knowledge-keys";
import { parseCsv } from "./csv";
import { readLines } from "./lines";
import { type ImportFormat, type ImportProblem, type ImportRecord, parseJsonLine } from "./records";

export type { ImportFormat, ImportProblem } from "./records";

export type ImportSample = {
  line: number;
  question: string;
  answer: string;
  variants: number;
  note?: string;
};
type Outcome = "create" | "merge" | "skip";

export type ImportResult = {
  format: ImportFormat;
  lines: number;
  records: number;
  counts: Record<Outcome, number>;
  samples: Record<Outcome, ImportSample[]>;
  errors: ImportProblem[];
  errorCount: number;
  committed: boolean;
};

const MAX_SAMPLES = 20;
const MAX_ERRORS = 100;

/** Picks the parser: CSV by name, otherwise JSONL (each line may be OpenAI chat or question/answer). */
export function detectFormat(
  requested: ImportFormat | "auto",
  fileName: string | undefined,
): "csv" | "jsonl" {
  if (requested === "csv") return "csv";
  if (requested === "auto" && fileName?.toLowerCase().endsWith(".csv")) return "csv";
  return "jsonl";
}

async function readRecords(chunks: AsyncIterable<Uint8Array>, kind: "csv" | "jsonl") {
  const records: ImportRecord[] = [];
  const problems: ImportProblem[] = [];
  if (kind === "csv") {
    const { lineCount } = await parseCsv(
      readLines(chunks),
      (r) => records.push(r),
      (p) => problems.push(p),
    );
    return { records, problems, lineCount };
  }
  let lineCount = 0;
  for await (const l of readLines(chunks)) {
    lineCount = l.line;
    if (l.invalidUtf8)
      problems.push({ line: l.line, message: "not valid UTF-8 text; save the file as UTF-8 and try again" });
    else if (l.tooLong) problems.push({ line: l.line, message: "the line is longer than 1 MB" });
    else {
      const parsed = parseJsonLine(l.line, l.text);
      if (Array.isArray(parsed)) problems.push(...parsed);
      else if (parsed) addRecord(records, parsed);
    }
  }
  return { records, problems, lineCount };
}

/**
 * Consecutive OpenAI lines with the same earlier turns and the same answer are one pair whose other
 * questions are variants: that is how an export of the training view writes variants.
 */
function addRecord(records: ImportRecord[], record: ImportRecord) {
  const previous = records.at(-1);
  if (
    previous &&
    record.format === "openai" &&
    previous.format === "openai" &&
    previous.content.answer === record.content.answer &&
    JSON.stringify(previous.content.context) === JSON.stringify(record.content.context)
  ) {
    const known = [previous.content.question, ...previous.content.variants].map((v) => v.toLowerCase());
    for (const q of [record.content.question, ...record.content.variants]) {
      if (!known.includes(q.toLowerCase())) previous.content.variants.push(q);
    }
    return;
  }
  records.push(record);
}

type Create = { record: ImportRecord; pair: NewPair };
type Merge = { id: string; variants: string[]; tags: string[]; changed: boolean };

function union(into: string[], more: string[]): boolean {
  const known = new Set(into.map((v) => v.toLowerCase()));
  let changed = false;
  for (const v of more) {
    if (!known.has(v.toLowerCase())) {
      known.add(v.toLowerCase());
      into.push(v);
      changed = true;
    }
  }
  return changed;
}

function mergeInto(variants: string[], tags: string[], record: ImportRecord): boolean {
  const newVariants = union(variants, record.content.variants);
  const newTags = union(tags, record.content.tags);
  return newVariants || newTags;
}

/**
 * Reads a whole upload and decides, per pair, whether it creates a pair, merges new variants and
 * tags into an existing identical pair, or is skipped as an exact duplicate. In commit mode, and only
 * when the file has no error at all, applies the plan in one transaction.
 */
export async function importKnowledge(
  db: Db,
  chunks: AsyncIterable<Uint8Array>,
  opts: {
    format: ImportFormat | "auto";
    fileName?: string;
    mode: "preview" | "commit";
    actorId: string | null;
  },
): Promise<ImportResult> {
  const kind = detectFormat(opts.format, opts.fileName);
  const { records, problems, lineCount } = await readRecords(chunks, kind);
  if (records.length === 0 && problems.length === 0)
    problems.push({ line: 0, message: "the file contains no knowledge pairs" });
  const format: ImportFormat = kind === "csv" ? "csv" : records[0]?.format === "openai" ? "openai" : "jsonl";

  const keyed = records.map((r) => {
    const hq = questionHash(r.content.question, r.content.context);
    return { record: r, hq, key: `${hq}|${answerHash(r.content.answer)}` };
  });
  const existing = new Map<string, { id: string; variants: string[]; tags: string[] }>();
  const existingQuestions = new Set<string>();
  for (const row of await findPairsByQuestionHash(db, [...new Set(keyed.map((k) => k.hq))])) {
    existingQuestions.add(row.questionHash);
    const key = `${row.questionHash}|${row.answerHash}`;
    if (!existing.has(key)) existing.set(key, row);
  }

  const creates: Create[] = [];
  const merges = new Map<string, Merge>();
  const inFile = new Map<string, { line: number; variants: string[]; tags: string[]; merge?: Merge }>();
  const counts: Record<Outcome, number> = { create: 0, merge: 0, skip: 0 };
  const samples: Record<Outcome, ImportSample[]> = { create: [], merge: [], skip: [] };
  const note = (outcome: Outcome, r: ImportRecord, text?: string) => {
    counts[outcome] += 1;
    if (samples[outcome].length < MAX_SAMPLES) {
      samples[outcome].push({
        line: r.line,
        question: r.content.question.slice(0, 200),
        answer: r.content.answer.slice(0, 200),
        variants: r.content.variants.length,
        note: text,
      });
    }
  };

  for (const { record, hq, key } of keyed) {
    const earlier = inFile.get(key);
    if (earlier) {
      const changed = mergeInto(earlier.variants, earlier.tags, record);
      if (changed && earlier.merge) earlier.merge.changed = true;
      note(changed ? "merge" : "skip", record, `same question and answer as line ${earlier.line}`);
      continue;
    }
    const match = existing.get(key);
    if (match) {
      const merge = merges.get(match.id) ?? {
        id: match.id,
        variants: [...match.variants],
        tags: [...match.tags],
        changed: false,
      };
      merges.set(match.id, merge);
      const changed = mergeInto(merge.variants, merge.tags, record);
      merge.changed ||= changed;
      inFile.set(key, { line: record.line, variants: merge.variants, tags: merge.tags, merge });
      note(
        changed ? "merge" : "skip",
        record,
        changed ? "adds variants or tags to an existing pair" : "exact duplicate of an existing pair",
      );
      continue;
    }
    const pair: NewPair = {
      ...record.content,
      variants: [...record.content.variants],
      tags: [...record.content.tags],
      status: record.status,
      source: "import",
    };
    creates.push({ record, pair });
    inFile.set(key, { line: record.line, variants: pair.variants, tags: pair.tags });
    note(
      "create",
      record,
      existingQuestions.has(hq) ? "an existing pair has this question with a different answer" : undefined,
    );
  }

  problems.sort((a, b) => a.line - b.line);
  const result: ImportResult = {
    format,
    lines: lineCount,
    records: records.length,
    counts,
    samples,
    errors: problems.slice(0, MAX_ERRORS),
    errorCount: problems.length,
    committed: false,
  };
  if (opts.mode === "preview" || problems.length > 0) return result;

  await db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    await insertPairs(
      t,
      creates.map((c) => c.pair),
      { actorId: opts.actorId, change: "imported" },
    );
    for (const merge of merges.values()) {
      if (!merge.changed) continue;
      await updatePair(
        t,
        merge.id,
        { variants: merge.variants, tags: merge.tags },
        { actorId: opts.actorId, change: "merged from import" },
      );
    }
  });
  // Fresh statistics after a large import, so the planner picks the search indexes at once.
  if (creates.length >= 1000) await db.execute(sql`analyze knowledge_pairs`);
  return { ...result, committed: true };
}

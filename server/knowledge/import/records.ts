import type { KnowledgeStatus } from "@/db/schema";
import { knowledgeStatuses } from "@/db/schema";
import { type CleanPairContent, cleanPairContent, type FieldProblem, type RawPairContent } from "../limits";

export const importFormats = ["openai", "jsonl", "csv"] as const;
export type ImportFormat = (typeof importFormats)[number];

/** A pair read from a file, with the line it starts on. */
export type ImportRecord = {
  line: number;
  format: ImportFormat;
  content: CleanPairContent;
  status: KnowledgeStatus;
};

export type ImportProblem = { line: number; field?: string; message: string };

/** Turns raw fields into a record, or into problems that name the line and the field. */
export function toRecord(
  line: number,
  format: ImportFormat,
  raw: RawPairContent & { status?: unknown },
): ImportRecord | ImportProblem[] {
  const problems: ImportProblem[] = [];
  let status: KnowledgeStatus = "draft";
  if (raw.status !== undefined && raw.status !== null && raw.status !== "") {
    const value = typeof raw.status === "string" ? raw.status.trim().toLowerCase() : raw.status;
    if (knowledgeStatuses.includes(value as KnowledgeStatus)) status = value as KnowledgeStatus;
    else
      problems.push({
        line,
        field: "status",
        message: `"status" is ${JSON.stringify(raw.status)}; expected draft, approved or archived`,
      });
  }
  const cleaned = cleanPairContent(raw, { requireAnswer: true });
  if (!cleaned.ok) problems.push(...cleaned.problems.map((p: FieldProblem) => ({ line, ...p })));
  if (problems.length || !cleaned.ok) return problems;
  return { line, format, content: cleaned.value, status };
}

const roles = new Set(["system", "user", "assistant"]);

function messageText(content: unknown): string | undefined {
  if (typeof content === "string") return content;
  // The newer content form: a list of parts, of which only text parts carry a training example.
  if (
    Array.isArray(content) &&
    content.every((p) => p && typeof p === "object" && typeof p.text === "string")
  ) {
    return content.map((p: { text: string }) => p.text).join("");
  }
  return undefined;
}

/** An OpenAI chat fine-tuning line: the last user turn is the question, the final assistant turn the answer. */
function openAiRecord(line: number, value: { messages: unknown }): ImportRecord | ImportProblem[] {
  const { messages } = value;
  if (!Array.isArray(messages) || messages.length < 2) {
    return [
      { line, field: "messages", message: `"messages" must list at least a user and an assistant message` },
    ];
  }
  const turns: { role: string; content: string }[] = [];
  for (const [i, m] of messages.entries()) {
    const role = (m as { role?: unknown })?.role;
    if (typeof role !== "string" || !roles.has(role)) {
      return [
        {
          line,
          field: `messages[${i}].role`,
          message: `"messages[${i}].role" is ${JSON.stringify(role ?? null)}; expected system, user or assistant`,
        },
      ];
    }
    const content = messageText((m as { content?: unknown }).content);
    if (content === undefined)
      return [{ line, field: `messages[${i}].content`, message: `"messages[${i}].content" must be text` }];
    turns.push({ role, content });
  }
  const answer = turns.at(-1);
  const question = turns.at(-2);
  if (answer?.role !== "assistant") {
    return [
      {
        line,
        field: `messages[${turns.length - 1}].role`,
        message: "the last message must be the assistant's answer",
      },
    ];
  }
  if (question?.role !== "user") {
    return [
      {
        line,
        field: `messages[${turns.length - 2}].role`,
        message: "the message before the answer must be the user's question",
      },
    ];
  }
  return toRecord(line, "openai", {
    question: question.content,
    answer: answer.content,
    context: turns.slice(0, -2),
  });
}

function splitList(value: unknown, separator: RegExp): unknown {
  return typeof value === "string"
    ? value
        .split(separator)
        .map((s) => s.trim())
        .filter(Boolean)
    : value;
}

/** One JSONL line: either an OpenAI chat example or `{question, answer, product?, tags?, variants?}`. */
export function parseJsonLine(line: number, text: string): ImportRecord | ImportProblem[] | null {
  if (!text.trim()) return null;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    const reason = err instanceof Error ? err.message : "syntax error";
    return [{ line, message: `not valid JSON (${reason})` }];
  }
  if (!value || typeof value !== "object" || Array.isArray(value))
    return [{ line, message: "expected a JSON object" }];
  const obj = value as Record<string, unknown>;
  if ("messages" in obj) return openAiRecord(line, obj as { messages: unknown });
  if (!("question" in obj) && !("answer" in obj)) {
    return [{ line, message: `expected "messages" (OpenAI chat format) or "question" and "answer" fields` }];
  }
  return toRecord(line, "jsonl", { ...obj, tags: splitList(obj.tags, /,/) });
}

/** One CSV row (header names lower-cased): variants one per line in their cell, tags comma-separated. */
export function csvRowRecord(
  line: number,
  row: Record<string, string | undefined>,
): ImportRecord | ImportProblem[] {
  let context: unknown;
  if (row.context?.trim()) {
    try {
      context = JSON.parse(row.context);
    } catch {
      return [
        { line, field: "context", message: `"context" must be a JSON list of {role, content} messages` },
      ];
    }
  }
  return toRecord(line, "csv", {
    question: row.question,
    answer: row.answer,
    variants: splitList(row.variants ?? "", /\r?\n/),
    tags: splitList(row.tags ?? "", /,/),
    product: row.product,
    status: row.status,
    context,
  });
}

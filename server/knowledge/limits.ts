import type { ContextMessage } from "@/db/schema";
import { cleanTexts } from "@/server/text";

/** Hard limits on a pair's fields, the same for the editor and for imports. */
export const LIMITS = {
  question: 2000,
  answer: 8000,
  variant: 2000,
  variants: 50,
  tag: 40,
  tags: 20,
  product: 80,
  contextTurns: 20,
  contextContent: 8000,
} as const;

export const TAG_PATTERN = /^[\p{L}\p{N}][\p{L}\p{N} _.\-/]*$/u;

export type FieldProblem = { field: string; message: string };

export type RawPairContent = {
  question?: unknown;
  answer?: unknown;
  variants?: unknown;
  context?: unknown;
  product?: unknown;
  tags?: unknown;
};

export type CleanPairContent = {
  question: string;
  answer: string;
  variants: string[];
  context: ContextMessage[];
  product: string | null;
  tags: string[];
};

const number = (n: number) => n.toLocaleString("en-US");

function tooLong(field: string, value: string, max: number): FieldProblem | null {
  return value.length > max
    ? { field, message: `"${field}" is ${number(value.length)} characters long; the limit is ${number(max)}` }
    : null;
}

/**
 * Trims and checks a pair's content: the one place the rules live. Variants are de-duplicated
 * (ignoring case) and never repeat the question; an empty product is no product.
 */
export function cleanPairContent(
  raw: RawPairContent,
  opts: { requireAnswer: boolean },
): { ok: true; value: CleanPairContent } | { ok: false; problems: FieldProblem[] } {
  // Imports arrive here without passing a tRPC input: clean their text the same way.
  raw = cleanTexts(raw);
  const problems: FieldProblem[] = [];
  const text = (field: string, value: unknown): string => {
    if (value === undefined || value === null) return "";
    if (typeof value !== "string") {
      problems.push({ field, message: `"${field}" must be text` });
      return "";
    }
    return value.trim();
  };
  const question = text("question", raw.question);
  const answer = text("answer", raw.answer);
  if (!question) problems.push({ field: "question", message: `"question" is empty` });
  if (!answer && opts.requireAnswer) problems.push({ field: "answer", message: `"answer" is empty` });
  for (const p of [
    tooLong("question", question, LIMITS.question),
    tooLong("answer", answer, LIMITS.answer),
  ]) {
    if (p) problems.push(p);
  }

  const variants: string[] = [];
  const seen = new Set([question.toLowerCase()]);
  const rawVariants = raw.variants ?? [];
  if (!Array.isArray(rawVariants))
    problems.push({ field: "variants", message: `"variants" must be a list of texts` });
  else {
    for (const [i, v] of rawVariants.entries()) {
      const field = `variants[${i}]`;
      if (typeof v !== "string") {
        problems.push({ field, message: `"${field}" must be text` });
        continue;
      }
      const value = v.trim();
      const long = tooLong(field, value, LIMITS.variant);
      if (long) problems.push(long);
      else if (value && !seen.has(value.toLowerCase())) {
        seen.add(value.toLowerCase());
        variants.push(value);
      }
    }
    if (variants.length > LIMITS.variants) {
      problems.push({
        field: "variants",
        message: `${variants.length} variants; the limit is ${LIMITS.variants}`,
      });
    }
  }

  const tags: string[] = [];
  const rawTags = raw.tags ?? [];
  if (!Array.isArray(rawTags)) problems.push({ field: "tags", message: `"tags" must be a list of texts` });
  else {
    for (const t of rawTags) {
      if (typeof t !== "string") {
        problems.push({ field: "tags", message: `"tags" must be a list of texts` });
        break;
      }
      const tag = t.trim();
      if (!tag || tags.includes(tag)) continue;
      if (tag.length > LIMITS.tag)
        problems.push({
          field: "tags",
          message: `tag "${tag.slice(0, 50)}…" is longer than ${LIMITS.tag} characters`,
        });
      else if (!TAG_PATTERN.test(tag))
        problems.push({
          field: "tags",
          message: `tag "${tag}" may only use letters, digits, spaces and _ . - /`,
        });
      else tags.push(tag);
    }
    if (tags.length > LIMITS.tags)
      problems.push({ field: "tags", message: `${tags.length} tags; the limit is ${LIMITS.tags}` });
  }

  const product = text("product", raw.product);
  const longProduct = tooLong("product", product, LIMITS.product);
  if (longProduct) problems.push(longProduct);

  const context = cleanContext(raw.context, problems);
  if (problems.length) return { ok: false, problems };
  return { ok: true, value: { question, answer, variants, context, product: product || null, tags } };
}

function cleanContext(raw: unknown, problems: FieldProblem[]): ContextMessage[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) {
    problems.push({ field: "context", message: `"context" must be a list of {role, content} messages` });
    return [];
  }
  if (raw.length > LIMITS.contextTurns) {
    problems.push({
      field: "context",
      message: `${raw.length} earlier turns; the limit is ${LIMITS.contextTurns}`,
    });
    return [];
  }
  const context: ContextMessage[] = [];
  raw.forEach((m: unknown, i) => {
    const field = `context[${i}]`;
    const msg = (m ?? {}) as { role?: unknown; content?: unknown };
    if (msg.role !== "system" && msg.role !== "user" && msg.role !== "assistant") {
      problems.push({
        field: `${field}.role`,
        message: `"${field}.role" is ${JSON.stringify(msg.role)}; expected system, user or assistant`,
      });
      return;
    }
    if (typeof msg.content !== "string") {
      problems.push({ field: `${field}.content`, message: `"${field}.content" must be text` });
      return;
    }
    const long = tooLong(`${field}.content`, msg.content, LIMITS.contextContent);
    if (long) problems.push(long);
    else context.push({ role: msg.role, content: msg.content });
  });
  return context;
}

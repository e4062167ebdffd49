import crypto from "node:crypto";
import type { ContextMessage } from "../schema";

/** Lower-cased, whitespace-collapsed text: what "the same question" means for exact duplicates. */
export function normalizeForKey(text: string): string {
  return text.normalize("NFC").toLowerCase().replace(/\s+/g, " ").trim();
}

function sha256(text: string): string {
  return crypto.createHash("sha256").update(text).digest("hex");
}

/** Exact-duplicate key of a question asked after the given earlier turns. */
export function questionHash(question: string, context: ContextMessage[]): string {
  const turns = context.map((m) => `${m.role}:${normalizeForKey(m.content)}`);
  return sha256([...turns, `user:${normalizeForKey(question)}`].join("\n"));
}

export function answerHash(answer: string): string {
  return sha256(normalizeForKey(answer));
}

/** Newline-joined variants: the text column the full-text and trigram indexes cover. */
export function variantsText(variants: string[]): string {
  return variants.join("\n");
}

/**
 * Follow-ups ("and how heavy is it?") borrow the words of the customer's previous question. Only a
 * short message that reads like a follow-up does, and only when the combined text leads to a pair
 * other than the one the previous question leads to: an off-topic turn is never rescued by the
 * topic before it, and an earlier answer is never repeated.
 */
import type { Db } from "@/db/client";
import type { ChatMessage } from "@/server/inference";
import type { Grounding } from "./answer";
import { decide } from "./decision";
import { words } from "./retriever/features";
import type { Retriever } from "./retriever/retriever";

const MAX_FOLLOW_UP_WORDS = 10;
const REFERRING = new Set([
  "it",
  "its",
  "they",
  "them",
  "their",
  "that",
  "this",
  "those",
  "these",
  "one",
  "ones",
  "and",
  "also",
  "too",
  "same",
  "there",
  "then",
  "what",
  "how",
]);

export function looksLikeFollowUp(text: string): boolean {
  const ws = words(text);
  return ws.length > 0 && ws.length <= MAX_FOLLOW_UP_WORDS && ws.some((w) => REFERRING.has(w));
}

export async function resolveFollowUp(
  db: Db,
  retriever: Retriever,
  question: string,
  history: ChatMessage[],
): Promise<Grounding | null> {
  const previous = [...history].reverse().find((m) => m.role === "user")?.content;
  if (!previous || !looksLikeFollowUp(question)) return null;
  const earlier = await retriever.rank(db, previous);
  const before = decide(earlier.ranked, retriever.calibration, earlier.offTopicScore);
  if (before.kind !== "answer") return null;
  const query = `${previous} ${question}`;
  const combined = await retriever.rank(db, query);
  const decision = decide(combined.ranked, retriever.calibration, combined.offTopicScore);
  if (decision.kind !== "answer" || decision.pair.id === before.pair.id) return null;
  return { decision, query, products: combined.products };
}

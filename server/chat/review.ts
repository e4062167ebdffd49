/**
 * The review queue: staff turn customers' thumbs-downs, corrections and escalations into knowledge
 * (a new draft pair, or a variant / better answer of an existing pair) or dismiss them.
 * Each action and the closing of its item happen in one transaction; an item another reviewer
 * already handled is refused and nothing is written.
 */
import type { Db } from "@/db/client";
import { findConversation, listMessages, setConversationStatus } from "@/db/queries/conversations";
import {
  closeConversationReviewItems,
  closeReviewItem,
  countOpenReviewItems,
  describeReviewItem,
  findReviewItem,
  listFeedbackForConversation,
  listOpenReviewItems,
  listReviewItemsForConversation,
  type ReviewQueueEntry,
  type ReviewQueueFilter,
} from "@/db/queries/feedback";
import { addVariantToPair, createFeedbackDraft, getPair, setPairAnswer } from "@/db/queries/knowledge";
import { searchPairsByText } from "@/db/queries/knowledge-search";
import type { ConversationStatus, ReviewItemKind, ReviewOutcome } from "@/db/schema";
import { customerRetriever } from "@/server/serving/retriever";
import { tokenF1 } from "@/server/training/answer-metrics";
import { UserFacingError } from "@/server/users/errors";
import { replyNoticeFor } from "./notify";

export type ReviewQueueItem = {
  id: string;
  kind: ReviewItemKind;
  createdAt: Date;
  conversationId: string;
  /** What the customer asked (their message before the rated answer, or their last message). */
  question: string;
  /** The bot's answer that was rated down. */
  answer: string | null;
  reason: string | null;
  correction: string | null;
  contact: string | null;
};

function toQueueItem(entry: ReviewQueueEntry, contact: string | null): ReviewQueueItem {
  return {
    id: entry.item.id,
    kind: entry.item.kind,
    createdAt: entry.item.createdAt,
    conversationId: entry.item.conversationId,
    question: entry.question?.content ?? "",
    answer: entry.answer?.content ?? null,
    reason: entry.feedback?.reason ?? null,
    correction: entry.feedback?.correction ?? null,
    contact,
  };
}

/** A page of the queue and how many open items match the filter (`total`) and are open at all (`open`). */
export async function listReviewQueue(
  db: Db,
  params: ReviewQueueFilter & { limit: number; offset?: number },
): Promise<{ items: ReviewQueueItem[]; total: number; open: number }> {
  const [entries, total, open] = await Promise.all([
    listOpenReviewItems(db, params),
    countOpenReviewItems(db, params),
    countOpenReviewItems(db),
  ]);
  const items = await Promise.all(
    entries.map(async (e) => {
      const contact =
        e.item.kind === "escalation"
          ? ((await findConversation(db, e.item.conversationId))?.contact ?? null)
          : null;
      return toQueueItem(e, contact);
    }),
  );
  return { items, total, open };
}

async function openItem(db: Db, itemId: string) {
  const item = await findReviewItem(db, itemId);
  if (!item) throw new UserFacingError("This review item was not found.", "not_found");
  if (item.status !== "open")
    throw new UserFacingError("Someone already handled this item; it has left the queue.", "conflict");
  return item;
}

async function close(
  tx: Db,
  itemId: string,
  outcome: ReviewOutcome,
  pairId: string | null,
  actorId: string,
): Promise<void> {
  const closed = await closeReviewItem(tx, itemId, { outcome, pairId, actorId });
  if (!closed)
    throw new UserFacingError("Someone already handled this item; it has left the queue.", "conflict");
}

function required(text: string, what: string, max: number): string {
  const value = text.trim();
  if (!value) throw new UserFacingError(`Write the ${what} first.`, "invalid", what);
  if (value.length > max)
    throw new UserFacingError(`The ${what} must be under ${max} characters.`, "invalid", what);
  return value;
}

/** A new draft pair (source 'feedback') from the item; the text comes pre-filled from the conversation. */
export async function createDraftPairFromItem(
  db: Db,
  actorId: string,
  input: { itemId: string; question: string; answer: string },
): Promise<{ pairId: string }> {
  await openItem(db, input.itemId);
  const question = required(input.question, "question", 2000);
  const answer = input.answer.trim();
  if (answer.length > 8000)
    throw new UserFacingError("The answer must be under 8000 characters.", "invalid", "answer");
  return db.transaction(async (txRaw) => {
    const tx = txRaw as unknown as Db;
    const pair = await createFeedbackDraft(tx, { question, answer }, actorId);
    await close(tx, input.itemId, "draft_pair", pair.id, actorId);
    return { pairId: pair.id };
  });
}

/** Adds the customer's wording as a variant of a pair, or replaces the pair's answer. */
export async function applyItemToPair(
  db: Db,
  actorId: string,
  input: { itemId: string; pairId: string; mode: "variant" | "answer"; text: string },
): Promise<{ pairId: string }> {
  await openItem(db, input.itemId);
  const text = required(
    input.text,
    input.mode === "variant" ? "variant" : "answer",
    input.mode === "variant" ? 2000 : 8000,
  );
  if (!(await getPair(db, input.pairId)))
    throw new UserFacingError("That pair no longer exists.", "not_found");
  return db.transaction(async (txRaw) => {
    const tx = txRaw as unknown as Db;
    const updated =
      input.mode === "variant"
        ? await addVariantToPair(tx, input.pairId, text, actorId)
        : await setPairAnswer(tx, input.pairId, text, actorId);
    if (!updated) throw new UserFacingError("The pair changed meanwhile; reload and try again.", "conflict");
    await close(tx, input.itemId, input.mode, input.pairId, actorId);
    return { pairId: input.pairId };
  });
}

export async function dismissItem(db: Db, actorId: string, itemId: string): Promise<void> {
  await openItem(db, itemId);
  await close(db, itemId, "dismissed", null, actorId);
}

export type PairSuggestion = {
  id: string;
  question: string;
  answer: string;
  product: string | null;
  status: "approved" | "draft";
};

/** A customer's correction this close to a pair's answer (token F1) names that pair. */
const CORRECTION_MATCH_F1 = 0.5;
const SUGGESTIONS = 6;

/**
 * The pairs a correction may belong to, ranked by the retrieval customers get (the production
 * model's retriever, else lexical), then draft pairs found by text. When the customer's correction
 * says what one pair's answer says, that pair is `suggested`: the one the bot should have used.
 */
export async function suggestPairs(
  db: Db,
  input: { text: string; correction?: string },
): Promise<{ pairs: PairSuggestion[]; suggested: string | null }> {
  const retriever = await customerRetriever(db);
  const text = input.text.trim();
  const correction = input.correction?.trim() ?? "";
  const [byQuestion, byCorrection, drafts] = await Promise.all([
    text ? retriever.rank(db, text, { limit: SUGGESTIONS }) : undefined,
    correction ? retriever.rank(db, correction, { limit: SUGGESTIONS }) : undefined,
    text ? searchPairsByText(db, text, { limit: 3, statuses: ["draft"] }) : [],
  ]);
  const pairs = new Map<string, PairSuggestion>();
  let suggested: { id: string; f1: number } | null = null;
  for (const r of [...(byQuestion?.ranked ?? []), ...(byCorrection?.ranked ?? [])]) {
    if (!pairs.has(r.id)) pairs.set(r.id, { ...r, status: "approved" });
    const f1 = correction ? tokenF1(correction, r.answer) : 0;
    if (f1 >= CORRECTION_MATCH_F1 && (!suggested || f1 > suggested.f1)) suggested = { id: r.id, f1 };
  }
  for (const d of drafts)
    if (!pairs.has(d.id))
      pairs.set(d.id, {
        id: d.id,
        question: d.question,
        answer: d.answer,
        product: d.product ?? null,
        status: "draft",
      });
  const ordered = [...pairs.values()];
  // The suggested pair comes first, so staff see it checked at the top.
  if (suggested) ordered.sort((a, b) => Number(b.id === suggested.id) - Number(a.id === suggested.id));
  return { pairs: ordered, suggested: suggested?.id ?? null };
}

/**
 * Many similar corrections at once: each item's customer question becomes a variant of one pair,
 * or every item is dismissed. One transaction: an item someone else handled meanwhile refuses the
 * whole batch and nothing is written.
 */
export async function applyManyToPair(
  db: Db,
  actorId: string,
  input: { itemIds: string[]; pairId: string },
): Promise<{ pairId: string; added: number }> {
  if (!(await getPair(db, input.pairId)))
    throw new UserFacingError("That pair no longer exists.", "not_found");
  const entries = await Promise.all(
    input.itemIds.map(async (id) => describeReviewItem(db, await openItem(db, id))),
  );
  return db.transaction(async (txRaw) => {
    const tx = txRaw as unknown as Db;
    let added = 0;
    for (const entry of entries) {
      const question = entry.question?.content.trim();
      if (question) {
        if (!(await addVariantToPair(tx, input.pairId, question.slice(0, 2000), actorId)))
          throw new UserFacingError("The pair changed meanwhile; reload and try again.", "conflict");
        added++;
      }
      await close(tx, entry.item.id, "variant", input.pairId, actorId);
    }
    return { pairId: input.pairId, added };
  });
}

export async function dismissMany(
  db: Db,
  actorId: string,
  itemIds: string[],
): Promise<{ dismissed: number }> {
  for (const id of itemIds) await openItem(db, id);
  return db.transaction(async (txRaw) => {
    const tx = txRaw as unknown as Db;
    for (const id of itemIds) await close(tx, id, "dismissed", null, actorId);
    return { dismissed: itemIds.length };
  });
}

/** Everything staff see about one conversation. */
export async function getConversationForStaff(db: Db, id: string) {
  const conversation = await findConversation(db, id);
  if (!conversation) throw new UserFacingError("This conversation was not found.", "not_found");
  const [messages, feedback, items] = await Promise.all([
    listMessages(db, id),
    listFeedbackForConversation(db, id),
    listReviewItemsForConversation(db, id),
  ]);
  const openItems = await Promise.all(
    items.filter((i) => i.status === "open").map((i) => describeReviewItem(db, i)),
  );
  return {
    conversation,
    messages,
    feedback,
    reviewItems: items,
    openItems: openItems.map((e) => toQueueItem(e, conversation.contact)),
    /** What a reply does besides showing in the chat: mail the customer, or why not. */
    replyNotice: replyNoticeFor(conversation),
  };
}

/** Resolving a conversation also closes its open review items; reopening leaves them closed. */
export async function setConversationResolved(
  db: Db,
  actorId: string,
  input: { id: string; status: ConversationStatus },
): Promise<void> {
  await db.transaction(async (txRaw) => {
    const tx = txRaw as unknown as Db;
    const updated = await setConversationStatus(tx, input.id, input.status, actorId);
    if (!updated) throw new UserFacingError("This conversation was not found.", "not_found");
    if (input.status === "resolved") await closeConversationReviewItems(tx, input.id, actorId);
  });
}

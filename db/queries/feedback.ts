import { and, asc, desc, eq, inArray, or, sql } from "drizzle-orm";
import type { Db } from "../client";
import {
  type FeedbackRating,
  type FeedbackReason,
  type Message,
  type MessageFeedback,
  messageFeedback,
  messages,
  type ReviewItem,
  type ReviewItemKind,
  type ReviewOutcome,
  reviewItems,
} from "../schema";
import { escapeLike } from "./conversations";
import { queryRows } from "./knowledge-keys";

/**
 * Records a customer's rating of a bot answer (replacing an earlier one) and keeps the review queue
 * in step: a thumbs-down opens (or updates) an item, a later thumbs-up withdraws it. One transaction.
 */
export async function saveFeedback(
  db: Db,
  input: {
    messageId: string;
    conversationId: string;
    rating: FeedbackRating;
    reason: FeedbackReason | null;
    correction: string | null;
  },
): Promise<MessageFeedback> {
  return db.transaction(async (tx) => {
    const values = {
      rating: input.rating,
      reason: input.rating === "down" ? input.reason : null,
      correction: input.rating === "down" ? input.correction : null,
    };
    const [feedback] = await tx
      .insert(messageFeedback)
      .values({ ...values, messageId: input.messageId, conversationId: input.conversationId })
      .onConflictDoUpdate({ target: messageFeedback.messageId, set: { ...values, updatedAt: sql`now()` } })
      .returning();
    if (!feedback) throw new Error("feedback upsert returned nothing");
    const openForMessage = and(eq(reviewItems.messageId, input.messageId), eq(reviewItems.status, "open"));
    if (input.rating === "up") {
      await tx.delete(reviewItems).where(openForMessage);
      return feedback;
    }
    const kind: ReviewItemKind = values.correction ? "correction" : "rating";
    const updated = await tx
      .update(reviewItems)
      .set({ kind, feedbackId: feedback.id })
      .where(openForMessage)
      .returning({ id: reviewItems.id });
    if (updated.length === 0)
      await tx.insert(reviewItems).values({
        kind,
        conversationId: input.conversationId,
        messageId: input.messageId,
        feedbackId: feedback.id,
      });
    return feedback;
  });
}

export async function listFeedbackForConversation(
  db: Db,
  conversationId: string,
): Promise<MessageFeedback[]> {
  return db.select().from(messageFeedback).where(eq(messageFeedback.conversationId, conversationId));
}

/** Opens an escalation item unless the conversation already has an open one. */
export async function openEscalationItem(db: Db, conversationId: string): Promise<void> {
  const [existing] = await db
    .select({ id: reviewItems.id })
    .from(reviewItems)
    .where(
      and(
        eq(reviewItems.conversationId, conversationId),
        eq(reviewItems.kind, "escalation"),
        eq(reviewItems.status, "open"),
      ),
    );
  if (!existing) await db.insert(reviewItems).values({ kind: "escalation", conversationId });
}

export async function findReviewItem(db: Db, id: string): Promise<ReviewItem | undefined> {
  const [row] = await db.select().from(reviewItems).where(eq(reviewItems.id, id));
  return row;
}

export async function listReviewItemsForConversation(db: Db, conversationId: string): Promise<ReviewItem[]> {
  return db
    .select()
    .from(reviewItems)
    .where(eq(reviewItems.conversationId, conversationId))
    .orderBy(asc(reviewItems.createdAt));
}

export type ReviewQueueEntry = {
  item: ReviewItem;
  feedback: MessageFeedback | null;
  /** The rated bot answer. */
  answer: Message | null;
  /** The customer's message the answer replied to (for a rating) or their last message (escalation). */
  question: Message | null;
};

export type ReviewQueueFilter = {
  kinds?: ReviewItemKind[];
  /** Words in the customer's messages or their correction (case-insensitive). */
  search?: string;
};

function openItemsWhere(filter: ReviewQueueFilter) {
  const search = filter.search?.trim();
  const like = search ? `%${escapeLike(search)}%` : undefined;
  return and(
    eq(reviewItems.status, "open"),
    filter.kinds?.length ? inArray(reviewItems.kind, filter.kinds) : undefined,
    like
      ? or(
          sql`exists (select 1 from messages m where m.conversation_id = ${reviewItems.conversationId}
            and m.role = 'user' and m.content ilike ${like})`,
          sql`exists (select 1 from message_feedback f where f.id = ${reviewItems.feedbackId}
            and f.correction ilike ${like})`,
        )
      : undefined,
  );
}

/** A page of open items, oldest first (first in, first reviewed), with what a reviewer needs to decide. */
export async function listOpenReviewItems(
  db: Db,
  params: ReviewQueueFilter & { limit: number; offset?: number },
): Promise<ReviewQueueEntry[]> {
  const items = await db
    .select()
    .from(reviewItems)
    .where(openItemsWhere(params))
    .orderBy(asc(reviewItems.createdAt), asc(reviewItems.id))
    .limit(params.limit)
    .offset(params.offset ?? 0);
  return Promise.all(items.map((item) => describeReviewItem(db, item)));
}

export async function countOpenReviewItems(db: Db, filter: ReviewQueueFilter = {}): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(reviewItems)
    .where(openItemsWhere(filter));
  return row?.n ?? 0;
}

export async function describeReviewItem(db: Db, item: ReviewItem): Promise<ReviewQueueEntry> {
  const [feedback] = item.feedbackId
    ? await db.select().from(messageFeedback).where(eq(messageFeedback.id, item.feedbackId))
    : [];
  const [answer] = item.messageId
    ? await db.select().from(messages).where(eq(messages.id, item.messageId))
    : [];
  const before = answer
    ? sql`${messages.createdAt} <= ${answer.createdAt.toISOString()}::timestamptz`
    : undefined;
  const [question] = await db
    .select()
    .from(messages)
    .where(and(eq(messages.conversationId, item.conversationId), eq(messages.role, "user"), before))
    .orderBy(desc(messages.createdAt))
    .limit(1);
  return { item, feedback: feedback ?? null, answer: answer ?? null, question: question ?? null };
}

/**
 * Closes an open item. Returns undefined when it was not open any more (another reviewer was
 * faster), so callers can roll back what they did for it.
 */
export async function closeReviewItem(
  db: Db,
  id: string,
  close: { outcome: ReviewOutcome; pairId?: string | null; actorId: string | null },
): Promise<ReviewItem | undefined> {
  const [row] = await db
    .update(reviewItems)
    .set({
      status: close.outcome === "dismissed" ? "dismissed" : "resolved",
      outcome: close.outcome,
      pairId: close.pairId ?? null,
      resolvedBy: close.actorId,
      resolvedAt: sql`now()`,
    })
    .where(and(eq(reviewItems.id, id), eq(reviewItems.status, "open")))
    .returning();
  return row;
}

/** Closes every open item of a conversation (when staff mark the whole conversation resolved). */
export async function closeConversationReviewItems(
  db: Db,
  conversationId: string,
  actorId: string | null,
): Promise<number> {
  const rows = await db
    .update(reviewItems)
    .set({
      status: "resolved",
      outcome: "conversation_resolved",
      resolvedBy: actorId,
      resolvedAt: sql`now()`,
    })
    .where(and(eq(reviewItems.conversationId, conversationId), eq(reviewItems.status, "open")))
    .returning({ id: reviewItems.id });
  return rows.length;
}

export type ConfirmedQuestion = { reviewItemId: string; question: string; pairId: string; resolvedAt: Date };

/**
 * The regression set: customers' questions that staff confirmed belong to an approved pair (a
 * correction resolved as a variant or a new answer of it), newest first. Each comes from the
 * customer's message the rated answer replied to, as the customer wrote it.
 */
export async function listConfirmedQuestions(db: Db, limit: number): Promise<ConfirmedQuestion[]> {
  const rows = await queryRows<{
    review_item_id: string;
    question: string;
    pair_id: string;
    resolved_at: string | Date;
  }>(
    db,
    sql`
    select r.id as review_item_id, q.content as question, r.pair_id, r.resolved_at
    from review_items r
    join knowledge_pairs p on p.id = r.pair_id and p.status = 'approved'
    join messages a on a.id = r.message_id
    join lateral (
      select m.content from messages m
      where m.conversation_id = r.conversation_id and m.role = 'user' and m.created_at <= a.created_at
      order by m.created_at desc limit 1
    ) q on true
    where r.status = 'resolved' and r.outcome in ('variant', 'answer')
    order by r.resolved_at desc, r.id
    limit ${limit}`,
  );
  return rows.map((r) => ({
    reviewItemId: r.review_item_id,
    question: r.question,
    pairId: r.pair_id,
    resolvedAt: new Date(r.resolved_at),
  }));
}

/** As many staff-confirmed customer questions as a knowledge base plausibly gathers. */
const MAX_CONFIRMED_QUESTIONS = 100_000;

/** How a confirmed question is recognised among a pair's phrasings. */
export function confirmedPhrasingKey(pairId: string, text: string): string {
  return `${pairId}\n${text.trim().toLowerCase()}`;
}

/** Every confirmed question as `confirmedPhrasingKey(pair, question)`. */
export async function listConfirmedPhrasingKeys(db: Db): Promise<Set<string>> {
  const confirmed = await listConfirmedQuestions(db, MAX_CONFIRMED_QUESTIONS);
  return new Set(confirmed.map((c) => confirmedPhrasingKey(c.pairId, c.question)));
}

/** The conversations whose review items created or changed a pair, most recent first. */
export async function listPairSourceConversations(
  db: Db,
  pairId: string,
): Promise<{ conversationId: string; outcome: ReviewOutcome | null; resolvedAt: Date | null }[]> {
  const rows = await db
    .select({
      conversationId: reviewItems.conversationId,
      outcome: reviewItems.outcome,
      resolvedAt: reviewItems.resolvedAt,
    })
    .from(reviewItems)
    .where(eq(reviewItems.pairId, pairId))
    .orderBy(desc(reviewItems.resolvedAt))
    .limit(20);
  const seen = new Set<string>();
  return rows.filter((r) => !seen.has(r.conversationId) && seen.add(r.conversationId));
}

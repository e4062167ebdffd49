import { and, asc, desc, eq, gte, lt, type SQL, sql } from "drizzle-orm";
import type { Db } from "../client";
import {
  type Conversation,
  type ConversationStatus,
  conversations,
  type Message,
  type MessageGrounding,
  type MessageRole,
  type MessageState,
  messages,
} from "../schema";

export async function createConversation(
  db: Db,
  input: { customerId: string; channel: "chat" | "widget" },
): Promise<Conversation> {
  const [row] = await db.insert(conversations).values(input).returning();
  if (!row) throw new Error("conversation insert returned nothing");
  return row;
}

export async function findConversation(db: Db, id: string): Promise<Conversation | undefined> {
  const [row] = await db.select().from(conversations).where(eq(conversations.id, id));
  return row;
}

/** The conversation if it belongs to this customer (customers only ever see their own). */
export async function findCustomerConversation(
  db: Db,
  id: string,
  customerId: string,
): Promise<Conversation | undefined> {
  const [row] = await db
    .select()
    .from(conversations)
    .where(and(eq(conversations.id, id), eq(conversations.customerId, customerId)));
  return row;
}

/** The customer's most recent conversation, to resume it when they come back. */
export async function findLatestCustomerConversation(
  db: Db,
  customerId: string,
): Promise<Conversation | undefined> {
  const [row] = await db
    .select()
    .from(conversations)
    .where(eq(conversations.customerId, customerId))
    .orderBy(desc(conversations.lastMessageAt))
    .limit(1);
  return row;
}

export async function insertMessage(
  db: Db,
  input: {
    conversationId: string;
    role: MessageRole;
    content: string;
    state?: MessageState;
    modelId?: string | null;
    authorId?: string | null;
    retrievedPairIds?: string[];
    grounding?: MessageGrounding;
    groundingScore?: number;
  },
): Promise<Message> {
  const [row] = await db.insert(messages).values(input).returning();
  if (!row) throw new Error("message insert returned nothing");
  await db
    .update(conversations)
    .set({ lastMessageAt: row.createdAt })
    .where(eq(conversations.id, input.conversationId));
  return row;
}

/** Writes the end of a generation: its text and how it finished. */
export async function finishMessage(
  db: Db,
  id: string,
  result: {
    content: string;
    state: MessageState;
    finishReason: string | null;
    promptTokens?: number;
    completionTokens?: number;
  },
): Promise<void> {
  await db.update(messages).set(result).where(eq(messages.id, id));
}

export async function findMessage(db: Db, id: string): Promise<Message | undefined> {
  const [row] = await db.select().from(messages).where(eq(messages.id, id));
  return row;
}

export async function listMessages(db: Db, conversationId: string): Promise<Message[]> {
  return db
    .select()
    .from(messages)
    .where(eq(messages.conversationId, conversationId))
    .orderBy(asc(messages.createdAt), asc(messages.id));
}

/** Messages this customer sent since `since`, across all their conversations (rate limiting). */
export async function countCustomerMessagesSince(db: Db, customerId: string, since: Date): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(messages)
    .innerJoin(conversations, eq(conversations.id, messages.conversationId))
    .where(
      and(
        eq(conversations.customerId, customerId),
        eq(messages.role, "user"),
        gte(messages.createdAt, since),
      ),
    );
  return row?.n ?? 0;
}

export async function markConversationEscalated(
  db: Db,
  id: string,
  contact: string | null,
): Promise<Conversation | undefined> {
  const [row] = await db
    .update(conversations)
    .set({
      escalatedAt: sql`coalesce(${conversations.escalatedAt}, now())`,
      contact: contact ?? sql`${conversations.contact}`,
      status: "open",
      resolvedAt: null,
      resolvedBy: null,
    })
    .where(eq(conversations.id, id))
    .returning();
  return row;
}

export async function setConversationStatus(
  db: Db,
  id: string,
  status: ConversationStatus,
  actorId: string | null,
): Promise<Conversation | undefined> {
  const [row] = await db
    .update(conversations)
    .set(
      status === "resolved"
        ? { status, resolvedAt: sql`now()`, resolvedBy: actorId }
        : { status, resolvedAt: null, resolvedBy: null },
    )
    .where(eq(conversations.id, id))
    .returning();
  return row;
}

export type ConversationFilter = {
  ratedDown?: boolean;
  escalated?: boolean;
  unresolved?: boolean;
  /** Conversations with a message on or after this time. */
  from?: Date;
  /** Conversations that started before this time. */
  to?: Date;
  /** Text any message of the conversation contains (case-insensitive). */
  q?: string;
};

export type ConversationListItem = {
  id: string;
  customerId: string;
  channel: "chat" | "widget";
  status: ConversationStatus;
  escalatedAt: Date | null;
  createdAt: Date;
  lastMessageAt: Date;
  messageCount: number;
  ratedDownCount: number;
  openReviewCount: number;
  preview: string;
};

/** The text matched literally by ILIKE (its % and _ escaped). */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

function filterWhere(filter: ConversationFilter): SQL {
  const parts: SQL[] = [sql`true`];
  if (filter.ratedDown)
    parts.push(
      sql`exists (select 1 from message_feedback f where f.conversation_id = c.id and f.rating = 'down')`,
    );
  if (filter.escalated) parts.push(sql`c.escalated_at is not null`);
  if (filter.unresolved) parts.push(sql`c.status = 'open'`);
  if (filter.from) parts.push(sql`c.last_message_at >= ${filter.from.toISOString()}::timestamptz`);
  if (filter.to) parts.push(sql`c.created_at < ${filter.to.toISOString()}::timestamptz`);
  const q = filter.q?.trim();
  if (q)
    parts.push(
      sql`exists (select 1 from messages m where m.conversation_id = c.id and m.content ilike ${`%${escapeLike(q)}%`})`,
    );
  return sql.join(parts, sql` and `);
}

function encodeCursor(at: Date, id: string): string {
  return Buffer.from(JSON.stringify([at.toISOString(), id])).toString("base64url");
}

function decodeCursor(raw: string | undefined): [string, string] | undefined {
  if (!raw) return undefined;
  try {
    const value = JSON.parse(Buffer.from(raw, "base64url").toString("utf8"));
    if (Array.isArray(value) && typeof value[0] === "string" && typeof value[1] === "string")
      return [value[0], value[1]];
  } catch {}
  return undefined;
}

/** The staff inbox: newest activity first, one page at a time. */
export async function listConversations(
  db: Db,
  params: { filter: ConversationFilter; cursor?: string; limit: number },
): Promise<{ items: ConversationListItem[]; nextCursor: string | null }> {
  const cursor = decodeCursor(params.cursor);
  const after = cursor
    ? sql`(c.last_message_at, c.id) < (${cursor[0]}::timestamptz, ${cursor[1]}::uuid)`
    : sql`true`;
  const result = await db.execute(sql`
    select c.id, c.customer_id, c.channel, c.status, c.escalated_at, c.created_at, c.last_message_at,
      (select count(*)::int from messages m where m.conversation_id = c.id) as message_count,
      (select count(*)::int from message_feedback f where f.conversation_id = c.id and f.rating = 'down') as rated_down_count,
      (select count(*)::int from review_items r where r.conversation_id = c.id and r.status = 'open') as open_review_count,
      coalesce((select left(m.content, 160) from messages m where m.conversation_id = c.id and m.role = 'user'
        order by m.created_at limit 1), '') as preview
    from conversations c
    where ${filterWhere(params.filter)} and ${after}
    order by c.last_message_at desc, c.id desc
    limit ${params.limit + 1}`);
  const rows = (result as unknown as { rows: Record<string, unknown>[] }).rows;
  const items = rows.slice(0, params.limit).map(
    (r): ConversationListItem => ({
      id: String(r.id),
      customerId: String(r.customer_id),
      channel: r.channel as "chat" | "widget",
      status: r.status as ConversationStatus,
      escalatedAt: r.escalated_at ? new Date(r.escalated_at as string) : null,
      createdAt: new Date(r.created_at as string),
      lastMessageAt: new Date(r.last_message_at as string),
      messageCount: Number(r.message_count),
      ratedDownCount: Number(r.rated_down_count),
      openReviewCount: Number(r.open_review_count),
      preview: String(r.preview),
    }),
  );
  const last = items.at(-1);
  const nextCursor = rows.length > params.limit && last ? encodeCursor(last.lastMessageAt, last.id) : null;
  return { items, nextCursor };
}

/**
 * Answers still "generating" that started before `startedBefore`: their process died (a restart, a
 * crash). They become failed, which the chat shows as interrupted, instead of empty forever.
 */
export async function failInterruptedAnswers(db: Db, startedBefore: Date): Promise<number> {
  const rows = await db
    .update(messages)
    .set({ state: "failed", finishReason: "interrupted" })
    .where(and(eq(messages.state, "generating"), lt(messages.createdAt, startedBefore)))
    .returning({ id: messages.id });
  return rows.length;
}

export type CustomerConversationSummary = {
  id: string;
  createdAt: Date;
  lastMessageAt: Date;
  /** The customer's first message: what the conversation is about. */
  title: string | null;
  escalated: boolean;
  /** Team replies the customer has not seen yet. */
  unread: number;
};

/** A customer's own conversations, latest first, with their unread team replies. */
export async function listCustomerConversations(
  db: Db,
  customerId: string,
  limit = 50,
): Promise<CustomerConversationSummary[]> {
  // Columns named in full: inside the subqueries a bare "id" would be the message's.
  const title = sql<string | null>`(select m.content from ${messages} m
    where m.conversation_id = "conversations"."id" and m.role = 'user'
    order by m.created_at limit 1)`;
  const unread = sql<number>`(select count(*)::int from ${messages} m
    where m.conversation_id = "conversations"."id" and m.role = 'staff'
    and ("conversations"."customer_seen_at" is null or m.created_at > "conversations"."customer_seen_at"))`;
  const rows = await db
    .select({
      id: conversations.id,
      createdAt: conversations.createdAt,
      lastMessageAt: conversations.lastMessageAt,
      title,
      escalatedAt: conversations.escalatedAt,
      status: conversations.status,
      unread,
    })
    .from(conversations)
    .where(eq(conversations.customerId, customerId))
    .orderBy(desc(conversations.lastMessageAt))
    .limit(limit);
  return rows.map(({ escalatedAt, status, ...r }) => ({
    ...r,
    escalated: escalatedAt !== null && status === "open",
    unread: Number(r.unread),
  }));
}

/** The customer has the conversation open: its team replies so far are read. */
export async function markCustomerSeen(db: Db, conversationId: string, customerId: string): Promise<void> {
  await db
    .update(conversations)
    .set({ customerSeenAt: sql`now()` })
    .where(and(eq(conversations.id, conversationId), eq(conversations.customerId, customerId)));
}

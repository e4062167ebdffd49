import { sql } from "drizzle-orm";
import {
  index,
  integer,
  pgEnum,
  pgTable,
  real,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { knowledgePairs } from "./knowledge";
import { models } from "./models";
import { users } from "./users";

// Millisecond precision so timestamps survive a round trip through a JS Date (cursors, filters).
const ms = { withTimezone: true, precision: 3 } as const;

export const conversationStatuses = ["open", "resolved"] as const;
export type ConversationStatus = (typeof conversationStatuses)[number];
export const conversationStatus = pgEnum("conversation_status", conversationStatuses);

/** A customer's chat. Customers never sign in: `customerId` comes from their signed cookie. */
export const conversations = pgTable(
  "conversations",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    customerId: text("customer_id").notNull(),
    /** Where the chat was opened: the /chat page or the widget on the named site. */
    channel: text("channel").$type<"chat" | "widget">().notNull().default("chat"),
    status: conversationStatus("status").notNull().default("open"),
    /** Set when the customer asked to talk to a human. */
    escalatedAt: timestamp("escalated_at", ms),
    /** How the customer wants to be reached after an escalation (optional, free text). */
    contact: text("contact"),
    resolvedAt: timestamp("resolved_at", ms),
    resolvedBy: uuid("resolved_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp("created_at", ms).notNull().defaultNow(),
    lastMessageAt: timestamp("last_message_at", ms).notNull().defaultNow(),
    /** When the customer last had this conversation open: staff replies after it are unread. */
    customerSeenAt: timestamp("customer_seen_at", ms),
  },
  (t) => [
    index("conversations_customer_idx").on(t.customerId, t.lastMessageAt),
    index("conversations_last_message_idx").on(t.lastMessageAt, t.id),
    index("conversations_escalated_idx").on(t.escalatedAt),
  ],
);

export type Conversation = typeof conversations.$inferSelect;

/** 'staff': a person of the support team answering an escalated conversation. */
export const messageRoles = ["user", "assistant", "staff"] as const;
export type MessageRole = (typeof messageRoles)[number];
export const messageRole = pgEnum("message_role", messageRoles);

/** 'generating' while the model streams; 'cancelled' when the customer left before it finished. */
export const messageStates = ["complete", "generating", "cancelled", "failed"] as const;
export type MessageState = (typeof messageStates)[number];
export const messageState = pgEnum("message_state", messageStates);

export const messageGroundings = ["answer", "clarify", "decline"] as const;
export type MessageGrounding = (typeof messageGroundings)[number];
export const messageGrounding = pgEnum("message_grounding", messageGroundings);

export const messages = pgTable(
  "messages",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    conversationId: uuid("conversation_id")
      .notNull()
      .references(() => conversations.id, { onDelete: "cascade" }),
    role: messageRole("role").notNull(),
    content: text("content").notNull(),
    state: messageState("state").notNull().default("complete"),
    /** The staff member who wrote a 'staff' message. */
    authorId: uuid("author_id").references(() => users.id, { onDelete: "set null" }),
    /** The model that wrote an assistant message. */
    modelId: uuid("model_id").references(() => models.id, { onDelete: "set null" }),
    finishReason: text("finish_reason"),
    promptTokens: integer("prompt_tokens"),
    completionTokens: integer("completion_tokens"),
    /** Approved pairs put in the prompt for this answer (retrieval), for the reviewer. */
    retrievedPairIds: uuid("retrieved_pair_ids").array().notNull().default(sql`'{}'::uuid[]`),
    /** The grounding decision for an assistant message: answer, clarify or decline. */
    grounding: messageGrounding("grounding"),
    /** The best pair's retrieval score when the decision was taken. */
    groundingScore: real("grounding_score"),
    createdAt: timestamp("created_at", ms).notNull().defaultNow(),
  },
  (t) => [
    index("messages_conversation_idx").on(t.conversationId, t.createdAt),
    index("messages_content_trgm_idx").using("gin", t.content.op("gin_trgm_ops")),
  ],
);

export type Message = typeof messages.$inferSelect;

export const feedbackRatings = ["up", "down"] as const;
export type FeedbackRating = (typeof feedbackRatings)[number];
export const feedbackRating = pgEnum("feedback_rating", feedbackRatings);

export const feedbackReasons = ["incorrect", "incomplete", "outdated", "off_topic", "other"] as const;
export type FeedbackReason = (typeof feedbackReasons)[number];
export const feedbackReason = pgEnum("feedback_reason", feedbackReasons);

/** A customer's rating of one bot answer (one per answer; rating again replaces it). */
export const messageFeedback = pgTable(
  "message_feedback",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    messageId: uuid("message_id")
      .notNull()
      .references(() => messages.id, { onDelete: "cascade" }),
    conversationId: uuid("conversation_id")
      .notNull()
      .references(() => conversations.id, { onDelete: "cascade" }),
    rating: feedbackRating("rating").notNull(),
    reason: feedbackReason("reason"),
    correction: text("correction"),
    createdAt: timestamp("created_at", ms).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", ms).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("message_feedback_message_key").on(t.messageId),
    index("message_feedback_conversation_idx").on(t.conversationId, t.rating),
  ],
);

export type MessageFeedback = typeof messageFeedback.$inferSelect;

export const reviewItemKinds = ["rating", "correction", "escalation"] as const;
export type ReviewItemKind = (typeof reviewItemKinds)[number];
export const reviewItemKind = pgEnum("review_item_kind", reviewItemKinds);

export const reviewItemStatuses = ["open", "resolved", "dismissed"] as const;
export type ReviewItemStatus = (typeof reviewItemStatuses)[number];
export const reviewItemStatus = pgEnum("review_item_status", reviewItemStatuses);

/** What a reviewer did with an item. */
export const reviewOutcomes = [
  "draft_pair",
  "variant",
  "answer",
  "dismissed",
  "conversation_resolved",
] as const;
export type ReviewOutcome = (typeof reviewOutcomes)[number];

/**
 * The staff review queue: negative ratings (a 'correction' when the customer wrote a better
 * answer) and escalations. Resolved and dismissed items leave the queue.
 */
export const reviewItems = pgTable(
  "review_items",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    kind: reviewItemKind("kind").notNull(),
    conversationId: uuid("conversation_id")
      .notNull()
      .references(() => conversations.id, { onDelete: "cascade" }),
    /** The rated bot answer (absent for escalations). */
    messageId: uuid("message_id").references(() => messages.id, { onDelete: "cascade" }),
    feedbackId: uuid("feedback_id").references(() => messageFeedback.id, { onDelete: "cascade" }),
    status: reviewItemStatus("status").notNull().default("open"),
    outcome: text("outcome").$type<ReviewOutcome>(),
    /** The pair created or changed when the item was resolved. */
    pairId: uuid("pair_id").references(() => knowledgePairs.id, { onDelete: "set null" }),
    resolvedBy: uuid("resolved_by").references(() => users.id, { onDelete: "set null" }),
    resolvedAt: timestamp("resolved_at", ms),
    createdAt: timestamp("created_at", ms).notNull().defaultNow(),
  },
  (t) => [
    index("review_items_status_created_idx").on(t.status, t.createdAt),
    index("review_items_conversation_idx").on(t.conversationId),
    // At most one open item per rated answer: rating again updates it instead of piling up.
    uniqueIndex("review_items_open_message_key")
      .on(t.messageId)
      .where(sql`status = 'open' and message_id is not null`),
  ],
);

export type ReviewItem = typeof reviewItems.$inferSelect;

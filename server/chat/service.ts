/** Customer chat: persists the conversation and streams the production model's answer. */
import { sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import {
  createConversation,
  findConversation,
  findCustomerConversation,
  findLatestCustomerConversation,
  findMessage,
  finishMessage,
  insertMessage,
  listMessages,
  markConversationEscalated,
} from "@/db/queries/conversations";
import { listFeedbackForConversation, openEscalationItem, saveFeedback } from "@/db/queries/feedback";
import type { Conversation, FeedbackRating, FeedbackReason, Message } from "@/db/schema";
import { answerCustomer, type CustomerAnswer } from "@/server/assistant/answer";
import { getAssistantTexts } from "@/server/assistant/texts";
import { type ChatMessage, isContextLengthError } from "@/server/inference";
import { servingModelFor } from "@/server/serving";
import { retrieverFor } from "@/server/serving/retriever";
import { UserFacingError } from "@/server/users/errors";
import { type ChatLimits, checkMessageRate, checkMessageText, DEFAULT_CHAT_LIMITS } from "./limits";
import { notifyCustomerOfReply, type ReplyNotice } from "./notify";

export const UNAVAILABLE_MESSAGE =
  "Sorry, our assistant isn't available right now. Your message has been saved; you can ask to talk to a human and our team will get back to you.";
const FAILED_MESSAGE = "Sorry, something went wrong while answering. Please try again in a moment.";
const TOO_LONG_MESSAGE =
  "That message is too long for our assistant to read. Please ask in fewer words; your message has been saved.";

/** What the chat client receives, one JSON object per line. */
export type ChatEvent =
  | { type: "start"; conversationId: string; userMessageId: string; assistantMessageId: string | null }
  | { type: "delta"; text: string }
  /** The answer so far is withdrawn: the guard serves the curated answer instead. */
  | { type: "replace"; text: string }
  | {
      type: "done";
      messageId: string;
      finishReason: string;
      content: string;
      grounding: "answer" | "clarify" | "decline";
    }
  | { type: "unavailable"; message: string }
  | { type: "error"; message: string };

export type Channel = "chat" | "widget";

/** Serialises one customer's sends (a transaction-scoped advisory lock; PGlite has them too). */
async function lockCustomer(tx: Db, customerId: string): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${customerId}, 0))`);
}

async function customerConversation(db: Db, customerId: string, id: string): Promise<Conversation> {
  const conversation = await findCustomerConversation(db, id, customerId);
  if (!conversation)
    throw new UserFacingError("This conversation was not found. Start a new one.", "not_found");
  return conversation;
}

/** Earlier turns the model should see: the customer's messages, finished answers, staff replies (as answers). */
export function historyOf(messages: Message[]): ChatMessage[] {
  return messages
    .filter((m) => m.role === "user" || (m.content.trim() !== "" && m.state !== "failed"))
    .map((m) => ({ role: m.role === "staff" ? "assistant" : m.role, content: m.content }));
}

/**
 * Saves the customer's message and returns the reply as a stream of events. Limits and unknown
 * conversations throw a UserFacingError before anything is saved. Aborting `signal` (the customer
 * left) or returning from the iterator early stops the generation; the partial answer is kept.
 */
export async function sendCustomerMessage(
  db: Db,
  input: {
    customerId: string;
    conversationId?: string | null;
    content: string;
    channel?: Channel;
    signal?: AbortSignal;
    limits?: ChatLimits;
  },
): Promise<{ conversation: Conversation; userMessage: Message; events: AsyncGenerator<ChatEvent> }> {
  const limits = input.limits ?? DEFAULT_CHAT_LIMITS;
  const text = checkMessageText(input.content, limits);
  // Counting and saving happen under one per-customer lock: parallel sends queue, and the limit
  // holds for them all (a check, then a write, would let every one of them through).
  const { conversation, history, userMessage } = await db.transaction(async (txRaw) => {
    const tx = txRaw as unknown as Db;
    await lockCustomer(tx, input.customerId);
    await checkMessageRate(tx, input.customerId, limits);
    const conversation = input.conversationId
      ? await customerConversation(tx, input.customerId, input.conversationId)
      : await createConversation(tx, { customerId: input.customerId, channel: input.channel ?? "chat" });
    const history = historyOf(await listMessages(tx, conversation.id));
    const userMessage = await insertMessage(tx, {
      conversationId: conversation.id,
      role: "user",
      content: text,
    });
    return { conversation, history, userMessage };
  });
  return {
    conversation,
    userMessage,
    events: replyEvents(db, conversation, userMessage, history, input.signal),
  };
}

async function* replyEvents(
  db: Db,
  conversation: Conversation,
  userMessage: Message,
  history: ChatMessage[],
  outerSignal: AbortSignal | undefined,
): AsyncGenerator<ChatEvent> {
  const start = { type: "start", conversationId: conversation.id, userMessageId: userMessage.id } as const;
  const { manager, status } = await servingModelFor(db);
  if (status.state !== "ready") {
    yield { ...start, assistantMessageId: null };
    yield { type: "unavailable", message: UNAVAILABLE_MESSAGE };
    return;
  }
  const abort = new AbortController();
  const onOuterAbort = () => abort.abort();
  outerSignal?.addEventListener("abort", onOuterAbort, { once: true });
  if (outerSignal?.aborted) abort.abort();

  let answer: CustomerAnswer;
  try {
    answer = await answerCustomer({
      db,
      model: manager,
      retriever: await retrieverFor(status.model.bundlePath),
      texts: await getAssistantTexts(db),
      question: userMessage.content,
      history,
      signal: abort.signal,
    });
  } catch (err) {
    outerSignal?.removeEventListener("abort", onOuterAbort);
    yield { ...start, assistantMessageId: null };
    if (isContextLengthError(err)) {
      yield { type: "unavailable", message: TOO_LONG_MESSAGE };
      return;
    }
    console.error("[chat] could not start a reply:", err);
    yield { type: "unavailable", message: UNAVAILABLE_MESSAGE };
    return;
  }
  const assistant = await insertMessage(db, {
    conversationId: conversation.id,
    role: "assistant",
    content: "",
    state: "generating",
    modelId: status.model.id,
    retrievedPairIds: answer.referencePairIds,
    grounding: answer.decision.kind,
    groundingScore: answer.decision.score,
  });
  let text = "";
  let finished = false;
  try {
    yield { ...start, assistantMessageId: assistant.id };
    for await (const chunk of answer.stream) {
      // The customer left: what they saw is what the conversation keeps (fixed replies stream too).
      if (abort.signal.aborted) break;
      if (chunk.replace) {
        text = chunk.text;
        yield { type: "replace", text: chunk.text };
        continue;
      }
      if (!chunk.text) continue;
      text += chunk.text;
      yield { type: "delta", text: chunk.text };
    }
    const result = await answer.stream.result;
    const cancelled = abort.signal.aborted || result.finishReason === "cancelled";
    const content = cancelled ? text : result.text;
    const finishReason = cancelled ? "cancelled" : result.finishReason;
    await finishMessage(db, assistant.id, {
      content,
      state: cancelled ? "cancelled" : "complete",
      finishReason,
      promptTokens: result.promptTokens,
      completionTokens: result.completionTokens,
    });
    finished = true;
    yield { type: "done", messageId: assistant.id, finishReason, content, grounding: answer.decision.kind };
  } catch (err) {
    console.error("[chat] generation failed:", err);
    abort.abort();
    await finishMessage(db, assistant.id, { content: text, state: "failed", finishReason: "error" });
    finished = true;
    yield { type: "error", message: FAILED_MESSAGE };
  } finally {
    outerSignal?.removeEventListener("abort", onOuterAbort);
    if (!finished) {
      // The consumer stopped reading (the customer went away): stop generating, keep what was said.
      abort.abort();
      const result = await answer.stream.result.catch(() => undefined);
      await finishMessage(db, assistant.id, {
        content: result?.text ?? text,
        state: "cancelled",
        finishReason: "cancelled",
        promptTokens: result?.promptTokens,
        completionTokens: result?.completionTokens,
      });
    }
  }
}

export type CustomerMessage = {
  id: string;
  role: "user" | "assistant" | "staff";
  content: string;
  state: Message["state"];
  createdAt: Date;
  rating: FeedbackRating | null;
  reason: FeedbackReason | null;
  correction: string | null;
  grounding: Message["grounding"];
};

/** A customer's conversation (the given one, else their latest) with their ratings, or null. */
export async function getCustomerConversation(
  db: Db,
  customerId: string,
  conversationId?: string | null,
): Promise<{ id: string; escalated: boolean; messages: CustomerMessage[] } | null> {
  const conversation = conversationId
    ? await findCustomerConversation(db, conversationId, customerId)
    : await findLatestCustomerConversation(db, customerId);
  if (!conversation) return null;
  const [messages, feedback] = await Promise.all([
    listMessages(db, conversation.id),
    listFeedbackForConversation(db, conversation.id),
  ]);
  const byMessage = new Map(feedback.map((f) => [f.messageId, f]));
  return {
    id: conversation.id,
    escalated: conversation.escalatedAt !== null && conversation.status === "open",
    messages: messages.map((m) => {
      const f = byMessage.get(m.id);
      return {
        id: m.id,
        role: m.role,
        content: m.content,
        state: m.state,
        createdAt: m.createdAt,
        rating: f?.rating ?? null,
        reason: f?.reason ?? null,
        correction: f?.correction ?? null,
        grounding: m.grounding,
      };
    }),
  };
}

/** A customer rates one of the bot's answers in their own conversation. */
export async function rateAnswer(
  db: Db,
  customerId: string,
  input: {
    messageId: string;
    rating: FeedbackRating;
    reason?: FeedbackReason | null;
    correction?: string | null;
    limits?: ChatLimits;
  },
): Promise<void> {
  const limits = input.limits ?? DEFAULT_CHAT_LIMITS;
  const message = await findMessage(db, input.messageId);
  const conversation = message && (await findCustomerConversation(db, message.conversationId, customerId));
  if (!message || !conversation || message.role !== "assistant")
    throw new UserFacingError("That answer was not found.", "not_found");
  const correction = input.correction?.trim() || null;
  if (correction && correction.length > limits.maxCorrectionChars)
    throw new UserFacingError(`Please keep the correction under ${limits.maxCorrectionChars} characters.`);
  await saveFeedback(db, {
    messageId: message.id,
    conversationId: conversation.id,
    rating: input.rating,
    reason: input.reason ?? null,
    correction,
  });
}

/** "Talk to a human": flags the conversation for staff and puts it in the review queue. */
export async function escalateConversation(
  db: Db,
  customerId: string,
  input: { conversationId: string; contact?: string | null },
): Promise<void> {
  await customerConversation(db, customerId, input.conversationId);
  const contact = input.contact?.trim() || null;
  await db.transaction(async (tx) => {
    await markConversationEscalated(tx as unknown as Db, input.conversationId, contact);
    await openEscalationItem(tx as unknown as Db, input.conversationId);
  });
}

/**
 * A person of the support team answers in the customer's chat (they see it on their next poll,
 * marked unread in their list of conversations) and, where they left an email address and mail is
 * set up, by mail.
 */
export async function replyAsStaff(
  db: Db,
  actorId: string,
  input: { conversationId: string; content: string },
): Promise<{ message: Message; notice: ReplyNotice }> {
  const content = input.content.trim();
  if (!content) throw new UserFacingError("Write the reply first.", "invalid", "content");
  if (content.length > 8000)
    throw new UserFacingError("Keep the reply under 8000 characters.", "invalid", "content");
  const conversation = await findConversation(db, input.conversationId);
  if (!conversation) throw new UserFacingError("This conversation was not found.", "not_found");
  const message = await insertMessage(db, {
    conversationId: input.conversationId,
    role: "staff",
    content,
    authorId: actorId,
  });
  return { message, notice: await notifyCustomerOfReply(db, conversation, content) };
}

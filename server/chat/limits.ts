import type { Db } from "@/db/client";
import { countCustomerMessagesSince } from "@/db/queries/conversations";
import { cleanText } from "@/server/text";
import { UserFacingError } from "@/server/users/errors";

export interface ChatLimits {
  /** Longest customer message, in characters. */
  maxMessageChars: number;
  /** Messages one customer may send per minute, across all their conversations. */
  messagesPerMinute: number;
  /** Longest correction a customer may write under a thumbs-down. */
  maxCorrectionChars: number;
}

export const DEFAULT_CHAT_LIMITS: ChatLimits = {
  maxMessageChars: 2000,
  messagesPerMinute: 10,
  maxCorrectionChars: 4000,
};

/** A limit the customer hit; `retryAfterS` is set for the rate limit. */
export class ChatLimitError extends UserFacingError {
  constructor(
    message: string,
    readonly retryAfterS?: number,
  ) {
    super(message, "invalid");
    this.name = "ChatLimitError";
  }
}

/** The message, trimmed, or a ChatLimitError a customer can act on. */
export function checkMessageText(content: string, limits: ChatLimits): string {
  const text = cleanText(content).trim();
  if (!text) throw new ChatLimitError("Type a message first.");
  if (text.length > limits.maxMessageChars)
    throw new ChatLimitError(
      `Your message is ${text.length} characters long; please keep it under ${limits.maxMessageChars}.`,
    );
  return text;
}

/** Counted in the database, so the limit holds across web processes and restarts. */
export async function checkMessageRate(db: Db, customerId: string, limits: ChatLimits): Promise<void> {
  const since = new Date(Date.now() - 60_000);
  const sent = await countCustomerMessagesSince(db, customerId, since);
  if (sent >= limits.messagesPerMinute)
    throw new ChatLimitError(
      `You've sent ${limits.messagesPerMinute} messages in the last minute. Please wait a moment before sending another.`,
      60,
    );
}

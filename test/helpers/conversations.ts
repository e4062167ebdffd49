import type { Db } from "@/db/client";
import { createConversation, insertMessage } from "@/db/queries/conversations";
import { saveFeedback } from "@/db/queries/feedback";

/** A customer's question, the bot's answer and their thumbs-down (with a correction when given). */
export async function insertRatedDownAnswer(db: Db, question: string, correction: string | null = null) {
  const conversation = await createConversation(db, {
    customerId: `cust-${crypto.randomUUID()}`,
    channel: "chat",
  });
  await insertMessage(db, { conversationId: conversation.id, role: "user", content: question });
  const answer = await insertMessage(db, {
    conversationId: conversation.id,
    role: "assistant",
    content: "Some answer.",
  });
  await saveFeedback(db, {
    messageId: answer.id,
    conversationId: conversation.id,
    rating: "down",
    reason: "incorrect",
    correction,
  });
  return conversation.id;
}

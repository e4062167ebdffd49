import type { Db } from "@/db/client";
import { createConversation, insertMessage } from "@/db/queries/conversations";
import { createApiKey } from "@/server/openai/api-keys";
import { createUser } from "@/server/users/service";
import type { FuzzContext } from "./endpoints";

/** An admin's API key and a customer with one answered question, for the fuzz targets. */
export async function fuzzContext(db: Db): Promise<FuzzContext> {
  const admin = await createUser(
    db,
    { email: "fuzz-admin@example.com", password: "fuzz-password-1", role: "admin" },
    null,
  );
  const { key } = await createApiKey(db, admin.id, { name: "fuzz" });
  const customerId = "cust-fuzz-0000000000001";
  const conversation = await createConversation(db, { customerId, channel: "chat" });
  await insertMessage(db, { conversationId: conversation.id, role: "user", content: "Where is my order?" });
  const answer = await insertMessage(db, {
    conversationId: conversation.id,
    role: "assistant",
    content: "Track it under Orders.",
  });
  return { db, apiKey: key, customerId, conversationId: conversation.id, messageId: answer.id };
}

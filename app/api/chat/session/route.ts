import { handleChatSession } from "@/server/chat/routes";
import { getDatabase } from "@/server/db";

export const dynamic = "force-dynamic";

/** Opens the chat: the customer's identity, conversation and whether a model answers. */
export async function POST(req: Request) {
  const { db } = await getDatabase();
  return handleChatSession(req, db);
}

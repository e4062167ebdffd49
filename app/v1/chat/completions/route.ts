import { getDatabase } from "@/server/db";
import { handleChatCompletions } from "@/server/openai/chat-completions";

export const dynamic = "force-dynamic";

/** OpenAI-compatible chat completions (streaming and not), for API-key holders. */
export async function POST(req: Request) {
  const { db } = await getDatabase();
  return handleChatCompletions(req, db);
}

import { getDatabase } from "@/server/db";
import { handleListModels } from "@/server/openai/chat-completions";

export const dynamic = "force-dynamic";

/** OpenAI-compatible model list: the model in production. */
export async function GET(req: Request) {
  const { db } = await getDatabase();
  return handleListModels(req, db);
}

import { handleChatMessage } from "@/server/chat/routes";
import { getDatabase } from "@/server/db";

export const dynamic = "force-dynamic";

/** A customer's message: saved, then the answer streams back as JSON lines (see ChatEvent). */
export async function POST(req: Request) {
  const { db } = await getDatabase();
  return handleChatMessage(req, db);
}

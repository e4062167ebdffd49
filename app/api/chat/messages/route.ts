import { z } from "zod";
import { chatErrorResponse, jsonError, ndjsonResponse } from "@/server/chat/http";
import { customerFromRequest } from "@/server/chat/identity";
import { sendCustomerMessage } from "@/server/chat/service";
import { getDatabase } from "@/server/db";
import { readLimitedJson } from "@/server/request-body";

export const dynamic = "force-dynamic";

/** A message is at most a few thousand characters: anything far above is refused unread. */
const MAX_BODY_BYTES = 64 * 1024;

const input = z.object({
  conversationId: z.uuid().nullish(),
  // The service gives the friendly length message; this only stops absurd bodies early.
  content: z.string().max(100_000, "That message is far too long."),
  channel: z.enum(["chat", "widget"]).optional(),
});

/** A customer's message: saved, then the answer streams back as JSON lines (see ChatEvent). */
export async function POST(req: Request) {
  const customer = customerFromRequest(req);
  if (!customer) return jsonError("Your chat session has expired. Reload the page to continue.", 401);
  const body = await readLimitedJson(req, MAX_BODY_BYTES);
  if (!body.ok) return jsonError(body.message, body.status);
  const parsed = input.safeParse(body.value ?? null);
  if (!parsed.success) return jsonError(parsed.error.issues[0]?.message ?? "Invalid message.", 400);
  const abort = new AbortController();
  req.signal.addEventListener("abort", () => abort.abort(), { once: true });
  try {
    const { db } = await getDatabase();
    const reply = await sendCustomerMessage(db, {
      customerId: customer.id,
      conversationId: parsed.data.conversationId,
      content: parsed.data.content,
      channel: parsed.data.channel,
      signal: abort.signal,
    });
    return ndjsonResponse(reply.events, () => abort.abort());
  } catch (err) {
    return chatErrorResponse(err);
  }
}

/**
 * The customer chat's HTTP endpoints as Request → Response functions over a database, so the
 * route handlers stay one line and tests (and the fuzz suite) serve them without Next.js.
 */
import { z } from "zod";
import type { Db } from "@/db/client";
import { findProductionModel } from "@/db/queries/models";
import { readLimitedJson } from "@/server/request-body";
import { servingModelFor } from "@/server/serving";
import { chatErrorResponse, issueCustomerIdentity, jsonError, ndjsonResponse } from "./http";
import { customerFromRequest, signCustomerToken } from "./identity";
import { DEFAULT_CHAT_LIMITS } from "./limits";
import { getCustomerConversation, sendCustomerMessage } from "./service";

/** A message is at most a few thousand characters: anything far above is refused unread. */
const MAX_MESSAGE_BODY_BYTES = 64 * 1024;
const MAX_SESSION_BODY_BYTES = 4 * 1024;

const messageInput = z.object({
  conversationId: z.uuid().nullish(),
  // The service gives the friendly length message; this only stops absurd bodies early.
  content: z.string().max(100_000, "That message is far too long."),
  channel: z.enum(["chat", "widget"]).optional(),
});

/** A customer's message: saved, then the answer streams back as JSON lines (see ChatEvent). */
export async function handleChatMessage(req: Request, db: Db): Promise<Response> {
  const customer = customerFromRequest(req);
  if (!customer) return jsonError("Your chat session has expired. Reload the page to continue.", 401);
  const body = await readLimitedJson(req, MAX_MESSAGE_BODY_BYTES);
  if (!body.ok) return jsonError(body.message, body.status);
  const parsed = messageInput.safeParse(body.value ?? null);
  if (!parsed.success) return jsonError(parsed.error.issues[0]?.message ?? "Invalid message.", 400);
  const abort = new AbortController();
  req.signal.addEventListener("abort", () => abort.abort(), { once: true });
  try {
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

const sessionInput = z.object({ conversationId: z.uuid().nullish() });

/**
 * Opens the chat: makes sure the customer has an identity (signed cookie, also returned as a token
 * for widgets whose cookies are blocked), returns their conversation and whether a model answers.
 */
export async function handleChatSession(req: Request, db: Db): Promise<Response> {
  try {
    const body = await readLimitedJson(req, MAX_SESSION_BODY_BYTES);
    if (!body.ok) return jsonError(body.message, body.status);
    const parsed = sessionInput.safeParse(body.value ?? {});
    const known = customerFromRequest(req);
    const identity = known
      ? { id: known.id, token: signCustomerToken(known.id), setCookie: null }
      : issueCustomerIdentity(req);
    const conversation = await getCustomerConversation(
      db,
      identity.id,
      parsed.success ? parsed.data.conversationId : null,
    );
    const available = (await findProductionModel(db)) !== undefined;
    // Load the model now, so the customer's first question does not wait for it.
    if (available) void servingModelFor(db).catch(() => {});
    const headers: Record<string, string> = { "Cache-Control": "no-store" };
    if (identity.setCookie) headers["Set-Cookie"] = identity.setCookie;
    return Response.json(
      {
        customerToken: identity.token,
        conversation,
        available,
        limits: {
          maxMessageChars: DEFAULT_CHAT_LIMITS.maxMessageChars,
          messagesPerMinute: DEFAULT_CHAT_LIMITS.messagesPerMinute,
        },
      },
      { headers },
    );
  } catch (err) {
    return chatErrorResponse(err);
  }
}

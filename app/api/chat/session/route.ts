import { z } from "zod";
import { findProductionModel } from "@/db/queries/models";
import { chatErrorResponse, issueCustomerIdentity } from "@/server/chat/http";
import { customerFromRequest, signCustomerToken } from "@/server/chat/identity";
import { DEFAULT_CHAT_LIMITS } from "@/server/chat/limits";
import { getCustomerConversation } from "@/server/chat/service";
import { getDatabase } from "@/server/db";
import { servingModelFor } from "@/server/serving";

export const dynamic = "force-dynamic";

const input = z.object({ conversationId: z.uuid().nullish() });

/**
 * Opens the chat: makes sure the customer has an identity (signed cookie, also returned as a token
 * for widgets whose cookies are blocked), returns their conversation and whether a model answers.
 */
export async function POST(req: Request) {
  try {
    const { db } = await getDatabase();
    const parsed = input.safeParse(await req.json().catch(() => ({})));
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

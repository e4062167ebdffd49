/** HTTP plumbing shared by the chat route handlers. */
import { UserFacingError } from "@/server/users/errors";
import { customerCookieHeader, newCustomerId, signCustomerToken } from "./identity";
import { ChatLimitError } from "./limits";

/** Headers that keep proxies and Next's compression from buffering a token stream. */
export const STREAM_HEADERS = {
  "Cache-Control": "no-cache, no-transform",
  "X-Accel-Buffering": "no",
} as const;

/**
 * Streams items as they come, one JSON object per line. When the client goes away the stream is
 * cancelled: `onCancel` stops the work and the iterator is closed so its cleanup runs.
 */
export function ndjsonResponse<T>(items: AsyncGenerator<T>, onCancel: () => void): Response {
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const next = await items.next();
        if (next.done) controller.close();
        else controller.enqueue(encoder.encode(`${JSON.stringify(next.value)}\n`));
      } catch (err) {
        controller.error(err);
      }
    },
    async cancel() {
      onCancel();
      await items.return(undefined);
    },
  });
  return new Response(body, {
    headers: { "Content-Type": "application/x-ndjson; charset=utf-8", ...STREAM_HEADERS },
  });
}

export function jsonError(message: string, status: number, headers: Record<string, string> = {}): Response {
  return Response.json({ error: message }, { status, headers });
}

/** The response for an error thrown by the chat service: clean message, right status. */
export function chatErrorResponse(err: unknown): Response {
  if (err instanceof ChatLimitError)
    return err.retryAfterS
      ? jsonError(err.message, 429, { "Retry-After": String(err.retryAfterS) })
      : jsonError(err.message, 400);
  if (err instanceof UserFacingError) return jsonError(err.message, err.kind === "not_found" ? 404 : 400);
  console.error("[chat]", err);
  return jsonError("Something went wrong. Please try again.", 500);
}

/** Whether the browser reached us over HTTPS (directly or through a proxy that says so). */
export function isSecureRequest(req: Request): boolean {
  const forwarded = req.headers.get("x-forwarded-proto")?.split(",")[0]?.trim();
  return (forwarded ?? new URL(req.url).protocol.replace(":", "")) === "https";
}

/** A new customer identity: its token and the Set-Cookie header that stores it. */
export function issueCustomerIdentity(req: Request): { id: string; token: string; setCookie: string } {
  const id = newCustomerId();
  const token = signCustomerToken(id);
  return { id, token, setCookie: customerCookieHeader(token, isSecureRequest(req)) };
}

import type { NextRequest } from "next/server";
import { NextResponse } from "next/server";
import { currentFrameAncestors } from "@/server/chat/settings";
import { getDatabase } from "@/server/db";

/**
 * Before Next.js handles a request:
 * - the sign-in and setup forms post a few hundred bytes to their server actions (and next-auth to
 *   its routes): a body declared larger is refused with 413 before Next reads it (its own limit
 *   answers with a 500 or a reset);
 * - the chat page gets the CSP frame-ancestors of the sites allowed to embed it.
 */
const MAX_FORM_BYTES = 64 * 1024;

export async function proxy(request: NextRequest) {
  if (request.method === "POST" && Number(request.headers.get("content-length") ?? 0) > MAX_FORM_BYTES)
    return NextResponse.json(
      { error: `The request body is too large: at most ${MAX_FORM_BYTES / 1024} KB.` },
      { status: 413 },
    );
  const response = NextResponse.next();
  // The chat page may be framed only by the sites an admin allowed (Console › Chat & widget).
  if (request.nextUrl.pathname === "/chat")
    response.headers.set(
      "Content-Security-Policy",
      `frame-ancestors ${await currentFrameAncestors((await getDatabase()).db)}`,
    );
  return response;
}

export const config = { matcher: ["/login", "/setup", "/api/auth/:path*", "/chat"] };

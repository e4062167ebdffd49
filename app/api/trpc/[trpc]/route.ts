import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { auth } from "@/server/auth";
import { customerFromRequest } from "@/server/chat/identity";
import { getDatabase } from "@/server/db";
import { readLimitedText } from "@/server/request-body";
import { appRouter } from "@/server/routers/_app";
import type { SessionUser } from "@/server/trpc";

/** tRPC inputs are forms and filters: a larger body is refused unread (413). */
const MAX_BODY_BYTES = 1024 * 1024;

async function handler(incoming: Request) {
  let req = incoming;
  if (incoming.method === "POST") {
    const body = await readLimitedText(incoming, MAX_BODY_BYTES);
    if (!body.ok) return Response.json({ error: { message: body.message } }, { status: body.status });
    req = new Request(incoming.url, {
      method: "POST",
      headers: incoming.headers,
      body: body.text,
      signal: incoming.signal,
    });
  }
  const { db } = await getDatabase();
  const session = await auth();
  const user: SessionUser | null = session?.user?.id
    ? {
        id: session.user.id,
        email: session.user.email ?? "",
        name: session.user.name ?? "",
        role: session.user.role,
        mustChangePassword: session.user.mustChangePassword,
      }
    : null;
  return fetchRequestHandler({
    endpoint: "/api/trpc",
    req,
    router: appRouter,
    createContext: () => ({ db, user, customer: customerFromRequest(req) }),
    onError({ error, path }) {
      if (error.code === "INTERNAL_SERVER_ERROR") console.error(`[trpc] ${path}:`, error.cause ?? error);
    },
  });
}

export { handler as GET, handler as POST };

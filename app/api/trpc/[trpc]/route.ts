import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { auth } from "@/server/auth";
import { customerFromRequest } from "@/server/chat/identity";
import { getDatabase } from "@/server/db";
import { appRouter } from "@/server/routers/_app";
import type { SessionUser } from "@/server/trpc";

async function handler(req: Request) {
  const { db } = await getDatabase();
  const session = await auth();
  const user: SessionUser | null = session?.user?.id
    ? {
        id: session.user.id,
        email: session.user.email ?? "",
        name: session.user.name ?? "",
        role: session.user.role,
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

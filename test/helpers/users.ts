import type { Db } from "@/db/client";
import type { UserRole } from "@/db/schema";
import type { SessionUser } from "@/server/trpc";
import { createUser } from "@/server/users/service";

/** Creates an account and returns it as a signed-in caller's `ctx.user`. */
export async function createSessionUser(
  db: Db,
  account: { email: string; password: string; role: UserRole; name?: string },
): Promise<SessionUser> {
  const user = await createUser(db, { name: "", ...account }, null);
  return { id: user.id, email: user.email, name: user.name, role: user.role };
}

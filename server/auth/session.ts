import type { JWT } from "next-auth/jwt";
import type { Db } from "@/db/client";
import { createSession, findSessionUser } from "@/db/queries/sessions";
import type { UserRole } from "@/db/schema";

/** A staff session lasts a working day; signing out ends it sooner. */
export const SESSION_LIFETIME_S = 12 * 60 * 60;

/**
 * The JWT callback: signing in opens a session row; every later request checks it, so signing out,
 * disabling the account or ending its sessions takes effect at once (and a role change, or the end
 * of a temporary password, without signing in again). Returning null signs the cookie's holder out.
 */
export async function sessionToken(
  db: Db,
  { token, user }: { token: JWT; user?: { id?: string; role?: UserRole; passwordChangeRequired?: boolean } },
): Promise<JWT | null> {
  if (user?.id) {
    token.sub = user.id;
    token.role = user.role;
    token.mustChangePassword = user.passwordChangeRequired === true;
    token.sid = await createSession(db, user.id, SESSION_LIFETIME_S * 1000);
    return token;
  }
  if (!token.sub || typeof token.sid !== "string") return null;
  const current = await findSessionUser(db, token.sid);
  if (!current || current.id !== token.sub) return null;
  token.role = current.role;
  token.mustChangePassword = current.passwordChangeRequired;
  token.email = current.email;
  token.name = current.name;
  return token;
}

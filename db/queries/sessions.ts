import { and, eq, gt, isNull, lt, or, sql } from "drizzle-orm";
import type { Db } from "../client";
import { type User, userSessions, users } from "../schema";

export async function createSession(db: Db, userId: string, lifetimeMs: number): Promise<string> {
  const [row] = await db
    .insert(userSessions)
    .values({ userId, expiresAt: new Date(Date.now() + lifetimeMs) })
    .returning({ id: userSessions.id });
  if (!row) throw new Error("session insert returned nothing");
  return row.id;
}

/** The user of a session that is neither revoked nor expired, and whose account is enabled. */
export async function findSessionUser(
  db: Db,
  sessionId: string,
): Promise<Pick<User, "id" | "email" | "name" | "role" | "passwordChangeRequired"> | undefined> {
  const [row] = await db
    .select({
      id: users.id,
      email: users.email,
      name: users.name,
      role: users.role,
      passwordChangeRequired: users.passwordChangeRequired,
    })
    .from(userSessions)
    .innerJoin(users, eq(users.id, userSessions.userId))
    .where(
      and(
        eq(userSessions.id, sessionId),
        isNull(userSessions.revokedAt),
        gt(userSessions.expiresAt, sql`now()`),
        isNull(users.disabledAt),
      ),
    );
  return row;
}

export async function revokeSession(db: Db, sessionId: string): Promise<void> {
  await db
    .update(userSessions)
    .set({ revokedAt: sql`now()` })
    .where(and(eq(userSessions.id, sessionId), isNull(userSessions.revokedAt)));
}

/** Ends every session of a user (disabled, password changed). */
export async function revokeUserSessions(db: Db, userId: string): Promise<number> {
  const rows = await db
    .update(userSessions)
    .set({ revokedAt: sql`now()` })
    .where(and(eq(userSessions.userId, userId), isNull(userSessions.revokedAt)))
    .returning({ id: userSessions.id });
  return rows.length;
}

/** Drops sessions that ended more than a day ago (kept a day for the audit of recent sign-outs). */
export async function deleteEndedSessions(db: Db): Promise<number> {
  const dayAgo = sql`now() - interval '1 day'`;
  const rows = await db
    .delete(userSessions)
    .where(or(lt(userSessions.expiresAt, dayAgo), lt(userSessions.revokedAt, dayAgo)))
    .returning({ id: userSessions.id });
  return rows.length;
}

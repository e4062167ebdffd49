import { and, count, desc, eq, gt, lt } from "drizzle-orm";
import type { Db } from "../client";
import { signInAttempts } from "../schema";

export async function recordSignInAttempt(
  db: Db,
  attempt: { email: string; client: string; succeeded: boolean },
): Promise<void> {
  await db.insert(signInAttempts).values({ ...attempt, email: attempt.email.toLowerCase() });
}

/**
 * Failed attempts at one email from one client since `since`, only those after that client's last
 * success with it: a client guessing a password never locks the account out for anyone else.
 */
export async function countRecentFailures(
  db: Db,
  email: string,
  client: string,
  since: Date,
): Promise<number> {
  const key = and(eq(signInAttempts.email, email.toLowerCase()), eq(signInAttempts.client, client));
  const [lastSuccess] = await db
    .select({ at: signInAttempts.createdAt })
    .from(signInAttempts)
    .where(and(key, eq(signInAttempts.succeeded, true), gt(signInAttempts.createdAt, since)))
    .orderBy(desc(signInAttempts.createdAt))
    .limit(1);
  const from = lastSuccess?.at ?? since;
  const [row] = await db
    .select({ n: count() })
    .from(signInAttempts)
    .where(and(key, eq(signInAttempts.succeeded, false), gt(signInAttempts.createdAt, from)));
  return row?.n ?? 0;
}

/** Failed attempts from one client at any email since `since` (its overall budget). */
export async function countClientFailures(db: Db, client: string, since: Date): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(signInAttempts)
    .where(
      and(
        eq(signInAttempts.client, client),
        eq(signInAttempts.succeeded, false),
        gt(signInAttempts.createdAt, since),
      ),
    );
  return row?.n ?? 0;
}

export async function pruneSignInAttempts(db: Db, olderThan: Date): Promise<void> {
  await db.delete(signInAttempts).where(lt(signInAttempts.createdAt, olderThan));
}

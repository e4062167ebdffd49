import { and, count, desc, eq, gt, lt } from "drizzle-orm";
import type { Db } from "../client";
import { signInAttempts } from "../schema";

export async function recordSignInAttempt(db: Db, email: string, succeeded: boolean): Promise<void> {
  await db.insert(signInAttempts).values({ email: email.toLowerCase(), succeeded });
}

/** Failed attempts for an email since `since`, but only those after its last success. */
export async function countRecentFailures(db: Db, email: string, since: Date): Promise<number> {
  const key = email.toLowerCase();
  const [lastSuccess] = await db
    .select({ at: signInAttempts.createdAt })
    .from(signInAttempts)
    .where(
      and(
        eq(signInAttempts.email, key),
        eq(signInAttempts.succeeded, true),
        gt(signInAttempts.createdAt, since),
      ),
    )
    .orderBy(desc(signInAttempts.createdAt))
    .limit(1);
  const from = lastSuccess?.at ?? since;
  const [row] = await db
    .select({ n: count() })
    .from(signInAttempts)
    .where(
      and(
        eq(signInAttempts.email, key),
        eq(signInAttempts.succeeded, false),
        gt(signInAttempts.createdAt, from),
      ),
    );
  return row?.n ?? 0;
}

export async function pruneSignInAttempts(db: Db, olderThan: Date): Promise<void> {
  await db.delete(signInAttempts).where(lt(signInAttempts.createdAt, olderThan));
}

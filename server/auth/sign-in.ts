import type { Db } from "@/db/client";
import { writeAudit } from "@/db/queries/audit";
import { countRecentFailures, recordSignInAttempt } from "@/db/queries/sign-in-attempts";
import { findUserWithHashByEmail } from "@/db/queries/users";
import type { UserRole } from "@/db/schema";
import { hashPassword, verifyPassword } from "./password";

export const SIGN_IN_MAX_FAILURES = 5;
export const SIGN_IN_WINDOW_MS = 15 * 60 * 1000;

export type SignInResult =
  | { ok: true; user: { id: string; email: string; name: string; role: UserRole } }
  | { ok: false; reason: "invalid" | "throttled" };

// Verifying unknown emails against a real hash keeps their response time like a wrong password's.
let dummyHash: Promise<string> | undefined;
function dummyPasswordHash(): Promise<string> {
  dummyHash ??= hashPassword("tunedesk-timing-equaliser");
  return dummyHash;
}

/** Checks credentials with per-email throttling; disabled accounts look like wrong passwords. */
export async function signInWithPassword(db: Db, rawEmail: string, password: string): Promise<SignInResult> {
  const email = rawEmail.trim().toLowerCase();
  const since = new Date(Date.now() - SIGN_IN_WINDOW_MS);
  if ((await countRecentFailures(db, email, since)) >= SIGN_IN_MAX_FAILURES) {
    return { ok: false, reason: "throttled" };
  }
  const user = await findUserWithHashByEmail(db, email);
  const passwordOk = await verifyPassword(user?.passwordHash ?? (await dummyPasswordHash()), password);
  if (!user || !passwordOk || user.disabledAt !== null) {
    await recordSignInAttempt(db, email, false);
    const failures = await countRecentFailures(db, email, since);
    if (failures === SIGN_IN_MAX_FAILURES) {
      await writeAudit(db, {
        actorId: null,
        action: "auth.sign_in_failed_repeatedly",
        targetType: "user",
        targetId: user?.id,
        details: { email, failures, windowMinutes: SIGN_IN_WINDOW_MS / 60_000 },
      });
    }
    return { ok: false, reason: failures >= SIGN_IN_MAX_FAILURES ? "throttled" : "invalid" };
  }
  await recordSignInAttempt(db, email, true);
  return { ok: true, user: { id: user.id, email: user.email, name: user.name, role: user.role } };
}

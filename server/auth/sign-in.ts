import type { Db } from "@/db/client";
import { writeAudit } from "@/db/queries/audit";
import { countClientFailures, countRecentFailures, recordSignInAttempt } from "@/db/queries/sign-in-attempts";
import { findUserWithHashByEmail } from "@/db/queries/users";
import type { UserRole } from "@/db/schema";
import { hashPassword, verifyPassword } from "./password";

/** Wrong passwords one client may try at one account per window. */
export const SIGN_IN_MAX_FAILURES = 5;
/** Wrong passwords one client may try at all accounts together per window. */
export const SIGN_IN_MAX_CLIENT_FAILURES = 20;
export const SIGN_IN_WINDOW_MS = 15 * 60 * 1000;

export type SignInResult =
  | {
      ok: true;
      user: { id: string; email: string; name: string; role: UserRole; passwordChangeRequired: boolean };
    }
  | { ok: false; reason: "invalid" | "throttled" };

// Verifying unknown emails against a real hash keeps their response time like a wrong password's.
let dummyHash: Promise<string> | undefined;
function dummyPasswordHash(): Promise<string> {
  dummyHash ??= hashPassword("tunedesk-timing-equaliser");
  return dummyHash;
}

/**
 * Checks credentials, throttled per client: five wrong passwords for one account, or twenty for all
 * accounts, from one client within 15 minutes refuse that client only. Nobody can lock an account
 * out for its owner, who signs in from elsewhere. Disabled accounts look like wrong passwords.
 */
export async function signInWithPassword(
  db: Db,
  rawEmail: string,
  password: string,
  client = "unknown",
): Promise<SignInResult> {
  const email = rawEmail.trim().toLowerCase();
  const since = new Date(Date.now() - SIGN_IN_WINDOW_MS);
  const throttled = async () =>
    (await countRecentFailures(db, email, client, since)) >= SIGN_IN_MAX_FAILURES ||
    (await countClientFailures(db, client, since)) >= SIGN_IN_MAX_CLIENT_FAILURES;
  if (await throttled()) return { ok: false, reason: "throttled" };
  const user = await findUserWithHashByEmail(db, email);
  const passwordOk = await verifyPassword(user?.passwordHash ?? (await dummyPasswordHash()), password);
  if (!user || !passwordOk || user.disabledAt !== null) {
    await recordSignInAttempt(db, { email, client, succeeded: false });
    const failures = await countRecentFailures(db, email, client, since);
    if (failures === SIGN_IN_MAX_FAILURES) {
      await writeAudit(db, {
        actorId: null,
        action: "auth.sign_in_failed_repeatedly",
        targetType: "user",
        targetId: user?.id,
        details: { email, client, failures, windowMinutes: SIGN_IN_WINDOW_MS / 60_000 },
      });
    }
    return { ok: false, reason: (await throttled()) ? "throttled" : "invalid" };
  }
  await recordSignInAttempt(db, { email, client, succeeded: true });
  const { id, name, role, passwordChangeRequired } = user;
  return { ok: true, user: { id, email: user.email, name, role, passwordChangeRequired } };
}

/**
 * The client of a sign-in request: the first address of X-Forwarded-For (Next.js sets it from the
 * connection when no proxy did; a proxy in front must set it too).
 */
export function signInClient(req: Request | undefined): string {
  const forwarded = req?.headers.get("x-forwarded-for")?.split(",")[0]?.trim();
  return (forwarded || req?.headers.get("x-real-ip") || "unknown").slice(0, 100);
}

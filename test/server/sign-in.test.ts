import { beforeAll, expect, it } from "vitest";
import { listAudit } from "@/db/queries/audit";
import { revokeSession } from "@/db/queries/sessions";
import { sessionToken } from "@/server/auth/session";
import {
  SIGN_IN_MAX_CLIENT_FAILURES,
  SIGN_IN_MAX_FAILURES,
  signInClient,
  signInWithPassword,
} from "@/server/auth/sign-in";
import { createUser, setUserDisabled } from "@/server/users/service";
import { describeEachDatabase } from "../helpers/db";

describeEachDatabase("sign-in", (useDb) => {
  let adminId: string;
  beforeAll(async () => {
    const db = useDb().db;
    adminId = (
      await createUser(db, { email: "a@example.com", password: "admin-password-1", role: "admin" }, null)
    ).id;
    await createUser(db, { email: "kim@example.com", password: "kim-password-1", role: "staff" }, null);
    await createUser(db, { email: "lee@example.com", password: "lee-password-1", role: "staff" }, null);
  });

  it("accepts the right password, case-insensitively on the email", async () => {
    const result = await signInWithPassword(useDb().db, "KIM@example.com", "kim-password-1");
    expect(result).toMatchObject({ ok: true, user: { email: "kim@example.com", role: "staff" } });
  });

  it("refuses a wrong password and an unknown email alike", async () => {
    expect(await signInWithPassword(useDb().db, "kim@example.com", "wrong-password")).toEqual({
      ok: false,
      reason: "invalid",
    });
    expect(await signInWithPassword(useDb().db, "nobody@example.com", "whatever-pw")).toEqual({
      ok: false,
      reason: "invalid",
    });
  });

  it("throttles a client guessing one account, and audits it, without locking out the owner elsewhere", async () => {
    const db = useDb().db;
    const attacker = "203.0.113.7";
    for (let i = 0; i < SIGN_IN_MAX_FAILURES; i++)
      await signInWithPassword(db, "lee@example.com", `guess-${i}`, attacker);
    expect(await signInWithPassword(db, "lee@example.com", "lee-password-1", attacker)).toEqual({
      ok: false,
      reason: "throttled",
    });
    const audit = await listAudit(db, { limit: 10, action: "auth.sign_in_failed_repeatedly" });
    expect(audit).toHaveLength(1);
    expect(audit[0]?.details).toMatchObject({ email: "lee@example.com", client: attacker });
    // The owner, from their own machine, still signs in; other accounts are unaffected.
    expect((await signInWithPassword(db, "lee@example.com", "lee-password-1", "198.51.100.2")).ok).toBe(true);
    expect((await signInWithPassword(db, "kim@example.com", "kim-password-1", "198.51.100.2")).ok).toBe(true);
  });

  it("gives one client a budget of wrong passwords across all accounts", async () => {
    const db = useDb().db;
    const sprayer = "203.0.113.99";
    for (let i = 0; i < SIGN_IN_MAX_CLIENT_FAILURES; i++)
      await signInWithPassword(db, `user-${i}@example.com`, "Winter2026!", sprayer);
    expect(await signInWithPassword(db, "kim@example.com", "kim-password-1", sprayer)).toEqual({
      ok: false,
      reason: "throttled",
    });
    expect((await signInWithPassword(db, "kim@example.com", "kim-password-1", "198.51.100.3")).ok).toBe(true);
    expect(
      signInClient(new Request("http://x/", { headers: { "x-forwarded-for": "192.0.2.1, 10.0.0.1" } })),
    ).toBe("192.0.2.1");
  });

  it("refuses a disabled account", async () => {
    const db = useDb().db;
    const { id } = await createUser(
      db,
      { email: "gone@example.com", password: "gone-password-1", role: "staff" },
      null,
    );
    await setUserDisabled(db, id, true, adminId);
    expect(await signInWithPassword(db, "gone@example.com", "gone-password-1")).toEqual({
      ok: false,
      reason: "invalid",
    });
  });

  it("a session ends at sign-out and when the account is disabled, and re-enabling does not revive it", async () => {
    const db = useDb().db;
    await createUser(db, { email: "max@example.com", password: "max-password-1", role: "staff" }, null);
    const signedIn = await signInWithPassword(db, "max@example.com", "max-password-1");
    if (!signedIn.ok) throw new Error("sign-in failed");
    const first = await sessionToken(db, { token: {}, user: signedIn.user });
    const second = await sessionToken(db, { token: {}, user: signedIn.user });
    expect(first?.sid).toEqual(expect.any(String));
    expect(await sessionToken(db, { token: { ...first } })).toMatchObject({ email: "max@example.com" });

    // Signing out ends that session only; the cookie replayed afterwards is refused.
    await revokeSession(db, first!.sid as string);
    expect(await sessionToken(db, { token: { ...first } })).toBeNull();
    expect(await sessionToken(db, { token: { ...second } })).not.toBeNull();

    await setUserDisabled(db, signedIn.user.id, true, adminId);
    expect(await sessionToken(db, { token: { ...second } })).toBeNull();
    await setUserDisabled(db, signedIn.user.id, false, adminId);
    expect(await sessionToken(db, { token: { ...second } })).toBeNull();
    // A token without a session (from before sessions were recorded) is no session.
    expect(await sessionToken(db, { token: { sub: signedIn.user.id } })).toBeNull();
  });
});

import { beforeAll, expect, it } from "vitest";
import { listAudit } from "@/db/queries/audit";
import { findUserWithHashByEmail } from "@/db/queries/users";
import { verifyPassword } from "@/server/auth/password";
import { sessionToken } from "@/server/auth/session";
import { signInWithPassword } from "@/server/auth/sign-in";
import { createCaller } from "@/server/routers/_app";
import type { SessionUser } from "@/server/trpc";
import { passwordProblem } from "@/server/users/password-policy";
import { createUser } from "@/server/users/service";
import { describeEachDatabase } from "../helpers/db";
import { createSessionUser } from "../helpers/users";

it("the password policy refuses guessable passwords and says why, and accepts strong ones", () => {
  expect(passwordProblem("aaaaaaaaaa")).toMatch(/too easy to guess.*Repeated/);
  expect(passwordProblem("password123")).toMatch(/commonly used password/);
  expect(passwordProblem("qwertyuiop")).toMatch(/too easy to guess/);
  expect(passwordProblem("short")).toMatch(/at least 10 characters/);
  // The account's own email and name are the first guesses.
  expect(passwordProblem("kari.nordmann1", ["kari.nordmann@example.com", "Kari Nordmann"])).toMatch(
    /personal/,
  );
  expect(passwordProblem("correct horse battery staple")).toBeNull();
  expect(passwordProblem("s8Kd!x93Lq-Zr")).toBeNull();
});

describeEachDatabase("accounts", (useDb) => {
  let admin: SessionUser;
  const asAdmin = () => createCaller({ db: useDb().db, user: admin });

  beforeAll(async () => {
    const db = useDb().db;
    admin = await createSessionUser(db, {
      email: "root@example.com",
      password: "admin-password-1",
      role: "admin",
    });
  });

  it("setup and new accounts refuse a weak password and create nothing", async () => {
    const db = useDb().db;
    await expect(
      asAdmin().users.create({ email: "weak@example.com", name: "", password: "aaaaaaaaaa", role: "staff" }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST", message: expect.stringMatching(/too easy to guess/) });
    expect(await findUserWithHashByEmail(db, "weak@example.com")).toBeUndefined();
  });

  it("a user changes their own password: the current one is checked, every session ends, the new one works", async () => {
    const db = useDb().db;
    const u = await createUser(
      db,
      { email: "lee@example.com", password: "lee-password-1", role: "staff" },
      null,
    );
    const me: SessionUser = { id: u.id, email: u.email, name: u.name, role: u.role };
    const signedIn = await signInWithPassword(db, "lee@example.com", "lee-password-1");
    if (!signedIn.ok) throw new Error("sign-in failed");
    const token = await sessionToken(db, { token: {}, user: signedIn.user });
    const asLee = createCaller({ db, user: me });

    await expect(
      asLee.users.changeOwnPassword({
        currentPassword: "wrong-password-1",
        newPassword: "plum tractor glacier 7",
      }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST", message: expect.stringMatching(/current password/) });
    await expect(
      asLee.users.changeOwnPassword({ currentPassword: "lee-password-1", newPassword: "password123" }),
    ).rejects.toMatchObject({ message: expect.stringMatching(/too easy to guess/) });
    // Refused changes leave the old password and the session as they were.
    expect(await sessionToken(db, { token: { ...token } })).not.toBeNull();

    await asLee.users.changeOwnPassword({
      currentPassword: "lee-password-1",
      newPassword: "plum tractor glacier 7",
    });
    expect(await sessionToken(db, { token: { ...token } })).toBeNull();
    expect((await signInWithPassword(db, "lee@example.com", "lee-password-1")).ok).toBe(false);
    expect((await signInWithPassword(db, "lee@example.com", "plum tractor glacier 7")).ok).toBe(true);
    const audit = await listAudit(db, { limit: 10, action: "user.password_changed" });
    expect(audit.some((e) => e.targetId === u.id)).toBe(true);
  });

  it("an admin resets a password: a temporary one, shown once, that only allows choosing a new one", async () => {
    const db = useDb().db;
    const u = await createUser(
      db,
      { email: "kim@example.com", password: "kim-password-1", role: "staff" },
      null,
    );
    const before = await signInWithPassword(db, "kim@example.com", "kim-password-1");
    if (!before.ok) throw new Error("sign-in failed");
    const oldToken = await sessionToken(db, { token: {}, user: before.user });

    const { temporaryPassword } = await asAdmin().users.resetPassword({ id: u.id });
    expect(temporaryPassword).toMatch(/^[a-z2-9]{5}(-[a-z2-9]{5}){3}$/);
    const row = await findUserWithHashByEmail(db, "kim@example.com");
    expect(row?.passwordHash).not.toContain(temporaryPassword);
    expect(await verifyPassword(row!.passwordHash, temporaryPassword)).toBe(true);
    expect(await sessionToken(db, { token: { ...oldToken } })).toBeNull();

    const signedIn = await signInWithPassword(db, "kim@example.com", temporaryPassword);
    if (!signedIn.ok) throw new Error("temporary sign-in failed");
    const token = await sessionToken(db, { token: {}, user: signedIn.user });
    expect(token?.mustChangePassword).toBe(true);
    const asKim = createCaller({
      db,
      user: { id: u.id, email: u.email, name: u.name, role: u.role, mustChangePassword: true },
    });
    await expect(asKim.knowledge.count({})).rejects.toMatchObject({
      code: "FORBIDDEN",
      message: expect.stringMatching(/temporary/),
    });
    expect(await asKim.users.getMe()).toMatchObject({ email: "kim@example.com" });
    await asKim.users.changeOwnPassword({
      currentPassword: temporaryPassword,
      newPassword: "violet harbour lantern",
    });
    const after = await signInWithPassword(db, "kim@example.com", "violet harbour lantern");
    if (!after.ok) throw new Error("sign-in failed");
    expect(after.user.passwordChangeRequired).toBe(false);
    const audit = await listAudit(db, { limit: 10, action: "user.password_reset" });
    expect(audit.some((e) => e.targetId === u.id && e.actorId === admin.id)).toBe(true);
  });

  it("an admin cannot reset their own password this way, nor an unknown user's", async () => {
    await expect(asAdmin().users.resetPassword({ id: admin.id })).rejects.toMatchObject({ code: "CONFLICT" });
    await expect(
      asAdmin().users.resetPassword({ id: "00000000-0000-4000-8000-000000000000" }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});

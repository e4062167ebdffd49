import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { listAudit } from "@/db/queries/audit";
import { countUsers, findUserWithHashByEmail } from "@/db/queries/users";
import { auditLog } from "@/db/schema";
import { verifyPassword } from "@/server/auth/password";
import { createCaller } from "@/server/routers/_app";
import type { SessionUser } from "@/server/trpc";
import { describeEachDatabase } from "../helpers/db";

describeEachDatabase("users", (useDb) => {
  let admin: SessionUser;
  const asAdmin = () => createCaller({ db: useDb().db, user: admin });

  beforeAll(async () => {
    const anonymous = createCaller({ db: useDb().db, user: null });
    expect(await anonymous.setup.getStatus()).toEqual({ needsSetup: true });
    const created = await anonymous.setup.createFirstAdmin({
      email: "  Boss@Example.com ",
      name: "Boss",
      password: "correct-horse-battery",
    });
    admin = { id: created.id, email: created.email, name: "Boss", role: "admin" };
  });

  it("first-run setup creates a lower-cased admin with a hashed password, then closes", async () => {
    const db = useDb().db;
    const row = await findUserWithHashByEmail(db, "boss@example.com");
    expect(row?.role).toBe("admin");
    expect(row?.passwordHash).toMatch(/^\$argon2id\$/);
    expect(await verifyPassword(row!.passwordHash, "correct-horse-battery")).toBe(true);
    const anonymous = createCaller({ db, user: null });
    expect(await anonymous.setup.getStatus()).toEqual({ needsSetup: false });
    await expect(
      anonymous.setup.createFirstAdmin({
        email: "intruder@example.com",
        password: "another-password",
        name: "",
      }),
    ).rejects.toMatchObject({ code: "FORBIDDEN", message: expect.stringMatching(/already complete/) });
    expect(await countUsers(db)).toBe(1);
  });

  it("admin creates staff; the change is audited", async () => {
    const user = await asAdmin().users.create({
      email: "sam@example.com",
      name: "Sam",
      password: "sam-password-1",
      role: "staff",
    });
    expect(user).toMatchObject({ email: "sam@example.com", role: "staff", disabledAt: null });
    expect(user).not.toHaveProperty("passwordHash");
    const entries = await listAudit(useDb().db, { limit: 10, action: "user.created" });
    expect(entries.some((e) => e.targetId === user.id && e.actorId === admin.id)).toBe(true);
  });

  describe("bad input is refused with a clear message and writes nothing", () => {
    const cases: [string, Record<string, string>, RegExp][] = [
      ["malformed email", { email: "not-an-email" }, /valid email/],
      ["short password", { password: "short" }, /at least 10 characters/],
      ["unknown role", { role: "owner" }, /Role must be one of: admin, staff/],
      ["duplicate user (any case)", { email: "SAM@example.com" }, /already exists/],
    ];
    it.each(cases)("%s", async (_label, override, message) => {
      const before = await countUsers(useDb().db);
      const input = {
        email: "new@example.com",
        name: "New",
        password: "long-enough-pw",
        role: "staff",
        ...override,
      };
      await expect(asAdmin().users.create(input as never)).rejects.toMatchObject({
        message: expect.stringMatching(message),
      });
      expect(await countUsers(useDb().db)).toBe(before);
    });
  });

  it("changes roles and refuses to demote or disable the last admin", async () => {
    const db = useDb().db;
    const sam = (await findUserWithHashByEmail(db, "sam@example.com"))!;
    await expect(asAdmin().users.changeRole({ id: admin.id, role: "staff" })).rejects.toMatchObject({
      code: "CONFLICT",
      message: expect.stringMatching(/last active admin/),
    });
    const promoted = await asAdmin().users.changeRole({ id: sam.id, role: "admin" });
    expect(promoted.role).toBe("admin");
    const audit = await db.select().from(auditLog).where(eq(auditLog.action, "user.role_changed"));
    expect(audit.at(-1)?.details).toMatchObject({ from: "staff", to: "admin" });
    await asAdmin().users.changeRole({ id: sam.id, role: "staff" });
    await expect(asAdmin().users.setDisabled({ id: admin.id, disabled: true })).rejects.toMatchObject({
      code: "CONFLICT",
    });
  });

  it("disables and re-enables an account", async () => {
    const sam = (await findUserWithHashByEmail(useDb().db, "sam@example.com"))!;
    const disabled = await asAdmin().users.setDisabled({ id: sam.id, disabled: true });
    expect(disabled.disabledAt).toBeInstanceOf(Date);
    const enabled = await asAdmin().users.setDisabled({ id: sam.id, disabled: false });
    expect(enabled.disabledAt).toBeNull();
  });

  it("answers NOT_FOUND for an unknown user id", async () => {
    await expect(
      asAdmin().users.changeRole({ id: "00000000-0000-4000-8000-000000000000", role: "admin" }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});

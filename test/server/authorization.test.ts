import type { AnyProcedure } from "@trpc/server";
import { TRPCError } from "@trpc/server";
import { beforeAll, describe, expect, it } from "vitest";
import { countUsers } from "@/db/queries/users";
import { appRouter, createCaller } from "@/server/routers/_app";
import type { Access, Meta, SessionUser } from "@/server/trpc";
import { createUser } from "@/server/users/service";
import { describeEachDatabase } from "../helpers/db";
import { createSessionUser } from "../helpers/users";

/**
 * The access rule of every tRPC procedure. A new procedure fails this test until it is listed here,
 * so nobody can add one without deciding who may call it.
 */
const rules: Record<string, Access> = {
  "setup.getStatus": "public",
  "setup.createFirstAdmin": "public",
  "chatSettings.get": "admin",
  "chatSettings.update": "admin",
  "users.getMe": "staff",
  "users.changeOwnPassword": "staff",
  "users.resetPassword": "admin",
  "users.list": "admin",
  "users.create": "admin",
  "users.changeRole": "admin",
  "users.setDisabled": "admin",
  "users.listAudit": "admin",
  "knowledge.list": "staff",
  "knowledge.count": "staff",
  "knowledge.getStats": "staff",
  "knowledge.get": "staff",
  "knowledge.create": "staff",
  "knowledge.update": "staff",
  "knowledge.findSimilar": "staff",
  "knowledge.approve": "staff",
  "knowledge.setStatus": "staff",
  "knowledge.addTag": "staff",
  "knowledge.removeTag": "staff",
  "knowledge.getHistory": "staff",
  "knowledge.restoreVersion": "staff",
  "knowledge.getHealth": "staff",
  "chat.getConversation": "customer",
  "chat.listConversations": "customer",
  "chat.markConversationSeen": "customer",
  "chat.rateAnswer": "customer",
  "chat.escalate": "customer",
  "conversations.list": "staff",
  "conversations.get": "staff",
  "conversations.setStatus": "staff",
  "conversations.reply": "staff",
  "conversations.listUnanswered": "staff",
  "conversations.draftFromUnanswered": "staff",
  "reviewQueue.list": "staff",
  "reviewQueue.createDraftPair": "staff",
  "reviewQueue.applyToPair": "staff",
  "reviewQueue.dismiss": "staff",
  "reviewQueue.suggestPairs": "staff",
  "reviewQueue.applyManyToPair": "staff",
  "reviewQueue.dismissMany": "staff",
  "apiKeys.list": "admin",
  "apiKeys.create": "admin",
  "apiKeys.revoke": "admin",
  "assistantSettings.get": "admin",
  "assistantSettings.update": "admin",
  "training.listBases": "admin",
  "training.registerBase": "admin",
  "training.downloadBase": "admin",
  "training.getDefaultSettings": "admin",
  "training.previewRun": "admin",
  "training.startRun": "admin",
  "training.cancelRun": "admin",
  "training.listRuns": "staff",
  "training.getRun": "staff",
  "training.listRunMetrics": "staff",
  "models.list": "staff",
  "models.get": "staff",
  "models.promote": "admin",
  "models.rollBack": "admin",
  "models.compareAnswers": "admin",
};

const procedures = appRouter._def.procedures as unknown as Record<string, AnyProcedure>;

describe("authorization rules", () => {
  it("lists every procedure, and every procedure declares the rule listed", () => {
    expect(Object.keys(procedures).sort()).toEqual(Object.keys(rules).sort());
    for (const [path, procedure] of Object.entries(procedures)) {
      expect({ path, access: (procedure._def.meta as Meta | undefined)?.access }).toEqual({
        path,
        access: rules[path],
      });
    }
  });
});

function call(caller: ReturnType<typeof createCaller>, path: string, input: unknown): Promise<unknown> {
  const fn = path.split(".").reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], caller);
  return (fn as (i: unknown) => Promise<unknown>)(input);
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return "OK";
  } catch (err) {
    return err instanceof TRPCError ? err.code : `unexpected ${String(err)}`;
  }
}

describeEachDatabase("authorization enforcement", (useDb) => {
  let staff: SessionUser;

  beforeAll(async () => {
    const db = useDb().db;
    await createUser(db, { email: "admin@example.com", password: "admin-password-1", role: "admin" }, null);
    staff = await createSessionUser(db, {
      email: "staff@example.com",
      password: "staff-password-1",
      role: "staff",
    });
  });

  const nonPublic = Object.entries(rules).filter(([, access]) => access !== "public");

  it.each(nonPublic)("refuses anonymous callers: %s", async (path) => {
    const anonymous = createCaller({ db: useDb().db, user: null });
    expect(await codeOf(call(anonymous, path, undefined))).toBe("UNAUTHORIZED");
  });

  const adminOnly = Object.entries(rules).filter(([, access]) => access === "admin");

  it.each(adminOnly)("refuses staff: %s", async (path) => {
    const asStaff = createCaller({ db: useDb().db, user: staff });
    expect(await codeOf(call(asStaff, path, undefined))).toBe("FORBIDDEN");
  });

  it("a refused create writes no row", async () => {
    const db = useDb().db;
    const before = await countUsers(db);
    const asStaff = createCaller({ db, user: staff });
    await expect(
      asStaff.users.create({
        email: "sneaky@example.com",
        password: "long-enough-pw",
        role: "admin",
        name: "",
      }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect(await countUsers(db)).toBe(before);
  });
  // What a user with a temporary password may still do: see who they are and choose a new one.
  const ownAccount = new Set(["users.getMe", "users.changeOwnPassword"]);

  it("refuses a user with a temporary password everything but their own account", async () => {
    const db = useDb().db;
    const temporary = createCaller({ db, user: { ...staff, mustChangePassword: true } });
    const asAdminWithTemporary = createCaller({
      db,
      user: { ...staff, role: "admin", mustChangePassword: true },
    });
    for (const [path, access] of Object.entries(rules)) {
      if (access === "public" || access === "customer" || ownAccount.has(path)) continue;
      const caller = access === "admin" ? asAdminWithTemporary : temporary;
      expect({ path, code: await codeOf(call(caller, path, undefined)) }).toEqual({
        path,
        code: "FORBIDDEN",
      });
    }
    expect(await codeOf(call(temporary, "users.getMe", undefined))).toBe("OK");
  });

  const staffOrAdmin = Object.entries(rules).filter(([, access]) => access === "staff" || access === "admin");

  it.each(staffOrAdmin)("refuses chat customers: %s", async (path) => {
    const customer = createCaller({
      db: useDb().db,
      user: null,
      customer: { id: "customer-0123456789abcdef" },
    });
    expect(await codeOf(call(customer, path, undefined))).toBe("UNAUTHORIZED");
  });
});

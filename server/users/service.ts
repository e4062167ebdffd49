import { randomBytes } from "node:crypto";
import { sql } from "drizzle-orm";
import type { z } from "zod";
import type { Db } from "@/db/client";
import { writeAudit } from "@/db/queries/audit";
import { revokeUserSessions } from "@/db/queries/sessions";
import {
  countActiveAdmins,
  countUsers,
  findUserById,
  findUserWithHashByEmail,
  findUserWithHashById,
  insertUser,
  type PublicUser,
  updateUser,
} from "@/db/queries/users";
import type { UserRole } from "@/db/schema";
import { hashPassword, verifyPassword } from "@/server/auth/password";
import { UserFacingError } from "./errors";
import { firstAdminInput, type NewUserInput, newUserInput, passwordInput, roleInput } from "./input";
import { passwordProblem } from "./password-policy";

function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new UserFacingError(issue?.message ?? "Invalid input", "invalid", issue?.path.join("."));
  }
  return result.data;
}

function requireStrongPassword(password: string, personal: string[]): void {
  const problem = passwordProblem(password, personal);
  if (problem) throw new UserFacingError(problem, "invalid", "password");
}

/** Creates a staff or admin account; actorId is null for the CLI and first-run setup. */
export async function createUser(db: Db, input: NewUserInput, actorId: string | null): Promise<PublicUser> {
  const data = parseOrThrow(newUserInput, input);
  requireStrongPassword(data.password, [data.email, data.name]);
  const passwordHash = await hashPassword(data.password);
  return db.transaction(async (tx) => {
    if (await findUserWithHashByEmail(tx, data.email)) {
      throw new UserFacingError(`A user with the email ${data.email} already exists`, "conflict", "email");
    }
    const user = await insertUser(tx, { email: data.email, name: data.name, role: data.role, passwordHash });
    await writeAudit(tx, {
      actorId,
      action: "user.created",
      targetType: "user",
      targetId: user.id,
      details: { email: user.email, role: user.role },
    });
    return user;
  });
}

/** First-run setup: only succeeds while there are no users at all. */
export async function createFirstAdmin(db: Db, input: Omit<NewUserInput, "role">): Promise<PublicUser> {
  const data = parseOrThrow(firstAdminInput, input);
  requireStrongPassword(data.password, [data.email, data.name]);
  const passwordHash = await hashPassword(data.password);
  return db.transaction(async (tx) => {
    // Serialise concurrent setup attempts so two browsers cannot both create "the first" admin.
    await tx.execute(sql`lock table users in exclusive mode`);
    if ((await countUsers(tx)) > 0) {
      throw new UserFacingError("Setup is already complete: sign in instead", "forbidden");
    }
    const user = await insertUser(tx, { ...data, role: "admin", passwordHash });
    await writeAudit(tx, {
      actorId: user.id,
      action: "setup.first_admin_created",
      targetType: "user",
      targetId: user.id,
      details: { email: user.email },
    });
    return user;
  });
}

async function requireUser(db: Db, id: string): Promise<PublicUser> {
  const user = await findUserById(db, id);
  if (!user) throw new UserFacingError("That user does not exist (it may have been removed)", "not_found");
  return user;
}

async function ensureAnotherActiveAdmin(db: Db, user: PublicUser, what: string) {
  if (user.role === "admin" && user.disabledAt === null && (await countActiveAdmins(db)) <= 1) {
    throw new UserFacingError(
      `Cannot ${what} the last active admin: make someone else an admin first`,
      "conflict",
    );
  }
}

export async function changeUserRole(
  db: Db,
  id: string,
  role: UserRole,
  actorId: string,
): Promise<PublicUser> {
  const newRole = parseOrThrow(roleInput, role);
  return db.transaction(async (tx) => {
    const user = await requireUser(tx, id);
    if (user.role === newRole) return user;
    if (newRole !== "admin") await ensureAnotherActiveAdmin(tx, user, "demote");
    const updated = (await updateUser(tx, id, { role: newRole }))!;
    await writeAudit(tx, {
      actorId,
      action: "user.role_changed",
      targetType: "user",
      targetId: id,
      details: { email: user.email, from: user.role, to: newRole },
    });
    return updated;
  });
}

export async function setUserDisabled(
  db: Db,
  id: string,
  disabled: boolean,
  actorId: string,
): Promise<PublicUser> {
  return db.transaction(async (tx) => {
    const user = await requireUser(tx, id);
    if ((user.disabledAt !== null) === disabled) return user;
    if (disabled) {
      if (id === actorId) throw new UserFacingError("You cannot disable your own account", "conflict");
      await ensureAnotherActiveAdmin(tx, user, "disable");
    }
    const updated = (await updateUser(tx, id, { disabledAt: disabled ? new Date() : null }))!;
    // Re-enabling must not revive the cookies the account had: its sessions end with the disabling.
    if (disabled) await revokeUserSessions(tx, id);
    await writeAudit(tx, {
      actorId,
      action: disabled ? "user.disabled" : "user.enabled",
      targetType: "user",
      targetId: id,
      details: { email: user.email },
    });
    return updated;
  });
}

/**
 * A user changes their own password: the current one proves it is them. Every session of the
 * account ends (a stolen cookie stops working), so they sign in again with the new one.
 */
export async function changeOwnPassword(
  db: Db,
  userId: string,
  input: { currentPassword: string; newPassword: string },
): Promise<void> {
  const newPassword = parseOrThrow(passwordInput, input.newPassword);
  const user = await findUserWithHashById(db, userId);
  if (!user) throw new UserFacingError("That user does not exist (it may have been removed)", "not_found");
  if (!(await verifyPassword(user.passwordHash, input.currentPassword)))
    throw new UserFacingError("Your current password is not right", "invalid", "currentPassword");
  if (input.currentPassword === newPassword)
    throw new UserFacingError("Choose a password different from the current one", "invalid", "newPassword");
  const problem = passwordProblem(newPassword, [user.email, user.name]);
  if (problem) throw new UserFacingError(problem, "invalid", "newPassword");
  const passwordHash = await hashPassword(newPassword);
  await db.transaction(async (tx) => {
    await updateUser(tx, userId, { passwordHash, passwordChangeRequired: false });
    await revokeUserSessions(tx, userId);
    await writeAudit(tx, {
      actorId: userId,
      action: "user.password_changed",
      targetType: "user",
      targetId: userId,
      details: { email: user.email },
    });
  });
}

/** Four groups of five from an alphabet without look-alikes (0/O, 1/l/I): ~100 bits, easy to read out. */
function temporaryPassword(): string {
  const alphabet = "abcdefghjkmnpqrstuvwxyz23456789";
  const bytes = randomBytes(20);
  const chars = [...bytes].map((b) => alphabet[b % alphabet.length]);
  return [0, 5, 10, 15].map((i) => chars.slice(i, i + 5).join("")).join("-");
}

/**
 * An admin (or the CLI, actorId null) resets someone's password: a temporary password, shown once,
 * that only lets them choose a new one; their sessions end.
 */
export async function resetUserPassword(
  db: Db,
  id: string,
  actorId: string | null,
): Promise<{ user: PublicUser; temporaryPassword: string }> {
  if (actorId === id)
    throw new UserFacingError("Change your own password from your account page instead", "conflict");
  const password = temporaryPassword();
  const passwordHash = await hashPassword(password);
  return db.transaction(async (tx) => {
    const user = await requireUser(tx, id);
    const updated = (await updateUser(tx, id, { passwordHash, passwordChangeRequired: true }))!;
    await revokeUserSessions(tx, id);
    await writeAudit(tx, {
      actorId,
      action: "user.password_reset",
      targetType: "user",
      targetId: id,
      details: { email: user.email },
    });
    return { user: updated, temporaryPassword: password };
  });
}

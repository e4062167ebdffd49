import { z } from "zod";
import { listAudit } from "@/db/queries/audit";
import { listUsers } from "@/db/queries/users";
import { accountProcedure, adminProcedure, createTRPCRouter } from "@/server/trpc";
import { newUserInput, roleInput } from "@/server/users/input";
import {
  changeOwnPassword,
  changeUserRole,
  createUser,
  resetUserPassword,
  setUserDisabled,
} from "@/server/users/service";

const userId = z.uuid({ error: "Unknown user id" });

export const usersRouter = createTRPCRouter({
  getMe: accountProcedure.query(({ ctx }) => ctx.user),

  /** Ends every session of the account: the caller signs in again with the new password. */
  changeOwnPassword: accountProcedure
    .input(z.object({ currentPassword: z.string().max(200), newPassword: z.string().max(200) }))
    .mutation(({ ctx, input }) => changeOwnPassword(ctx.db, ctx.user.id, input)),

  list: adminProcedure.query(({ ctx }) => listUsers(ctx.db)),

  create: adminProcedure
    .input(newUserInput)
    .mutation(({ ctx, input }) => createUser(ctx.db, input, ctx.user.id)),

  changeRole: adminProcedure
    .input(z.object({ id: userId, role: roleInput }))
    .mutation(({ ctx, input }) => changeUserRole(ctx.db, input.id, input.role, ctx.user.id)),

  setDisabled: adminProcedure
    .input(z.object({ id: userId, disabled: z.boolean() }))
    .mutation(({ ctx, input }) => setUserDisabled(ctx.db, input.id, input.disabled, ctx.user.id)),

  /** The temporary password is in this response only; it is never stored in clear. */
  resetPassword: adminProcedure.input(z.object({ id: userId })).mutation(async ({ ctx, input }) => {
    const { user, temporaryPassword } = await resetUserPassword(ctx.db, input.id, ctx.user.id);
    return { email: user.email, temporaryPassword };
  }),

  listAudit: adminProcedure
    .input(z.object({ limit: z.number().int().min(1).max(500).default(100) }).optional())
    .query(({ ctx, input }) => listAudit(ctx.db, { limit: input?.limit ?? 100 })),
});

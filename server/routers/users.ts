import { z } from "zod";
import { listAudit } from "@/db/queries/audit";
import { listUsers } from "@/db/queries/users";
import { adminProcedure, createTRPCRouter, staffProcedure } from "@/server/trpc";
import { newUserInput, roleInput } from "@/server/users/input";
import { changeUserRole, createUser, setUserDisabled } from "@/server/users/service";

const userId = z.uuid({ error: "Unknown user id" });

export const usersRouter = createTRPCRouter({
  getMe: staffProcedure.query(({ ctx }) => ctx.user),

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

  listAudit: adminProcedure
    .input(z.object({ limit: z.number().int().min(1).max(500).default(100) }).optional())
    .query(({ ctx, input }) => listAudit(ctx.db, { limit: input?.limit ?? 100 })),
});

import { z } from "zod";
import { createApiKey, listKeys, revokeKey } from "@/server/openai/api-keys";
import { adminProcedure, createTRPCRouter } from "@/server/trpc";

/** Keys for the OpenAI-compatible API (admins only). */
export const apiKeysRouter = createTRPCRouter({
  list: adminProcedure.query(({ ctx }) => listKeys(ctx.db)),

  create: adminProcedure
    .input(z.object({ name: z.string().max(1000) }))
    .mutation(({ ctx, input }) => createApiKey(ctx.db, ctx.user.id, input)),

  revoke: adminProcedure.input(z.object({ id: z.uuid() })).mutation(async ({ ctx, input }) => {
    await revokeKey(ctx.db, ctx.user.id, input.id);
    return { ok: true as const };
  }),
});

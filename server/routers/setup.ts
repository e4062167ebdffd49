import { countUsers } from "@/db/queries/users";
import { createTRPCRouter, publicProcedure } from "@/server/trpc";
import { firstAdminInput } from "@/server/users/input";
import { createFirstAdmin } from "@/server/users/service";

export const setupRouter = createTRPCRouter({
  getStatus: publicProcedure.query(async ({ ctx }) => ({ needsSetup: (await countUsers(ctx.db)) === 0 })),

  createFirstAdmin: publicProcedure.input(firstAdminInput).mutation(async ({ ctx, input }) => {
    const user = await createFirstAdmin(ctx.db, input);
    return { id: user.id, email: user.email };
  }),
});

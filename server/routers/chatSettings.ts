import { chatSettingsInput, getChatSettings, saveChatSettings } from "@/server/chat/settings";
import { adminProcedure, createTRPCRouter } from "@/server/trpc";

/** How the customer chat and widget look and hand over to people (admins only). */
export const chatSettingsRouter = createTRPCRouter({
  get: adminProcedure.query(({ ctx }) => getChatSettings(ctx.db)),
  update: adminProcedure
    .input(chatSettingsInput)
    .mutation(({ ctx, input }) => saveChatSettings(ctx.db, ctx.user.id, input)),
});

import { assistantTextsInput, getAssistantTexts, saveAssistantTexts } from "@/server/assistant/texts";
import { adminProcedure, createTRPCRouter } from "@/server/trpc";

/** What the bot says when it declines (admins only). */
export const assistantSettingsRouter = createTRPCRouter({
  get: adminProcedure.query(({ ctx }) => getAssistantTexts(ctx.db)),
  update: adminProcedure
    .input(assistantTextsInput)
    .mutation(({ ctx, input }) => saveAssistantTexts(ctx.db, ctx.user.id, input)),
});

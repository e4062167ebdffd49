import { z } from "zod";
import { listCustomerConversations, markCustomerSeen } from "@/db/queries/conversations";
import { feedbackRatings, feedbackReasons } from "@/db/schema";
import { escalateConversation, getCustomerConversation, rateAnswer } from "@/server/chat/service";
import { escalationNotice, getChatSettings } from "@/server/chat/settings";
import { createTRPCRouter, customerProcedure } from "@/server/trpc";

/** What chat customers may do besides sending messages (that streams through /api/chat/messages). */
export const chatRouter = createTRPCRouter({
  /** The customer's own conversations, with unread team replies (the chat's history list). */
  listConversations: customerProcedure.query(({ ctx }) => listCustomerConversations(ctx.db, ctx.customer.id)),

  /** The customer has the conversation in front of them: its team replies are read. */
  markConversationSeen: customerProcedure
    .input(z.object({ conversationId: z.uuid() }))
    .mutation(async ({ ctx, input }) => {
      await markCustomerSeen(ctx.db, input.conversationId, ctx.customer.id);
      return { ok: true as const };
    }),

  getConversation: customerProcedure
    .input(z.object({ conversationId: z.uuid().nullish() }).optional())
    .query(({ ctx, input }) => getCustomerConversation(ctx.db, ctx.customer.id, input?.conversationId)),

  rateAnswer: customerProcedure
    .input(
      z.object({
        messageId: z.uuid(),
        rating: z.enum(feedbackRatings),
        reason: z.enum(feedbackReasons, { error: "Pick a reason from the list." }).nullish(),
        correction: z.string().max(20_000, "That correction is far too long.").nullish(),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      await rateAnswer(ctx.db, ctx.customer.id, input);
      return { ok: true as const };
    }),

  escalate: customerProcedure
    .input(
      z.object({
        conversationId: z.uuid(),
        contact: z.string().max(200, "Keep your contact details under 200 characters.").nullish(),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      await escalateConversation(ctx.db, ctx.customer.id, input);
      // Inside opening hours the team will look soon; outside them the customer is told so.
      return { ok: true as const, notice: escalationNotice(await getChatSettings(ctx.db)) };
    }),
});

import { z } from "zod";
import { listConversations } from "@/db/queries/conversations";
import { createFeedbackDraft } from "@/db/queries/knowledge";
import { listUnansweredQuestions } from "@/db/queries/unanswered";
import { conversationStatuses } from "@/db/schema";
import { getConversationForStaff, setConversationResolved } from "@/server/chat/review";
import { replyAsStaff } from "@/server/chat/service";
import { createTRPCRouter, staffProcedure } from "@/server/trpc";

const filter = z.object({
  ratedDown: z.boolean().optional(),
  escalated: z.boolean().optional(),
  unresolved: z.boolean().optional(),
  from: z.date().optional(),
  to: z.date().optional(),
  q: z.string().max(200, "Search for at most 200 characters.").optional(),
});

/** The staff inbox of customer conversations. */
export const conversationsRouter = createTRPCRouter({
  list: staffProcedure
    .input(
      z
        .object({
          filter: filter.default({}),
          cursor: z.string().max(200).optional(),
          limit: z.number().int().min(1).max(100).default(30),
        })
        .default({ filter: {}, limit: 30 }),
    )
    .query(({ ctx, input }) => listConversations(ctx.db, input)),

  get: staffProcedure
    .input(z.object({ id: z.uuid() }))
    .query(({ ctx, input }) => getConversationForStaff(ctx.db, input.id)),

  setStatus: staffProcedure
    .input(z.object({ id: z.uuid(), status: z.enum(conversationStatuses) }))
    .mutation(async ({ ctx, input }) => {
      await setConversationResolved(ctx.db, ctx.user.id, input);
      return { ok: true as const };
    }),

  /** Questions the bot declined or asked about, grouped, for staff to turn into knowledge. */
  listUnanswered: staffProcedure
    .input(z.object({ limit: z.number().int().min(1).max(200).default(50) }).default({ limit: 50 }))
    .query(({ ctx, input }) => listUnansweredQuestions(ctx.db, input)),

  /** One click from an unanswered question to a draft pair (the answer is written in Knowledge). */
  draftFromUnanswered: staffProcedure
    .input(
      z.object({
        question: z.string().trim().min(1, "The question is empty.").max(2000, "That question is too long."),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const pair = await createFeedbackDraft(ctx.db, { question: input.question }, ctx.user.id);
      return { id: pair.id };
    }),

  reply: staffProcedure
    .input(z.object({ id: z.uuid(), content: z.string().max(20_000, "That reply is far too long.") }))
    .mutation(async ({ ctx, input }) => {
      const { message, notice } = await replyAsStaff(ctx.db, ctx.user.id, {
        conversationId: input.id,
        content: input.content,
      });
      return { id: message.id, notice };
    }),
});

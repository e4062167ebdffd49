import { z } from "zod";
import { reviewItemKinds } from "@/db/schema";
import {
  applyItemToPair,
  applyManyToPair,
  createDraftPairFromItem,
  dismissItem,
  dismissMany,
  listReviewQueue,
  suggestPairs,
} from "@/server/chat/review";
import { createTRPCRouter, staffProcedure } from "@/server/trpc";

/** Items chosen for a bulk action. */
const reviewItemIds = z
  .array(z.uuid())
  .min(1, "Select the items first.")
  .max(200, "At most 200 items at once")
  .refine((ids) => new Set(ids).size === ids.length, "Each item once");

/** Negative ratings, corrections and escalations waiting for staff. */
export const reviewQueueRouter = createTRPCRouter({
  list: staffProcedure
    .input(
      z
        .object({
          kinds: z.array(z.enum(reviewItemKinds)).optional(),
          search: z.string().max(200, "Search for at most 200 characters").optional(),
          limit: z.number().int().min(1).max(200).default(50),
          offset: z.number().int().min(0).default(0),
        })
        .default({ limit: 50, offset: 0 }),
    )
    .query(({ ctx, input }) => listReviewQueue(ctx.db, input)),

  createDraftPair: staffProcedure
    .input(z.object({ itemId: z.uuid(), question: z.string().max(20_000), answer: z.string().max(20_000) }))
    .mutation(({ ctx, input }) => createDraftPairFromItem(ctx.db, ctx.user.id, input)),

  applyToPair: staffProcedure
    .input(
      z.object({
        itemId: z.uuid(),
        pairId: z.uuid({ error: "Choose the pair to change." }),
        mode: z.enum(["variant", "answer"]),
        text: z.string().max(20_000),
      }),
    )
    .mutation(({ ctx, input }) => applyItemToPair(ctx.db, ctx.user.id, input)),

  dismiss: staffProcedure.input(z.object({ itemId: z.uuid() })).mutation(async ({ ctx, input }) => {
    await dismissItem(ctx.db, ctx.user.id, input.itemId);
    return { ok: true as const };
  }),

  suggestPairs: staffProcedure
    .input(z.object({ text: z.string().max(2000), correction: z.string().max(8000).optional() }))
    .query(({ ctx, input }) => suggestPairs(ctx.db, input)),

  applyManyToPair: staffProcedure
    .input(
      z.object({
        itemIds: reviewItemIds,
        pairId: z.uuid({ error: "Choose the pair to change." }),
      }),
    )
    .mutation(({ ctx, input }) => applyManyToPair(ctx.db, ctx.user.id, input)),

  dismissMany: staffProcedure
    .input(
      z.object({
        itemIds: reviewItemIds,
      }),
    )
    .mutation(({ ctx, input }) => dismissMany(ctx.db, ctx.user.id, input.itemIds)),
});

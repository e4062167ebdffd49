import { z } from "zod";
import {
  addTagToPairs,
  countPairsByStatus,
  listProducts,
  listTags,
  removeTagFromPairs,
} from "@/db/queries/knowledge";
import { getHealthReport } from "@/db/queries/knowledge-health";
import { countPairs, findSimilarQuestions, listPairs, pairSorts } from "@/db/queries/knowledge-search";
import { pairFilterInput } from "@/server/knowledge/filter-input";
import { getPairForEditor } from "@/server/knowledge/read";
import {
  approvePairs,
  createManualPair,
  editPair,
  getPairHistory,
  restorePairVersion,
  setStatus,
} from "@/server/knowledge/service";
import { createTRPCRouter, staffProcedure } from "@/server/trpc";

const pairId = z.uuid({ error: "Unknown knowledge pair id" });
const pairIds = z
  .array(pairId)
  .min(1, "Select at least one pair")
  .max(1000, "Select at most 1,000 pairs at a time");
const contextMessage = z.object({ role: z.string(), content: z.string() });
const pairContent = z.object({
  question: z.string(),
  answer: z.string(),
  variants: z.array(z.string()).default([]),
  context: z.array(contextMessage).default([]),
  product: z.string().nullable().default(null),
  tags: z.array(z.string()).default([]),
});
const tag = z.string().trim().min(1, "Tag is empty").max(40, "Tags are limited to 40 characters");

export const knowledgeRouter = createTRPCRouter({
  list: staffProcedure
    .input(
      z.object({
        filter: pairFilterInput.default({}),
        sort: z.enum(pairSorts).default("updated_desc"),
        cursor: z.string().max(1000).optional(),
        limit: z.number().int().min(1).max(200).default(50),
      }),
    )
    .query(({ ctx, input }) => listPairs(ctx.db, input)),

  count: staffProcedure
    .input(z.object({ filter: pairFilterInput.default({}) }))
    .query(({ ctx, input }) => countPairs(ctx.db, input.filter)),

  getStats: staffProcedure.query(async ({ ctx }) => ({
    counts: await countPairsByStatus(ctx.db),
    products: await listProducts(ctx.db),
    tags: await listTags(ctx.db),
  })),

  get: staffProcedure
    .input(z.object({ id: pairId }))
    .query(({ ctx, input }) => getPairForEditor(ctx.db, input.id)),

  create: staffProcedure
    .input(pairContent)
    .mutation(({ ctx, input }) => createManualPair(ctx.db, input, ctx.user.id)),

  update: staffProcedure
    .input(pairContent.extend({ id: pairId, expectedVersion: z.number().int().min(1) }))
    .mutation(({ ctx, input }) => editPair(ctx.db, input.id, input, ctx.user.id)),

  findSimilar: staffProcedure
    .input(z.object({ question: z.string().max(2000), excludeId: pairId.optional() }))
    .query(({ ctx, input }) => findSimilarQuestions(ctx.db, input.question, { excludeId: input.excludeId })),

  approve: staffProcedure
    .input(
      z.object({
        ids: pairIds,
        decision: z.enum(["ask", "approve_anyway", "archive_others"]).default("ask"),
      }),
    )
    .mutation(({ ctx, input }) => approvePairs(ctx.db, input.ids, input.decision, ctx.user.id)),

  setStatus: staffProcedure
    .input(z.object({ ids: pairIds, status: z.enum(["draft", "archived"]) }))
    .mutation(async ({ ctx, input }) => ({
      changed: await setStatus(ctx.db, input.ids, input.status, ctx.user.id),
    })),

  addTag: staffProcedure.input(z.object({ ids: pairIds, tag })).mutation(async ({ ctx, input }) => ({
    changed: await addTagToPairs(ctx.db, input.ids, input.tag, ctx.user.id),
  })),

  removeTag: staffProcedure.input(z.object({ ids: pairIds, tag })).mutation(async ({ ctx, input }) => ({
    changed: await removeTagFromPairs(ctx.db, input.ids, input.tag, ctx.user.id),
  })),

  getHistory: staffProcedure
    .input(z.object({ id: pairId }))
    .query(({ ctx, input }) => getPairHistory(ctx.db, input.id)),

  restoreVersion: staffProcedure
    .input(z.object({ id: pairId, version: z.number().int().min(1) }))
    .mutation(({ ctx, input }) => restorePairVersion(ctx.db, input.id, input.version, ctx.user.id)),

  getHealth: staffProcedure.query(({ ctx }) => getHealthReport(ctx.db)),
});

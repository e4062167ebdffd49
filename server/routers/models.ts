import { z } from "zod";
import { findModelById, findProductionModel, listModels } from "@/db/queries/models";
import { env } from "@/server/env";
import { reloadServingModel, type ServingStatus, servingEngineOptions } from "@/server/serving";
import { compareAnswers } from "@/server/training/compare";
import { gateVerdict, promoteModel, rollBackTo } from "@/server/training/promotion";
import { adminProcedure, createTRPCRouter, staffProcedure } from "@/server/trpc";
import { UserFacingError } from "@/server/users/errors";

const id = z.uuid({ error: "Unknown model id" });

/** Why serving could not load the model just put in production, for the admin who did it. */
const servingError = (status: ServingStatus) => (status.state === "failed" ? status.error : null);

export const modelsRouter = createTRPCRouter({
  list: staffProcedure.query(({ ctx }) => listModels(ctx.db)),

  get: staffProcedure.input(z.object({ id })).query(async ({ ctx, input }) => {
    const model = await findModelById(ctx.db, input.id);
    if (!model) throw new UserFacingError("That model does not exist", "not_found");
    const production = await findProductionModel(ctx.db);
    // The precision this web process serves the model at (TUNEDESK_SERVE_PRECISION, fp32 when the bundle lacks it).
    const servedAt = servingEngineOptions(model.bundlePath, env()).precision ?? "fp32";
    return { model, servedAt, gate: model.status === "candidate" ? gateVerdict(model, production) : null };
  }),

  promote: adminProcedure
    .input(
      z.object({
        id,
        overrideReason: z.string().max(1000, "Keep the reason under 1000 characters").optional(),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const model = await promoteModel(ctx.db, {
        modelId: input.id,
        actorId: ctx.user.id,
        overrideReason: input.overrideReason,
      });
      return { ...model, servingError: servingError(await reloadServingModel(ctx.db)) };
    }),

  rollBack: adminProcedure.input(z.object({ id })).mutation(async ({ ctx, input }) => {
    const model = await rollBackTo(ctx.db, { modelId: input.id, actorId: ctx.user.id });
    return { ...model, servingError: servingError(await reloadServingModel(ctx.db)) };
  }),

  compareAnswers: adminProcedure
    .input(
      z.object({
        question: z
          .string()
          .trim()
          .min(1, "Type a question")
          .max(2000, "Keep the question under 2000 characters"),
        modelIds: z.array(id).min(1, "Pick at least one model").max(3, "Compare at most three models"),
      }),
    )
    .mutation(({ ctx, input }) => compareAnswers(ctx.db, input.question, input.modelIds)),
});

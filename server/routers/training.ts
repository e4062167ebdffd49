import { z } from "zod";
import { countApprovedPhrasings } from "@/db/queries/knowledge";
import { getRun, getSnapshot, listMetrics, listRuns } from "@/db/queries/training";
import { env } from "@/server/env";
import { getBase, listBases, registerLocalBase } from "@/server/training/bases";
import { startHubDownload } from "@/server/training/hub-download";
import { trainingPaths } from "@/server/training/paths";
import { cancelRun, previewRun, startRun } from "@/server/training/runs";
import { defaultTrainingSettings, trainingSettingsInput } from "@/server/training/settings";
import { getTrainingWorker } from "@/server/training/worker-registry";
import { adminProcedure, createTRPCRouter, staffProcedure } from "@/server/trpc";
import { UserFacingError } from "@/server/users/errors";

const id = z.uuid({ error: "Unknown id" });

export const trainingRouter = createTRPCRouter({
  listBases: adminProcedure.query(({ ctx }) => listBases(ctx.db, trainingPaths().dataDir)),

  registerBase: adminProcedure
    .input(
      z.object({
        name: z.string().trim().min(1, "Give the base model a name").max(120, "Name is too long"),
        path: z.string().trim().min(1, "Give the model directory's path").max(1000, "Path is too long"),
      }),
    )
    .mutation(({ ctx, input }) => registerLocalBase(ctx.db, input)),

  downloadBase: adminProcedure
    .input(z.object({ hubId: z.string().trim().min(1, "Give a hub model id like org/name").max(200) }))
    .mutation(async ({ ctx, input }) => {
      const { TUNEDESK_HUB_URL, HF_TOKEN } = env();
      const { base } = await startHubDownload(ctx.db, {
        hubId: input.hubId,
        dataDir: trainingPaths().dataDir,
        options: { endpoint: TUNEDESK_HUB_URL, token: HF_TOKEN },
      });
      return base;
    }),

  getDefaultSettings: adminProcedure.input(z.object({ baseModelId: id })).query(async ({ ctx, input }) => {
    const base = await getBase(ctx.db, input.baseModelId);
    const summary = base.summary as { parameters?: number; maxPositions?: number };
    return defaultTrainingSettings({ kind: base.kind, ...summary }, await countApprovedPhrasings(ctx.db));
  }),

  previewRun: adminProcedure
    .input(z.object({ baseModelId: id, settings: trainingSettingsInput }))
    .query(({ ctx, input }) => previewRun(ctx.db, input.baseModelId, input.settings)),

  startRun: adminProcedure
    .input(z.object({ baseModelId: id, settings: trainingSettingsInput }))
    .mutation(async ({ ctx, input }) => {
      const run = await startRun(ctx.db, { ...input, actorId: ctx.user.id });
      getTrainingWorker()?.poke();
      return run;
    }),

  cancelRun: adminProcedure.input(z.object({ id })).mutation(({ ctx, input }) => cancelRun(ctx.db, input.id)),

  listRuns: staffProcedure
    .input(z.object({ limit: z.number().int().min(1).max(200).default(50) }).optional())
    .query(({ ctx, input }) => listRuns(ctx.db, input?.limit ?? 50)),

  getRun: staffProcedure.input(z.object({ id })).query(async ({ ctx, input }) => {
    const run = await getRun(ctx.db, input.id);
    if (!run) throw new UserFacingError("That training run does not exist", "not_found");
    const [base, snapshot] = await Promise.all([
      getBase(ctx.db, run.baseModelId),
      getSnapshot(ctx.db, run.snapshotId),
    ]);
    return { run, base, snapshot };
  }),

  listRunMetrics: staffProcedure
    .input(z.object({ runId: id, afterId: z.number().int().min(0).default(0) }))
    .query(({ ctx, input }) => listMetrics(ctx.db, input.runId, input.afterId)),
});

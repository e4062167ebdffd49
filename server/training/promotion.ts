import { eq, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { writeAudit } from "@/db/queries/audit";
import { findModelById, findProductionModel } from "@/db/queries/models";
import { type Model, modelPromotions, models } from "@/db/schema";
import { UserFacingError } from "@/server/users/errors";
import type { EvaluationReport } from "./evaluation";

/** The held-out score the promotion gate compares: token F1 of the answers. */
export function heldOutScore(report: EvaluationReport | null | undefined, label: string): number | undefined {
  return report?.models.find((m) => m.label === label)?.scores.tokenF1;
}

/**
 * Whether the candidate scored worse than the model in production. Prefers the comparison made in
 * the candidate's own evaluation (same questions); falls back to each model's own score.
 */
export function gateVerdict(
  candidate: Model,
  production: Model | undefined,
): { worse: boolean; candidate?: number; production?: number } {
  if (!production) return { worse: false };
  const report = candidate.evaluation as EvaluationReport | null;
  const sameRun = report?.models.find((m) => m.label === "production" && m.modelId === production.id);
  const candidateScore = heldOutScore(report, "candidate");
  const productionScore =
    sameRun?.scores.tokenF1 ?? heldOutScore(production.evaluation as EvaluationReport | null, "candidate");
  if (candidateScore === undefined || productionScore === undefined) return { worse: false };
  return { worse: candidateScore < productionScore, candidate: candidateScore, production: productionScore };
}

async function switchProduction(
  db: Db,
  target: Model,
  params: { actorId: string; kind: "promote" | "rollback"; overrideReason?: string },
): Promise<Model> {
  return db.transaction(async (tx) => {
    const current = await findProductionModel(tx);
    if (current?.id === target.id)
      throw new UserFacingError("This model is already in production", "conflict");
    if (current) await tx.update(models).set({ status: "retired" }).where(eq(models.id, current.id));
    const [promoted] = await tx
      .update(models)
      .set({ status: "production", promotedAt: sql`now()` })
      .where(eq(models.id, target.id))
      .returning();
    await tx.insert(modelPromotions).values({
      modelId: target.id,
      previousModelId: current?.id ?? null,
      actorId: params.actorId,
      kind: params.kind,
      overrideReason: params.overrideReason ?? null,
    });
    await writeAudit(tx, {
      actorId: params.actorId,
      action: params.kind === "promote" ? "model.promoted" : "model.rolled_back",
      targetType: "model",
      targetId: target.id,
      details: { previousModelId: current?.id ?? null, overrideReason: params.overrideReason ?? null },
    });
    return promoted!;
  });
}

/** Puts a candidate in production; one that scored worse than production needs a stated reason. */
export async function promoteModel(
  db: Db,
  params: { modelId: string; actorId: string; overrideReason?: string },
) {
  const candidate = await findModelById(db, params.modelId);
  if (!candidate) throw new UserFacingError("That model does not exist", "not_found");
  if (candidate.status !== "candidate") {
    throw new UserFacingError(
      `Only candidates can be promoted; use roll back for a ${candidate.status} model`,
      "conflict",
    );
  }
  const verdict = gateVerdict(candidate, await findProductionModel(db));
  const reason = params.overrideReason?.trim();
  if (verdict.worse && !reason) {
    throw new UserFacingError(
      `This candidate answers held-out questions worse than production (token F1 ${verdict.candidate?.toFixed(3)} vs ${verdict.production?.toFixed(3)}). Give a reason to promote it anyway.`,
      "conflict",
    );
  }
  return switchProduction(db, candidate, {
    actorId: params.actorId,
    kind: "promote",
    overrideReason: verdict.worse ? reason : undefined,
  });
}

/** Returns an earlier model to production. */
export async function rollBackTo(db: Db, params: { modelId: string; actorId: string }) {
  const target = await findModelById(db, params.modelId);
  if (!target) throw new UserFacingError("That model does not exist", "not_found");
  if (target.status !== "retired") {
    throw new UserFacingError("Roll back to a model that was in production before", "conflict");
  }
  return switchProduction(db, target, { actorId: params.actorId, kind: "rollback" });
}

import { eq, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { writeAudit } from "@/db/queries/audit";
import { findModelById, findProductionModel } from "@/db/queries/models";
import { type Model, modelPromotions, models } from "@/db/schema";
import { UserFacingError } from "@/server/users/errors";
import type { EvalQuestion, EvaluationReport, ModelEvaluation } from "./evaluation";

/** Right answers to held-out rewordings below which promoting needs a stated reason. */
export const RIGHT_ANSWER_FLOOR = 0.6;
/** Fewer held-out questions than this say too little to hold a model to the floor. */
const MIN_QUESTIONS_FOR_FLOOR = 10;

export type GateMetric = "right answers" | "token F1";

/**
 * The held-out score the promotion gate compares: the share of right answers to held-out
 * rewordings (what customers get), or token F1 for reports from before that was measured.
 */
export function heldOutScore(
  report: EvaluationReport | null | undefined,
  label: string,
): { metric: GateMetric; value: number; questions: number } | undefined {
  const scores = report?.models.find((m) => m.label === label)?.scores;
  if (!scores) return undefined;
  return scores.rightShare !== undefined
    ? { metric: "right answers", value: scores.rightShare, questions: scores.questions }
    : { metric: "token F1", value: scores.tokenF1, questions: scores.questions };
}

/** Questions production answered wrong and the candidate right (fixed), and the other way (broken). */
export interface AnswerChanges {
  questions: number;
  fixed: number;
  broken: number;
  /** The questions the candidate breaks, with the pair they belong to. */
  brokenQuestions: { question: string; pairId: string }[];
}

/** Fixed and broken questions of one evaluated set, from the same run's per-question results. */
export function answerChanges(
  set: { questions: EvalQuestion[]; models: ModelEvaluation[] } | undefined,
): AnswerChanges | undefined {
  const candidate = set?.models.find((m) => m.label === "candidate")?.right;
  const production = set?.models.find((m) => m.label === "production")?.right;
  if (!set || !candidate || !production) return undefined;
  const changes: AnswerChanges = {
    questions: set.questions.length,
    fixed: 0,
    broken: 0,
    brokenQuestions: [],
  };
  set.questions.forEach((q, i) => {
    if (candidate[i] && !production[i]) changes.fixed++;
    if (!candidate[i] && production[i]) {
      changes.broken++;
      changes.brokenQuestions.push({ question: q.question, pairId: q.pairId });
    }
  });
  return changes;
}

export interface GateVerdict {
  worse: boolean;
  belowFloor: boolean;
  /** It breaks more of the customers' confirmed questions than it fixes. */
  breaksConfirmed: boolean;
  metric?: GateMetric;
  candidate?: number;
  production?: number;
  floor: number;
  /** Against production in this run: held-out phrasings and confirmed customer questions. */
  heldOutChanges?: AnswerChanges;
  regressionChanges?: AnswerChanges;
}

/**
 * Whether the candidate needs a stated reason to be promoted: it answers held-out rewordings worse
 * than production (compared in the candidate's own evaluation, same questions, when it has one),
 * or below the floor. Prefers the same-run comparison; falls back to each model's own score.
 */
export function gateVerdict(candidate: Model, production: Model | undefined): GateVerdict {
  const report = candidate.evaluation as EvaluationReport | null;
  const own = heldOutScore(report, "candidate");
  const belowFloor =
    own?.metric === "right answers" &&
    own.questions >= MIN_QUESTIONS_FOR_FLOOR &&
    own.value < RIGHT_ANSWER_FLOOR;
  const sameRun = report?.models.some((m) => m.label === "production" && m.modelId === production?.id);
  const regressionChanges = sameRun ? answerChanges(report?.regression) : undefined;
  const base = {
    belowFloor,
    breaksConfirmed: !!regressionChanges && regressionChanges.broken > regressionChanges.fixed,
    floor: RIGHT_ANSWER_FLOOR,
    metric: own?.metric,
    candidate: own?.value,
    heldOutChanges:
      sameRun && report ? answerChanges({ questions: report.questions, models: report.models }) : undefined,
    regressionChanges,
  };
  if (!production || !own) return { ...base, worse: false };
  const theirs = sameRun
    ? heldOutScore(report, "production")
    : heldOutScore(production.evaluation as EvaluationReport | null, "candidate");
  if (!theirs || theirs.metric !== own.metric) return { ...base, worse: false };
  return { ...base, worse: own.value < theirs.value, production: theirs.value };
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

/** Why the gate wants a reason, in the admin's terms. */
export function gateObjection(verdict: GateVerdict): string {
  const show = (v: number | undefined) =>
    v === undefined ? "?" : verdict.metric === "right answers" ? `${(v * 100).toFixed(0)}%` : v.toFixed(3);
  if (verdict.worse)
    return `This candidate answers held-out questions worse than production (${verdict.metric} ${show(verdict.candidate)} vs ${show(verdict.production)}).`;
  if (verdict.breaksConfirmed) {
    const c = verdict.regressionChanges!;
    return `This candidate breaks ${c.broken} of ${c.questions} customer questions staff confirmed and fixes ${c.fixed}.`;
  }
  return `This candidate answers only ${show(verdict.candidate)} of held-out rewordings right, below the floor of ${show(verdict.floor)}.`;
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
  const needsReason = verdict.worse || verdict.belowFloor || verdict.breaksConfirmed;
  if (needsReason && !reason)
    throw new UserFacingError(`${gateObjection(verdict)} Give a reason to promote it anyway.`, "conflict");
  return switchProduction(db, candidate, {
    actorId: params.actorId,
    kind: "promote",
    overrideReason: needsReason ? reason : undefined,
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

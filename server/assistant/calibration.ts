/**
 * Calibrates a retriever's grounding decision on held-out phrasings of known pairs and measures what
 * that costs on off-topic questions. The answer threshold keeps at most IN_SCOPE_DECLINE_TARGET of
 * the phrasings retrieval gets right declined: declining one it gets wrong is no loss (a wrong
 * answer would have been worse), and counting those would pull the threshold down and let
 * off-topic questions through. Too few held-out phrasings keep the defaults, measured all the same.
 */
import jstat from "jstat";
import type { Db } from "@/db/client";
import { type Calibration, DEFAULT_CALIBRATION, decide, decisionScore } from "./decision";
import type { RankedPair, Retriever } from "./retriever/retriever";

export const IN_SCOPE_DECLINE_TARGET = 0.05;
export const MIN_CALIBRATION_PHRASINGS = 20;
/** Share of the threshold's off-topic messages the answer threshold must decline, at least. */
export const OFF_TOPIC_DECLINE_FLOOR = 0.9;

export interface CalibrationProbe {
  question: string;
  pairId: string;
}

/**
 * The Harrell–Davis estimate of the q-quantile of ascending scores: a Beta-weighted mean of every
 * order statistic. A knowledge base holds out a few dozen phrasings, and its 5% quantile as one
 * order statistic jumps between neighbours that lie far apart (0.09 or 0.22 from one round of
 * corrections to the next in bench:feedback), declining questions that were answered right.
 */
export function harrellDavisQuantile(sorted: number[], q: number): number {
  const n = sorted.length;
  if (n === 0) return 0;
  const a = q * (n + 1);
  const b = (1 - q) * (n + 1);
  let estimate = 0;
  let below = 0;
  for (let i = 1; i <= n; i++) {
    const upTo = jstat.jStat.ibeta(i / n, a, b);
    estimate += (upTo - below) * sorted[i - 1]!;
    below = upTo;
  }
  return estimate;
}

export async function calibrate(
  db: Db,
  retriever: Retriever,
  inScope: CalibrationProbe[],
  offTopic: { threshold: string[]; measuring: string[] },
): Promise<Calibration> {
  // Held-out phrasings are approved variants too: they must not match themselves.
  const excludeTexts = new Set(inScope.map((p) => p.question.trim()));
  const inScopeTop: { probe: CalibrationProbe; ranked: RankedPair[]; offTopicScore: number }[] = [];
  for (const probe of inScope) {
    const { ranked, offTopicScore } = await retriever.rank(db, probe.question, { excludeTexts });
    inScopeTop.push({ probe, ranked, offTopicScore });
  }
  const rankAll = async (questions: string[]) => {
    const out = [];
    for (const q of questions) out.push(await retriever.rank(db, q));
    return out;
  };
  const thresholdRanked = await rankAll(offTopic.threshold);
  const offTopicRanked = await rankAll(offTopic.measuring);

  const defaults = DEFAULT_CALIBRATION[retriever.mode];
  const enough = inScope.length >= MIN_CALIBRATION_PHRASINGS;
  const retrievedRight = inScopeTop.filter((r) => r.ranked[0]?.id === r.probe.pairId);
  const basis = retrievedRight.length >= MIN_CALIBRATION_PHRASINGS ? retrievedRight : inScopeTop;
  const scores = basis
    .map((r) => decisionScore(r.ranked[0]?.score ?? 0, r.offTopicScore, defaults))
    .sort((a, b) => a - b);
  const fromPhrasings = enough ? harrellDavisQuantile(scores, IN_SCOPE_DECLINE_TARGET) : defaults.answerAt;
  const offTopicScores = thresholdRanked
    .map((r) => decisionScore(r.ranked[0]?.score ?? 0, r.offTopicScore, defaults))
    .sort((a, b) => a - b);
  // Just above the highest score of the share to decline, so ties at it are declined too.
  const floor = offTopicScores.length
    ? offTopicScores[Math.max(0, Math.ceil(OFF_TOPIC_DECLINE_FLOOR * offTopicScores.length) - 1)]! + 1e-9
    : -Infinity;
  const answerAt = Math.max(fromPhrasings, floor);
  const notes = [
    enough
      ? undefined
      : `${inScope.length} held-out phrasings (calibration needs ${MIN_CALIBRATION_PHRASINGS}): default threshold`,
    floor > fromPhrasings
      ? `threshold raised from ${fromPhrasings.toFixed(3)} to decline ${OFF_TOPIC_DECLINE_FLOOR * 100}% of the off-topic messages set aside for it`
      : undefined,
  ].filter(Boolean);
  const calibration: Calibration = {
    answerAt,
    offTopicWeight: defaults.offTopicWeight,
    clarifyMargin: defaults.clarifyMargin,
    source: enough ? "calibrated" : "default",
    offTopicFloor: Number.isFinite(floor) ? floor : undefined,
    note: notes.length ? notes.join("; ") : undefined,
  };
  const inScopeDecisions = inScopeTop.map((r) => ({
    probe: r.probe,
    decision: decide(r.ranked, calibration, r.offTopicScore),
  }));
  const share = (n: number, of: number) => (of ? n / of : 0);
  calibration.measured = {
    inScopeQuestions: inScope.length,
    offTopicQuestions: offTopic.measuring.length,
    inScopeAnswered: share(
      inScopeDecisions.filter((d) => d.decision.kind === "answer").length,
      inScope.length,
    ),
    inScopeDeclined: share(
      inScopeDecisions.filter((d) => d.decision.kind === "decline").length,
      inScope.length,
    ),
    inScopeRight: share(
      inScopeDecisions.filter((d) => d.decision.kind === "answer" && d.decision.pair.id === d.probe.pairId)
        .length,
      inScope.length,
    ),
    retrievedRightDeclined: share(
      inScopeDecisions.filter(
        (d, i) => d.decision.kind === "decline" && inScopeTop[i]!.ranked[0]?.id === d.probe.pairId,
      ).length,
      retrievedRight.length,
    ),
    offTopicDeclined: share(
      offTopicRanked.filter((r) => decide(r.ranked, calibration, r.offTopicScore).kind === "decline").length,
      offTopic.measuring.length,
    ),
  };
  return calibration;
}

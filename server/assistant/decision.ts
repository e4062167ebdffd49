/**
 * The grounding decision on every question: answer from the best pair, ask which of two close
 * pairs is meant, or decline and offer a person. Thresholds come from the run's calibration
 * (held-out phrasings against off-topic questions); defaults serve bundles that have none.
 */
import fs from "node:fs";
import path from "node:path";
import { z } from "zod";
import type { RankedPair } from "./retriever/retriever";

export const calibrationSchema = z.object({
  /** Decision score (best pair's score less offTopicWeight x its off-topic score) needed to answer. */
  answerAt: z.number(),
  /** How much looking like a known off-topic message counts against the best pair. */
  offTopicWeight: z.number().min(0).default(0),
  /** Two different pairs closer than this (both above answerAt) make the bot ask which is meant. */
  clarifyMargin: z.number().min(0),
  source: z.enum(["default", "calibrated"]),
  /** Just above the decision scores of nine tenths of the threshold's off-topic messages: the lowest answerAt calibration may choose. */
  offTopicFloor: z.number().optional(),
  /** What calibration measured on held-out phrasings and off-topic questions at these thresholds. */
  measured: z
    .object({
      inScopeQuestions: z.number(),
      offTopicQuestions: z.number(),
      inScopeAnswered: z.number(),
      inScopeDeclined: z.number(),
      inScopeRight: z.number(),
      /** Of the phrasings retrieval ranks right, the share declined: what the threshold holds at 5%. */
      retrievedRightDeclined: z.number().optional(),
      offTopicDeclined: z.number(),
    })
    .optional(),
  note: z.string().optional(),
});
export type Calibration = z.infer<typeof calibrationSchema>;

/** Measured on bench:answers' data sets (banking77, clinc150, ecommerce-faq) with tuned retrievers. */
export const DEFAULT_CALIBRATION: Record<"hybrid" | "lexical", Calibration> = {
  hybrid: { answerAt: 0.1, offTopicWeight: 0.5, clarifyMargin: 0.01, source: "default" },
  lexical: { answerAt: 0.15, offTopicWeight: 0.5, clarifyMargin: 0.01, source: "default" },
};

export const CALIBRATION_FILE = "calibration.json";

export function readCalibration(retrieverDir: string): Calibration | null {
  const file = path.join(retrieverDir, CALIBRATION_FILE);
  if (!fs.existsSync(file)) return null;
  const parsed = calibrationSchema.safeParse(JSON.parse(fs.readFileSync(file, "utf8")));
  return parsed.success ? parsed.data : null;
}

export type Decision =
  | { kind: "answer"; pair: RankedPair; score: number }
  | { kind: "clarify"; pairs: [RankedPair, RankedPair]; score: number }
  | { kind: "decline"; reason: "no_match" | "unsafe" | "empty"; score: number };

/** The best pair's score less what the message has of a known off-topic message. */
export function decisionScore(best: number, offTopicScore: number, calibration: Calibration): number {
  return best - calibration.offTopicWeight * offTopicScore;
}

export function decide(ranked: RankedPair[], calibration: Calibration, offTopicScore = 0): Decision {
  const [first] = ranked;
  if (!first) return { kind: "decline", reason: "no_match", score: 0 };
  const score = decisionScore(first.score, offTopicScore, calibration);
  if (score < calibration.answerAt) return { kind: "decline", reason: "no_match", score };
  const rival = ranked.find((r) => r.answer.trim() !== first.answer.trim());
  if (
    rival &&
    decisionScore(rival.score, offTopicScore, calibration) >= calibration.answerAt &&
    first.score - rival.score < calibration.clarifyMargin
  )
    return { kind: "clarify", pairs: [first, rival], score };
  return { kind: "answer", pair: first, score };
}

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
  /** Fused score the best pair needs for an answer; below it the bot declines. */
  answerAt: z.number(),
  /** Two different pairs closer than this (both above answerAt) make the bot ask which is meant. */
  clarifyMargin: z.number().min(0),
  source: z.enum(["default", "calibrated"]),
  /** What calibration measured on held-out phrasings and off-topic questions at these thresholds. */
  measured: z
    .object({
      inScopeQuestions: z.number(),
      offTopicQuestions: z.number(),
      inScopeAnswered: z.number(),
      inScopeDeclined: z.number(),
      inScopeRight: z.number(),
      offTopicDeclined: z.number(),
    })
    .optional(),
  note: z.string().optional(),
});
export type Calibration = z.infer<typeof calibrationSchema>;

/** Measured on bench:answers' data sets (banking77, clinc150, ecommerce-faq) with tuned retrievers. */
export const DEFAULT_CALIBRATION: Record<"hybrid" | "lexical", Calibration> = {
  hybrid: { answerAt: 0.45, clarifyMargin: 0.01, source: "default" },
  lexical: { answerAt: 0.3, clarifyMargin: 0.01, source: "default" },
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

export function decide(ranked: RankedPair[], calibration: Calibration): Decision {
  const [first] = ranked;
  if (!first) return { kind: "decline", reason: "no_match", score: 0 };
  if (first.score < calibration.answerAt) return { kind: "decline", reason: "no_match", score: first.score };
  const rival = ranked.find((r) => r.answer.trim() !== first.answer.trim());
  if (rival && rival.score >= calibration.answerAt && first.score - rival.score < calibration.clarifyMargin)
    return { kind: "clarify", pairs: [first, rival], score: first.score };
  return { kind: "answer", pair: first, score: first.score };
}

import pLimit from "p-limit";
import type { Db } from "@/db/client";
import { answerCustomer } from "@/server/assistant/answer";
import type { Decision } from "@/server/assistant/decision";
import { OFF_TOPIC_FOR_MEASURING } from "@/server/assistant/off-topic";
import { Retriever } from "@/server/assistant/retriever/retriever";
import { InferenceEngine } from "@/server/inference";
import type { ServingPrecision } from "@/server/inference/bundle";
import { servingEngineOptions } from "@/server/serving";
import { repetitionRate, rougeL, tokenF1, wordCount } from "./answer-metrics";

export interface EvalQuestion {
  pairId: string;
  question: string;
  reference: string;
  /** A phrasing kept out of training (and out of retrieval's matches while evaluating). */
  heldOut?: boolean;
}

export interface ModelScores {
  tokenF1: number;
  rougeL: number;
  /** Share of answers that ended with the end-of-turn token rather than the length limit. */
  stoppedShare: number;
  repetition: number;
  meanAnswerWords: number;
  /** Mean time to a whole answer, over questions answered alone (LATENCY_SAMPLES per set). */
  meanLatencyMs: number;
  /** Generated tokens per second of those answers (retrieval and prompt included). Absent in older reports. */
  tokensPerS?: number;
  questions: number;
  /** Answers grounded on the question's own pair that say its answer (token F1 >= RIGHT_F1). */
  rightShare?: number;
  /** The question's own pair ranked first by the bundle's retriever. */
  retrievalAt1?: number;
  /** Questions the bot declined although their pair exists (in-scope wrongly declined). */
  declinedShare?: number;
  /** Answers that name a product other than the one of the pair they are grounded on. */
  mixedProducts?: number;
  /** Answers that repeat themselves (repetition above LOOP_REPETITION). */
  loops?: number;
}

/** What customers get on off-topic and hostile messages. */
export interface OffTopicScores {
  questions: number;
  declinedShare: number;
}

export interface ModelEvaluation {
  label: string;
  modelId: string | null;
  /** The decoder precision the answers came from: the serving setting's. Absent in older reports. */
  precision?: ServingPrecision;
  scores: ModelScores;
  answers: string[];
  /** Per question: the right pair's answer (or, off-topic, the decline). Absent in older reports. */
  right?: boolean[];
}

export interface EvaluationReport {
  /** Held-out questions: knowledge the candidate never trained on (the promotion gate compares these). */
  questions: EvalQuestion[];
  models: ModelEvaluation[];
  /** A sample of trained questions, asked as written: did the model learn its knowledge? */
  trained?: { questions: EvalQuestion[]; models: ModelEvaluation[] };
  /** Off-topic and hostile messages: each model's share declined (scores.declinedShare). */
  offTopic?: { questions: EvalQuestion[]; models: ModelEvaluation[] };
  /**
   * Customers' questions staff confirmed (review queue) with their pair, asked of the candidate and
   * production: the gate counts what the candidate fixes and breaks (promotion.ts).
   */
  regression?: { questions: EvalQuestion[]; models: ModelEvaluation[] };
}

export const MAX_EVAL_QUESTIONS = 40;
export const MAX_TRAINED_QUESTIONS = 20;

/**
 * Held-out questions asked in the customers' words: a paraphrase (variant) of each held-out pair
 * when it has one, since its canonical question is what retrieval indexes.
 */
export function heldOutQuestions(
  pairs: { pairId: string; question: string; variants: string[]; answer: string }[],
): EvalQuestion[] {
  return pairs.slice(0, MAX_EVAL_QUESTIONS).map((p) => ({
    pairId: p.pairId,
    question: p.variants[0] ?? p.question,
    reference: p.answer,
    heldOut: true,
  }));
}

/** Trained pairs asked by their own question, spread over the snapshot. */
export function trainedQuestions(
  pairs: { pairId: string; question: string; answer: string }[],
): EvalQuestion[] {
  const step = Math.max(1, Math.floor(pairs.length / MAX_TRAINED_QUESTIONS));
  return pairs
    .filter((_, i) => i % step === 0)
    .slice(0, MAX_TRAINED_QUESTIONS)
    .map((p) => ({ pairId: p.pairId, question: p.question, reference: p.answer }));
}

export const MAX_OFF_TOPIC_QUESTIONS = 40;

/** Off-topic and hostile messages the run never tuned on (answers are the decline, or wrong). */
export function offTopicQuestions(): EvalQuestion[] {
  return OFF_TOPIC_FOR_MEASURING.slice(0, MAX_OFF_TOPIC_QUESTIONS).map((question) => ({
    pairId: "",
    question,
    reference: "",
  }));
}

/** Most confirmed customer questions a run asks (the newest). */
export const MAX_REGRESSION_QUESTIONS = 150;

/** Confirmed customer questions whose pair is in the run's knowledge, as evaluation questions. */
export function regressionQuestions(
  confirmed: { question: string; pairId: string }[],
  pairs: { pairId: string; answer: string }[],
): EvalQuestion[] {
  const answers = new Map(pairs.map((p) => [p.pairId, p.answer]));
  const seen = new Set<string>();
  return confirmed
    .filter((c) => answers.has(c.pairId) && !seen.has(c.question.trim()) && seen.add(c.question.trim()))
    .slice(0, MAX_REGRESSION_QUESTIONS)
    .map((c) => ({ pairId: c.pairId, question: c.question.trim(), reference: answers.get(c.pairId)! }));
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);

/** Token F1 against the reference from which an answer counts as the right one. */
export const RIGHT_F1 = 0.5;
export const LOOP_REPETITION = 0.3;

type AnswerResult = {
  text: string;
  stopped: boolean;
  ms: number;
  tokens: number;
  decision: Decision;
  topPairId: string | undefined;
  mixed: boolean;
};

/** Grounded on the question's own pair and saying its answer; for an off-topic question, declined. */
function isRight(r: AnswerResult, q: EvalQuestion): boolean {
  if (!q.pairId) return r.decision.kind === "decline";
  return (
    r.decision.kind === "answer" &&
    r.decision.pair.id === q.pairId &&
    tokenF1(r.text, q.reference) >= RIGHT_F1
  );
}

function tokensPerSecond(answers: AnswerResult[]): number | undefined {
  if (answers.length === 0) return undefined;
  return (1000 * answers.reduce((n, r) => n + r.tokens, 0)) / answers.reduce((n, r) => n + r.ms, 0);
}

function score(results: AnswerResult[], questions: EvalQuestion[], alone: AnswerResult[]): ModelScores {
  const share = (test: (r: AnswerResult, q: EvalQuestion) => boolean) =>
    mean(results.map((r, i) => (test(r, questions[i]!) ? 1 : 0)));
  return {
    rightShare: share(isRight),
    retrievalAt1: share((r, q) => r.topPairId === q.pairId),
    declinedShare: share((r) => r.decision.kind === "decline"),
    mixedProducts: share((r) => r.mixed),
    loops: share((r) => repetitionRate(r.text) > LOOP_REPETITION),
    tokenF1: mean(results.map((r, i) => tokenF1(r.text, questions[i]!.reference))),
    rougeL: mean(results.map((r, i) => rougeL(r.text, questions[i]!.reference))),
    stoppedShare: mean(results.map((r) => (r.stopped ? 1 : 0))),
    repetition: mean(results.map((r) => repetitionRate(r.text))),
    meanAnswerWords: mean(results.map((r) => wordCount(r.text))),
    meanLatencyMs: mean(alone.map((r) => r.ms)),
    // Declined questions generate nothing: speed is measured on generated answers only.
    tokensPerS: tokensPerSecond(alone.filter((r) => r.tokens > 0)),
    questions: questions.length,
  };
}

/** Questions answered together: the scheduler batches them, which is where decoding gains most. */
export const EVAL_CONCURRENCY = 8;
/** Questions of each set answered alone first, so the latency figure is a lone customer's. */
export const LATENCY_SAMPLES = 3;

/**
 * Answers each set of questions with one bundle through the serving engine, as a customer would
 * get them, and scores the answers against the references. The first LATENCY_SAMPLES questions are
 * answered one at a time and give `meanLatencyMs`; the rest are answered EVAL_CONCURRENCY at a
 * time, which changes nothing in greedy answers (batching gives the tokens of a request alone).
 */
export async function evaluateBundle<K extends string>(
  db: Db,
  bundleDir: string,
  sets: Record<K, EvalQuestion[]>,
  options: { threads?: number; precision?: ServingPrecision; signal?: AbortSignal } = {},
): Promise<
  { precision: ServingPrecision } & Record<K, { scores: ModelScores; answers: string[]; right: boolean[] }>
> {
  const engineOptions = servingEngineOptions(bundleDir, {
    TUNEDESK_SERVE_THREADS: options.threads ?? 2,
    TUNEDESK_SERVE_PRECISION: options.precision ?? "fp32",
  });
  const engine = await InferenceEngine.load(bundleDir, engineOptions);
  const retriever = await Retriever.forBundle(bundleDir);
  // Held-out phrasings are approved variants: matching them verbatim would not test a rewording.
  for (const key of Object.keys(sets) as K[])
    for (const q of sets[key]) if (q.heldOut) retriever.excludeTexts.add(q.question.trim());
  const answer = async (q: EvalQuestion): Promise<AnswerResult> => {
    if (options.signal?.aborted) throw new Error("Evaluation cancelled");
    const started = performance.now();
    const { stream, decision } = await answerCustomer({
      db,
      model: engine,
      retriever,
      question: q.question,
      signal: options.signal,
    });
    const result = await stream.result;
    const ms = performance.now() - started;
    const { ranked } = await retriever.rank(db, q.question);
    const text = result.text.trim();
    const products = [...(await retriever.current(db)).products.values()];
    const own = decision.kind === "answer" ? decision.pair.product : null;
    const lower = text.toLowerCase();
    return {
      text,
      stopped: result.finishReason === "stop",
      ms,
      tokens: result.completionTokens,
      decision,
      topPairId: ranked[0]?.id,
      mixed: products.some(
        (p) =>
          p !== own && lower.includes(p.toLowerCase()) && !q.question.toLowerCase().includes(p.toLowerCase()),
      ),
    };
  };
  try {
    const out = {} as Record<K, { scores: ModelScores; answers: string[]; right: boolean[] }>;
    for (const key of Object.keys(sets) as K[]) {
      const questions = sets[key];
      const alone: AnswerResult[] = [];
      for (const q of questions.slice(0, LATENCY_SAMPLES)) alone.push(await answer(q));
      const limit = pLimit(EVAL_CONCURRENCY);
      const batched = await Promise.all(questions.slice(LATENCY_SAMPLES).map((q) => limit(() => answer(q))));
      const results = [...alone, ...batched];
      out[key] = {
        scores: score(results, questions, alone),
        answers: results.map((r) => r.text),
        right: results.map((r, i) => isRight(r, questions[i]!)),
      };
    }
    return { ...out, precision: engineOptions.precision ?? "fp32" };
  } finally {
    await Promise.all([engine.dispose(), retriever.dispose()]);
  }
}

/** Scoring of the answer benchmark: rank+decide alone, or the whole answer path. */
import pLimit from "p-limit";
import type { Db } from "@/db/client";
import { answerCustomer, groundQuestion } from "@/server/assistant/answer";
import type { Retriever } from "@/server/assistant/retriever/retriever";
import type { GenerateRequest, GenerationStream } from "@/server/inference";
import { tokenF1 } from "@/server/training/answer-metrics";
import type { BenchPair, BenchSet } from "./datasets";

export interface Scores {
  retrievalAt1: number;
  right: number;
  inScopeDeclined: number;
  clarified: number;
  offTopicDeclined: number;
  p50Ms: number;
  p95Ms: number;
  loops?: number;
  mixed?: number;
  afterOffTopicRight?: number;
}

export type Knowledge = { byPairId: Map<string, BenchPair>; byKey: Map<string, BenchPair> };

const percentile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(q * s.length))]! : 0;
};

/** Whether a served text is the right pair's answer: its key phrase and no other's (intent sets), else word overlap. */
export function isRight(text: string, right: BenchPair, pairs: BenchPair[]): boolean {
  if (right.keyPhrase) {
    if (!text.includes(right.keyPhrase)) return false;
    return !pairs.some((p) => p !== right && p.keyPhrase && text.includes(p.keyPhrase));
  }
  const f1 = tokenF1(text, right.answer);
  return (
    f1 >= 0.6 && pairs.every((p) => p === right || p.answer === right.answer || tokenF1(text, p.answer) <= f1)
  );
}

export function mixesPairs(text: string, pairs: BenchPair[]): boolean {
  return pairs.filter((p) => p.keyPhrase && text.includes(p.keyPhrase)).length > 1;
}

/** One question's ranking, for studying the decision outside the benchmark (--dump). */
export type RankingSample = {
  inScope: boolean;
  right: boolean;
  top1: number;
  top2: number;
  offTopic: number;
};

/** Ranking and the grounding decision alone: what retrieval gives the model. */
export async function scoreRanking(
  db: Db,
  retriever: Retriever,
  set: BenchSet,
  k: Knowledge,
  samples?: RankingSample[],
): Promise<Scores> {
  let top1 = 0;
  let right = 0;
  let declined = 0;
  let clarified = 0;
  const ms: number[] = [];
  for (const q of set.questions) {
    const started = performance.now();
    const { decision } = await groundQuestion(db, retriever, q.text);
    ms.push(performance.now() - started);
    const { ranked, offTopicScore } = await retriever.rank(db, q.text);
    const expected = k.byKey.get(q.key)!;
    const hit = (id: string | undefined) => !!id && k.byPairId.get(id)?.answer === expected.answer;
    samples?.push({
      inScope: true,
      right: hit(ranked[0]?.id),
      top1: ranked[0]?.score ?? 0,
      top2: ranked.find((r) => r.answer !== ranked[0]?.answer)?.score ?? 0,
      offTopic: offTopicScore,
    });
    if (hit(ranked[0]?.id)) top1++;
    if (decision.kind === "answer" && hit(decision.pair.id)) right++;
    if (decision.kind === "decline") declined++;
    if (decision.kind === "clarify") clarified++;
  }
  let offDeclined = 0;
  for (const q of set.offTopic)
    if ((await groundQuestion(db, retriever, q)).decision.kind === "decline") offDeclined++;
  const n = set.questions.length;
  return {
    retrievalAt1: top1 / n,
    right: right / n,
    inScopeDeclined: declined / n,
    clarified: clarified / n,
    offTopicDeclined: offDeclined / set.offTopic.length,
    p50Ms: percentile(ms, 0.5),
    p95Ms: percentile(ms, 0.95),
  };
}

type Model = { generate(request: GenerateRequest): GenerationStream };

/** The whole answer path (retrieve, decide, generate, guard), questions answered 8 at a time. */
export async function scoreAnswers(
  db: Db,
  model: Model,
  retriever: Retriever,
  set: BenchSet,
  k: Knowledge,
  conversations: number,
): Promise<Scores> {
  const pairs = [...k.byKey.values()];
  const limit = pLimit(8);
  const ask = async (text: string, history: { role: string; content: string }[] = []) => {
    const started = performance.now();
    const answer = await answerCustomer({ db, model, retriever, question: text, history });
    const result = await answer.stream.result;
    return { text: result.text, decision: answer.decision, ms: performance.now() - started };
  };
  const inScope = await Promise.all(set.questions.map((q) => limit(() => ask(q.text))));
  const offTopic = await Promise.all(set.offTopic.map((q) => limit(() => ask(q))));
  let right = 0;
  let mixed = 0;
  inScope.forEach((a, i) => {
    if (isRight(a.text, k.byKey.get(set.questions[i]!.key)!, pairs)) right++;
    if (mixesPairs(a.text, pairs)) mixed++;
  });
  // Conversations: a known question, two off-topic messages, another known question.
  let loops = 0;
  let afterOffTopicRight = 0;
  const turns = Math.min(conversations, Math.floor(set.questions.length / 2), set.offTopic.length / 2);
  await Promise.all(
    Array.from({ length: turns }, (_, c) =>
      limit(async () => {
        const first = set.questions[(c * 7) % set.questions.length]!;
        const n = set.questions.length;
        let j = (c * 7 + 3) % n;
        while (set.questions[j]!.key === first.key) j = (j + 1) % n;
        const last = set.questions[j]!;
        const script = [first.text, set.offTopic[2 * c]!, set.offTopic[2 * c + 1]!, last.text];
        const history: { role: string; content: string }[] = [];
        const answers: string[] = [];
        for (const message of script) {
          const a = await ask(message, history);
          if (answers.includes(a.text) && a.decision.kind === "answer") loops++;
          answers.push(a.text);
          history.push({ role: "user", content: message }, { role: "assistant", content: a.text });
        }
        if (isRight(answers.at(-1)!, k.byKey.get(last.key)!, pairs)) afterOffTopicRight++;
      }),
    ),
  );
  const ms = inScope.map((a) => a.ms);
  return {
    retrievalAt1: Number.NaN,
    right: right / inScope.length,
    inScopeDeclined: inScope.filter((a) => a.decision.kind === "decline").length / inScope.length,
    clarified: inScope.filter((a) => a.decision.kind === "clarify").length / inScope.length,
    offTopicDeclined: offTopic.filter((a) => a.decision.kind === "decline").length / offTopic.length,
    p50Ms: percentile(ms, 0.5),
    p95Ms: percentile(ms, 0.95),
    loops,
    mixed,
    afterOffTopicRight: turns ? afterOffTopicRight / turns : Number.NaN,
  };
}

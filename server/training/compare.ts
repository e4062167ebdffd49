import type { Db } from "@/db/client";
import { findModelById } from "@/db/queries/models";
import { answerCustomer } from "@/server/assistant/answer";
import { InferenceEngine } from "@/server/inference";
import { retrieverFor } from "@/server/serving/retriever";
import { UserFacingError } from "@/server/users/errors";

// Engines stay loaded between questions typed on the Models page; few, since each holds a model.
const MAX_LOADED = 3;
const engines = new Map<string, Promise<InferenceEngine>>();

async function engineFor(bundlePath: string): Promise<InferenceEngine> {
  let engine = engines.get(bundlePath);
  if (!engine) {
    engine = InferenceEngine.load(bundlePath, { threads: 2 });
    engines.set(bundlePath, engine);
    engine.catch(() => engines.delete(bundlePath));
    if (engines.size > MAX_LOADED) {
      const [oldest] = engines.keys();
      const evicted = engines.get(oldest!);
      engines.delete(oldest!);
      void evicted?.then((e) => e.dispose()).catch(() => {});
    }
  }
  return engine;
}

/** Each model's answer to one question, side by side, as customers would get it. */
export async function compareAnswers(db: Db, question: string, modelIds: string[]) {
  const results = [];
  for (const id of modelIds) {
    const model = await findModelById(db, id);
    if (!model) throw new UserFacingError("One of the models to compare does not exist", "not_found");
    const started = performance.now();
    const { stream, decision } = await answerCustomer({
      db,
      model: await engineFor(model.bundlePath),
      retriever: await retrieverFor(model.bundlePath),
      question,
    });
    const result = await stream.result;
    results.push({
      modelId: id,
      name: model.name,
      status: model.status,
      answer: result.text.trim(),
      finishReason: result.finishReason,
      grounding: decision.kind,
      latencyMs: Math.round(performance.now() - started),
    });
  }
  return results;
}

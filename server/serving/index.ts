/**
 * The process's serving model: one ModelManager holding the bundle of the production model.
 * Every chat / API request calls `servingModelFor(db)`, which compares the loaded model with the
 * production row (one indexed query), so a promotion made by another process is picked up too;
 * the process that promotes calls `reloadServingModel(db)` to swap at once.
 */

import type { Db } from "@/db/client";
import { findProductionModel } from "@/db/queries/models";
import type { Model } from "@/db/schema";
import { type Env, env } from "@/server/env";
import { type EngineOptions, ModelManager } from "@/server/inference";
import { decoderFileFor } from "@/server/inference/bundle";

/** A bundle that failed to load is retried after this long (it may be fixed on disk meanwhile). */
const RETRY_FAILED_LOAD_MS = 60_000;

export type ServingStatus =
  | { state: "none" }
  | { state: "loading"; model: Model }
  | { state: "ready"; model: Model }
  | { state: "failed"; model: Model; error: string };

interface ServingState {
  manager: ModelManager;
  /** The model whose bundle the manager is serving. */
  loaded: Model | undefined;
  /** A load in progress, with the model it loads. */
  pending: { model: Model; done: Promise<void> } | undefined;
  failure: { modelId: string; error: string; at: number } | undefined;
}

// Next.js may evaluate this module in several bundles of one process; the engine must be one.
const globalKey = Symbol.for("tunedesk.serving");
type GlobalWithServing = typeof globalThis & { [globalKey]?: ServingState };

/**
 * Engine settings for a bundle, from the environment's serving settings. A bundle without a
 * decoder of that precision (trained before the fused exports, int8 not ticked) is served in fp32.
 * Evaluation loads candidates with the same settings, so what is promoted is what was measured.
 */
export function servingEngineOptions(
  bundlePath: string,
  settings: Pick<Env, "TUNEDESK_SERVE_THREADS" | "TUNEDESK_SERVE_PRECISION">,
): EngineOptions {
  const threads = settings.TUNEDESK_SERVE_THREADS;
  const precision = settings.TUNEDESK_SERVE_PRECISION;
  if (precision !== "fp32" && !decoderFileFor(bundlePath, precision)) {
    console.warn(`[serving] ${bundlePath} has no ${precision} decoder: serving it in fp32`);
    return { threads, precision: "fp32" };
  }
  return { threads, precision };
}

function state(): ServingState {
  const g = globalThis as GlobalWithServing;
  g[globalKey] ??= { manager: new ModelManager(), loaded: undefined, pending: undefined, failure: undefined };
  return g[globalKey];
}

/** What is being served right now (no database access). */
export function getServingModel(): { manager: ModelManager; status: ServingStatus } {
  const s = state();
  return { manager: s.manager, status: currentStatus(s) };
}

function currentStatus(s: ServingState): ServingStatus {
  if (s.loaded && s.manager.active) return { state: "ready", model: s.loaded };
  if (s.pending) return { state: "loading", model: s.pending.model };
  return { state: "none" };
}

function startLoad(s: ServingState, model: Model): Promise<void> {
  if (s.pending?.model.id === model.id) return s.pending.done;
  const done = s.manager
    .load(model.bundlePath, servingEngineOptions(model.bundlePath, env()))
    .then(() => {
      s.loaded = model;
      s.failure = undefined;
    })
    .catch((err: unknown) => {
      const error = err instanceof Error ? err.message : String(err);
      console.error(`[serving] could not load model ${model.name} (${model.bundlePath}): ${error}`);
      s.failure = { modelId: model.id, error, at: Date.now() };
    })
    .finally(() => {
      if (s.pending?.done === done) s.pending = undefined;
    });
  s.pending = { model, done };
  return done;
}

async function unload(s: ServingState): Promise<void> {
  s.loaded = undefined;
  s.failure = undefined;
  await s.manager.unload();
}

/**
 * Brings the served bundle in line with the production model and waits for it: loads a newly
 * promoted model (requests already running finish on the old one), or stops serving when no
 * model is in production. Call it after a promotion or roll-back.
 */
export async function reloadServingModel(db: Db): Promise<ServingStatus> {
  const s = state();
  const production = await findProductionModel(db);
  if (!production) {
    if (s.loaded || s.manager.active) await unload(s);
    return currentStatus(s);
  }
  if (s.loaded?.id === production.id && s.loaded.bundlePath === production.bundlePath)
    return currentStatus(s);
  s.failure = undefined;
  await startLoad(s, production);
  return statusAfterLoad(s, production);
}

function statusAfterLoad(s: ServingState, production: Model): ServingStatus {
  if (s.failure?.modelId === production.id)
    return { state: "failed", model: production, error: s.failure.error };
  return currentStatus(s);
}

/**
 * The manager to generate with for this request, loading the production model if it changed.
 * Waits for a first load; while a newer model loads, the previous one keeps answering.
 */
export async function servingModelFor(db: Db): Promise<{ manager: ModelManager; status: ServingStatus }> {
  const s = state();
  const production = await findProductionModel(db);
  if (!production) {
    if (s.loaded) await unload(s);
    return { manager: s.manager, status: { state: "none" } };
  }
  // A served engine whose decoder worker died answers nothing more: load its bundle anew.
  const deadEngine = s.manager.active?.engine.failure;
  if (deadEngine && s.loaded && !s.pending) {
    console.error(`[serving] model ${s.loaded.name} stopped (${deadEngine.message}); loading it again`);
    s.loaded = undefined;
  }
  const current = s.loaded?.id === production.id && s.loaded.bundlePath === production.bundlePath;
  if (!current) {
    const recentFailure =
      s.failure?.modelId === production.id && Date.now() - s.failure.at < RETRY_FAILED_LOAD_MS;
    if (!recentFailure) {
      const loading = startLoad(s, production);
      // Nothing to answer with until the first load ends; afterwards the old model covers the swap.
      if (!s.manager.active) await loading;
    }
  }
  if (s.manager.active?.engine.failure && s.pending) await s.pending.done;
  if (s.manager.active) return { manager: s.manager, status: currentStatus(s) };
  return { manager: s.manager, status: statusAfterLoad(s, production) };
}

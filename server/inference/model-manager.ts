/**
 * Owns the serving engine: load + warm-up, hot swap to a newly promoted bundle (requests already
 * running finish on the old engine, new ones go to the new), unload.
 */
import { type EngineOptions, InferenceEngine } from "./engine";
import type { GenerateIdsRequest, GenerateRequest, GenerationResult, GenerationStream } from "./types";

export class NoModelLoadedError extends Error {
  constructor() {
    super("no model is loaded");
    this.name = "NoModelLoadedError";
  }
}

export interface LoadedModel {
  bundleDir: string;
  engine: InferenceEngine;
}

export class ModelManager {
  private current: LoadedModel | undefined;
  /** Serialises load/unload so two promotions cannot interleave. */
  private transition: Promise<unknown> = Promise.resolve();

  constructor(private readonly defaults: EngineOptions = {}) {}

  /** The engine serving new requests (undefined before the first load / after unload). */
  get active(): LoadedModel | undefined {
    return this.current;
  }

  /**
   * Loads and warms up `bundleDir`, then switches new requests to it. The previous engine keeps
   * running its in-flight generations and is released once they finish (not awaited here).
   */
  load(bundleDir: string, options: EngineOptions = {}): Promise<LoadedModel> {
    const next = this.transition.then(async () => {
      const engine = await InferenceEngine.load(bundleDir, { ...this.defaults, ...options });
      await engine.warmUp();
      const previous = this.current;
      this.current = { bundleDir, engine };
      void previous?.engine.dispose();
      return this.current;
    });
    this.transition = next.catch(() => {});
    return next;
  }

  generate(request: GenerateRequest): GenerationStream {
    return this.engine().generate(request);
  }

  generateFromIds(request: GenerateIdsRequest): GenerationStream {
    return this.engine().generateFromIds(request);
  }

  complete(request: GenerateRequest): Promise<GenerationResult> {
    return this.generate(request).result;
  }

  /** Stops serving; resolves once in-flight generations are done and the session is freed. */
  unload(): Promise<void> {
    const done = this.transition.then(async () => {
      const previous = this.current;
      this.current = undefined;
      await previous?.engine.dispose();
    });
    this.transition = done.catch(() => {});
    return done;
  }

  private engine(): InferenceEngine {
    if (!this.current) throw new NoModelLoadedError();
    return this.current.engine;
  }
}

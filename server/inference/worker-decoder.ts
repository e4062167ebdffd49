/**
 * The decoder's onnxruntime session in a worker thread, which also keeps the KV caches: the main
 * thread holds `WorkerCache` ids, sends token feeds and gets logits back. Model calls leave the main
 * event loop free, and the caches' large per-step allocations are collected in the worker's small
 * heap instead of triggering full collections of the server's.
 */
import { Worker } from "node:worker_threads";
import {
  alignOf,
  buildTokenFeeds,
  checkContract,
  type DecoderContract,
  type DecoderSessionOptions,
  type ForwardInput,
  type ForwardOutput,
  lastPositionLogits,
  type RawOutput,
  sessionOptions,
} from "./decoder-io";
import { type CacheRef, type GatherRow, gatheredLength, type KvShape } from "./kv-cache";

/** A cache that lives in the worker, by id. */
export class WorkerCache implements CacheRef {
  constructor(
    readonly id: number,
    readonly batch: number,
    readonly length: number,
  ) {}
}

type WorkerMessage =
  | { type: "ready"; inputNames: string[]; outputNames: string[] }
  | { type: "load-error"; message: string }
  | { type: "result"; id: number; logits: RawOutput }
  | { type: "cache-count"; id: number; count: number }
  | { type: "error"; id: number; message: string }
  | { type: "released" };

interface Waiter {
  resolve: (value: RawOutput | number) => void;
  reject: (err: Error) => void;
}

export class WorkerDecoder {
  private nextRequestId = 1;
  private nextCacheId = 1;
  private readonly pending = new Map<number, Waiter>();
  private released: Promise<void> | undefined;
  private failed: Error | undefined;
  private readonly exited: Promise<void>;

  readonly shape: KvShape;

  private constructor(
    private readonly worker: Worker,
    shape: KvShape,
    private readonly contract: DecoderContract,
  ) {
    this.shape = { ...shape, align: alignOf(contract) };
    worker.on("message", (msg: WorkerMessage) => {
      if (msg.type !== "result" && msg.type !== "error" && msg.type !== "cache-count") return;
      const waiter = this.pending.get(msg.id);
      this.pending.delete(msg.id);
      if (msg.type === "result") waiter?.resolve(msg.logits);
      else if (msg.type === "cache-count") waiter?.resolve(msg.count);
      else waiter?.reject(new Error(msg.message));
    });
    worker.on("error", (err) => this.failAll(err));
    this.exited = new Promise((resolve) =>
      worker.once("exit", () => {
        this.failAll(new Error("decoder worker exited"));
        resolve();
      }),
    );
  }

  static async load(
    modelPath: string,
    shape: KvShape,
    options: DecoderSessionOptions = {},
  ): Promise<WorkerDecoder> {
    const worker = new Worker(new URL("./decoder-worker.mjs", import.meta.url), {
      workerData: { modelPath, shape, sessionOptions: sessionOptions(options) },
    });
    const ready = await new Promise<WorkerMessage>((resolve, reject) => {
      worker.once("message", resolve);
      worker.once("error", reject);
    });
    let contract: DecoderContract;
    try {
      if (ready.type === "load-error") throw new Error(ready.message);
      if (ready.type !== "ready") throw new Error(`decoder worker sent ${ready.type} before ready`);
      contract = checkContract(modelPath, ready.inputNames, ready.outputNames, shape);
    } catch (err) {
      await worker.terminate();
      throw err;
    }
    return new WorkerDecoder(worker, shape, contract);
  }

  /** Set once the worker failed or exited: later calls fail at once instead of waiting forever. */
  get failure(): Error | undefined {
    return this.failed;
  }

  emptyCache(batch: number): WorkerCache {
    const cache = new WorkerCache(this.nextCacheId++, batch, 0);
    this.worker.postMessage({ type: "empty", cacheId: cache.id, batch });
    return cache;
  }

  gatherCache(rows: ReadonlyArray<GatherRow<WorkerCache>>, length?: number): WorkerCache {
    const cache = new WorkerCache(this.nextCacheId++, rows.length, gatheredLength(rows, length));
    this.worker.postMessage({
      type: "gather",
      cacheId: cache.id,
      length: cache.length,
      rows: rows.map(({ cache: source, row, keep }) => ({ cacheId: source.id, row, keep })),
    });
    return cache;
  }

  releaseCache(cache: WorkerCache): void {
    this.worker.postMessage({ type: "release-cache", cacheId: cache.id });
  }

  async forward(input: ForwardInput<WorkerCache>): Promise<ForwardOutput<WorkerCache>> {
    const feeds = buildTokenFeeds(input, this.contract);
    // A fused graph's cache is as long as its longest row (cache-layout.mjs appendTensors).
    const length =
      this.contract === "fused"
        ? Math.max(...Array.from(input.firstPosition, (p) => p + input.seq))
        : input.past.length + input.seq;
    const present = new WorkerCache(this.nextCacheId++, input.batch, length);
    const logits = (await this.request(
      { type: "run", feeds, pastId: input.past.id, presentId: present.id },
      Object.values(feeds).map((t) => t.data.buffer as ArrayBuffer),
    )) as RawOutput;
    return { ...lastPositionLogits(logits), present };
  }

  /** Caches the worker holds (a diagnostic: the scheduler should leave at most its own). */
  async countCaches(): Promise<number> {
    return (await this.request({ type: "count-caches" }, [])) as number;
  }

  release(): Promise<void> {
    this.released ??= (async () => {
      if (!this.failed) this.worker.postMessage({ type: "release" });
      await this.exited;
    })();
    return this.released;
  }

  private request(message: Record<string, unknown>, transfer: ArrayBuffer[]): Promise<RawOutput | number> {
    if (this.failed) return Promise.reject(this.failed);
    const id = this.nextRequestId++;
    const reply = new Promise<RawOutput | number>((resolve, reject) =>
      this.pending.set(id, { resolve, reject }),
    );
    this.worker.postMessage({ ...message, id }, transfer);
    return reply;
  }

  private failAll(err: Error): void {
    this.failed ??= err;
    for (const waiter of this.pending.values()) waiter.reject(err);
    this.pending.clear();
  }
}

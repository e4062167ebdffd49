/**
 * The decoder's onnxruntime session in a worker thread: same interface as OnnxDecoder, but model
 * calls leave the main event loop free (HTTP keeps flowing while a prompt is read).
 */
import { Worker } from "node:worker_threads";
import {
  buildFeeds,
  checkContract,
  type DecoderSessionOptions,
  type ForwardInput,
  type ForwardOutput,
  type RawOutputs,
  readOutputs,
  sessionOptions,
} from "./decoder-io";
import type { KvShape } from "./kv-cache";

type WorkerMessage =
  | { type: "ready"; inputNames: string[]; outputNames: string[] }
  | { type: "load-error"; message: string }
  | { type: "result"; id: number; outputs: RawOutputs }
  | { type: "error"; id: number; message: string }
  | { type: "released" };

export class WorkerDecoder {
  private nextId = 1;
  private readonly pending = new Map<
    number,
    { resolve: (o: RawOutputs) => void; reject: (e: Error) => void }
  >();
  private released: Promise<void> | undefined;

  private constructor(
    private readonly worker: Worker,
    readonly shape: KvShape,
  ) {
    worker.on("message", (msg: WorkerMessage) => {
      if (msg.type !== "result" && msg.type !== "error") return;
      const waiter = this.pending.get(msg.id);
      this.pending.delete(msg.id);
      if (msg.type === "result") waiter?.resolve(msg.outputs);
      else waiter?.reject(new Error(msg.message));
    });
    worker.on("error", (err) => this.failAll(err));
    worker.on("exit", () => this.failAll(new Error("decoder worker exited")));
  }

  static async load(
    modelPath: string,
    shape: KvShape,
    options: DecoderSessionOptions = {},
  ): Promise<WorkerDecoder> {
    const worker = new Worker(new URL("./decoder-worker.mjs", import.meta.url), {
      workerData: { modelPath, sessionOptions: sessionOptions(options) },
    });
    const ready = await new Promise<WorkerMessage>((resolve, reject) => {
      worker.once("message", resolve);
      worker.once("error", reject);
    });
    try {
      if (ready.type === "load-error") throw new Error(ready.message);
      if (ready.type !== "ready") throw new Error(`decoder worker sent ${ready.type} before ready`);
      checkContract(modelPath, ready.inputNames, ready.outputNames, shape);
    } catch (err) {
      await worker.terminate();
      throw err;
    }
    return new WorkerDecoder(worker, shape);
  }

  async forward(input: ForwardInput): Promise<ForwardOutput> {
    const feeds = buildFeeds(input, this.shape);
    const id = this.nextId++;
    const outputs = new Promise<RawOutputs>((resolve, reject) => this.pending.set(id, { resolve, reject }));
    // The past cache is moved, not copied: the scheduler replaces it with the returned present.
    const buffers = new Set<ArrayBuffer>();
    for (const t of Object.values(feeds))
      if (t.data.buffer.byteLength > 0) buffers.add(t.data.buffer as ArrayBuffer);
    this.worker.postMessage({ type: "run", id, feeds }, [...buffers]);
    return readOutputs(await outputs, input, this.shape);
  }

  release(): Promise<void> {
    this.released ??= (async () => {
      const done = new Promise<void>((resolve) => this.worker.once("exit", () => resolve()));
      this.worker.postMessage({ type: "release" });
      await done;
    })();
    return this.released;
  }

  private failAll(err: Error): void {
    for (const waiter of this.pending.values()) waiter.reject(err);
    this.pending.clear();
  }
}

import os from "node:os";
import type { Db } from "@/db/client";
import { claimNextRun, failStaleRuns, finishRun, heartbeatRun } from "@/db/queries/training";
import type { TrainingProgress, TrainingRun } from "@/db/schema";
import type { ServingPrecision } from "@/server/inference/bundle";
import { runTrainingPipeline, TrainingFailure } from "./pipeline";

export interface WorkerOptions {
  db: Db;
  dataDir: string;
  python: string;
  /** Models are evaluated at this precision, the one the web serves them at (default fp32). */
  servingPrecision?: ServingPrecision;
  workerId?: string;
  pollIntervalMs?: number;
  heartbeatIntervalMs?: number;
  /** A running job whose worker has been silent this long is failed. */
  staleAfterMs?: number;
  onRunFinished?: (run: TrainingRun, outcome: "succeeded" | "failed" | "cancelled") => void;
}

const LOG_TAIL_LINES = 40;

/**
 * The trainer service: claims one queued run at a time from the database, runs the pipeline,
 * heart-beats while it works (carrying progress and cancellation), and fails runs of dead workers.
 */
export class TrainingWorker {
  readonly id: string;
  private stopping = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private current: AbortController | undefined;

  constructor(private readonly options: WorkerOptions) {
    this.id = options.workerId ?? `${os.hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 8)}`;
  }

  start(): void {
    this.loop ??= this.run();
  }

  /** Stops after cancelling the current run (its trainer gets SIGTERM). */
  async stop(): Promise<void> {
    this.stopping = true;
    this.current?.abort();
    this.wake?.();
    await this.loop;
  }

  /** Looks for work now instead of at the next poll (after a run is queued in this process). */
  poke(): void {
    this.wake?.();
  }

  private async run(): Promise<void> {
    const poll = this.options.pollIntervalMs ?? 2000;
    while (!this.stopping) {
      try {
        await failStaleRuns(this.options.db, new Date(Date.now() - (this.options.staleAfterMs ?? 60_000)));
        const run = await claimNextRun(this.options.db, this.id);
        if (run) {
          await this.process(run);
          continue;
        }
      } catch (err) {
        console.error(`[worker ${this.id}]`, err);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, poll);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  private async process(run: TrainingRun): Promise<void> {
    const { db } = this.options;
    const abort = new AbortController();
    this.current = abort;
    // What was recorded at queueing (the estimate) stays; the pipeline adds to it.
    let progress: TrainingProgress = { ...run.progress };
    const logTail: string[] = [];
    let cancelled = false;

    const beat = async () => {
      const state = await heartbeatRun(db, run.id, this.id, { progress, logTail: [...logTail] }).catch(
        () => undefined,
      );
      // No row back: the run was failed as stale or taken from us; stop working on it.
      if (!state || state.cancelRequested) {
        cancelled = cancelled || Boolean(state?.cancelRequested);
        abort.abort();
      }
    };
    const heartbeat = setInterval(() => void beat(), this.options.heartbeatIntervalMs ?? 3000);

    let outcome: "succeeded" | "failed" | "cancelled";
    try {
      const { modelId } = await runTrainingPipeline(
        {
          db,
          dataDir: this.options.dataDir,
          python: this.options.python,
          servingPrecision: this.options.servingPrecision,
          signal: abort.signal,
          report: (p) => {
            progress = { ...progress, ...p };
          },
          log: (line) => {
            logTail.push(line);
            if (logTail.length > LOG_TAIL_LINES) logTail.shift();
          },
        },
        run,
      );
      clearInterval(heartbeat);
      await beat();
      outcome = "succeeded";
      await finishRun(db, run.id, { status: "succeeded", modelId });
    } catch (err) {
      clearInterval(heartbeat);
      await beat();
      const message = err instanceof TrainingFailure || err instanceof Error ? err.message : String(err);
      outcome = cancelled || (this.stopping && abort.signal.aborted) ? "cancelled" : "failed";
      await finishRun(db, run.id, {
        status: outcome,
        error:
          outcome === "cancelled"
            ? this.stopping
              ? "The worker shut down during the run"
              : "Cancelled by an admin"
            : message,
      });
    } finally {
      this.current = undefined;
    }
    this.options.onRunFinished?.(run, outcome);
  }
}

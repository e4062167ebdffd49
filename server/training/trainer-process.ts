import { spawn } from "node:child_process";
import readline from "node:readline";

/** One line of the trainer's progress protocol (DESIGN.md): start, step, eval, checkpoint, done, error. */
export type TrainerEvent = { event: string } & Record<string, unknown>;

export interface TrainerOutcome {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  done?: TrainerEvent;
  error?: string;
}

const KILL_GRACE_MS = 30_000;

/**
 * Runs `python -m trainer <args>` from the repo root; hands each progress event and each stderr
 * line to the callbacks. Aborting the signal sends SIGTERM (the trainer stops cleanly), then
 * SIGKILL if it has not exited after a grace period.
 */
export function runTrainerProcess(params: {
  python: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  onEvent: (event: TrainerEvent) => void;
  onLog: (line: string) => void;
  signal?: AbortSignal;
}): Promise<TrainerOutcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(params.python, ["-m", "trainer", ...params.args], {
      cwd: process.cwd(),
      env: { ...process.env, PYTHONUNBUFFERED: "1", ...params.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let done: TrainerEvent | undefined;
    let error: string | undefined;
    let killTimer: NodeJS.Timeout | undefined;

    const onAbort = () => {
      child.kill("SIGTERM");
      killTimer = setTimeout(() => child.kill("SIGKILL"), KILL_GRACE_MS);
    };
    if (params.signal?.aborted) onAbort();
    else params.signal?.addEventListener("abort", onAbort, { once: true });

    readline.createInterface({ input: child.stdout }).on("line", (line) => {
      let event: TrainerEvent;
      try {
        event = JSON.parse(line);
      } catch {
        params.onLog(line);
        return;
      }
      if (event.event === "done") done = event;
      if (event.event === "error") error = String(event.message ?? "trainer error");
      params.onEvent(event);
    });
    readline.createInterface({ input: child.stderr }).on("line", params.onLog);

    child.on("error", (err) => {
      params.signal?.removeEventListener("abort", onAbort);
      reject(new Error(`Could not start the trainer (${params.python}): ${err.message}`));
    });
    child.on("close", (exitCode, signal) => {
      clearTimeout(killTimer);
      params.signal?.removeEventListener("abort", onAbort);
      resolve({ exitCode, signal, done, error });
    });
  });
}

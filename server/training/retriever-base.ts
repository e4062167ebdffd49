/**
 * The general retriever base: pre-trained once per installation from ../shared/datasets (dialogues,
 * and the intent sets' many wordings of one request) so that runs start from an encoder that knows
 * how people reword a request. Without it every run tunes an encoder from scratch on its own
 * knowledge. Benchmarks use bases built without the set they ask (`exclude`).
 */
import fs from "node:fs";
import path from "node:path";
import { UserFacingError } from "@/server/users/errors";
import { runTrainerProcess } from "./trainer-process";

export async function buildRetrieverBase(options: {
  datasets: string;
  out: string;
  minutes: number;
  /** Data sets left out (a benchmark's own), by folder name. */
  exclude?: string[];
  python: string;
  signal?: AbortSignal;
}): Promise<void> {
  if (!fs.existsSync(options.datasets))
    throw new UserFacingError(
      `${options.datasets} does not exist: the general retriever base is built from ../shared/datasets`,
    );
  // Written beside the target and renamed, so a run never starts from half a base.
  const tmp = `${options.out}.tmp-${process.pid}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  console.log(`Pre-training the retriever base for ${options.minutes} minutes into ${options.out}`);
  let lastPrint = 0;
  const outcome = await runTrainerProcess({
    python: options.python,
    args: [
      "retriever-pretrain",
      "--datasets",
      options.datasets,
      "--out",
      tmp,
      "--minutes",
      String(options.minutes),
      ...(options.exclude?.length ? ["--exclude", options.exclude.join(",")] : []),
    ],
    onEvent: (event) => {
      if (event.event === "step" && Date.now() - lastPrint > 60_000) {
        lastPrint = Date.now();
        const loss = typeof event.loss === "number" ? event.loss.toFixed(3) : "?";
        console.log(`  step ${event.step}, loss ${loss}, ${Math.round(Number(event.elapsed_s) / 60)} min`);
      }
    },
    onLog: () => {},
    signal: options.signal ?? new AbortController().signal,
  });
  if (outcome.exitCode !== 0) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw new Error(outcome.error ?? `the trainer exited with code ${outcome.exitCode}`);
  }
  fs.rmSync(options.out, { recursive: true, force: true });
  fs.mkdirSync(path.dirname(options.out), { recursive: true });
  fs.renameSync(tmp, options.out);
  console.log(`Retriever base ready in ${options.out}: new training runs start from it.`);
}

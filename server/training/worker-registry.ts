import type { TrainingWorker } from "./worker";

// The in-process worker of the embedded default, so a new run starts without waiting for a poll.
const key = Symbol.for("tunedesk.trainingWorker");
type GlobalWithWorker = typeof globalThis & { [key]?: TrainingWorker };

export function registerTrainingWorker(worker: TrainingWorker | undefined): void {
  (globalThis as GlobalWithWorker)[key] = worker;
}

export function getTrainingWorker(): TrainingWorker | undefined {
  return (globalThis as GlobalWithWorker)[key];
}

import { getDatabase } from "./db";
import { env } from "./env";
import { trainingPaths } from "./training/paths";
import { TrainingWorker } from "./training/worker";
import { getTrainingWorker, registerTrainingWorker } from "./training/worker-registry";

/** Starts what the web process owns besides HTTP: the embedded default also runs the trainer service. */
export async function bootServer(): Promise<void> {
  const database = await getDatabase();
  console.log(`[tunedesk] database ready (${database.kind})`);
  if (!env().DATABASE_URL && !getTrainingWorker()) {
    const worker = new TrainingWorker({ db: database.db, ...trainingPaths() });
    registerTrainingWorker(worker);
    worker.start();
    console.log("[tunedesk] training worker running in this process (embedded default)");
  }
}

import { getDatabase } from "./db";
import { env } from "./env";
import { seedDemoOnFirstStart } from "./knowledge/demo";
import { reloadServingModel } from "./serving";
import { startSweeper } from "./sweeper";
import { trainingPaths } from "./training/paths";
import { TrainingWorker } from "./training/worker";
import { getTrainingWorker, registerTrainingWorker } from "./training/worker-registry";

/**
 * Starts what the web process owns besides HTTP. The embedded default also loads the demo
 * knowledge base on first start (PostgreSQL gets it only on request) and runs the trainer service.
 */
export async function bootServer(): Promise<void> {
  const database = await getDatabase();
  console.log(`[tunedesk] database ready (${database.kind})`);
  // Load the production model now rather than on the first customer's question.
  void reloadServingModel(database.db).catch((err) => console.error("[tunedesk] serving:", err));
  startSweeper(database.db, { ownsAllAnswers: !env().DATABASE_URL });
  if (env().DATABASE_URL) return;
  if (await seedDemoOnFirstStart(database.db)) console.log("[tunedesk] demo knowledge base loaded");
  if (!getTrainingWorker()) {
    const worker = new TrainingWorker({
      db: database.db,
      ...trainingPaths(),
      servingPrecision: env().TUNEDESK_SERVE_PRECISION,
    });
    registerTrainingWorker(worker);
    worker.start();
    console.log("[tunedesk] training worker running in this process (embedded default)");
  }
}

import { getDatabase } from "./db";
import { env } from "./env";
import { trainingPaths } from "./training/paths";
import { TrainingWorker } from "./training/worker";

/** `npm run worker`: the trainer service, against the database in DATABASE_URL. */
async function main() {
  if (!env().DATABASE_URL) {
    console.error(
      "npm run worker needs DATABASE_URL (PostgreSQL). With the embedded database, `npm start` runs the worker itself.",
    );
    process.exit(2);
  }
  const database = await getDatabase();
  const worker = new TrainingWorker({
    db: database.db,
    ...trainingPaths(),
    servingPrecision: env().TUNEDESK_SERVE_PRECISION,
  });
  worker.start();
  console.log(`[worker] ${worker.id} waiting for training runs`);
  const shutdown = async (signal: string) => {
    console.log(`[worker] ${signal}: stopping (a run in progress is cancelled)`);
    await worker.stop();
    await database.close();
    process.exit(0);
  };
  process.once("SIGTERM", () => void shutdown("SIGTERM"));
  process.once("SIGINT", () => void shutdown("SIGINT"));
}

void main();

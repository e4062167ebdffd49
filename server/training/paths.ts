import path from "node:path";
import { env } from "@/server/env";

/** Where the trainer service keeps bases, runs and bundles, and which Python runs the trainer. */
export function trainingPaths(): { dataDir: string; python: string } {
  const { TUNEDESK_DATA_DIR, TUNEDESK_PYTHON } = env();
  return { dataDir: path.resolve(TUNEDESK_DATA_DIR), python: TUNEDESK_PYTHON };
}

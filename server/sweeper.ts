/**
 * Cleans up after processes that died: answers left "generating" and training runs whose worker
 * stopped sending heartbeats (and drops long-ended sign-in sessions). Runs in every web process (so a dead worker's run shows as failed
 * even when no other worker is running) and at start.
 */
import type { Db } from "@/db/client";
import { failInterruptedAnswers } from "@/db/queries/conversations";
import { deleteEndedSessions } from "@/db/queries/sessions";
import { failStaleRuns } from "@/db/queries/training";

/** No answer takes this long (256 tokens at a few tokens a second is under a minute). */
export const ANSWER_TIMEOUT_MS = 5 * 60_000;
/** Workers beat every 3 s; a minute without one means the worker is gone. */
export const RUN_STALE_MS = 60_000;
const SWEEP_EVERY_MS = 30_000;

export async function sweepOrphans(
  db: Db,
  options: { answersStartedBefore?: Date; now?: number } = {},
): Promise<{ answers: number; runs: number }> {
  const now = options.now ?? Date.now();
  const answers = await failInterruptedAnswers(
    db,
    options.answersStartedBefore ?? new Date(now - ANSWER_TIMEOUT_MS),
  );
  const runs = (await failStaleRuns(db, new Date(now - RUN_STALE_MS))).length;
  await deleteEndedSessions(db);
  return { answers, runs };
}

/**
 * Sweeps now and every 30 s. `ownsAllAnswers`: this is the only process that answers (the
 * embedded database), so every answer still generating at start was cut off.
 */
export function startSweeper(db: Db, options: { ownsAllAnswers: boolean }): () => void {
  const log = (swept: { answers: number; runs: number }) => {
    if (swept.answers || swept.runs)
      console.log(
        `[tunedesk] marked ${swept.answers} interrupted answers and ${swept.runs} stopped runs as failed`,
      );
  };
  void sweepOrphans(db, options.ownsAllAnswers ? { answersStartedBefore: new Date() } : {})
    .then(log)
    .catch((err) => console.error("[tunedesk] sweep:", err));
  const timer = setInterval(
    () =>
      void sweepOrphans(db)
        .then(log)
        .catch((err) => console.error("[tunedesk] sweep:", err)),
    SWEEP_EVERY_MS,
  );
  timer.unref();
  return () => clearInterval(timer);
}

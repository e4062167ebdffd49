import { createHash } from "node:crypto";
import type { Db } from "@/db/client";
import { listApprovedPairsForTraining } from "@/db/queries/knowledge";
import { insertSnapshot, type SnapshotSource } from "@/db/queries/training";
import { UserFacingError } from "@/server/users/errors";

/** Content hash of the pairs and their split: equal knowledge gives an equal hash. */
export function snapshotHash(train: SnapshotSource[], heldOut: SnapshotSource[]): string {
  const canonical = (pairs: SnapshotSource[]) =>
    [...pairs]
      .sort((a, b) => a.id.localeCompare(b.id))
      .map((p) => [p.id, p.question, p.variants, p.answer, p.context, p.product]);
  return createHash("sha256")
    .update(JSON.stringify({ train: canonical(train), heldOut: canonical(heldOut) }))
    .digest("hex");
}

/**
 * Freezes today's approved pairs into an immutable snapshot. Every pair trains; evaluation holds
 * out phrasings, not pairs (split.ts).
 */
export async function createSnapshot(db: Db, createdBy: string | null) {
  return db.transaction(async (tx) => {
    const pairs = (await listApprovedPairsForTraining(tx)).filter((p) => p.answer.trim().length > 0);
    if (pairs.length === 0) {
      throw new UserFacingError(
        "There are no approved pairs with an answer to train on: approve some pairs first",
      );
    }
    return insertSnapshot(tx, { sha256: snapshotHash(pairs, []), createdBy, train: pairs, heldOut: [] });
  });
}

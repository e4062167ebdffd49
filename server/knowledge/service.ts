import type { Db } from "@/db/client";
import {
  createPair,
  getPair,
  getPairVersion,
  listPairVersions,
  type Pair,
  setPairsStatus,
  updatePair,
} from "@/db/queries/knowledge";
import { findApprovedConflicts, type SimilarPair } from "@/db/queries/knowledge-search";
import type { KnowledgeStatus } from "@/db/schema";
import { UserFacingError } from "@/server/users/errors";
import { diffSnapshots, type SnapshotDiff } from "./diff";
import { cleanPairContent, type RawPairContent } from "./limits";

function cleanOrThrow(raw: RawPairContent, requireAnswer: boolean) {
  const result = cleanPairContent(raw, { requireAnswer });
  if (!result.ok) {
    const first = result.problems[0];
    throw new UserFacingError(result.problems.map((p) => p.message).join("; "), "invalid", first?.field);
  }
  return result.value;
}

async function pairOrThrow(db: Db, id: string): Promise<Pair> {
  const pair = await getPair(db, id);
  if (!pair) throw new UserFacingError("This knowledge pair no longer exists", "not_found");
  return pair;
}

/** A new draft pair written by staff in the editor. */
export async function createManualPair(db: Db, input: RawPairContent, actorId: string): Promise<Pair> {
  const content = cleanOrThrow(input, false);
  return createPair(db, { ...content, status: "draft", source: "manual" }, actorId);
}

/** Saves the editor's content; refuses when someone else saved a newer version meanwhile. */
export async function editPair(
  db: Db,
  id: string,
  input: RawPairContent & { expectedVersion: number },
  actorId: string,
): Promise<Pair> {
  const current = await pairOrThrow(db, id);
  const content = cleanOrThrow(input, current.status === "approved");
  const updated = await updatePair(db, id, content, {
    actorId,
    change: "edited",
    expectedVersion: input.expectedVersion,
  });
  if (updated === "stale") {
    throw new UserFacingError(
      "Someone else changed this pair while you were editing. Reload it to see their version, then apply your change again.",
      "conflict",
    );
  }
  if (!updated) throw new UserFacingError("This knowledge pair no longer exists", "not_found");
  return updated;
}

export type ApprovalConflict = { pairId: string; question: string; conflictsWith: SimilarPair[] };

/**
 * Approves pairs. A pair whose question is similar to an approved pair's with a different answer is
 * not approved unless a decision is given: approve anyway, or archive the conflicting pairs first.
 */
export async function approvePairs(
  db: Db,
  ids: string[],
  decision: "ask" | "approve_anyway" | "archive_others",
  actorId: string,
): Promise<{ approved: string[]; conflicts: ApprovalConflict[]; archived: string[] }> {
  const approved: string[] = [];
  const archived: string[] = [];
  const conflicts: ApprovalConflict[] = [];
  for (const id of ids) {
    const pair = await getPair(db, id);
    if (!pair || pair.status === "approved") continue;
    if (!pair.answer.trim()) {
      throw new UserFacingError(
        `"${pair.question.slice(0, 80)}" has no answer yet; write one before approving`,
        "invalid",
        "answer",
      );
    }
    const others = await findApprovedConflicts(db, id);
    if (others.length && decision === "ask") {
      conflicts.push({ pairId: id, question: pair.question, conflictsWith: others });
      continue;
    }
    await db.transaction(async (tx) => {
      const t = tx as unknown as Db;
      if (others.length && decision === "archive_others") {
        archived.push(
          ...(await setPairsStatus(
            t,
            others.map((o) => o.id),
            "archived",
            actorId,
          )),
        );
      }
      approved.push(...(await setPairsStatus(t, [id], "approved", actorId)));
    });
  }
  return { approved, conflicts, archived };
}

/** Moves pairs to draft or archive (approval goes through `approvePairs`). */
export function setStatus(
  db: Db,
  ids: string[],
  status: Exclude<KnowledgeStatus, "approved">,
  actorId: string,
) {
  return setPairsStatus(db, ids, status, actorId);
}

export type HistoryEntry = {
  version: number;
  change: string;
  changedAt: Date;
  changedByName: string | null;
  diff: SnapshotDiff;
};

/** Every version of a pair, newest first, each with what changed from the version before. */
export async function getPairHistory(db: Db, id: string): Promise<HistoryEntry[]> {
  await pairOrThrow(db, id);
  const versions = await listPairVersions(db, id);
  return versions.map((v, i) => ({
    version: v.version,
    change: v.change,
    changedAt: v.changedAt,
    changedByName: v.changedByName,
    diff: diffSnapshots(versions[i + 1]?.snapshot, v.snapshot),
  }));
}

/** Brings back an older version's content as a new version (the status stays as it is). */
export async function restorePairVersion(
  db: Db,
  id: string,
  version: number,
  actorId: string,
): Promise<Pair> {
  const current = await pairOrThrow(db, id);
  const snapshot = await getPairVersion(db, id, version);
  if (!snapshot) throw new UserFacingError(`Version ${version} of this pair does not exist`, "not_found");
  if (current.status === "approved" && !snapshot.answer.trim()) {
    throw new UserFacingError("That version has no answer; an approved pair needs one", "invalid", "answer");
  }
  const { status: _status, ...content } = snapshot;
  const updated = await updatePair(db, id, content, { actorId, change: `restored version ${version}` });
  if (!updated || updated === "stale")
    throw new UserFacingError("This knowledge pair no longer exists", "not_found");
  return updated;
}

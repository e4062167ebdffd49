"use client";

import Link from "next/link";

export type ConflictList = {
  pairId: string;
  question: string;
  conflictsWith: { id: string; question: string; answerPreview: string }[];
}[];

/** Approving would teach the bot two answers to one question: the person decides what happens. */
export function ConflictNotice({
  conflicts,
  busy,
  onDecide,
  onCancel,
}: {
  conflicts: ConflictList;
  busy: boolean;
  onDecide: (decision: "approve_anyway" | "archive_others") => void;
  onCancel: () => void;
}) {
  return (
    <div className="panel kn-conflict" role="alertdialog" aria-labelledby="kn-conflict-title">
      <h2 id="kn-conflict-title">
        {conflicts.length === 1 ? "This pair conflicts" : `${conflicts.length} pairs conflict`} with approved
        pairs
      </h2>
      <p className="muted">
        A similar question already has a different approved answer. Approving both teaches the bot two
        answers.
      </p>
      <ul>
        {conflicts.map((c) => (
          <li key={c.pairId}>
            <Link href={`/console/knowledge/${c.pairId}`}>{c.question}</Link> conflicts with:
            <ul>
              {c.conflictsWith.map((o) => (
                <li key={o.id}>
                  <Link href={`/console/knowledge/${o.id}`}>{o.question}</Link>{" "}
                  <span className="muted">— {o.answerPreview}</span>
                </li>
              ))}
            </ul>
          </li>
        ))}
      </ul>
      <div className="row">
        <button type="button" disabled={busy} onClick={() => onDecide("archive_others")}>
          Archive the other{conflicts.some((c) => c.conflictsWith.length > 1) ? "s" : ""} and approve
        </button>
        <button
          type="button"
          className="secondary"
          disabled={busy}
          onClick={() => onDecide("approve_anyway")}
        >
          Approve anyway
        </button>
        <button type="button" className="secondary" disabled={busy} onClick={onCancel}>
          Cancel
        </button>
      </div>
    </div>
  );
}

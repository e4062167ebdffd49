"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { errorMessage, useTRPC } from "@/app/_lib/trpc";
import { formatPercent, formatScore } from "@/app/console/_training/format";
import type { Model } from "@/db/schema";
import type { AnswerChanges, GateVerdict } from "@/server/training/promotion";

type Gate = GateVerdict | null;

const isConflict = (e: unknown) => (e as { data?: { code?: string } } | null)?.data?.code === "CONFLICT";

/** Promote a candidate (with the promotion gate's reason when it scored worse) or roll back to a retired model. */
export function PromotePanel({ model, gate }: { model: Model; gate: Gate }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [servingError, setServingError] = useState<string | null>(null);
  const [needsReason, setNeedsReason] = useState(false);
  const [reason, setReason] = useState("");
  const refresh = () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: trpc.models.get.queryKey() }),
      queryClient.invalidateQueries({ queryKey: trpc.models.list.queryKey() }),
    ]);
  const handlers = {
    onSuccess: (result: { servingError: string | null }) => {
      setError(null);
      setNeedsReason(false);
      setServingError(result.servingError);
      setNotice(result.servingError ? null : "Done: customers are now served by this model.");
      return refresh();
    },
    onError: (e: unknown) => {
      setNotice(null);
      setError(errorMessage(e));
      if (isConflict(e) && model.status === "candidate") setNeedsReason(true);
    },
  };
  const promote = useMutation(trpc.models.promote.mutationOptions(handlers));
  const rollBack = useMutation(trpc.models.rollBack.mutationOptions(handlers));
  const askReason = needsReason || !!gate?.worse || !!gate?.belowFloor || !!gate?.breaksConfirmed;
  const show = (v: number | undefined) =>
    v === undefined ? "?" : gate?.metric === "right answers" ? formatPercent(v) : formatScore(v);

  function submitPromote(event: FormEvent) {
    event.preventDefault();
    setError(null);
    promote.mutate({ id: model.id, overrideReason: askReason ? reason.trim() || undefined : undefined });
  }

  if (model.status === "production") {
    return (
      <>
        {servingError && (
          <p role="alert" className="run-error" data-testid="serving-error">
            This model is in production, but serving could not load it: {servingError}
          </p>
        )}
        {!servingError && (
          <p className="notice-box" role="status">
            {notice ?? "This model answers customers now."}
          </p>
        )}
      </>
    );
  }

  if (model.status === "retired") {
    return (
      <section className="panel stack" aria-label="Roll back">
        <p>
          This model served customers before. Rolling back puts it in production again, without a restart.
        </p>
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
        <div>
          <button
            type="button"
            disabled={rollBack.isPending}
            onClick={() => rollBack.mutate({ id: model.id })}
          >
            {rollBack.isPending ? "Rolling back…" : "Roll back to this model"}
          </button>
        </div>
      </section>
    );
  }

  return (
    <form className="panel stack" aria-label="Promote" onSubmit={submitPromote}>
      {/* The server's refusal says the same as this warning, and more: show one of them. */}
      {gate?.worse && !error ? (
        <p className="warning">
          This candidate answers held-out questions worse than production ({gate.metric}{" "}
          {show(gate.candidate)} vs {show(gate.production)}).
        </p>
      ) : gate?.breaksConfirmed && gate.regressionChanges && !error ? (
        <p className="warning">
          This candidate breaks {gate.regressionChanges.broken} of {gate.regressionChanges.questions} customer
          questions staff confirmed and fixes {gate.regressionChanges.fixed}.
        </p>
      ) : gate?.belowFloor && !error ? (
        <p className="warning">
          This candidate answers only {show(gate.candidate)} of held-out rewordings right, below the floor of{" "}
          {show(gate.floor)}.
        </p>
      ) : gate?.candidate !== undefined ? (
        <p data-testid="gate-figures">
          Held-out {gate.metric}: {show(gate.candidate)}
          {gate.production !== undefined ? ` vs production ${show(gate.production)}` : ""}
          {gate.metric === "right answers" ? ` (floor ${show(gate.floor)})` : ""}. The figures above say what
          customers would get.
        </p>
      ) : null}
      {gate && <AnswerChangesTable gate={gate} />}
      {error && (
        <p role="alert" className="error" data-testid="promote-error">
          {error}
        </p>
      )}
      {askReason && (
        <label>
          Reason for promoting it anyway
          <textarea value={reason} onChange={(e) => setReason(e.target.value)} rows={2} maxLength={1000} />
        </label>
      )}
      <div>
        <button type="submit" disabled={promote.isPending}>
          {promote.isPending ? "Promoting…" : askReason ? "Promote anyway" : "Promote to production"}
        </button>
      </div>
      <p className="muted">Serving switches to the promoted model at once; no restart needed.</p>
    </form>
  );
}

/** What the candidate fixes and breaks against production, and which questions it breaks. */
function AnswerChangesTable({ gate }: { gate: GateVerdict }) {
  const rows = [
    { label: "Held-out phrasings of trained pairs", changes: gate.heldOutChanges },
    { label: "Customer questions staff confirmed", changes: gate.regressionChanges },
  ].filter((r): r is { label: string; changes: AnswerChanges } => !!r.changes);
  if (!rows.length) return null;
  const broken = rows.flatMap((r) => r.changes.brokenQuestions.map((q) => ({ ...q, set: r.label })));
  return (
    <div className="stack" data-testid="answer-changes">
      <table>
        <caption>Against production, question by question</caption>
        <thead>
          <tr>
            <th scope="col">Questions</th>
            <th scope="col">Asked</th>
            <th scope="col">Fixed</th>
            <th scope="col">Broken</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.label}>
              <th scope="row">{r.label}</th>
              <td>{r.changes.questions}</td>
              <td data-testid="changes-fixed">{r.changes.fixed}</td>
              <td data-testid="changes-broken">{r.changes.broken}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {broken.length > 0 && (
        <details open={broken.length <= 10}>
          <summary>Questions production answers right and this candidate does not ({broken.length})</summary>
          <ul data-testid="broken-questions">
            {broken.map((q) => (
              <li key={`${q.set}:${q.question}`}>
                “{q.question}” <span className="muted">({q.set.toLowerCase()})</span>
              </li>
            ))}
          </ul>
        </details>
      )}
    </div>
  );
}

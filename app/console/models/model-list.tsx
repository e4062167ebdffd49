"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { errorMessage, useTRPC } from "@/app/_lib/trpc";
import { When } from "@/app/console/_components/when";
import { formatScore } from "@/app/console/_training/format";
import { StatusBadge } from "@/app/console/_training/status-badge";
import type { EvaluationReport } from "@/server/training/evaluation";

const candidateF1 = (evaluation: unknown) =>
  (evaluation as EvaluationReport | null)?.models.find((m) => m.label === "candidate")?.scores.tokenF1;

export function ModelList({ isAdmin }: { isAdmin: boolean }) {
  const trpc = useTRPC();
  const models = useQuery(trpc.models.list.queryOptions());
  if (models.isPending) return <p className="muted">Loading…</p>;
  if (models.error) return <p className="error">{errorMessage(models.error)}</p>;
  if (models.data.length === 0) {
    return (
      <p className="muted">
        No trained models yet.{" "}
        {isAdmin ? (
          <>
            <Link href="/console/training">Start a training run</Link>.
          </>
        ) : (
          "An admin starts training runs; models appear here when one finishes."
        )}
      </p>
    );
  }
  return (
    <div className="table-wrap panel">
      <table data-testid="model-list">
        <thead>
          <tr>
            <th scope="col">Model</th>
            <th scope="col">Status</th>
            <th scope="col">Base</th>
            <th scope="col" title="Token F1 of its answers to held-out questions">
              Held-out F1
            </th>
            <th scope="col">Val loss</th>
            <th scope="col">Created</th>
          </tr>
        </thead>
        <tbody>
          {models.data.map((m) => (
            <tr key={m.id} className={m.status === "production" ? "highlight" : undefined}>
              <td>
                <Link href={`/console/models/${m.id}`}>{m.name}</Link>
              </td>
              <td>
                <StatusBadge status={m.status} />
              </td>
              <td>{m.baseName ?? "—"}</td>
              <td>{formatScore(candidateF1(m.evaluation))}</td>
              <td>{formatScore(m.metrics.val_loss as number | undefined)}</td>
              <td>
                <When date={m.createdAt} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

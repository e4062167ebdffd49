"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { errorMessage, useTRPC } from "@/app/_lib/trpc";
import { When } from "@/app/console/_components/when";
import { formatDuration, isActiveRun, runDurationSeconds } from "@/app/console/_training/format";
import { StatusBadge } from "@/app/console/_training/status-badge";

export function RunList() {
  const trpc = useTRPC();
  const runs = useQuery({
    ...trpc.training.listRuns.queryOptions(),
    // Follow queued and running runs without a reload.
    refetchInterval: (query) => (query.state.data?.some((r) => isActiveRun(r.status)) ? 3000 : false),
  });
  if (runs.isPending) return <p className="muted">Loading…</p>;
  if (runs.error) return <p className="error">{errorMessage(runs.error)}</p>;
  if (runs.data.length === 0) return <p className="muted">No training runs yet.</p>;
  return (
    <div className="table-wrap panel">
      <table data-testid="run-list">
        <thead>
          <tr>
            <th scope="col">Status</th>
            <th scope="col">Base</th>
            <th scope="col">Method</th>
            <th scope="col">Created</th>
            <th scope="col">Duration</th>
            <th scope="col">
              <span className="visually-hidden">Open</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {runs.data.map((run) => (
            <tr key={run.id}>
              <td>
                <StatusBadge status={run.status} />
              </td>
              <td>{run.baseName ?? "—"}</td>
              <td>{String(run.settings.method ?? "—")}</td>
              <td>
                <When date={run.createdAt} />
              </td>
              <td>{formatDuration(runDurationSeconds(run))}</td>
              <td>
                <Link href={`/console/training/${run.id}`}>Open run</Link>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

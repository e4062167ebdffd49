"use client";

import { skipToken, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { errorMessage, useTRPC } from "@/app/_lib/trpc";
import { When } from "@/app/console/_components/when";
import { EvaluationSection } from "@/app/console/_training/evaluation-table";
import {
  formatCountOf,
  formatDuration,
  isActiveRun,
  runDurationSeconds,
} from "@/app/console/_training/format";
import { KeyValues } from "@/app/console/_training/key-values";
import { settingsForMethod } from "@/app/console/_training/labels";
import { StatusBadge } from "@/app/console/_training/status-badge";
import type { EvaluationReport } from "@/server/training/evaluation";
import { CancelRunButton } from "./cancel-run-button";
import { LossChart } from "./loss-chart";
import { RunLog } from "./run-log";
import { RunStats } from "./run-stats";
import { useRunMetrics } from "./use-run-metrics";

const POLL_MS = 2000;

export function RunView({ runId, isAdmin }: { runId: string; isAdmin: boolean }) {
  const trpc = useTRPC();
  const details = useQuery({
    ...trpc.training.getRun.queryOptions({ id: runId }),
    staleTime: 0,
    refetchInterval: (query) => (isActiveRun(query.state.data?.run.status) ? POLL_MS : false),
  });
  const active = isActiveRun(details.data?.run.status);
  const metrics = useRunMetrics(runId, active || details.isPending);
  const modelId = details.data?.run.modelId;
  const model = useQuery(trpc.models.get.queryOptions(modelId ? { id: modelId } : skipToken));

  if (details.isPending) return <p className="muted">Loading…</p>;
  if (details.error) return <p className="error">{errorMessage(details.error)}</p>;
  const { run, base, snapshot } = details.data;

  return (
    <div className="stack" data-testid="run-view">
      <header className="page-header">
        <h1>
          Run on {base.name} <StatusBadge status={run.status} />
        </h1>
        {isAdmin && active && <CancelRunButton runId={run.id} requested={run.cancelRequested} />}
      </header>
      <p className="muted">
        Started <When date={run.startedAt ?? run.createdAt} /> · {formatDuration(runDurationSeconds(run))} ·
        snapshot of {snapshot ? formatCountOf(snapshot.pairCount, "pair") : "? pairs"} (
        {snapshot?.trainPairCount ?? "?"} train, {snapshot?.heldOutPairCount ?? "?"} held out)
      </p>
      {run.error && (
        <div role="alert" className="run-error">
          <strong>{run.status === "cancelled" ? "Cancelled" : "The run failed"}</strong>
          <pre data-testid="run-error">{run.error}</pre>
        </div>
      )}
      {run.status === "succeeded" && modelId && (
        <p className="notice-box">
          Training finished. <Link href={`/console/models/${modelId}`}>Open the model</Link> to compare its
          answers and promote it.
        </p>
      )}
      <RunStats progress={run.progress} active={active} status={run.status} />
      <h2>Loss</h2>
      <LossChart points={metrics.points} />
      {metrics.error ? <p className="error">{errorMessage(metrics.error)}</p> : null}
      {modelId && (
        <>
          <h2>Evaluation</h2>
          {model.error ? (
            <p className="error">{errorMessage(model.error)}</p>
          ) : (
            <EvaluationSection report={model.data?.model.evaluation as EvaluationReport | null | undefined} />
          )}
        </>
      )}
      <h2>Log</h2>
      <RunLog lines={run.logTail} />
      <details>
        <summary>Settings</summary>
        <KeyValues kind="settings" label="Run settings" entries={settingsForMethod(run.settings)} />
      </details>
    </div>
  );
}

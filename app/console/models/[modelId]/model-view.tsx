"use client";

import { skipToken, useQuery } from "@tanstack/react-query";
import { errorMessage, useTRPC } from "@/app/_lib/trpc";
import { When } from "@/app/console/_components/when";
import { EvaluationSection } from "@/app/console/_training/evaluation-table";
import { HeldOutAnswers } from "@/app/console/_training/held-out-answers";
import { StatusBadge } from "@/app/console/_training/status-badge";
import type { EvaluationReport } from "@/server/training/evaluation";
import { CompareBox } from "./compare-box";
import { Decoders } from "./decoders";
import { Lineage } from "./lineage";
import { PromotePanel } from "./promote-panel";

export function ModelView({ modelId, isAdmin }: { modelId: string; isAdmin: boolean }) {
  const trpc = useTRPC();
  const details = useQuery(trpc.models.get.queryOptions({ id: modelId }));
  const runId = details.data?.model.trainingRunId;
  const run = useQuery(trpc.training.getRun.queryOptions(runId ? { id: runId } : skipToken));

  if (details.isPending) return <p className="muted">Loading…</p>;
  if (details.error) return <p className="error">{errorMessage(details.error)}</p>;
  const { model, gate, servedAt } = details.data;
  const report = model.evaluation as EvaluationReport | null;

  return (
    <div className="stack" data-testid="model-view">
      <header className="page-header">
        <h1>
          {model.name} <StatusBadge status={model.status} />
        </h1>
      </header>
      <p className="muted">
        Created <When date={model.createdAt} />
        {model.promotedAt ? (
          <>
            {" "}
            · last promoted <When date={model.promotedAt} />
          </>
        ) : null}{" "}
        · API id <code data-testid="model-slug">{model.slug}</code>
        {model.status === "production" ? (
          <>
            {" "}
            (or <code>tunedesk</code>, which follows promotions)
          </>
        ) : null}
      </p>
      {isAdmin && <PromotePanel model={model} gate={gate} />}
      <h2>Lineage</h2>
      {run.error ? <p className="error">{errorMessage(run.error)}</p> : null}
      <Lineage model={model} run={run.data} />
      <h2>Evaluation</h2>
      <EvaluationSection report={report} />
      <h2>Serving precision</h2>
      <Decoders
        checks={model.metrics.decoders as Parameters<typeof Decoders>[0]["checks"]}
        servedAt={servedAt}
      />
      {isAdmin && (
        <>
          <h2>Try a question</h2>
          <CompareBox modelId={model.id} />
        </>
      )}
      {report && report.questions.length > 0 && (
        <details className="held-out-details">
          <summary>
            <h2>Held-out answers side by side ({report.questions.length})</h2>
          </summary>
          <HeldOutAnswers report={report} />
        </details>
      )}
    </div>
  );
}

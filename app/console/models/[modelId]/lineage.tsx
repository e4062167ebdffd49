import Link from "next/link";
import {
  formatCompact,
  formatCount,
  formatCountOf,
  formatDuration,
  formatPercent,
} from "@/app/console/_training/format";
import { KeyValues } from "@/app/console/_training/key-values";
import { phaseLabel, settingsForMethod } from "@/app/console/_training/labels";
import type { BaseModel, Model, TrainingRun } from "@/db/schema";
import type { RetrieverReport } from "@/server/training/retriever-tuning";

type RunDetails = {
  run: TrainingRun;
  base: BaseModel;
  snapshot:
    | { sha256: string; pairCount: number; trainPairCount: number; heldOutPairCount: number }
    | undefined;
};

const retrieverOrigin: Record<RetrieverReport["base"], string> = {
  general: "Tuned from the general retriever base",
  previous: "Tuned on from the previous production model's retriever",
  none: "Tuned from scratch (no general base was built)",
};

/** Where a model came from: base, frozen data, settings, and what training measured. */
export function Lineage({ model, run }: { model: Model; run: RunDetails | undefined }) {
  const { phaseSeconds, retriever, ...metrics } = model.metrics as {
    phaseSeconds?: Record<string, number>;
    retriever?: RetrieverReport;
  } & Record<string, unknown>;
  return (
    <div className="lineage">
      <div className="panel stack">
        <h3>Base</h3>
        {run ? (
          <p>
            {run.base.name} <span className="badge">{run.base.kind}</span>{" "}
            {typeof run.base.summary.parameters === "number" && (
              <span className="muted">{formatCompact(run.base.summary.parameters)} parameters</span>
            )}
          </p>
        ) : (
          <p className="muted">—</p>
        )}
        <h3>Dataset snapshot</h3>
        {run?.snapshot ? (
          <p>
            <code title={run.snapshot.sha256}>{run.snapshot.sha256.slice(0, 12)}</code> ·{" "}
            {formatCountOf(run.snapshot.pairCount, "pair")} ({run.snapshot.trainPairCount} train,{" "}
            {run.snapshot.heldOutPairCount} held out)
          </p>
        ) : (
          <p className="muted">—</p>
        )}
        {model.trainingRunId && (
          <p>
            <Link href={`/console/training/${model.trainingRunId}`}>Open the training run</Link>
          </p>
        )}
      </div>
      <div className="panel stack">
        <h3>Settings</h3>
        {run ? (
          <KeyValues
            kind="settings"
            label="Training settings"
            entries={settingsForMethod(run.run.settings)}
          />
        ) : (
          <p>—</p>
        )}
      </div>
      <div className="panel stack">
        <h3>Training metrics</h3>
        <KeyValues label="Training metrics" entries={Object.entries(metrics)} />
        {retriever && (
          <>
            <h3>Retriever</h3>
            <p data-testid="retriever-summary">
              {retrieverOrigin[retriever.base]}, {formatCount(retriever.steps)} steps in{" "}
              {formatDuration(retriever.seconds)}.
            </p>
            {retriever.calibration && (
              <p data-testid="retriever-calibration">
                Answers at a score of {retriever.calibration.answerAt.toFixed(3)} (
                {retriever.calibration.source === "calibrated"
                  ? `calibrated on ${retriever.calibration.measured?.inScopeQuestions ?? 0} held-out phrasings`
                  : "default threshold"}
                )
                {retriever.calibration.measured &&
                  `: declines ${formatPercent(retriever.calibration.measured.offTopicDeclined)} of ${retriever.calibration.measured.offTopicQuestions} off-topic messages it was not set on`}
                .{retriever.calibration.note && ` ${retriever.calibration.note}.`}
              </p>
            )}
          </>
        )}
        {phaseSeconds && (
          <>
            <h3>Time per phase</h3>
            <dl className="key-values" aria-label="Time per phase">
              {Object.entries(phaseSeconds).map(([phase, s]) => (
                <div key={phase}>
                  <dt>{phaseLabel(phase)}</dt>
                  <dd>{formatDuration(s)}</dd>
                </div>
              ))}
            </dl>
          </>
        )}
      </div>
    </div>
  );
}

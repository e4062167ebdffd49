import { formatCompact, formatCount, formatDuration, formatPercent } from "@/app/console/_training/format";
import { phaseLabel } from "@/app/console/_training/labels";
import type { TrainingProgress } from "@/db/schema/training";
import { ESTIMATE_RANGE } from "@/server/training/settings";

/** How a run that is no longer active ended, in words. */
function endedPhase(status: string, phase: string | undefined): string {
  if (status === "succeeded") return "Finished";
  const during = phase ? ` while ${phaseLabel(phase).toLowerCase()}` : "";
  if (status === "cancelled") return `Cancelled${during}`;
  if (status === "failed") return `Failed${during}`;
  return phase ? phaseLabel(phase) : "—";
}

/** The trainer's torch device in words: cuda / cuda:0 / mps are GPUs. */
function hardware(device: string): string {
  if (device.startsWith("cuda")) return `GPU (${device})`;
  if (device === "mps") return "GPU (Apple)";
  return device.toUpperCase();
}

/** The live numbers of a run: where it is, how fast it goes, on what hardware. */
export function RunStats({
  progress,
  active,
  status,
}: {
  progress: TrainingProgress;
  active: boolean;
  status: string;
}) {
  const { step, totalSteps } = progress;
  return (
    <div className="panel stack">
      {totalSteps ? (
        <label className="progress-label">
          Step {formatCount(step ?? 0)} of {formatCount(totalSteps)}
          <progress max={totalSteps} value={step ?? 0} />
        </label>
      ) : null}
      <dl className="stat-grid" data-testid="run-stats">
        <div>
          <dt>Phase</dt>
          <dd data-testid="run-phase">
            {active
              ? progress.phase
                ? phaseLabel(progress.phase)
                : "Waiting for a worker"
              : endedPhase(status, progress.phase)}
          </dd>
        </div>
        <div>
          <dt>Step</dt>
          <dd>
            {step !== undefined || totalSteps
              ? `${formatCount(step ?? 0)} / ${formatCount(totalSteps)}`
              : "—"}
          </dd>
        </div>
        <div>
          <dt>Training speed</dt>
          <dd>{progress.tokensPerSecond ? `${formatCount(progress.tokensPerSecond)} tokens/s` : "—"}</dd>
        </div>
        <div>
          <dt>Expected in all</dt>
          <dd data-testid="run-expected">
            {progress.estimatedSeconds
              ? `${formatDuration(progress.estimatedSeconds * ESTIMATE_RANGE.low)} – ${formatDuration(
                  progress.estimatedSeconds * ESTIMATE_RANGE.high,
                )}`
              : "—"}
          </dd>
        </div>
        <div>
          <dt>Training left</dt>
          <dd>{active && progress.phase === "training" ? formatDuration(progress.etaSeconds) : "—"}</dd>
        </div>
        <div>
          <dt>Hardware</dt>
          <dd>
            {progress.device ? hardware(progress.device) : "—"}
            {progress.precision ? ` · ${progress.precision}` : ""}
          </dd>
        </div>
        <div>
          <dt>Parameters</dt>
          <dd>{formatCompact(progress.parameters)}</dd>
        </div>
        <div>
          <dt>Examples (train / held out)</dt>
          <dd>
            {formatCount(progress.trainExamples)} / {formatCount(progress.valExamples)}
          </dd>
        </div>
        <div>
          <dt>Padding in batches</dt>
          <dd>{formatPercent(progress.paddingRatio)}</dd>
        </div>
      </dl>
      {progress.phaseSeconds && (
        <p className="muted phase-times">
          {Object.entries(progress.phaseSeconds)
            .map(([phase, s]) => `${phaseLabel(phase)} ${formatDuration(s)}`)
            .join(" · ")}
        </p>
      )}
    </div>
  );
}

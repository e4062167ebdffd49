import { formatCount, formatDuration } from "@/app/console/_training/format";
import type { RunPreview as Preview } from "@/server/training/runs";

/** What the run would train on, before it starts. */
export function RunPreview({ preview, updating }: { preview: Preview | undefined; updating: boolean }) {
  if (!preview) return <p className="muted">{updating ? "Counting the training data…" : ""}</p>;
  return (
    <div
      aria-live="polite"
      aria-busy={updating}
      className={updating ? "run-preview updating" : "run-preview"}
    >
      <dl className="stat-grid" data-testid="run-preview">
        <div>
          <dt>Approved pairs</dt>
          <dd data-testid="preview-pairs">{formatCount(preview.pairs)}</dd>
        </div>
        <div>
          <dt>Train / held-out pairs</dt>
          <dd data-testid="preview-split">
            {formatCount(preview.trainPairs)} / {formatCount(preview.heldOutPairs)}
          </dd>
        </div>
        <div>
          <dt>Examples (with variants)</dt>
          <dd data-testid="preview-examples">
            {formatCount(preview.trainExamples)} + {formatCount(preview.heldOutExamples)} held out
          </dd>
        </div>
        <div>
          <dt>Training tokens per epoch</dt>
          <dd data-testid="preview-tokens">
            {preview.tokensExact ? "" : "≈ "}
            {formatCount(preview.trainTokens)}
          </dd>
        </div>
        <div>
          <dt>Estimated duration</dt>
          <dd data-testid="preview-duration">≈ {formatDuration(preview.estimatedSeconds)}</dd>
        </div>
      </dl>
      {preview.pairs === 0 && (
        <p className="error">
          There are no approved pairs with an answer yet: approve some in Knowledge first.
        </p>
      )}
      {preview.pairs > 0 && preview.heldOutPairs === 0 && (
        <p className="muted">
          Too few pairs to hold some out: the run will train on all of them and skip the held-out evaluation.
        </p>
      )}
    </div>
  );
}

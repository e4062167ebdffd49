import { formatCount, formatDuration } from "@/app/console/_training/format";
import type { RunPreview as Preview } from "@/server/training/runs";
import { ESTIMATE_RANGE, SHOWINGS_PER_EPOCH } from "@/server/training/settings";

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
          <dt>Examples per epoch (each pair {SHOWINGS_PER_EPOCH} times, its phrasings in turn)</dt>
          <dd data-testid="preview-examples">{formatCount(preview.trainExamples)}</dd>
        </div>
        <div>
          <dt>Variants held out to test rewordings</dt>
          <dd data-testid="preview-split">{formatCount(preview.heldOutPhrasings)}</dd>
        </div>
        <div>
          <dt>Training tokens per epoch</dt>
          <dd data-testid="preview-tokens">
            {preview.tokensExact ? "" : "≈ "}
            {formatCount(preview.trainTokens)}
          </dd>
        </div>
        <div>
          <dt>
            Estimated duration (all phases,{" "}
            {preview.estimateBasis === "measured" ? "from the last run here" : "a first guess"})
          </dt>
          <dd data-testid="preview-duration">
            {formatDuration(preview.estimatedSeconds * ESTIMATE_RANGE.low)} –{" "}
            {formatDuration(preview.estimatedSeconds * ESTIMATE_RANGE.high)}
          </dd>
        </div>
      </dl>
      {preview.pairs === 0 && (
        <p className="error">
          There are no approved pairs with an answer yet: approve some in Knowledge first.
        </p>
      )}
      {preview.pairs > 0 && preview.heldOutPhrasings === 0 && (
        <p className="muted">
          No pair has enough variants to hold one out: every pair trains, and the evaluation asks the trained
          questions as written. Add variants (other ways customers ask) to measure rewordings.
        </p>
      )}
    </div>
  );
}

import { formatPercent } from "@/app/console/_training/format";

type DecoderChecks = Record<string, { greedyIdentical?: number; maxLogitDiff?: number }>;

const PRECISIONS = [
  { key: "fp32", label: "fp32", note: "exact: the trained weights" },
  { key: "int8", label: "int8", note: "8-bit weights, about 2.5x smaller" },
  { key: "int4", label: "int4", note: "4-bit weights, about 4x smaller: fastest" },
];

/**
 * The bundle's serving decoders, how close each is to the trained weights, and which one this
 * server uses (TUNEDESK_SERVE_PRECISION). Speed and right answers at that precision are in the
 * evaluation above; a quantized server also evaluates the candidate at fp32 for comparison.
 */
export function Decoders({ checks, servedAt }: { checks: DecoderChecks | undefined; servedAt: string }) {
  if (!checks || Object.keys(checks).length === 0)
    return (
      <p className="muted">
        This model was trained before quantized decoders were exported: it is served at fp32.
      </p>
    );
  return (
    <div className="table-wrap panel">
      <table data-testid="decoders">
        <caption className="muted">
          Checked by the trainer on its training prompts; the server answers with the {servedAt} decoder
          (setting <code>TUNEDESK_SERVE_PRECISION</code>).
        </caption>
        <thead>
          <tr>
            <th scope="col">Precision</th>
            <th
              scope="col"
              title="Greedy answers to training prompts identical to the trained weights' answers"
            >
              Same answers
            </th>
            <th scope="col" title="Largest difference of a next-token score from the trained weights'">
              Largest score difference
            </th>
            <th scope="col">Served</th>
          </tr>
        </thead>
        <tbody>
          {PRECISIONS.filter((p) => checks[p.key]).map((p) => {
            const c = checks[p.key]!;
            return (
              <tr key={p.key} className={p.key === servedAt ? "highlight" : undefined}>
                <th scope="row" title={p.note}>
                  {p.label}
                </th>
                <td>{c.greedyIdentical === undefined ? "–" : formatPercent(c.greedyIdentical)}</td>
                <td>{c.maxLogitDiff === undefined ? "–" : c.maxLogitDiff.toPrecision(2)}</td>
                <td>{p.key === servedAt ? "yes" : ""}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

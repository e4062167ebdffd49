import type { EvaluationReport, ModelScores } from "@/server/training/evaluation";
import { formatCount, formatPercent, formatScore } from "./format";

const columns: { key: keyof ModelScores; label: string; title: string; show: (v: number) => string }[] = [
  { key: "tokenF1", label: "Token F1", title: "Word overlap with the reference answer", show: formatScore },
  {
    key: "rougeL",
    label: "ROUGE-L",
    title: "Longest common word sequence with the reference",
    show: formatScore,
  },
  {
    key: "stoppedShare",
    label: "Stopped",
    title: "Share of answers that ended on their own rather than at the length limit",
    show: formatPercent,
  },
  { key: "repetition", label: "Repetition", title: "Share of repeated word sequences", show: formatPercent },
  { key: "meanAnswerWords", label: "Words", title: "Mean answer length in words", show: (v) => v.toFixed(1) },
  {
    key: "meanLatencyMs",
    label: "Latency",
    title:
      "Mean time to a full answer for a customer asking alone (the first 3 questions, answered one at a time)",
    show: (v) => `${formatCount(v)} ms`,
  },
];

type QuestionSet = Pick<EvaluationReport, "questions" | "models">;

/**
 * The evaluation of a model: held-out scores (what the promotion gate compares) and, when the report
 * has them, scores on a sample of trained questions (did it learn its knowledge at all?).
 */
export function EvaluationSection({ report }: { report: EvaluationReport | null | undefined }) {
  const trained = (report as { trained?: QuestionSet } | null | undefined)?.trained;
  return (
    <>
      <EvaluationTable report={report} kind="held-out" />
      {trained && trained.models.length > 0 && (
        <>
          <h3 className="subheading">On questions it trained on</h3>
          <EvaluationTable report={trained} kind="trained" />
        </>
      )}
    </>
  );
}

/** Scores per model label (candidate / production / base), one row each. */
export function EvaluationTable({
  report,
  kind,
}: {
  report: QuestionSet | null | undefined;
  kind: "held-out" | "trained";
}) {
  if (!report) return <p className="muted">Not evaluated.</p>;
  if (report.models.length === 0) {
    return <p className="muted">No held-out questions: the snapshot was too small to hold some pairs out.</p>;
  }
  return (
    <div className="table-wrap panel">
      <table data-testid={`evaluation-table-${kind}`}>
        <caption className="muted">
          {report.questions.length} {kind} question{report.questions.length === 1 ? "" : "s"}, answered as
          customers would get them. Higher F1 / ROUGE-L and stopped share are better; lower repetition is
          better.
        </caption>
        <thead>
          <tr>
            <th scope="col">Model</th>
            {columns.map((c) => (
              <th key={c.key} scope="col" title={c.title}>
                {c.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {report.models.map((m) => (
            <tr key={m.label} className={m.label === "candidate" ? "highlight" : undefined}>
              <th scope="row">{m.label}</th>
              {columns.map((c) => (
                <td key={c.key}>{c.show(m.scores[c.key])}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

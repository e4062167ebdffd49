import type { EvaluationReport, ModelScores } from "@/server/training/evaluation";
import { formatCount, formatPercent, formatScore } from "./format";

type ScoreKey = "tokenF1" | "rougeL" | "stoppedShare" | "repetition" | "meanAnswerWords" | "meanLatencyMs";
const columns: {
  key: ScoreKey & keyof ModelScores;
  label: string;
  title: string;
  show: (v: number) => string;
}[] = [
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

const dash = (v: number | undefined, show: (v: number) => string) => (v === undefined ? "–" : show(v));

/**
 * What customers get from each model: right answers to held-out rewordings of known pairs,
 * retrieval, wrong declines, off-topic declines, mixed products, loops and latency.
 */
const customerColumns: {
  label: string;
  title: string;
  show: (scores: ModelScores, offTopicDeclined: number | undefined) => string;
}[] = [
  {
    label: "Right answers",
    title: "Grounded on the right pair and saying its answer",
    show: (s) => dash(s.rightShare, formatPercent),
  },
  {
    label: "Retrieval@1",
    title: "The right pair ranked first by retrieval",
    show: (s) => dash(s.retrievalAt1, formatPercent),
  },
  {
    label: "Wrongly declined",
    title: "Known questions the bot declined",
    show: (s) => dash(s.declinedShare, formatPercent),
  },
  {
    label: "Off-topic declined",
    title: "Off-topic and hostile messages declined",
    show: (_, off) => dash(off, formatPercent),
  },
  {
    label: "Mixed products",
    title: "Answers naming another product than their pair's",
    show: (s) => dash(s.mixedProducts, formatPercent),
  },
  { label: "Loops", title: "Answers that repeat themselves", show: (s) => dash(s.loops, formatPercent) },
  {
    label: "Latency",
    title: "Mean time to a full answer, asked alone",
    show: (s) => `${formatCount(s.meanLatencyMs)} ms`,
  },
  {
    label: "Speed",
    title: "Answer tokens per second for a customer asking alone (retrieval and reading the prompt included)",
    show: (s) => dash(s.tokensPerS, (v) => `${formatCount(v)} tokens/s`),
  },
];

export function CustomerFigures({ report }: { report: EvaluationReport | null | undefined }) {
  if (!report || report.models.length === 0 || report.models[0]!.scores.rightShare === undefined) return null;
  const offTopic = new Map(report.offTopic?.models.map((m) => [m.label, m.scores.declinedShare]) ?? []);
  return (
    <div className="table-wrap panel">
      <table data-testid="customer-figures">
        <caption className="muted">
          What customers get: {report.questions.length} held-out rewordings of trained pairs and{" "}
          {report.offTopic?.questions.length ?? 0} off-topic or hostile messages, through the whole answer
          path (retrieve, decide, generate, guard).
        </caption>
        <thead>
          <tr>
            <th scope="col">Model</th>
            {customerColumns.map((c) => (
              <th key={c.label} scope="col" title={c.title}>
                {c.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {report.models.map((m) => (
            <tr key={m.label} className={m.label === "candidate" ? "highlight" : undefined}>
              <th scope="row">
                {m.label}
                {m.precision && !m.label.endsWith(m.precision) ? (
                  <span className="muted"> · {m.precision}</span>
                ) : null}
              </th>
              {customerColumns.map((c) => (
                <td key={c.label}>{c.show(m.scores, offTopic.get(m.label))}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/**
 * The evaluation of a model: held-out scores (what the promotion gate compares) and, when the report
 * has them, scores on a sample of trained questions (did it learn its knowledge at all?).
 */
export function EvaluationSection({ report }: { report: EvaluationReport | null | undefined }) {
  const trained = (report as { trained?: QuestionSet } | null | undefined)?.trained;
  return (
    <>
      <CustomerFigures report={report} />
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
    return (
      <p className="muted">
        No held-out rewordings: no pair had a variant to keep out of training. Add variants (other ways
        customers ask) to measure how the bot copes with other words.
      </p>
    );
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

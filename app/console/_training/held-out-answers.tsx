import type { EvaluationReport } from "@/server/training/evaluation";

/** Each held-out question with its reference and every evaluated model's answer, side by side. */
export function HeldOutAnswers({ report }: { report: EvaluationReport | null | undefined }) {
  if (!report || report.questions.length === 0 || report.models.length === 0) return null;
  return (
    <ol className="held-out" data-testid="held-out-answers">
      {report.questions.map((q, i) => (
        <li key={q.pairId} className="panel">
          <p className="held-out-question">{q.question}</p>
          <div className="answer-grid">
            <figure className="answer reference">
              <figcaption>reference</figcaption>
              <p>{q.reference}</p>
            </figure>
            {report.models.map((m) => (
              <figure key={m.label} className={`answer label-${m.label}`}>
                <figcaption>{m.label}</figcaption>
                <p>{m.answers[i] || <span className="muted">(empty answer)</span>}</p>
              </figure>
            ))}
          </div>
        </li>
      ))}
    </ol>
  );
}

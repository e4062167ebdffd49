"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { errorMessage, useTRPC } from "@/app/_lib/trpc";
import { formatCount } from "@/app/console/_training/format";
import { StatusBadge } from "@/app/console/_training/status-badge";

const MAX_MODELS = 3;

/** Ask up to three models the same question and read their answers side by side. */
export function CompareBox({ modelId }: { modelId: string }) {
  const trpc = useTRPC();
  const models = useQuery(trpc.models.list.queryOptions());
  const production = models.data?.find((m) => m.status === "production");
  const [picked, setPicked] = useState<string[] | null>(null);
  // Until the admin picks, compare this model with production.
  const selected = picked ?? [...new Set([modelId, ...(production ? [production.id] : [])])];
  const [question, setQuestion] = useState("");
  const compare = useMutation(trpc.models.compareAnswers.mutationOptions());

  function toggle(id: string, on: boolean) {
    setPicked(on ? [...selected, id].slice(0, MAX_MODELS) : selected.filter((s) => s !== id));
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    compare.mutate({ question, modelIds: selected });
  }

  return (
    <form className="panel stack" aria-label="Try a question" onSubmit={submit}>
      <label>
        Question
        <textarea
          value={question}
          onChange={(e) => setQuestion(e.target.value)}
          rows={2}
          placeholder="Ask it what a customer would"
          required
        />
      </label>
      <fieldset className="model-picks">
        <legend>Models to compare (up to {MAX_MODELS})</legend>
        {models.data?.map((m) => {
          const on = selected.includes(m.id);
          return (
            <label key={m.id} className="checkbox">
              <input
                type="checkbox"
                checked={on}
                disabled={!on && selected.length >= MAX_MODELS}
                onChange={(e) => toggle(m.id, e.target.checked)}
              />
              {m.name} <StatusBadge status={m.status} />
            </label>
          );
        })}
      </fieldset>
      <div>
        <button type="submit" disabled={compare.isPending || selected.length === 0 || !question.trim()}>
          {compare.isPending ? "Asking…" : "Ask"}
        </button>
      </div>
      {compare.error && (
        <p role="alert" className="error">
          {errorMessage(compare.error)}
        </p>
      )}
      {compare.data && (
        <div className="answer-grid" aria-live="polite">
          {compare.data.map((a) => (
            <figure key={a.modelId} className="answer">
              <figcaption>
                {a.name} <StatusBadge status={a.status} />
              </figcaption>
              <p>{a.answer || <span className="muted">(empty answer)</span>}</p>
              <p className="muted small">
                {formatCount(a.latencyMs)} ms
                {a.finishReason !== "stop" ? ` · stopped by ${a.finishReason}` : ""}
              </p>
            </figure>
          ))}
        </div>
      )}
    </form>
  );
}

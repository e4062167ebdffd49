"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useEffect, useState } from "react";
import { errorMessage, useTRPC } from "@/app/_lib/trpc";
import { When } from "@/app/console/_components/when";
import type { ReviewQueueItem } from "@/server/chat/review";

const kindLabel = {
  rating: "Rated down",
  correction: "Correction",
  escalation: "Asked for a human",
} as const;
const reasonLabel: Record<string, string> = {
  incorrect: "incorrect",
  incomplete: "incomplete",
  outdated: "outdated",
  off_topic: "off-topic",
  other: "other",
};

/**
 * One review item: what the customer asked, what the bot said and what they said was wrong,
 * with the actions that turn it into knowledge (pre-filled from the conversation) or dismiss it.
 */
export function ReviewItemCard({
  item,
  onHandled,
  showConversationLink = true,
  selected,
  onSelect,
}: {
  item: ReviewQueueItem;
  /** Told what was done; the item then leaves the queue and this card unmounts. */
  /** `pairId`: the pair the item became or changed, for a link to it. */
  onHandled: (message: string, pairId?: string) => void;
  showConversationLink?: boolean;
  /** In the queue, items can be selected for bulk actions. */
  selected?: boolean;
  onSelect?: (selected: boolean) => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [question, setQuestion] = useState(item.question);
  const [answer, setAnswer] = useState(item.correction ?? "");
  const [picking, setPicking] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const handled = (message: string, pairId?: string) => {
    onHandled(message, pairId);
    setError(null);
    void queryClient.invalidateQueries({ queryKey: trpc.reviewQueue.list.queryKey() });
    void queryClient.invalidateQueries({ queryKey: trpc.conversations.pathKey() });
  };
  const onError = (e: unknown) => setError(errorMessage(e));
  const createDraft = useMutation(
    trpc.reviewQueue.createDraftPair.mutationOptions({
      onSuccess: ({ pairId }) => handled("Draft pair created.", pairId),
      onError,
    }),
  );
  const dismiss = useMutation(
    trpc.reviewQueue.dismiss.mutationOptions({ onSuccess: () => handled("Dismissed."), onError }),
  );
  const busy = createDraft.isPending || dismiss.isPending;

  return (
    <article
      className="panel review-item stack"
      data-testid="review-item"
      aria-label={`${kindLabel[item.kind]}: ${item.question}`}
    >
      <div className="row">
        {onSelect && (
          <input
            type="checkbox"
            checked={!!selected}
            onChange={(e) => onSelect(e.target.checked)}
            aria-label={`Select: ${item.question}`}
            data-testid="review-select"
          />
        )}
        <span className={`badge ${item.kind === "escalation" ? "off" : ""}`}>{kindLabel[item.kind]}</span>
        {item.reason && <span className="badge">{reasonLabel[item.reason] ?? item.reason}</span>}
        <span className="muted">
          <When date={item.createdAt} />
        </span>
        {showConversationLink && (
          <Link href={`/console/conversations/${item.conversationId}`}>View conversation</Link>
        )}
      </div>
      <dl className="review-texts">
        <dt>Customer asked</dt>
        <dd>{item.question || <span className="muted">(nothing)</span>}</dd>
        {item.answer !== null && (
          <>
            <dt>Bot answered</dt>
            <dd>{item.answer.trim() || <span className="muted">(empty)</span>}</dd>
          </>
        )}
        {item.correction && (
          <>
            <dt>Customer&apos;s correction</dt>
            <dd>{item.correction}</dd>
          </>
        )}
        {item.contact && (
          <>
            <dt>Contact</dt>
            <dd>{item.contact}</dd>
          </>
        )}
      </dl>
      <div className="review-edit stack">
        <label>
          Question
          <textarea rows={2} value={question} onChange={(e) => setQuestion(e.target.value)} />
        </label>
        <label>
          Answer
          <textarea
            rows={3}
            value={answer}
            placeholder="The right answer (may stay empty in a draft)"
            onChange={(e) => setAnswer(e.target.value)}
          />
        </label>
      </div>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <div className="row">
        <button
          type="button"
          disabled={busy}
          onClick={() => createDraft.mutate({ itemId: item.id, question, answer })}
        >
          Create draft pair
        </button>
        <button
          type="button"
          className="secondary"
          disabled={busy}
          onClick={() => setPicking((v) => !v)}
          aria-expanded={picking}
        >
          Add to existing pair…
        </button>
        <button
          type="button"
          className="secondary"
          disabled={busy}
          onClick={() => dismiss.mutate({ itemId: item.id })}
        >
          Dismiss
        </button>
      </div>
      {picking && (
        <PairPicker
          itemId={item.id}
          question={question}
          answer={answer}
          correction={item.correction}
          onApplied={(mode, pairId) =>
            handled(mode === "variant" ? "Added as a variant." : "Answer replaced.", pairId)
          }
        />
      )}
    </article>
  );
}

function PairPicker({
  itemId,
  question,
  answer,
  correction,
  onApplied,
}: {
  itemId: string;
  question: string;
  answer: string;
  correction: string | null;
  onApplied: (mode: "variant" | "answer", pairId: string) => void;
}) {
  const trpc = useTRPC();
  const [pairId, setPairId] = useState<string>("");
  const [error, setError] = useState<string | null>(null);
  const apply = useMutation(
    trpc.reviewQueue.applyToPair.mutationOptions({
      onSuccess: (_, vars) => onApplied(vars.mode, vars.pairId),
      onError: (e) => setError(errorMessage(e)),
    }),
  );

  return (
    <div className="pair-picker stack">
      <PairChoices
        name={`pair-${itemId}`}
        initialSearch={question}
        correction={correction}
        pairId={pairId}
        onChange={setPairId}
      />
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <div className="row">
        <button
          type="button"
          disabled={!pairId || apply.isPending}
          onClick={() => apply.mutate({ itemId, pairId, mode: "variant", text: question })}
        >
          Add question as a variant
        </button>
        <button
          type="button"
          disabled={!pairId || !answer.trim() || apply.isPending}
          onClick={() => apply.mutate({ itemId, pairId, mode: "answer", text: answer })}
        >
          Replace the pair&apos;s answer
        </button>
      </div>
    </div>
  );
}

/**
 * Search and choose a pair: ranked by the retrieval customers get, whole answers shown, and the
 * pair a customer's correction names chosen from the start.
 */
export function PairChoices({
  name,
  initialSearch,
  correction = null,
  pairId,
  onChange,
}: {
  name: string;
  initialSearch: string;
  correction?: string | null;
  pairId: string;
  onChange: (pairId: string) => void;
}) {
  const trpc = useTRPC();
  const [search, setSearch] = useState(initialSearch);
  const [term, setTerm] = useState(initialSearch);
  const suggestions = useQuery(
    trpc.reviewQueue.suggestPairs.queryOptions(
      { text: term, correction: correction ?? undefined },
      { enabled: term.trim() !== "" },
    ),
  );
  const suggested = suggestions.data?.suggested ?? null;
  useEffect(() => {
    if (suggested && !pairId) onChange(suggested);
  }, [suggested, pairId, onChange]);
  const found = suggestions.data?.pairs;

  return (
    <div className="stack">
      <div className="row">
        <label className="grow">
          Find the pair
          <input
            type="search"
            value={search}
            onChange={(e) => setSearch(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === "Enter") {
                e.preventDefault();
                setTerm(search);
              }
            }}
          />
        </label>
        <button type="button" className="secondary" onClick={() => setTerm(search)}>
          Search
        </button>
      </div>
      {suggestions.error && (
        <p role="alert" className="error">
          {errorMessage(suggestions.error)}
        </p>
      )}
      {found && found.length === 0 && <p className="muted">No similar pairs.</p>}
      {found && found.length > 0 && (
        <fieldset className="pair-options">
          <legend>Pair</legend>
          {found.map((p) => (
            <label key={p.id} className="check" data-testid="pair-option">
              <input
                type="radio"
                name={name}
                value={p.id}
                checked={pairId === p.id}
                onChange={() => onChange(p.id)}
              />
              <span>
                <strong>{p.question}</strong>
                {p.status === "draft" && <span className="badge">draft</span>}
                {p.id === suggested && <span className="badge">matches the correction</span>}
                <span className="pair-answer">{p.answer}</span>
              </span>
            </label>
          ))}
        </fieldset>
      )}
    </div>
  );
}

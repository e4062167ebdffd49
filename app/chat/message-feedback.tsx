"use client";

import type { TRPCClient } from "@trpc/client";
import { type FormEvent, useState } from "react";
import { errorMessage } from "@/app/_lib/trpc";
import type { FeedbackRating, FeedbackReason } from "@/db/schema";
import type { AppRouter } from "@/server/routers/_app";

export type ChatLine = {
  key: string;
  id: string | null;
  role: "user" | "assistant" | "staff" | "notice";
  content: string;
  state: "complete" | "generating" | "cancelled" | "failed";
  streaming: boolean;
  rating?: FeedbackRating | null;
  reason?: FeedbackReason | null;
  correction?: string | null;
  /** How the bot grounded an answer: a decline offers the customer a person. */
  grounding?: "answer" | "clarify" | "decline" | null;
};

const reasons: { value: FeedbackReason; label: string }[] = [
  { value: "incorrect", label: "Incorrect" },
  { value: "incomplete", label: "Incomplete" },
  { value: "outdated", label: "Outdated" },
  { value: "off_topic", label: "Off-topic" },
  { value: "other", label: "Other" },
];

/** Thumbs up / down under a bot answer; thumbs down asks why and for a better answer. */
export function MessageFeedback({
  line,
  trpc,
  onChange,
}: {
  line: ChatLine;
  trpc: TRPCClient<AppRouter>;
  onChange: (change: Partial<ChatLine>) => void;
}) {
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState<FeedbackReason | "">(line.reason ?? "");
  const [correction, setCorrection] = useState(line.correction ?? "");
  const [error, setError] = useState<string | null>(null);
  const [thanks, setThanks] = useState(false);
  const [busy, setBusy] = useState(false);
  const messageId = line.id ?? "";

  async function rate(rating: FeedbackRating) {
    setError(null);
    setThanks(false);
    setBusy(true);
    try {
      await trpc.chat.rateAnswer.mutate({ messageId, rating });
      onChange({ rating, reason: null, correction: null });
      setOpen(rating === "down");
      if (rating === "up") setThanks(true);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!reason) {
      setError("Pick what was wrong with the answer.");
      return;
    }
    setError(null);
    setBusy(true);
    try {
      await trpc.chat.rateAnswer.mutate({
        messageId,
        rating: "down",
        reason,
        correction: correction.trim() || null,
      });
      onChange({ rating: "down", reason, correction: correction.trim() || null });
      setOpen(false);
      setThanks(true);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="chat-feedback">
      <div className="row">
        <button
          type="button"
          className="chat-thumb"
          aria-label="Good answer"
          aria-pressed={line.rating === "up"}
          disabled={busy}
          onClick={() => rate("up")}
        >
          <ThumbIcon />
        </button>
        <button
          type="button"
          className="chat-thumb"
          aria-label="Bad answer"
          aria-pressed={line.rating === "down"}
          disabled={busy}
          onClick={() => rate("down")}
        >
          <ThumbIcon down />
        </button>
        {thanks && <span className="chat-meta">Thanks for your feedback!</span>}
      </div>
      {open && (
        <form className="chat-feedback-form stack" onSubmit={submit} aria-label="What was wrong?">
          <fieldset className="chat-reasons">
            <legend>What was wrong?</legend>
            {reasons.map((r) => (
              <label key={r.value} className="chat-reason">
                <input
                  type="radio"
                  name={`reason-${messageId}`}
                  value={r.value}
                  checked={reason === r.value}
                  onChange={() => setReason(r.value)}
                />
                {r.label}
              </label>
            ))}
          </fieldset>
          <label>
            The right answer (optional)
            <textarea
              value={correction}
              rows={3}
              maxLength={4000}
              onChange={(e) => setCorrection(e.target.value)}
            />
          </label>
          <div className="row">
            <button type="submit" disabled={busy}>
              Send feedback
            </button>
            <button type="button" className="secondary" onClick={() => setOpen(false)}>
              Close
            </button>
          </div>
        </form>
      )}
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
    </div>
  );
}

/** Drawn rather than an emoji: emoji fonts are missing on some systems. */
function ThumbIcon({ down = false }: { down?: boolean }) {
  return (
    <svg
      viewBox="0 0 24 24"
      width="18"
      height="18"
      aria-hidden="true"
      style={down ? { transform: "rotate(180deg)" } : undefined}
      fill="none"
      stroke="currentColor"
      strokeWidth="2"
      strokeLinecap="round"
      strokeLinejoin="round"
    >
      <path d="M7 10v11H3V10h4zm0 0 4-8a3 3 0 0 1 3 3v4h5.5a2 2 0 0 1 2 2.3l-1.4 8A2 2 0 0 1 18.1 21H7" />
    </svg>
  );
}

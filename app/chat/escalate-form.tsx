"use client";

import type { TRPCClient } from "@trpc/client";
import { type FormEvent, useState } from "react";
import { errorMessage } from "@/app/_lib/trpc";
import type { AppRouter } from "@/server/routers/_app";

/** "Talk to a human": optional contact details, then the conversation goes to the staff queue. */
export function EscalateForm({
  trpc,
  conversationId,
  mailConfigured,
  onDone,
  onCancel,
}: {
  trpc: TRPCClient<AppRouter>;
  mailConfigured: boolean;
  conversationId: string;
  onDone: (notice: string) => void;
  onCancel: () => void;
}) {
  const [contact, setContact] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const { notice } = await trpc.chat.escalate.mutate({ conversationId, contact: contact.trim() || null });
      onDone(notice);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="chat-escalate stack" onSubmit={submit} aria-label="Talk to a human">
      <label>
        {mailConfigured
          ? "Your email, so we can tell you when we reply (optional)"
          : "How can we reach you? (email or phone, optional)"}
        <input
          value={contact}
          maxLength={200}
          onChange={(e) => setContact(e.target.value)}
          autoComplete="email"
        />
      </label>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <div className="row">
        <button type="submit" disabled={busy}>
          Ask for a human
        </button>
        <button type="button" className="secondary" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

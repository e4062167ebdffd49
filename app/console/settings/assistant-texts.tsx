"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useEffect, useState } from "react";
import { errorMessage, useTRPC } from "@/app/_lib/trpc";

/** What the bot says when no approved pair fits (the chat shows "Talk to a person" with it). */
export function AssistantTextsSection() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const texts = useQuery(trpc.assistantSettings.get.queryOptions());
  const [decline, setDecline] = useState("");
  const [saved, setSaved] = useState(false);
  useEffect(() => {
    if (texts.data) setDecline(texts.data.decline);
  }, [texts.data]);
  const save = useMutation(
    trpc.assistantSettings.update.mutationOptions({
      onSuccess: () => {
        setSaved(true);
        void queryClient.invalidateQueries({ queryKey: trpc.assistantSettings.get.queryKey() });
      },
    }),
  );

  function submit(e: FormEvent) {
    e.preventDefault();
    setSaved(false);
    save.mutate({ decline });
  }

  return (
    <section className="stack" aria-labelledby="assistant-texts-heading">
      <h2 id="assistant-texts-heading">When the bot does not know</h2>
      <p className="muted">
        Questions no approved pair answers (off-topic, hostile or simply unknown) get this reply, with a
        &ldquo;Talk to a person&rdquo; button in the chat. They collect in Conversations for your team.
      </p>
      <form className="panel stack" onSubmit={submit} aria-label="Decline text">
        <label>
          Decline text
          <textarea value={decline} rows={3} onChange={(e) => setDecline(e.target.value)} />
        </label>
        {save.error && (
          <p role="alert" className="error">
            {errorMessage(save.error)}
          </p>
        )}
        {saved && <p className="muted">Saved: new conversations use it at once.</p>}
        <div className="row">
          <button type="submit" disabled={save.isPending || !texts.data}>
            Save
          </button>
        </div>
      </form>
    </section>
  );
}

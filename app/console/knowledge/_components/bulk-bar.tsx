"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { errorMessage, useTRPC } from "@/app/_lib/trpc";
import { type ConflictList, ConflictNotice } from "./conflict-notice";

/** Actions on the selected pairs; each runs in one request and reports what changed. */
export function BulkBar({ ids, onDone }: { ids: string[]; onDone: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [message, setMessage] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [tag, setTag] = useState("");
  const [conflicts, setConflicts] = useState<ConflictList | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.knowledge.pathKey() });
  const handlers = { onError: (e: unknown) => setError(errorMessage(e)), onSettled: refresh };

  const approve = useMutation(
    trpc.knowledge.approve.mutationOptions({
      ...handlers,
      onSuccess(result) {
        setError(null);
        const archived = result.archived.length ? `, ${result.archived.length} conflicting archived` : "";
        setMessage(`${result.approved.length} approved${archived}.`);
        if (result.conflicts.length) setConflicts(result.conflicts);
        else {
          setConflicts(null);
          onDone();
        }
      },
    }),
  );
  const setStatus = useMutation(
    trpc.knowledge.setStatus.mutationOptions({
      ...handlers,
      onSuccess(result, input) {
        setMessage(`${result.changed.length} moved to ${input.status}.`);
        onDone();
      },
    }),
  );
  const addTag = useMutation(
    trpc.knowledge.addTag.mutationOptions({
      ...handlers,
      onSuccess(result, input) {
        setMessage(`Tagged ${result.changed.length} with “${input.tag}”.`);
        setTag("");
      },
    }),
  );
  const removeTag = useMutation(
    trpc.knowledge.removeTag.mutationOptions({
      ...handlers,
      onSuccess(result, input) {
        setMessage(`Removed “${input.tag}” from ${result.changed.length}.`);
        setTag("");
      },
    }),
  );
  const busy = approve.isPending || setStatus.isPending || addTag.isPending || removeTag.isPending;
  const onTag = (e: FormEvent) => {
    e.preventDefault();
    if (tag.trim()) addTag.mutate({ ids, tag: tag.trim() });
  };

  return (
    <div className="stack">
      <div className="panel kn-bulk row" role="toolbar" aria-label="Selected pairs">
        <strong>{ids.length} selected</strong>
        <button type="button" disabled={busy} onClick={() => approve.mutate({ ids, decision: "ask" })}>
          Approve
        </button>
        <button
          type="button"
          className="secondary"
          disabled={busy}
          onClick={() => setStatus.mutate({ ids, status: "archived" })}
        >
          Archive
        </button>
        <button
          type="button"
          className="secondary"
          disabled={busy}
          onClick={() => setStatus.mutate({ ids, status: "draft" })}
        >
          Move to draft
        </button>
        <form className="row" onSubmit={onTag}>
          <input
            aria-label="Tag for selected pairs"
            placeholder="tag"
            value={tag}
            onChange={(e) => setTag(e.target.value)}
          />
          <button type="submit" className="secondary" disabled={busy || !tag.trim()}>
            Add tag
          </button>
          <button
            type="button"
            className="secondary"
            disabled={busy || !tag.trim()}
            onClick={() => removeTag.mutate({ ids, tag: tag.trim() })}
          >
            Remove tag
          </button>
        </form>
      </div>
      {message && (
        <p className="notice" role="status">
          {message}
        </p>
      )}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {conflicts && (
        <ConflictNotice
          conflicts={conflicts}
          busy={busy}
          onCancel={() => setConflicts(null)}
          onDecide={(decision) => approve.mutate({ ids: conflicts.map((c) => c.pairId), decision })}
        />
      )}
    </div>
  );
}

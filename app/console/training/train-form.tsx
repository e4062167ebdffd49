"use client";

import { keepPreviousData, skipToken, useMutation, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { type FormEvent, useState } from "react";
import { errorMessage, useTRPC } from "@/app/_lib/trpc";
import { formatCompact } from "@/app/console/_training/format";
import { RunPreview } from "./run-preview";
import { parseDraft, type SettingsDraft, toDraft } from "./settings-draft";
import { useDebounced } from "./use-debounced";

export function TrainForm() {
  const trpc = useTRPC();
  const router = useRouter();
  const bases = useQuery(trpc.training.listBases.queryOptions());
  const [chosenBaseId, setChosenBaseId] = useState("");
  const readyBases = bases.data?.filter((b) => b.status === "ready") ?? [];
  // Until the admin picks, prefer a pretrained base: it answers better than the starter.
  const base =
    readyBases.find((b) => b.id === chosenBaseId) ??
    readyBases.find((b) => b.kind !== "starter") ??
    readyBases[0];

  const defaults = useQuery(
    trpc.training.getDefaultSettings.queryOptions(base ? { baseModelId: base.id } : skipToken),
  );
  // Edits are kept per base, so switching bases shows that base's good defaults.
  const [drafts, setDrafts] = useState<Record<string, SettingsDraft>>({});
  const draft = base ? (drafts[base.id] ?? (defaults.data ? toDraft(defaults.data) : undefined)) : undefined;
  const parsed = draft ? parseDraft(draft) : undefined;

  // Debounced as a string: a fresh object each render would never settle.
  const previewKey = useDebounced(
    base && parsed?.settings ? JSON.stringify({ baseModelId: base.id, settings: parsed.settings }) : "",
    400,
  );
  const preview = useQuery({
    ...trpc.training.previewRun.queryOptions(previewKey ? JSON.parse(previewKey) : skipToken),
    placeholderData: keepPreviousData,
  });

  const [startError, setStartError] = useState<string | null>(null);
  const start = useMutation(
    trpc.training.startRun.mutationOptions({
      onSuccess: (run) => router.push(`/console/training/${run.id}`),
      onError: (e) => setStartError(errorMessage(e)),
    }),
  );

  function update(patch: Partial<SettingsDraft>) {
    if (!base || !draft) return;
    setDrafts((all) => ({ ...all, [base.id]: { ...draft, ...patch } }));
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    if (!base || !parsed?.settings) return;
    setStartError(null);
    start.mutate({ baseModelId: base.id, settings: parsed.settings });
  }

  if (bases.isPending) return <p className="muted">Loading base models…</p>;
  if (bases.error) return <p className="error">{errorMessage(bases.error)}</p>;

  return (
    <form className="panel stack train-form" aria-label="Train a model" onSubmit={submit}>
      <h2 className="panel-title">Train a model</h2>
      <div className="form-grid">
        <label>
          Base model
          <select value={base?.id ?? ""} onChange={(e) => setChosenBaseId(e.target.value)}>
            {readyBases.map((b) => (
              <option key={b.id} value={b.id}>
                {b.name}
                {typeof b.summary.parameters === "number" ? ` (${formatCompact(b.summary.parameters)})` : ""}
              </option>
            ))}
          </select>
        </label>
        {draft && (
          <>
            <label>
              Method
              <select
                value={draft.method}
                onChange={(e) => update({ method: e.target.value as SettingsDraft["method"] })}
              >
                <option value="lora">LoRA (adapters; fast, for pretrained bases)</option>
                <option value="full">Full (every weight)</option>
              </select>
            </label>
            <label>
              Epochs
              <input
                type="number"
                inputMode="decimal"
                step="any"
                min={0.1}
                value={draft.epochs}
                onChange={(e) => update({ epochs: e.target.value })}
              />
            </label>
            <label>
              Learning rate
              <input
                type="number"
                inputMode="decimal"
                step="any"
                value={draft.learningRate}
                onChange={(e) => update({ learningRate: e.target.value })}
              />
            </label>
          </>
        )}
      </div>
      {base?.kind === "starter" && (
        <p className="notice-box">
          The starter learns from your pairs alone, from scratch: it runs anywhere, offline, but a pretrained
          base answers much better. <Link href="/console/models/bases">Register a base model</Link> if you
          have one.
        </p>
      )}
      {draft && (
        <details className="more-settings">
          <summary>More settings</summary>
          <div className="form-grid">
            <label>
              LoRA rank
              <input
                type="number"
                inputMode="numeric"
                value={draft.loraRank}
                disabled={draft.method !== "lora"}
                onChange={(e) => update({ loraRank: e.target.value })}
              />
            </label>
            <label>
              Max sequence length (tokens)
              <input
                type="number"
                inputMode="numeric"
                value={draft.maxSeqLen}
                onChange={(e) => update({ maxSeqLen: e.target.value })}
              />
            </label>
            <label>
              Tokens per batch
              <input
                type="number"
                inputMode="numeric"
                value={draft.batchTokens}
                onChange={(e) => update({ batchTokens: e.target.value })}
              />
            </label>
            <label>
              Seed
              <input
                type="number"
                inputMode="numeric"
                value={draft.seed}
                onChange={(e) => update({ seed: e.target.value })}
              />
            </label>
            <label className="checkbox">
              <input
                type="checkbox"
                checked={draft.exportInt8}
                onChange={(e) => update({ exportInt8: e.target.checked })}
              />
              Also export an int8 model (smaller, faster on CPU)
            </label>
          </div>
          <button
            type="button"
            className="secondary"
            onClick={() => base && setDrafts(({ [base.id]: _, ...rest }) => rest)}
          >
            Reset to this base&apos;s defaults
          </button>
        </details>
      )}
      {defaults.isPending && base && <p className="muted">Loading this base&apos;s defaults…</p>}
      {defaults.error && <p className="error">{errorMessage(defaults.error)}</p>}
      {parsed?.error && (
        <p className="error" role="alert">
          {parsed.error}
        </p>
      )}
      {preview.error ? (
        <p className="error">{errorMessage(preview.error)}</p>
      ) : (
        <RunPreview preview={preview.data} updating={preview.isFetching} />
      )}
      {startError && (
        <p role="alert" className="error">
          {startError}
        </p>
      )}
      <div>
        <button type="submit" disabled={!parsed?.settings || start.isPending || preview.data?.pairs === 0}>
          {start.isPending ? "Starting…" : "Start training"}
        </button>
      </div>
    </form>
  );
}

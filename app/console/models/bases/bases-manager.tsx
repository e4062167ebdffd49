"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { errorMessage, useTRPC } from "@/app/_lib/trpc";
import { When } from "@/app/console/_components/when";
import { formatCompact, formatCount } from "@/app/console/_training/format";
import { StatusBadge } from "@/app/console/_training/status-badge";

export function BasesManager() {
  const trpc = useTRPC();
  const bases = useQuery(trpc.training.listBases.queryOptions());
  return (
    <div className="stack">
      <div className="notice-box" data-testid="starter-explanation">
        <p>
          <strong>The starter</strong> is built in: it trains a small model (about 5M parameters) from scratch
          on your approved pairs, so Tunedesk works on an offline install with no model to download. It learns
          your answers&apos; wording but little else, so a{" "}
          <strong>pretrained base answers noticeably better</strong>: register one below if you can.
        </p>
      </div>
      {bases.isPending && <p className="muted">Loading…</p>}
      {bases.error && <p className="error">{errorMessage(bases.error)}</p>}
      {bases.data && (
        <div className="table-wrap panel">
          <table data-testid="base-list">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Kind</th>
                <th scope="col">Architecture</th>
                <th scope="col">Parameters</th>
                <th scope="col">Context</th>
                <th scope="col">Path</th>
                <th scope="col">Status</th>
                <th scope="col">Added</th>
              </tr>
            </thead>
            <tbody>
              {bases.data.map((b) => {
                const s = b.summary as {
                  modelType?: string;
                  parameters?: number;
                  layers?: number;
                  maxPositions?: number;
                };
                return (
                  <tr key={b.id}>
                    <td>{b.name}</td>
                    <td>
                      <span className="badge">{b.kind}</span>
                    </td>
                    <td>
                      {s.modelType ?? "—"}
                      {s.layers ? `, ${s.layers} layers` : ""}
                    </td>
                    <td>{formatCompact(s.parameters)}</td>
                    <td>{s.maxPositions ? `${formatCount(s.maxPositions)} tokens` : "—"}</td>
                    <td>
                      <code className="path">{b.path}</code>
                    </td>
                    <td>
                      <StatusBadge status={b.status} />
                      {b.error && <span className="error"> {b.error}</span>}
                    </td>
                    <td>
                      <When date={b.createdAt} />
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      <RegisterBaseForm />
    </div>
  );
}

function RegisterBaseForm() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [name, setName] = useState("");
  const [path, setPath] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const register = useMutation(
    trpc.training.registerBase.mutationOptions({
      onSuccess: (base) => {
        setNotice(`Registered ${base.name}`);
        setName("");
        setPath("");
        return queryClient.invalidateQueries({ queryKey: trpc.training.listBases.queryKey() });
      },
      onError: (e) => setError(errorMessage(e)),
    }),
  );

  function submit(event: FormEvent) {
    event.preventDefault();
    setError(null);
    setNotice(null);
    register.mutate({ name, path });
  }

  return (
    <form className="panel stack" aria-label="Register a base model" onSubmit={submit}>
      <h2 className="panel-title">Register a local base model</h2>
      <p className="muted">
        A Hugging Face checkpoint directory on the server (Llama, Qwen2 or Mistral architecture, with an
        instruct/chat template): it needs <code>config.json</code>, <code>tokenizer.json</code>,{" "}
        <code>tokenizer_config.json</code> and <code>model.safetensors</code>.
      </p>
      <div className="form-grid">
        <label>
          Name
          <input value={name} onChange={(e) => setName(e.target.value)} placeholder="SmolLM2 135M Instruct" />
        </label>
        <label className="wide">
          Directory path (absolute)
          <input
            value={path}
            onChange={(e) => setPath(e.target.value)}
            placeholder="/srv/models/SmolLM2-135M-Instruct"
            spellCheck={false}
            autoCapitalize="off"
          />
        </label>
      </div>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {notice && (
        <p role="status" className="notice">
          {notice}
        </p>
      )}
      <div>
        <button type="submit" disabled={register.isPending}>
          {register.isPending ? "Checking the directory…" : "Register"}
        </button>
      </div>
    </form>
  );
}

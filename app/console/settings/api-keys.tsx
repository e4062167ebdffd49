"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { errorMessage, useTRPC } from "@/app/_lib/trpc";
import { When } from "@/app/console/_components/when";
import { formatDate } from "@/app/console/_training/format";
import { CopyButton } from "../_components/copy-button";

/** Admins create and revoke keys for the OpenAI-compatible API; a key is shown once. */
export function ApiKeysSection() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const keys = useQuery(trpc.apiKeys.list.queryOptions());
  const invalidate = () => queryClient.invalidateQueries({ queryKey: trpc.apiKeys.list.queryKey() });
  const [name, setName] = useState("");
  const [created, setCreated] = useState<{ name: string; key: string } | null>(null);
  const create = useMutation(
    trpc.apiKeys.create.mutationOptions({
      onSuccess: (result) => {
        setCreated({ name: result.apiKey.name, key: result.key });
        setName("");
        void invalidate();
      },
    }),
  );
  const revoke = useMutation(trpc.apiKeys.revoke.mutationOptions({ onSuccess: () => void invalidate() }));

  function submit(e: FormEvent) {
    e.preventDefault();
    setCreated(null);
    create.mutate({ name });
  }

  return (
    <section className="stack" aria-labelledby="api-keys-heading">
      <h2 id="api-keys-heading">API keys</h2>
      <p className="muted">
        For the OpenAI-compatible API: <code>POST /v1/chat/completions</code> and <code>GET /v1/models</code>,
        with the key as a Bearer token. Keys reach only that API.
      </p>
      <form className="panel row" onSubmit={submit} aria-label="New API key">
        <label className="grow">
          Name
          <input
            value={name}
            onChange={(e) => setName(e.target.value)}
            placeholder="e.g. Helpdesk integration"
          />
        </label>
        <button type="submit" disabled={create.isPending}>
          Create key
        </button>
        {create.error && (
          <p role="alert" className="error">
            {errorMessage(create.error)}
          </p>
        )}
      </form>
      {created && (
        <div className="panel stack" role="status">
          <p>
            Key <strong>{created.name}</strong> created. Copy it now: it will not be shown again.
          </p>
          <div className="row">
            <code className="api-key-value" data-testid="new-api-key">
              {created.key}
            </code>
            <CopyButton text={created.key} />
          </div>
        </div>
      )}
      {revoke.error && (
        <p role="alert" className="error">
          {errorMessage(revoke.error)}
        </p>
      )}
      {keys.error && <p className="error">{errorMessage(keys.error)}</p>}
      {keys.data && keys.data.length === 0 && <p className="muted">No keys yet.</p>}
      {keys.data && keys.data.length > 0 && (
        <div className="table-wrap panel">
          <table>
            <thead>
              <tr>
                <th>Name</th>
                <th>Key</th>
                <th>Created</th>
                <th>Last used</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {keys.data.map((k) => (
                <tr key={k.id} data-testid={`api-key-row-${k.name}`}>
                  <td>{k.name}</td>
                  <td>
                    <code>{k.prefix}…</code>
                  </td>
                  <td>
                    {formatDate(k.createdAt)} {k.createdByName ? `by ${k.createdByName}` : ""}
                  </td>
                  <td>{k.lastUsedAt ? <When date={k.lastUsedAt} /> : "never"}</td>
                  <td>
                    {k.revokedAt ? (
                      <span className="badge off">revoked</span>
                    ) : (
                      <button
                        type="button"
                        className="danger"
                        disabled={revoke.isPending}
                        onClick={() => {
                          if (
                            window.confirm(
                              `Revoke the key "${k.name}"? Systems using it stop working at once.`,
                            )
                          )
                            revoke.mutate({ id: k.id });
                        }}
                      >
                        Revoke
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

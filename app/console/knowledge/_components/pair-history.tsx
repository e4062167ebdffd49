"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { errorMessage, useTRPC } from "@/app/_lib/trpc";
import { When } from "@/app/console/_components/when";
import type { SnapshotDiff, TextPart } from "@/server/knowledge/diff";

function Words({ parts }: { parts: TextPart[] }) {
  return (
    <span className="kn-diff">
      {parts.map((p, i) =>
        p.added ? (
          // biome-ignore lint/suspicious/noArrayIndexKey: diff parts are positional
          <ins key={i}>{p.value}</ins>
        ) : p.removed ? (
          // biome-ignore lint/suspicious/noArrayIndexKey: diff parts are positional
          <del key={i}>{p.value}</del>
        ) : (
          // biome-ignore lint/suspicious/noArrayIndexKey: diff parts are positional
          <span key={i}>{p.value}</span>
        ),
      )}
    </span>
  );
}

function ListChange({ label, change }: { label: string; change: { added: string[]; removed: string[] } }) {
  return (
    <div>
      <strong>{label}:</strong>{" "}
      {change.added.map((v) => (
        <ins key={`+${v}`}>{v}</ins>
      ))}
      {change.removed.map((v) => (
        <del key={`-${v}`}>{v}</del>
      ))}
    </div>
  );
}

function DiffView({ diff }: { diff: SnapshotDiff }) {
  return (
    <div className="kn-diff-body">
      {diff.question && (
        <div>
          <strong>Question:</strong> <Words parts={diff.question} />
        </div>
      )}
      {diff.answer && (
        <div>
          <strong>Answer:</strong> <Words parts={diff.answer} />
        </div>
      )}
      {diff.variants && <ListChange label="Variants" change={diff.variants} />}
      {diff.tags && <ListChange label="Tags" change={diff.tags} />}
      {diff.product && (
        <div>
          <strong>Product:</strong> <del>{diff.product.from ?? "none"}</del>{" "}
          <ins>{diff.product.to ?? "none"}</ins>
        </div>
      )}
      {diff.status && (
        <div>
          <strong>Status:</strong> <del>{diff.status.from}</del> <ins>{diff.status.to}</ins>
        </div>
      )}
      {diff.context && (
        <div>
          <strong>Earlier turns:</strong> {diff.context.from} → {diff.context.to}
        </div>
      )}
    </div>
  );
}

/** Every version, newest first, with what changed; any older version can be restored. */
export function PairHistory({ pairId }: { pairId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [error, setError] = useState<string | null>(null);
  const history = useQuery(trpc.knowledge.getHistory.queryOptions({ id: pairId }));
  const restore = useMutation(
    trpc.knowledge.restoreVersion.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.knowledge.pathKey() }),
      onError: (e) => setError(errorMessage(e)),
    }),
  );
  const latest = history.data?.[0]?.version;
  return (
    <aside className="panel kn-history" aria-label="History">
      <h2 className="kn-history-title">History</h2>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {history.isPending && <p className="muted">Loading…</p>}
      <ol>
        {history.data?.map((v) => (
          <li key={v.version} data-testid="history-entry">
            <div className="row kn-small">
              <strong>v{v.version}</strong> <span>{v.change}</span>
              <span className="muted">
                <When date={v.changedAt} />
                {v.changedByName ? ` · ${v.changedByName}` : ""}
              </span>
              {v.version !== latest && (
                <button
                  type="button"
                  className="secondary kn-small-button"
                  disabled={restore.isPending}
                  onClick={() => restore.mutate({ id: pairId, version: v.version })}
                >
                  Restore
                </button>
              )}
            </div>
            <DiffView diff={v.diff} />
          </li>
        ))}
      </ol>
    </aside>
  );
}

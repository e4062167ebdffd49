"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { errorMessage, useTRPC } from "@/app/_lib/trpc";
import type { ReviewItemKind } from "@/db/schema";
import { PairChoices, ReviewItemCard } from "../review-item-card";

const kinds: { value: ReviewItemKind | "all"; label: string }[] = [
  { value: "all", label: "All" },
  { value: "correction", label: "Corrections" },
  { value: "rating", label: "Rated down" },
  { value: "escalation", label: "Escalations" },
];
const PAGE = 25;

/** The queue, a page at a time, filtered by kind and words; many similar items can be handled at once. */
export function ReviewQueue() {
  const trpc = useTRPC();
  const [kind, setKind] = useState<ReviewItemKind | "all">("all");
  const [search, setSearch] = useState("");
  const [term, setTerm] = useState("");
  const [offset, setOffset] = useState(0);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [notice, setNotice] = useState<{ message: string; pairId?: string } | null>(null);
  const queue = useQuery(
    trpc.reviewQueue.list.queryOptions({
      kinds: kind === "all" ? undefined : [kind],
      search: term || undefined,
      limit: PAGE,
      offset,
    }),
  );
  const items = queue.data?.items ?? [];
  const total = queue.data?.total ?? 0;
  const refilter = (apply: () => void) => {
    apply();
    setOffset(0);
    setSelected(new Set());
  };
  const select = (id: string, on: boolean) =>
    setSelected((prev) => {
      const next = new Set(prev);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });
  const handled = (message: string, pairId?: string) => {
    setNotice({ message, pairId });
    setSelected(new Set());
  };

  return (
    <div className="stack">
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          refilter(() => setTerm(search.trim()));
        }}
      >
        <label className="inline-select">
          Show
          <select
            value={kind}
            onChange={(e) => refilter(() => setKind(e.target.value as ReviewItemKind | "all"))}
          >
            {kinds.map((k) => (
              <option key={k.value} value={k.value}>
                {k.label}
              </option>
            ))}
          </select>
        </label>
        <label className="grow">
          Words the customer wrote
          <input
            type="search"
            value={search}
            maxLength={200}
            onChange={(e) => setSearch(e.target.value)}
            data-testid="review-search"
          />
        </label>
        <button type="submit" className="secondary">
          Filter
        </button>
      </form>
      {notice && (
        <p className="notice" role="status">
          {notice.message}{" "}
          {notice.pairId ? (
            <Link href={`/console/knowledge/${notice.pairId}`}>Open the pair</Link>
          ) : (
            <Link href="/console/knowledge">Open Knowledge</Link>
          )}
        </p>
      )}
      {queue.error && (
        <p role="alert" className="error">
          {errorMessage(queue.error)}
        </p>
      )}
      {queue.isPending && <p className="muted">Loading…</p>}
      {queue.data && items.length === 0 && (
        <p className="muted">
          {term || kind !== "all" ? "Nothing matches." : "Nothing to review. Well done!"}
        </p>
      )}
      {items.length > 0 && (
        <div className="row">
          <label className="check">
            <input
              type="checkbox"
              checked={items.every((i) => selected.has(i.id))}
              onChange={(e) => setSelected(e.target.checked ? new Set(items.map((i) => i.id)) : new Set())}
            />
            Select all on this page
          </label>
          <span className="muted" data-testid="review-range">
            {offset + 1}–{offset + items.length} of {total}
          </span>
        </div>
      )}
      {selected.size > 0 && <BulkBar itemIds={[...selected]} onHandled={handled} />}
      {items.map((item) => (
        <ReviewItemCard
          key={item.id}
          item={item}
          onHandled={handled}
          selected={selected.has(item.id)}
          onSelect={(on) => select(item.id, on)}
        />
      ))}
      {total > PAGE && (
        <div className="row">
          <button
            type="button"
            className="secondary"
            disabled={offset === 0}
            onClick={() => setOffset(Math.max(0, offset - PAGE))}
          >
            Previous
          </button>
          <button
            type="button"
            className="secondary"
            disabled={offset + PAGE >= total}
            onClick={() => setOffset(offset + PAGE)}
            data-testid="review-next"
          >
            Next
          </button>
        </div>
      )}
    </div>
  );
}

/** Many similar corrections at once: their questions become variants of one pair, or all are dismissed. */
function BulkBar({ itemIds, onHandled }: { itemIds: string[]; onHandled: (message: string) => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [picking, setPicking] = useState(false);
  const [pairId, setPairId] = useState("");
  const [search, setSearch] = useState("");
  const [error, setError] = useState<string | null>(null);
  const done = (message: string) => {
    setError(null);
    onHandled(message);
    void queryClient.invalidateQueries({ queryKey: trpc.reviewQueue.list.queryKey() });
    void queryClient.invalidateQueries({ queryKey: trpc.conversations.pathKey() });
  };
  const onError = (e: unknown) => setError(errorMessage(e));
  const apply = useMutation(
    trpc.reviewQueue.applyManyToPair.mutationOptions({
      onSuccess: (r) => done(`Added ${r.added} questions as variants.`),
      onError,
    }),
  );
  const dismiss = useMutation(
    trpc.reviewQueue.dismissMany.mutationOptions({
      onSuccess: (r) => done(`Dismissed ${r.dismissed} items.`),
      onError,
    }),
  );
  const busy = apply.isPending || dismiss.isPending;
  return (
    <section className="panel stack bulk-bar" aria-label="Selected items" data-testid="bulk-bar">
      <div className="row">
        <strong>{itemIds.length} selected</strong>
        <button type="button" className="secondary" disabled={busy} onClick={() => setPicking((v) => !v)}>
          Add their questions to a pair…
        </button>
        <button
          type="button"
          className="secondary"
          disabled={busy}
          onClick={() => dismiss.mutate({ itemIds })}
        >
          Dismiss all
        </button>
      </div>
      {picking && (
        <div className="pair-picker stack">
          {search === "" ? (
            <label>
              Find the pair
              <input
                type="search"
                placeholder="What the selected questions ask"
                onKeyDown={(e) => {
                  if (e.key === "Enter") {
                    e.preventDefault();
                    setSearch(e.currentTarget.value.trim());
                  }
                }}
              />
            </label>
          ) : (
            <PairChoices name="bulk-pair" initialSearch={search} pairId={pairId} onChange={setPairId} />
          )}
          <div>
            <button
              type="button"
              disabled={!pairId || busy}
              onClick={() => apply.mutate({ itemIds, pairId })}
            >
              Add {itemIds.length} questions as variants
            </button>
          </div>
        </div>
      )}
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
    </section>
  );
}

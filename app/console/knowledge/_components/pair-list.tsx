"use client";

import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect, useRef, useState } from "react";
import { errorMessage, useTRPC } from "@/app/_lib/trpc";
import { When } from "@/app/console/_components/when";
import { formatCountOf } from "@/app/console/_training/format";
import { BulkBar } from "./bulk-bar";
import { ExportMenu } from "./export-menu";
import { filterOf, healthLabels, type ListState, listStateToQuery, statusLabels } from "./filters";
import { useDebounced } from "./use-debounced";

const PAGE_SIZE = 50;

export function PairList({ initial }: { initial: ListState }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [state, setState] = useState(initial);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const searchRef = useRef<HTMLInputElement>(null);
  const q = useDebounced(state.q, 250);
  const effective = {
    ...state,
    q,
    sort: state.sort === "relevance" && !q.trim() ? "updated_desc" : state.sort,
  } as ListState;
  const filter = filterOf(effective);

  const stats = useQuery(trpc.knowledge.getStats.queryOptions());
  const count = useQuery(trpc.knowledge.count.queryOptions({ filter }));
  const pages = useInfiniteQuery(
    trpc.knowledge.list.infiniteQueryOptions(
      { filter, sort: effective.sort, limit: PAGE_SIZE },
      { getNextPageParam: (last) => last.nextCursor ?? undefined, placeholderData: (previous) => previous },
    ),
  );
  const items = pages.data?.pages.flatMap((p) => p.items) ?? [];

  // Keep the URL in step with the filter so a reload or a shared link shows the same list
  // (only when it differs: the router re-renders on every history change).
  const query = listStateToQuery(effective);
  useEffect(() => {
    const search = query ? `?${query}` : "";
    if (window.location.search !== search)
      window.history.replaceState(null, "", `${window.location.pathname}${search}`);
  }, [query]);

  // "/" jumps to search and "n" starts a new pair, unless the person is typing somewhere.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const target = e.target as HTMLElement;
      if (target.closest("input, textarea, select, [contenteditable]") || e.metaKey || e.ctrlKey || e.altKey)
        return;
      if (e.key === "/") {
        e.preventDefault();
        searchRef.current?.focus();
      } else if (e.key === "n") {
        e.preventDefault();
        router.push("/console/knowledge/new");
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [router]);

  const set = (patch: Partial<ListState>) => {
    setState((s) => ({ ...s, ...patch }));
    setSelected(new Set());
  };
  const toggle = (id: string) =>
    setSelected((s) => {
      const next = new Set(s);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  const allSelected = items.length > 0 && items.every((i) => selected.has(i.id));

  return (
    <div className="stack">
      <div className="kn-filters panel">
        <label className="kn-search">
          Search
          <input
            ref={searchRef}
            type="search"
            placeholder="Questions, variants and answers — typos are fine (press / to focus)"
            value={state.q}
            onChange={(e) =>
              set({ q: e.target.value, sort: e.target.value.trim() ? "relevance" : "updated_desc" })
            }
          />
        </label>
        <label>
          Status
          <select
            value={state.status}
            onChange={(e) => set({ status: e.target.value as ListState["status"] })}
          >
            <option value="">Any status</option>
            {Object.entries(statusLabels).map(([value, label]) => (
              <option key={value} value={value}>
                {label} {stats.data ? `(${stats.data.counts[value as keyof typeof statusLabels]})` : ""}
              </option>
            ))}
          </select>
        </label>
        <label>
          Product
          <select value={state.product} onChange={(e) => set({ product: e.target.value })}>
            <option value="">Any product</option>
            <option value="(none)">No product</option>
            {stats.data?.products.map((p) => (
              <option key={p.product} value={p.product}>
                {p.product} ({p.count})
              </option>
            ))}
            {state.product &&
              state.product !== "(none)" &&
              !stats.data?.products.some((p) => p.product === state.product) && (
                <option value={state.product}>{state.product}</option>
              )}
          </select>
        </label>
        <label>
          Tag
          <select value={state.tag} onChange={(e) => set({ tag: e.target.value })}>
            <option value="">Any tag</option>
            {stats.data?.tags.map((t) => (
              <option key={t.tag} value={t.tag}>
                {t.tag} ({t.count})
              </option>
            ))}
            {state.tag && !stats.data?.tags.some((t) => t.tag === state.tag) && (
              <option value={state.tag}>{state.tag}</option>
            )}
          </select>
        </label>
        <label>
          Source
          <select
            value={state.source}
            onChange={(e) => set({ source: e.target.value as ListState["source"] })}
          >
            <option value="">Any source</option>
            <option value="manual">Manual</option>
            <option value="import">Import</option>
            <option value="feedback">Feedback</option>
          </select>
        </label>
        <label>
          Changed since
          <input
            type="date"
            value={state.changedSince}
            onChange={(e) => set({ changedSince: e.target.value })}
          />
        </label>
        <label>
          Sort
          <select value={effective.sort} onChange={(e) => set({ sort: e.target.value as ListState["sort"] })}>
            {q.trim() && <option value="relevance">Best match</option>}
            <option value="updated_desc">Recently changed</option>
            <option value="updated_asc">Least recently changed</option>
            <option value="created_desc">Newest</option>
            <option value="question_asc">Question A–Z</option>
          </select>
        </label>
      </div>

      {state.health && (
        <p className="kn-chip" data-testid="health-filter">
          Showing: {healthLabels[state.health].title}{" "}
          <button type="button" className="secondary" onClick={() => set({ health: "" })}>
            Clear
          </button>
        </p>
      )}

      <div className="row kn-toolbar">
        <span className="muted" aria-live="polite" data-testid="match-count">
          {count.data === undefined ? "Counting…" : formatCountOf(count.data, "pair")}
        </span>
        <ExportMenu state={effective} />
      </div>

      {selected.size > 0 && <BulkBar ids={[...selected]} onDone={() => setSelected(new Set())} />}

      {pages.error && (
        <p role="alert" className="error">
          {errorMessage(pages.error)}
        </p>
      )}
      <div className="table-wrap panel kn-table">
        <table>
          <thead>
            <tr>
              <th className="kn-check">
                <input
                  type="checkbox"
                  aria-label="Select all shown"
                  checked={allSelected}
                  onChange={() => setSelected(allSelected ? new Set() : new Set(items.map((i) => i.id)))}
                />
              </th>
              <th>Question and answer</th>
              <th>Product</th>
              <th>Status</th>
              <th>Changed</th>
            </tr>
          </thead>
          <tbody>
            {items.map((item) => (
              <tr key={item.id} data-testid="pair-row">
                <td className="kn-check">
                  <input
                    type="checkbox"
                    aria-label={`Select “${item.question}”`}
                    checked={selected.has(item.id)}
                    onChange={() => toggle(item.id)}
                  />
                </td>
                <td>
                  <Link href={`/console/knowledge/${item.id}`} className="kn-question">
                    {item.question}
                  </Link>
                  <div className="muted kn-answer">{item.answerPreview || <em>No answer yet</em>}</div>
                  <div className="kn-meta">
                    {item.variantCount > 0 && (
                      <span className="badge">
                        {item.variantCount} variant{item.variantCount === 1 ? "" : "s"}
                      </span>
                    )}
                    {item.tags.map((t) => (
                      <button key={t} type="button" className="kn-tag" onClick={() => set({ tag: t })}>
                        #{t}
                      </button>
                    ))}
                  </div>
                </td>
                <td>{item.product ?? <span className="muted">—</span>}</td>
                <td>
                  <span className={`badge kn-status-${item.status}`}>{statusLabels[item.status]}</span>
                  {item.source !== "manual" && <div className="muted kn-small">{item.source}</div>}
                </td>
                <td className="kn-small">
                  <When date={item.updatedAt} />
                  {item.updatedByName && <div className="muted">{item.updatedByName}</div>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {pages.isPending && <p className="muted">Loading…</p>}
        {!pages.isPending && items.length === 0 && (
          <p className="muted" data-testid="empty-list">
            No pairs match. <Link href="/console/knowledge/new">Write one</Link> or{" "}
            <Link href="/console/knowledge/import">import a file</Link>.
          </p>
        )}
      </div>
      {pages.hasNextPage && (
        <button
          type="button"
          className="secondary"
          disabled={pages.isFetchingNextPage}
          onClick={() => pages.fetchNextPage()}
        >
          {pages.isFetchingNextPage ? "Loading…" : "Show more"}
        </button>
      )}
    </div>
  );
}

"use client";

import { useInfiniteQuery } from "@tanstack/react-query";
import Link from "next/link";
import { type FormEvent, useState } from "react";
import { errorMessage, useTRPC } from "@/app/_lib/trpc";
import { When } from "@/app/console/_components/when";

type Filter = {
  ratedDown?: boolean;
  escalated?: boolean;
  unresolved?: boolean;
  from?: Date;
  to?: Date;
  q?: string;
};

/** A date input's value as the start of that day (local time); `endOfDay` gives the next midnight. */
function dayStart(value: string, endOfDay = false): Date | undefined {
  if (!value) return undefined;
  const [y, m, d] = value.split("-").map(Number);
  if (!y || !m || !d) return undefined;
  return new Date(y, m - 1, endOfDay ? d + 1 : d);
}

export function ConversationsInbox() {
  const trpc = useTRPC();
  const [filter, setFilter] = useState<Filter>({});
  const [form, setForm] = useState({
    ratedDown: false,
    escalated: false,
    unresolved: false,
    from: "",
    to: "",
    q: "",
  });
  const list = useInfiniteQuery(
    trpc.conversations.list.infiniteQueryOptions(
      { filter, limit: 30 },
      { getNextPageParam: (last) => last.nextCursor ?? undefined },
    ),
  );

  function apply(e?: FormEvent, change: Partial<typeof form> = {}) {
    e?.preventDefault();
    const next = { ...form, ...change };
    setForm(next);
    setFilter({
      ratedDown: next.ratedDown || undefined,
      escalated: next.escalated || undefined,
      unresolved: next.unresolved || undefined,
      from: dayStart(next.from),
      to: dayStart(next.to, true),
      q: next.q.trim() || undefined,
    });
  }

  const items = list.data?.pages.flatMap((p) => p.items) ?? [];

  return (
    <div className="stack">
      <form className="panel inbox-filters" onSubmit={apply} aria-label="Filter conversations">
        <div className="row">
          {(
            [
              ["ratedDown", "Rated down"],
              ["escalated", "Escalated"],
              ["unresolved", "Unresolved"],
            ] as const
          ).map(([key, label]) => (
            <label key={key} className="check">
              <input
                type="checkbox"
                checked={form[key]}
                onChange={(e) => apply(undefined, { [key]: e.target.checked })}
              />
              {label}
            </label>
          ))}
        </div>
        <div className="row">
          <label>
            From
            <input
              type="date"
              value={form.from}
              onChange={(e) => apply(undefined, { from: e.target.value })}
            />
          </label>
          <label>
            To
            <input type="date" value={form.to} onChange={(e) => apply(undefined, { to: e.target.value })} />
          </label>
          <label className="grow">
            Text
            <input
              type="search"
              value={form.q}
              placeholder="Words from any message"
              onChange={(e) => setForm({ ...form, q: e.target.value })}
            />
          </label>
          <button type="submit">Search</button>
        </div>
      </form>
      {list.error && (
        <p role="alert" className="error">
          {errorMessage(list.error)}
        </p>
      )}
      {list.isPending && <p className="muted">Loading…</p>}
      {list.data && items.length === 0 && <p className="muted">No conversations match.</p>}
      {items.length > 0 && (
        <div className="table-wrap panel">
          <table>
            <thead>
              <tr>
                <th>Customer asked</th>
                <th>Last message</th>
                <th>Messages</th>
                <th>Flags</th>
              </tr>
            </thead>
            <tbody>
              {items.map((c) => (
                <tr key={c.id} data-testid="conversation-row">
                  <td>
                    <Link href={`/console/conversations/${c.id}`}>{c.preview || "(no message)"}</Link>
                  </td>
                  <td>
                    <When date={c.lastMessageAt} />
                  </td>
                  <td>{c.messageCount}</td>
                  <td className="row">
                    {c.escalatedAt && <span className="badge off">escalated</span>}
                    {c.ratedDownCount > 0 && <span className="badge">rated down ×{c.ratedDownCount}</span>}
                    {c.openReviewCount > 0 && <span className="badge">to review</span>}
                    {c.status === "resolved" && <span className="badge">resolved</span>}
                    {c.channel === "widget" && <span className="badge">widget</span>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {list.hasNextPage && (
        <button
          type="button"
          className="secondary"
          onClick={() => list.fetchNextPage()}
          disabled={list.isFetchingNextPage}
        >
          {list.isFetchingNextPage ? "Loading…" : "Load more"}
        </button>
      )}
    </div>
  );
}

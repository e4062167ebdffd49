"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { errorMessage, useTRPC } from "@/app/_lib/trpc";
import type { ReviewItemKind } from "@/db/schema";
import { ReviewItemCard } from "../review-item-card";

const kinds: { value: ReviewItemKind | "all"; label: string }[] = [
  { value: "all", label: "All" },
  { value: "correction", label: "Corrections" },
  { value: "rating", label: "Rated down" },
  { value: "escalation", label: "Escalations" },
];

export function ReviewQueue() {
  const trpc = useTRPC();
  const [kind, setKind] = useState<ReviewItemKind | "all">("all");
  const [notice, setNotice] = useState<string | null>(null);
  const queue = useQuery(
    trpc.reviewQueue.list.queryOptions({ kinds: kind === "all" ? undefined : [kind], limit: 50 }),
  );
  return (
    <div className="stack">
      <label className="inline-select">
        Show
        <select value={kind} onChange={(e) => setKind(e.target.value as ReviewItemKind | "all")}>
          {kinds.map((k) => (
            <option key={k.value} value={k.value}>
              {k.label}
            </option>
          ))}
        </select>
      </label>
      {notice && (
        <p className="notice" role="status">
          {notice} <Link href="/console/knowledge">Open Knowledge</Link>
        </p>
      )}
      {queue.error && (
        <p role="alert" className="error">
          {errorMessage(queue.error)}
        </p>
      )}
      {queue.isPending && <p className="muted">Loading…</p>}
      {queue.data && queue.data.items.length === 0 && <p className="muted">Nothing to review. Well done!</p>}
      {queue.data?.items.map((item) => (
        <ReviewItemCard key={item.id} item={item} onHandled={setNotice} />
      ))}
    </div>
  );
}

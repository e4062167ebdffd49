"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { errorMessage, useTRPC } from "@/app/_lib/trpc";
import { PairForm } from "./pair-form";
import { PairHistory } from "./pair-history";

/** The editor for a new pair (pairId null) or an existing one, with its history. */
export function PairEditor({ pairId }: { pairId: string | null }) {
  const trpc = useTRPC();
  const pair = useQuery({
    ...trpc.knowledge.get.queryOptions({ id: pairId ?? "" }),
    enabled: pairId !== null,
  });
  if (pairId === null) return <PairForm pair={null} />;
  if (pair.error) {
    return (
      <p role="alert" className="error">
        {errorMessage(pair.error)} <Link href="/console/knowledge">Back to the list</Link>
      </p>
    );
  }
  if (!pair.data) return <p className="muted">Loading…</p>;
  return (
    <div className="kn-editor-layout">
      <PairForm key={pair.data.version} pair={pair.data} />
      <PairHistory pairId={pairId} />
    </div>
  );
}

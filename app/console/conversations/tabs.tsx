"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { useTRPC } from "@/app/_lib/trpc";

/** Inbox / Review queue switch, with the number of items waiting. */
export function ConversationTabs() {
  const trpc = useTRPC();
  const pathname = usePathname();
  const queue = useQuery(trpc.reviewQueue.list.queryOptions({ limit: 1 }));
  const onQueue = pathname.startsWith("/console/conversations/review");
  return (
    <nav className="tabs row" aria-label="Conversations">
      <Link href="/console/conversations" aria-current={onQueue ? undefined : "page"}>
        Inbox
      </Link>
      <Link href="/console/conversations/review" aria-current={onQueue ? "page" : undefined}>
        Review queue{queue.data ? ` (${queue.data.total})` : ""}
      </Link>
    </nav>
  );
}

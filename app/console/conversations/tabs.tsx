"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { useTRPC } from "@/app/_lib/trpc";

/** Inbox / Review queue / Unanswered switch, with the number of items waiting. */
export function ConversationTabs() {
  const trpc = useTRPC();
  const pathname = usePathname();
  const queue = useQuery(trpc.reviewQueue.list.queryOptions({ limit: 1 }));
  const tab = pathname.startsWith("/console/conversations/review")
    ? "review"
    : pathname.startsWith("/console/conversations/unanswered")
      ? "unanswered"
      : "inbox";
  const current = (t: string) => (tab === t ? "page" : undefined);
  return (
    <nav className="tabs row" aria-label="Conversations">
      <Link href="/console/conversations" aria-current={current("inbox")}>
        Inbox
      </Link>
      <Link href="/console/conversations/review" aria-current={current("review")}>
        Review queue{queue.data ? ` (${queue.data.total})` : ""}
      </Link>
      <Link href="/console/conversations/unanswered" aria-current={current("unanswered")}>
        Unanswered
      </Link>
    </nav>
  );
}

import type { Metadata } from "next";
import { ConversationTabs } from "../tabs";
import { ReviewQueue } from "./review-queue";

export const metadata: Metadata = { title: "Review queue" };

export default function ReviewQueuePage() {
  return (
    <section className="stack">
      <h1>Conversations</h1>
      <ConversationTabs />
      <p className="muted">
        Thumbs-downs, corrections and requests for a human, oldest first. Turn each into knowledge or dismiss
        it; handled items leave the queue.
      </p>
      <ReviewQueue />
    </section>
  );
}

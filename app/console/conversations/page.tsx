import type { Metadata } from "next";

export const metadata: Metadata = { title: "Conversations" };

export default function ConversationsPage() {
  return (
    <section>
      <h1>Conversations</h1>
      <p className="muted">Customer chats, ratings and the review queue. Nothing here yet.</p>
    </section>
  );
}

import type { Metadata } from "next";
import { ConversationsInbox } from "./inbox";
import { ConversationTabs } from "./tabs";

export const metadata: Metadata = { title: "Conversations" };

export default function ConversationsPage() {
  return (
    <section className="stack">
      <h1>Conversations</h1>
      <ConversationTabs />
      <ConversationsInbox />
    </section>
  );
}

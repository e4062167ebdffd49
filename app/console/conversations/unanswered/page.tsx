import type { Metadata } from "next";
import { ConversationTabs } from "../tabs";
import { UnansweredList } from "./unanswered-list";

export const metadata: Metadata = { title: "Unanswered questions" };

export default function UnansweredPage() {
  return (
    <section className="stack">
      <h1>Conversations</h1>
      <ConversationTabs />
      <p className="muted">
        Questions the bot declined (no approved pair fitted) or asked about (two pairs were as close), grouped
        when customers used the same words, most asked first. Turn the ones your customers need into
        knowledge.
      </p>
      <UnansweredList />
    </section>
  );
}

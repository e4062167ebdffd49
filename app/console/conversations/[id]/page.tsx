import type { Metadata } from "next";
import Link from "next/link";
import { ConversationView } from "./conversation-view";

export const metadata: Metadata = { title: "Conversation" };

export default async function ConversationPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return (
    <section className="stack">
      <p>
        <Link href="/console/conversations">← All conversations</Link>
      </p>
      <ConversationView id={id} />
    </section>
  );
}

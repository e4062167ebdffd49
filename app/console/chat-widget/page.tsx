import type { Metadata } from "next";
import { auth } from "@/server/auth";
import { AssistantTextsSection } from "../settings/assistant-texts";
import { ChatSettingsForm } from "./chat-settings-form";

export const metadata: Metadata = { title: "Chat & widget" };

export default async function ChatWidgetPage() {
  const session = await auth();
  if (session?.user.role !== "admin") {
    return (
      <section>
        <h1>Chat &amp; widget</h1>
        <p role="alert" className="error">
          You don&apos;t have access to this page: only admins set up the customer chat.
        </p>
      </section>
    );
  }
  return (
    <section className="stack">
      <h1>Chat &amp; widget</h1>
      <p className="muted">
        What customers see on your site: the chat page and the widget button that opens it.
      </p>
      <ChatSettingsForm />
      <AssistantTextsSection />
    </section>
  );
}

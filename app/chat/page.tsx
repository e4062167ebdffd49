import type { Metadata } from "next";
import { escalationNotice, getChatSettings } from "@/server/chat/settings";
import { getDatabase } from "@/server/db";
import { mailConfigured } from "@/server/mail";
import { ChatApp } from "./chat-app";

export const metadata: Metadata = { title: "Support chat" };
export const dynamic = "force-dynamic";

const COLOR = /^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/i;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/**
 * The customer chat, as Console › Chat & widget sets it up; the widget opens it in an iframe with
 * `?widget=1` (and `title`/`color` when the snippet overrides them).
 */
export default async function ChatPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const params = await searchParams;
  const settings = await getChatSettings((await getDatabase()).db);
  const title = first(params.title)?.trim().slice(0, 80) || settings.botName;
  const color = first(params.color);
  return (
    <main className="chat-page">
      <ChatApp
        title={title}
        color={color && COLOR.test(color) ? color : settings.color}
        greeting={settings.greeting}
        escalationNotice={escalationNotice(settings)}
        mailConfigured={mailConfigured()}
        initialConversationId={
          UUID.test(first(params.conversation) ?? "") ? first(params.conversation)! : null
        }
        channel={first(params.widget) === "1" ? "widget" : "chat"}
      />
    </main>
  );
}

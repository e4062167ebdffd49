import type { Metadata } from "next";
import { ChatApp } from "./chat-app";

export const metadata: Metadata = { title: "Support chat" };
export const dynamic = "force-dynamic";

const COLOR = /^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/i;

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** The customer chat; the widget opens it in an iframe with `?widget=1&title=…&color=…`. */
export default async function ChatPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const params = await searchParams;
  const title = first(params.title)?.trim().slice(0, 80) || "Support";
  const color = first(params.color);
  return (
    <main className="chat-page">
      <ChatApp
        title={title}
        color={color && COLOR.test(color) ? color : null}
        channel={first(params.widget) === "1" ? "widget" : "chat"}
      />
    </main>
  );
}

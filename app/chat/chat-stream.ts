/** Client side of the chat API: opening the session and reading a streamed reply. */
import type { ChatEvent, CustomerMessage } from "@/server/chat/service";

export const TOKEN_KEY = "tunedesk.customerToken";
export const CONVERSATION_KEY = "tunedesk.conversationId";
export const CUSTOMER_HEADER = "x-tunedesk-customer";

export type SessionInfo = {
  customerToken: string;
  conversation: { id: string; escalated: boolean; messages: CustomerMessage[] } | null;
  available: boolean;
  limits: { maxMessageChars: number; messagesPerMinute: number };
};

/** Storage can be blocked (private mode, third-party iframe): the chat still works without it. */
export function stored(key: string): string | null {
  try {
    return window.localStorage.getItem(key);
  } catch {
    return null;
  }
}

export function store(key: string, value: string | null): void {
  try {
    if (value === null) window.localStorage.removeItem(key);
    else window.localStorage.setItem(key, value);
  } catch {}
}

async function errorFrom(res: Response): Promise<string> {
  const body = (await res.json().catch(() => null)) as { error?: string } | null;
  return body?.error ?? `The chat is not reachable right now (${res.status}). Please try again.`;
}

export function storageWorks(): boolean {
  try {
    window.localStorage.setItem("tunedesk.probe", "1");
    window.localStorage.removeItem("tunedesk.probe");
    return true;
  } catch {
    return false;
  }
}

/** What the widget's host page kept for this frame (widget.js puts it in the address fragment). */
export function keptByHost(): { token: string | null; conversationId: string | null } {
  const params = new URLSearchParams(window.location.hash.slice(1));
  return { token: params.get("customer"), conversationId: params.get("conversation") };
}

/**
 * Where the frame cannot store anything, the host page keeps the customer for it. Posted only to
 * the page that framed the chat (which CSP frame-ancestors limits to the allowed sites).
 */
export function tellHost(token: string, conversationId: string | null): void {
  if (window.parent === window || storageWorks()) return;
  const host =
    window.location.ancestorOrigins?.[0] ?? (document.referrer ? new URL(document.referrer).origin : null);
  if (host) window.parent.postMessage({ type: "tunedesk:identity", token, conversationId }, host);
}

export async function openSession(conversationId: string | null): Promise<SessionInfo> {
  const token = stored(TOKEN_KEY) ?? keptByHost().token;
  const res = await fetch("/api/chat/session", {
    method: "POST",
    headers: { "Content-Type": "application/json", ...(token ? { [CUSTOMER_HEADER]: token } : {}) },
    body: JSON.stringify({ conversationId }),
  });
  if (!res.ok) throw new Error(await errorFrom(res));
  return res.json();
}

/** Sends a message and calls `onEvent` for each event of the reply as it streams in. */
export async function sendMessage(
  params: { token: string; conversationId: string | null; content: string; channel: "chat" | "widget" },
  onEvent: (event: ChatEvent) => void,
  signal: AbortSignal,
): Promise<void> {
  const res = await fetch("/api/chat/messages", {
    method: "POST",
    headers: { "Content-Type": "application/json", [CUSTOMER_HEADER]: params.token },
    body: JSON.stringify({
      conversationId: params.conversationId,
      content: params.content,
      channel: params.channel,
    }),
    signal,
  });
  if (!res.ok || !res.body) throw new Error(await errorFrom(res));
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffered = "";
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    buffered += value;
    let newline = buffered.indexOf("\n");
    while (newline >= 0) {
      const line = buffered.slice(0, newline).trim();
      buffered = buffered.slice(newline + 1);
      if (line) onEvent(JSON.parse(line) as ChatEvent);
      newline = buffered.indexOf("\n");
    }
  }
}

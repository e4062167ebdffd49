"use client";

import { createTRPCClient, httpBatchLink } from "@trpc/client";
import {
  type CSSProperties,
  type FormEvent,
  type KeyboardEvent,
  useEffect,
  useMemo,
  useRef,
  useState,
} from "react";
import superjson from "superjson";
import { errorMessage } from "@/app/_lib/trpc";
import type { CustomerConversationSummary } from "@/db/queries/conversations";
import type { AppRouter } from "@/server/routers/_app";
import {
  CONVERSATION_KEY,
  CUSTOMER_HEADER,
  keptByHost,
  openSession,
  type SessionInfo,
  sendMessage,
  store,
  stored,
  TOKEN_KEY,
  tellHost,
} from "./chat-stream";
import { ConversationList } from "./conversation-list";
import { EscalateForm } from "./escalate-form";
import { type ChatLine, MessageFeedback } from "./message-feedback";

export type ChatCustomization = {
  title: string;
  color: string | null;
  /** The bot's first words in an empty conversation (none when empty). */
  greeting: string;
  /** What the customer reads once they asked for a person (depends on opening hours). */
  escalationNotice: string;
  /** Whether the company sends mail: the hand-over form then offers an email notification. */
  mailConfigured: boolean;
  /** A conversation to open first (the link in a reply's email). */
  initialConversationId: string | null;
  channel: "chat" | "widget";
};

const STAFF_REPLY_POLL_MS = 5_000;
const HISTORY_POLL_MS = 20_000;

let nextLocalId = 0;
const localId = () => `local-${++nextLocalId}`;

export function ChatApp({
  title,
  color,
  greeting,
  escalationNotice,
  mailConfigured,
  initialConversationId,
  channel,
}: ChatCustomization) {
  const [notice, setNotice] = useState(escalationNotice);
  const [history, setHistory] = useState<CustomerConversationSummary[]>([]);
  const [showHistory, setShowHistory] = useState(false);
  const [session, setSession] = useState<SessionInfo | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [conversationId, setConversationId] = useState<string | null>(null);
  const [lines, setLines] = useState<ChatLine[]>([]);
  const [escalated, setEscalated] = useState(false);
  const [draft, setDraft] = useState("");
  const [sendError, setSendError] = useState<string | null>(null);
  const [generating, setGenerating] = useState<AbortController | null>(null);
  const [showEscalate, setShowEscalate] = useState(false);
  const logRef = useRef<HTMLDivElement>(null);
  const tokenRef = useRef<string>("");

  const trpc = useMemo(
    () =>
      createTRPCClient<AppRouter>({
        links: [
          httpBatchLink({
            url: "/api/trpc",
            transformer: superjson,
            headers: () => (tokenRef.current ? { [CUSTOMER_HEADER]: tokenRef.current } : {}),
          }),
        ],
      }),
    [],
  );

  // biome-ignore lint/correctness/useExhaustiveDependencies: once, when the page opens
  useEffect(() => {
    openSession(initialConversationId ?? stored(CONVERSATION_KEY) ?? keptByHost().conversationId)
      .then((info) => {
        tokenRef.current = info.customerToken;
        store(TOKEN_KEY, info.customerToken);
        setSession(info);
        if (info.conversation) show(info.conversation);
        else tellHost(info.customerToken, null);
      })
      .catch((err: unknown) => setLoadError(errorMessage(err)));
  }, []);

  /** Puts a conversation on screen and marks its team replies read. */
  function show(conversation: NonNullable<SessionInfo["conversation"]>) {
    setConversationId(conversation.id);
    store(CONVERSATION_KEY, conversation.id);
    tellHost(tokenRef.current, conversation.id);
    setEscalated(conversation.escalated);
    setShowEscalate(false);
    setSendError(null);
    setLines(conversation.messages.map((m) => ({ ...m, key: m.id, streaming: false })));
    void trpc.chat.markConversationSeen
      .mutate({ conversationId: conversation.id })
      .then(refreshHistory)
      .catch(() => {});
  }

  function refreshHistory() {
    if (!tokenRef.current) return;
    trpc.chat.listConversations
      .query()
      .then(setHistory)
      .catch(() => {});
  }

  async function openConversation(id: string) {
    setShowHistory(false);
    if (generating) return;
    try {
      const conversation = await trpc.chat.getConversation.query({ conversationId: id });
      if (conversation) show(conversation);
    } catch (err) {
      setLoadError(errorMessage(err));
    }
  }

  // Team replies can come to any conversation: the list says where, now and then.
  // biome-ignore lint/correctness/useExhaustiveDependencies: refreshHistory reads the token ref
  useEffect(() => {
    if (!session) return;
    refreshHistory();
    const timer = window.setInterval(refreshHistory, HISTORY_POLL_MS);
    return () => window.clearInterval(timer);
  }, [session]);

  // The team may reply in the open conversation (after "talk to a human", or from the inbox).
  useEffect(() => {
    if (!conversationId || generating) return;
    const timer = window.setInterval(
      () => {
        trpc.chat.getConversation
          .query({ conversationId })
          .then((current) => {
            const replies = current?.messages.filter((m) => m.role === "staff") ?? [];
            setLines((all) => {
              const known = new Set(all.map((l) => l.id));
              const fresh = replies.filter((m) => !known.has(m.id));
              if (!fresh.length) return all;
              void trpc.chat.markConversationSeen.mutate({ conversationId }).catch(() => {});
              return [...all, ...fresh.map((m) => ({ ...m, key: m.id, streaming: false }))];
            });
          })
          .catch(() => {});
      },
      escalated ? STAFF_REPLY_POLL_MS : STAFF_REPLY_POLL_MS * 3,
    );
    return () => window.clearInterval(timer);
  }, [escalated, conversationId, generating, trpc]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: scroll whenever the lines change
  useEffect(() => {
    logRef.current?.scrollTo({ top: logRef.current.scrollHeight });
  }, [lines]);

  const update = (key: string, change: (line: ChatLine) => ChatLine) =>
    setLines((all) => all.map((l) => (l.key === key ? change(l) : l)));

  async function send(e?: FormEvent) {
    e?.preventDefault();
    const content = draft.trim();
    if (!content || generating || !session) return;
    setSendError(null);
    const userKey = localId();
    const botKey = localId();
    const abort = new AbortController();
    setGenerating(abort);
    setLines((all) => [
      ...all,
      { key: userKey, id: null, role: "user", content, state: "complete", streaming: false },
    ]);
    let started = false;
    try {
      await sendMessage(
        { token: tokenRef.current, conversationId, content, channel },
        (event) => {
          if (event.type === "start") {
            started = true;
            setDraft("");
            setConversationId(event.conversationId);
            store(CONVERSATION_KEY, event.conversationId);
            tellHost(tokenRef.current, event.conversationId);
            update(userKey, (l) => ({ ...l, id: event.userMessageId }));
            if (event.assistantMessageId)
              setLines((all) => [
                ...all,
                {
                  key: botKey,
                  id: event.assistantMessageId,
                  role: "assistant",
                  content: "",
                  state: "generating",
                  streaming: true,
                },
              ]);
          } else if (event.type === "delta") {
            update(botKey, (l) => ({ ...l, content: l.content + event.text }));
          } else if (event.type === "replace") {
            update(botKey, (l) => ({ ...l, content: event.text }));
          } else if (event.type === "done") {
            const state = event.finishReason === "cancelled" ? "cancelled" : "complete";
            update(botKey, (l) => ({
              ...l,
              content: event.content,
              state,
              streaming: false,
              grounding: event.grounding,
            }));
          } else if (event.type === "unavailable") {
            setLines((all) => [
              ...all,
              {
                key: botKey,
                id: null,
                role: "notice",
                content: event.message,
                state: "complete",
                streaming: false,
              },
            ]);
          } else {
            update(botKey, (l) => ({ ...l, state: "failed", streaming: false }));
            setSendError(event.message);
          }
        },
        abort.signal,
      );
    } catch (err) {
      if (abort.signal.aborted) {
        update(botKey, (l) => ({ ...l, state: "cancelled", streaming: false }));
      } else {
        // Nothing was saved: take the message back so the customer can edit and resend it.
        if (!started) setLines((all) => all.filter((l) => l.key !== userKey));
        else update(botKey, (l) => ({ ...l, state: "failed", streaming: false }));
        setSendError(errorMessage(err));
      }
    } finally {
      setGenerating(null);
      refreshHistory();
    }
  }

  function onKeyDown(e: KeyboardEvent<HTMLTextAreaElement>) {
    if (e.key === "Enter" && !e.shiftKey) {
      e.preventDefault();
      void send();
    }
  }

  function newConversation() {
    generating?.abort();
    store(CONVERSATION_KEY, null);
    tellHost(tokenRef.current, null);
    setConversationId(null);
    setLines([]);
    setEscalated(false);
    setShowEscalate(false);
    setSendError(null);
    setNotice(escalationNotice);
  }

  const unread = history.reduce((n, c) => n + c.unread, 0);
  const style = color ? ({ "--chat-accent": color } as CSSProperties) : undefined;
  const limit = session?.limits.maxMessageChars ?? 2000;

  return (
    <div className={`chat ${channel === "widget" ? "chat-widget" : ""}`} style={style}>
      <header className="chat-header">
        <h1>{title}</h1>
        <div className="row">
          <button
            type="button"
            className="secondary"
            onClick={() => setShowEscalate((v) => !v)}
            disabled={!conversationId || escalated}
            title={conversationId ? undefined : "Write your question first"}
          >
            Talk to a human
          </button>
          <button type="button" className="secondary" onClick={newConversation} disabled={lines.length === 0}>
            New conversation
          </button>
          <button
            type="button"
            className="secondary"
            aria-expanded={showHistory}
            onClick={() => {
              setShowHistory((v) => !v);
              refreshHistory();
            }}
            disabled={history.length === 0}
          >
            Your conversations
            {unread > 0 && (
              <span className="badge" data-testid="chat-unread-total">
                {" "}
                {unread} new
              </span>
            )}
          </button>
        </div>
      </header>
      {showHistory && (
        <ConversationList
          conversations={history}
          currentId={conversationId}
          onOpen={openConversation}
          onClose={() => setShowHistory(false)}
        />
      )}
      <div className="chat-log" ref={logRef} role="log" aria-live="polite" aria-label="Conversation">
        {loadError && (
          <p role="alert" className="error">
            {loadError}
          </p>
        )}
        {session && !session.available && lines.length === 0 && (
          <p className="chat-notice">
            Our assistant isn&apos;t available right now, but you can still leave a message.
          </p>
        )}
        {session?.available && lines.length === 0 && greeting && (
          <p className="chat-notice" data-testid="greeting">
            {greeting}
          </p>
        )}
        {lines.map((line) => (
          <div
            key={line.key}
            className={`chat-line chat-${line.role}`}
            data-testid="chat-message"
            data-role={line.role}
          >
            {line.role === "staff" && <span className="chat-meta">Support team</span>}
            <div className="chat-bubble" aria-busy={line.streaming || undefined}>
              {line.content.trimStart() || (line.streaming ? "…" : "")}
              {line.state === "cancelled" && <span className="chat-meta"> (stopped)</span>}
              {line.state === "failed" &&
                (line.content.trim() ? (
                  <span className="chat-meta"> (not finished)</span>
                ) : (
                  <span className="chat-meta" data-testid="answer-interrupted">
                    This answer was interrupted. Please ask again.
                  </span>
                ))}
            </div>
            {line.role === "assistant" && line.grounding === "decline" && !line.streaming && !escalated && (
              <button
                type="button"
                className="secondary chat-escalate-offer"
                data-testid="decline-escalate"
                onClick={() => setShowEscalate(true)}
              >
                Talk to a person
              </button>
            )}
            {line.role === "assistant" && line.id && !line.streaming && line.content && (
              <MessageFeedback
                line={line}
                trpc={trpc}
                onChange={(c) => update(line.key, (l) => ({ ...l, ...c }))}
              />
            )}
          </div>
        ))}
        {escalated && (
          <p className="chat-notice" data-testid="escalated">
            {notice}
          </p>
        )}
      </div>
      {showEscalate && conversationId && !escalated && (
        <EscalateForm
          trpc={trpc}
          mailConfigured={mailConfigured}
          conversationId={conversationId}
          onDone={(text) => {
            setNotice(text);
            setEscalated(true);
            setShowEscalate(false);
          }}
          onCancel={() => setShowEscalate(false)}
        />
      )}
      <form className="chat-composer" onSubmit={send} aria-label="Send a message">
        {sendError && (
          <p role="alert" className="error">
            {sendError}
          </p>
        )}
        <div className="chat-compose-row">
          <textarea
            aria-label="Your message"
            placeholder="Type your question…"
            value={draft}
            rows={2}
            onChange={(e) => setDraft(e.target.value)}
            onKeyDown={onKeyDown}
            disabled={!session}
          />
          {generating ? (
            <button type="button" className="secondary" onClick={() => generating.abort()}>
              Stop
            </button>
          ) : (
            <button type="submit" disabled={!session || !draft.trim()}>
              Send
            </button>
          )}
        </div>
        {draft.length > limit * 0.8 && (
          <p className={draft.length > limit ? "error" : "muted chat-meta"}>
            {draft.length} / {limit} characters
          </p>
        )}
      </form>
    </div>
  );
}

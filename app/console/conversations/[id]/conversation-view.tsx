"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { type FormEvent, useState } from "react";
import { errorMessage, useTRPC } from "@/app/_lib/trpc";
import { When } from "@/app/console/_components/when";
import { formatTime } from "@/app/console/_training/format";
import type { ReplyNotice, ReplyNoticeBefore } from "@/server/chat/notify";
import { ReviewItemCard } from "../review-item-card";

const reasonLabel: Record<string, string> = {
  incorrect: "incorrect",
  incomplete: "incomplete",
  outdated: "outdated",
  off_topic: "off-topic",
  other: "other",
};

/** One customer conversation as staff see it: the messages, ratings, and what is left to review. */
export function ConversationView({ id }: { id: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const detail = useQuery(trpc.conversations.get.queryOptions({ id }));
  const [notice, setNotice] = useState<{ message: string; pairId?: string } | null>(null);
  const setStatus = useMutation(
    trpc.conversations.setStatus.mutationOptions({
      onSuccess: () => {
        void queryClient.invalidateQueries({ queryKey: trpc.conversations.pathKey() });
        void queryClient.invalidateQueries({ queryKey: trpc.reviewQueue.list.queryKey() });
      },
    }),
  );
  if (detail.error)
    return (
      <p role="alert" className="error">
        {errorMessage(detail.error)}
      </p>
    );
  if (!detail.data) return <p className="muted">Loading…</p>;
  const { conversation, messages, feedback, openItems, replyNotice } = detail.data;
  const feedbackByMessage = new Map(feedback.map((f) => [f.messageId, f]));
  const resolved = conversation.status === "resolved";

  return (
    <div className="stack">
      <div className="row">
        <h1>Conversation</h1>
        {conversation.escalatedAt && <span className="badge off">escalated</span>}
        <span className="badge">{resolved ? "resolved" : "open"}</span>
        <button
          type="button"
          className="secondary"
          disabled={setStatus.isPending}
          onClick={() => setStatus.mutate({ id, status: resolved ? "open" : "resolved" })}
        >
          {resolved ? "Reopen" : "Mark resolved"}
        </button>
      </div>
      <p className="muted">
        Started <When date={conversation.createdAt} /> via {conversation.channel}
        {conversation.contact ? ` · contact: ${conversation.contact}` : ""}
      </p>
      {setStatus.error && (
        <p role="alert" className="error">
          {errorMessage(setStatus.error)}
        </p>
      )}
      <ol className="transcript panel">
        {messages.map((m) => {
          const f = feedbackByMessage.get(m.id);
          return (
            <li key={m.id} className={`transcript-${m.role}`} data-testid="transcript-message">
              <div className="muted transcript-who">
                {m.role === "user" ? "Customer" : m.role === "staff" ? "Support team" : "Bot"} ·{" "}
                {formatTime(m.createdAt)}
                {m.state !== "complete" && ` · ${m.state}`}
              </div>
              <div className="transcript-text">
                {m.content.trim() || <span className="muted">(empty)</span>}
              </div>
              {f && (
                <div className="transcript-feedback">
                  {f.rating === "up"
                    ? "Rated helpful"
                    : `Rated down: ${f.reason ? reasonLabel[f.reason] : "no reason given"}`}
                  {f.correction && <div>Correction: {f.correction}</div>}
                </div>
              )}
            </li>
          );
        })}
      </ol>
      {notice && (
        <p className="notice" role="status">
          {notice.message}{" "}
          {notice.pairId ? (
            <Link href={`/console/knowledge/${notice.pairId}`}>Open the pair</Link>
          ) : (
            <Link href="/console/knowledge">Open Knowledge</Link>
          )}
        </p>
      )}
      <ReplyForm conversationId={id} replyNotice={replyNotice} contact={conversation.contact} />
      {openItems.length > 0 && <h2>To review</h2>}
      {openItems.map((item) => (
        <ReviewItemCard
          key={item.id}
          item={item}
          onHandled={(message, pairId) => setNotice({ message, pairId })}
          showConversationLink={false}
        />
      ))}
    </div>
  );
}

const beforeReply: Record<ReplyNoticeBefore, string> = {
  will_email: "The customer is also emailed at",
  no_mail_configured:
    "No mail is sent: outgoing mail is not set up (TUNEDESK_SMTP_URL). The customer sees the reply in the chat, from the same browser.",
  no_email: "The customer left no email address: they see the reply in the chat, from the same browser.",
};
const afterReply: Record<ReplyNotice, string> = {
  emailed: "Sent, and emailed to the customer.",
  mail_failed: "Sent in the chat, but the email could not be sent (see the server log).",
  no_mail_configured: "Sent in the chat. No mail was sent: outgoing mail is not set up.",
  no_email: "Sent in the chat.",
};

/** A reply from the support team; the customer's chat shows it within a few seconds. */
function ReplyForm({
  conversationId,
  replyNotice,
  contact,
}: {
  conversationId: string;
  replyNotice: ReplyNoticeBefore;
  contact: string | null;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [content, setContent] = useState("");
  const [sent, setSent] = useState<ReplyNotice | null>(null);
  const reply = useMutation(
    trpc.conversations.reply.mutationOptions({
      onSuccess: ({ notice }) => {
        setSent(notice);
        setContent("");
        void queryClient.invalidateQueries({
          queryKey: trpc.conversations.get.queryKey({ id: conversationId }),
        });
      },
    }),
  );
  function submit(e: FormEvent) {
    e.preventDefault();
    reply.mutate({ id: conversationId, content });
  }
  return (
    <form className="panel stack" onSubmit={submit} aria-label="Staff reply">
      <label>
        Reply to the customer
        <textarea
          rows={3}
          value={content}
          onChange={(e) => {
            setSent(null);
            setContent(e.target.value);
          }}
        />
      </label>
      <p className="muted kn-small" data-testid="reply-notice">
        {beforeReply[replyNotice]}
        {replyNotice === "will_email" ? ` ${contact}.` : ""}
      </p>
      {sent && (
        <p role="status" className="notice">
          {afterReply[sent]}
        </p>
      )}
      {reply.error && (
        <p role="alert" className="error">
          {errorMessage(reply.error)}
        </p>
      )}
      <div className="row">
        <button type="submit" disabled={reply.isPending}>
          Send reply
        </button>
      </div>
    </form>
  );
}

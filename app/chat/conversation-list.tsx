"use client";

import type { CustomerConversationSummary } from "@/db/queries/conversations";

const when = (d: Date) => new Date(d).toLocaleString("en-GB", { dateStyle: "medium", timeStyle: "short" });

/** The customer's own conversations, latest first; team replies they have not read are marked. */
export function ConversationList({
  conversations,
  currentId,
  onOpen,
  onClose,
}: {
  conversations: CustomerConversationSummary[];
  currentId: string | null;
  onOpen: (id: string) => void;
  onClose: () => void;
}) {
  return (
    <nav className="chat-history stack" aria-label="Your conversations">
      <div className="row">
        <strong>Your conversations</strong>
        <button type="button" className="secondary" onClick={onClose}>
          Close
        </button>
      </div>
      {conversations.length === 0 && <p className="muted">No earlier conversations.</p>}
      <ul>
        {conversations.map((c) => (
          <li key={c.id}>
            <button
              type="button"
              className="chat-history-item"
              aria-current={c.id === currentId ? "true" : undefined}
              data-testid="chat-history-item"
              onClick={() => onOpen(c.id)}
            >
              <span className="chat-history-title">{c.title ?? "(no message yet)"}</span>
              <span className="chat-meta">
                {when(c.lastMessageAt)}
                {c.escalated ? " · with our team" : ""}
              </span>
              {c.unread > 0 && (
                <span className="badge" data-testid="chat-unread">
                  {c.unread} new {c.unread === 1 ? "reply" : "replies"}
                </span>
              )}
            </button>
          </li>
        ))}
      </ul>
    </nav>
  );
}

"use client";

import { useEffect, useState } from "react";
import { CopyButton } from "../_components/copy-button";

/** The chat page's address and the widget snippet, with the host this console is served from. */
export function EmbedCode() {
  const [origin, setOrigin] = useState("");
  useEffect(() => setOrigin(window.location.origin), []);
  if (!origin) return null;
  const chatUrl = `${origin}/chat`;
  const snippet = `<script src="${origin}/widget.js" async></script>`;
  return (
    <div className="panel stack" data-testid="embed-code">
      <h2 style={{ marginTop: 0 }}>Put it on your site</h2>
      <p className="muted">
        Link to the chat page, or paste the snippet before <code>&lt;/body&gt;</code> of every page that
        should show the chat button. Serve Tunedesk over HTTPS so browsers keep the customer&apos;s
        conversation inside the widget.
      </p>
      <div className="row">
        <span>Chat page</span>
        <code data-testid="chat-url">{chatUrl}</code>
        <CopyButton text={chatUrl} label="Copy address" />
      </div>
      <div className="row">
        <code data-testid="widget-snippet">{snippet}</code>
        <CopyButton text={snippet} label="Copy snippet" />
      </div>
    </div>
  );
}

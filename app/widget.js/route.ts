/**
 * The embeddable widget: `<script src="https://support.example.com/widget.js" async></script>` adds
 * a chat button that opens /chat in an iframe. Its name, colour and side come from Console › Chat &
 * widget; `data-title`, `data-color` and `data-position` on the tag override them for one site.
 */
import { type ChatSettings, getChatSettings } from "@/server/chat/settings";
import { getDatabase } from "@/server/db";

export const dynamic = "force-dynamic";

const script = (defaults: Pick<ChatSettings, "botName" | "color" | "position">) => `(() => {
  const defaults = ${JSON.stringify(defaults).replace(/</g, "\\u003c")};
  const script = document.currentScript;
  if (!script || window.__tunedeskWidget) return;
  window.__tunedeskWidget = true;
  const origin = new URL(script.src).origin;
  const title = script.dataset.title || defaults.botName;
  const color = /^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/i.test(script.dataset.color || "") ? script.dataset.color : defaults.color;
  const position = script.dataset.position || defaults.position;
  const side = position === "left" ? "left" : "right";
  const src = origin + "/chat?widget=1" +
    (script.dataset.title ? "&title=" + encodeURIComponent(title) : "") +
    (script.dataset.color ? "&color=" + encodeURIComponent(color) : "");

  const button = document.createElement("button");
  button.type = "button";
  button.textContent = title;
  button.setAttribute("aria-expanded", "false");
  button.setAttribute("data-tunedesk-launcher", "");
  button.style.cssText = "position:fixed;bottom:20px;" + side + ":20px;z-index:2147483646;padding:12px 18px;" +
    "border:0;border-radius:999px;background:" + color + ";color:#fff;font:600 15px system-ui,sans-serif;" +
    "box-shadow:0 4px 14px rgba(0,0,0,.25);cursor:pointer";

  // Browsers that block storage in third-party frames would forget the customer on every reload:
  // the chat hands its identity to this page, which keeps it in its own (first-party) storage and
  // gives it back in the frame's address fragment (never sent to a server).
  const KEY = "tunedesk.customer@" + origin;
  let saved = {};
  try { saved = JSON.parse(localStorage.getItem(KEY) || "{}") || {}; } catch (e) {}
  window.addEventListener("message", (e) => {
    if (e.origin !== origin || !e.data || e.data.type !== "tunedesk:identity") return;
    try {
      localStorage.setItem(KEY, JSON.stringify({ token: String(e.data.token || ""), conversationId: e.data.conversationId || null }));
    } catch (err) {}
  });

  let frame = null;
  function toggle() {
    if (!frame) {
      frame = document.createElement("iframe");
      const fragment = new URLSearchParams();
      if (saved.token) fragment.set("customer", saved.token);
      if (saved.conversationId) fragment.set("conversation", saved.conversationId);
      frame.src = src + (saved.token ? "#" + fragment.toString() : "");
      frame.title = title;
      frame.setAttribute("allow", "clipboard-write");
      frame.style.cssText = "position:fixed;bottom:80px;" + side + ":20px;z-index:2147483647;" +
        "width:min(380px,calc(100vw - 40px));height:min(600px,calc(100vh - 100px));border:0;" +
        "border-radius:12px;box-shadow:0 8px 30px rgba(0,0,0,.3);background:#fff";
      document.body.appendChild(frame);
    } else {
      frame.style.display = frame.style.display === "none" ? "" : "none";
    }
    const open = frame.style.display !== "none";
    button.setAttribute("aria-expanded", String(open));
    if (open) frame.focus();
  }
  button.addEventListener("click", toggle);
  document.addEventListener("keydown", (e) => {
    if (e.key === "Escape" && frame && frame.style.display !== "none") toggle();
  });
  (document.body ? Promise.resolve() : new Promise((r) => document.addEventListener("DOMContentLoaded", r)))
    .then(() => document.body.appendChild(button));
})();
`;

export async function GET() {
  const { botName, color, position } = await getChatSettings((await getDatabase()).db);
  return new Response(script({ botName, color, position }), {
    headers: {
      "Content-Type": "application/javascript; charset=utf-8",
      // Short, so a change in the console reaches the company's site within minutes.
      "Cache-Control": "public, max-age=300",
      // Any site may load it: that is the point of a widget.
      "Access-Control-Allow-Origin": "*",
    },
  });
}

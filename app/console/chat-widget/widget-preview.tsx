import type { ChatSettings } from "@/server/chat/settings";

/** The widget as customers will see it with the settings in the form (saved or not). */
export function WidgetPreview({ settings }: { settings: ChatSettings }) {
  const side = settings.position === "left" ? { left: 16 } : { right: 16 };
  return (
    <figure className="widget-preview" data-testid="widget-preview" aria-label="Preview of the widget">
      <div className="widget-preview-panel" style={side}>
        <div className="widget-preview-header" style={{ borderBottomColor: settings.color }}>
          {settings.botName || "…"}
        </div>
        {settings.greeting && <p className="chat-notice">{settings.greeting}</p>}
        <div className="widget-preview-compose">Type your question…</div>
      </div>
      <span className="widget-preview-launcher" style={{ ...side, background: settings.color }}>
        {settings.botName || "…"}
      </span>
    </figure>
  );
}

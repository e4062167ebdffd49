"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useEffect, useMemo, useState } from "react";
import { errorMessage, useTRPC } from "@/app/_lib/trpc";
import type { ChatSettings } from "@/server/chat/settings";
import { EmbedCode } from "./embed-code";
import { WidgetPreview } from "./widget-preview";

const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

export function ChatSettingsForm() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const stored = useQuery(trpc.chatSettings.get.queryOptions());
  const [form, setForm] = useState<ChatSettings | null>(null);
  const [origins, setOrigins] = useState("");
  const [saved, setSaved] = useState(false);
  useEffect(() => {
    if (stored.data) {
      setForm(stored.data);
      setOrigins(stored.data.allowedOrigins.join("\n"));
    }
  }, [stored.data]);
  const timeZones = useMemo(() => Intl.supportedValuesOf("timeZone"), []);
  const save = useMutation(
    trpc.chatSettings.update.mutationOptions({
      onSuccess: () => {
        setSaved(true);
        void queryClient.invalidateQueries({ queryKey: trpc.chatSettings.get.queryKey() });
      },
    }),
  );

  if (stored.error) return <p className="error">{errorMessage(stored.error)}</p>;
  if (!form) return <p className="muted">Loading…</p>;
  const set = (change: Partial<ChatSettings>) => {
    setSaved(false);
    setForm({ ...form, ...change });
  };
  const setHours = (change: Partial<ChatSettings["openingHours"]>) =>
    set({ openingHours: { ...form.openingHours, ...change } });

  function submit(e: FormEvent) {
    e.preventDefault();
    if (!form) return;
    const allowedOrigins = origins
      .split(/[\s,]+/)
      .map((o) => o.trim())
      .filter(Boolean);
    save.mutate({ ...form, allowedOrigins });
  }

  return (
    <>
      <EmbedCode />
      <div className="chat-settings-layout">
        <form className="panel stack" onSubmit={submit} aria-label="Chat and widget settings">
          <h2 style={{ marginTop: 0 }}>Look</h2>
          <div className="row">
            <label>
              Bot name
              <input value={form.botName} maxLength={60} onChange={(e) => set({ botName: e.target.value })} />
            </label>
            <label>
              Colour
              <input type="color" value={form.color} onChange={(e) => set({ color: e.target.value })} />
            </label>
            <fieldset className="row">
              <legend>Button position</legend>
              {(["right", "left"] as const).map((p) => (
                <label key={p}>
                  <input
                    type="radio"
                    name="position"
                    checked={form.position === p}
                    onChange={() => set({ position: p })}
                  />{" "}
                  {p === "right" ? "Bottom right" : "Bottom left"}
                </label>
              ))}
            </fieldset>
          </div>
          <label>
            Greeting (shown in an empty conversation; leave empty for none)
            <textarea value={form.greeting} rows={2} onChange={(e) => set({ greeting: e.target.value })} />
          </label>

          <h2>Handing over to a person</h2>
          <label>
            When a customer asks for a person
            <textarea
              value={form.escalation}
              rows={2}
              onChange={(e) => set({ escalation: e.target.value })}
            />
          </label>
          <label className="checkbox">
            <input
              type="checkbox"
              checked={form.openingHours.enabled}
              onChange={(e) => setHours({ enabled: e.target.checked })}
            />
            Your team has opening hours
          </label>
          {form.openingHours.enabled && (
            <div className="stack">
              <div className="row">
                <label>
                  Time zone
                  <select
                    value={form.openingHours.timeZone}
                    onChange={(e) => setHours({ timeZone: e.target.value })}
                  >
                    {["UTC", ...timeZones.filter((z) => z !== "UTC")].map((z) => (
                      <option key={z} value={z}>
                        {z}
                      </option>
                    ))}
                  </select>
                </label>
                <label>
                  Opens
                  <input
                    type="time"
                    value={form.openingHours.opens}
                    onChange={(e) => setHours({ opens: e.target.value })}
                  />
                </label>
                <label>
                  Closes
                  <input
                    type="time"
                    value={form.openingHours.closes}
                    onChange={(e) => setHours({ closes: e.target.value })}
                  />
                </label>
              </div>
              <fieldset className="row">
                <legend>Open on</legend>
                {DAYS.map((name, day) => (
                  <label key={name}>
                    <input
                      type="checkbox"
                      checked={form.openingHours.days.includes(day)}
                      onChange={(e) =>
                        setHours({
                          days: e.target.checked
                            ? [...form.openingHours.days, day].sort()
                            : form.openingHours.days.filter((d) => d !== day),
                        })
                      }
                    />{" "}
                    {name}
                  </label>
                ))}
              </fieldset>
              <label>
                Outside opening hours, a customer who asks for a person reads
                <textarea
                  value={form.outsideHours}
                  rows={2}
                  onChange={(e) => set({ outsideHours: e.target.value })}
                />
              </label>
            </div>
          )}

          <h2>Sites that may show the chat</h2>
          <label>
            One address per line, like https://www.example.com. Empty: any site may embed it.
            <textarea
              value={origins}
              rows={3}
              placeholder="https://www.example.com"
              onChange={(e) => {
                setSaved(false);
                setOrigins(e.target.value);
              }}
            />
          </label>
          {save.error && (
            <p role="alert" className="error">
              {errorMessage(save.error)}
            </p>
          )}
          {saved && (
            <p role="status" className="muted">
              Saved. The chat page uses it at once; sites that already loaded the widget see it within 5
              minutes.
            </p>
          )}
          <div className="row">
            <button type="submit" disabled={save.isPending}>
              Save
            </button>
          </div>
        </form>
        <WidgetPreview settings={form} />
      </div>
    </>
  );
}

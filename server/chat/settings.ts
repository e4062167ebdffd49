/**
 * How the customer chat looks and behaves on the company's site (admins, Console › Chat & widget):
 * the bot's name and greeting, colours and position of the widget, what customers read when they
 * ask for a person (inside and outside opening hours), and which sites may embed the chat.
 */
import { z } from "zod";
import type { Db } from "@/db/client";
import { settingsGroup } from "@/server/settings-group";

const HEX_COLOR = /^#[0-9a-f]{6}$/i;
const CLOCK = /^([01]\d|2[0-3]):[0-5]\d$/;

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** An embedding site as the browser names it in frame-ancestors: scheme, host and port only. */
const origin = z
  .string()
  .trim()
  .transform((value, ctx) => {
    try {
      const url = new URL(value);
      if ((url.protocol === "https:" || url.protocol === "http:") && url.pathname === "/" && !url.search)
        return url.origin;
    } catch {}
    ctx.addIssue({
      code: "custom",
      message: `“${value}” is not a site address: write it like https://www.example.com (no path)`,
    });
    return z.NEVER;
  });

export const openingHoursInput = z
  .object({
    enabled: z.boolean(),
    timeZone: z.string().trim().refine(isTimeZone, "Pick a time zone from the list, like Europe/Oslo"),
    /** 0 = Sunday … 6 = Saturday, as Date.getDay(). */
    days: z.array(z.number().int().min(0).max(6)).max(7),
    opens: z.string().regex(CLOCK, "Write opening time as HH:MM, like 09:00"),
    closes: z.string().regex(CLOCK, "Write closing time as HH:MM, like 17:00"),
  })
  .refine((h) => !h.enabled || h.opens < h.closes, {
    message: "Closing time must be after opening time",
    path: ["closes"],
  })
  .refine((h) => !h.enabled || h.days.length > 0, { message: "Pick at least one open day", path: ["days"] });

export const chatSettingsInput = z.object({
  botName: z.string().trim().min(1, "Give the bot a name").max(60, "Keep the name under 60 characters"),
  greeting: z.string().trim().max(400, "Keep the greeting under 400 characters"),
  color: z.string().trim().regex(HEX_COLOR, "Write the colour as #rrggbb, like #2f5bea"),
  position: z.enum(["right", "left"], { error: "Position must be right or left" }),
  escalation: z
    .string()
    .trim()
    .min(10, "Write at least a short sentence for customers who ask for a person")
    .max(600, "Keep it under 600 characters"),
  outsideHours: z
    .string()
    .trim()
    .min(10, "Write at least a short sentence for outside opening hours")
    .max(600, "Keep it under 600 characters"),
  openingHours: openingHoursInput,
  allowedOrigins: z.array(origin).max(20, "At most 20 sites"),
});
export type ChatSettings = z.infer<typeof chatSettingsInput>;
export type OpeningHours = ChatSettings["openingHours"];

export const DEFAULT_CHAT_SETTINGS: ChatSettings = {
  botName: "Support",
  greeting: "Hi! Ask me anything about our products and services.",
  color: "#2f5bea",
  position: "right",
  escalation: "A member of our team has been asked to look at this conversation and will reply here.",
  outsideHours: "Our team is away right now. We have your message and will reply here when we are back.",
  openingHours: { enabled: false, timeZone: "UTC", days: [1, 2, 3, 4, 5], opens: "09:00", closes: "17:00" },
  allowedOrigins: [],
};

const chatSettings = settingsGroup("chat", chatSettingsInput, DEFAULT_CHAT_SETTINGS, "settings.chat_changed");

export const getChatSettings = chatSettings.get;

export async function saveChatSettings(
  db: Db,
  actorId: string,
  settings: ChatSettings,
): Promise<ChatSettings> {
  await chatSettings.save(db, actorId, settings);
  frameAncestorsCache = undefined;
  return settings;
}

/** Whether the team is in, by the company's clock. Always open when hours are not set. */
export function isOpenNow(hours: OpeningHours, now = new Date()): boolean {
  if (!hours.enabled) return true;
  const parts = new Intl.DateTimeFormat("en-GB", {
    timeZone: hours.timeZone,
    weekday: "short",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).formatToParts(now);
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
  const day = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"].indexOf(part("weekday"));
  const clock = `${part("hour")}:${part("minute")}`;
  return hours.days.includes(day) && clock >= hours.opens && clock < hours.closes;
}

/** What a customer reads once they asked for a person. */
export function escalationNotice(settings: ChatSettings, now = new Date()): string {
  return isOpenNow(settings.openingHours, now) ? settings.escalation : settings.outsideHours;
}

/**
 * The CSP frame-ancestors of the chat page: this site (the console's preview) and the allowed
 * sites; any site while none is listed, as before the setting existed.
 */
export function frameAncestors(settings: Pick<ChatSettings, "allowedOrigins">): string {
  return settings.allowedOrigins.length ? ["'self'", ...settings.allowedOrigins].join(" ") : "*";
}

/** Read on every chat page request (by proxy.ts): kept a few seconds so a burst reads it once. */
let frameAncestorsCache: { value: string; until: number } | undefined;
const CACHE_MS = 10_000;

export async function currentFrameAncestors(db: Db): Promise<string> {
  if (frameAncestorsCache && frameAncestorsCache.until > Date.now()) return frameAncestorsCache.value;
  const value = frameAncestors(await getChatSettings(db));
  frameAncestorsCache = { value, until: Date.now() + CACHE_MS };
  return value;
}

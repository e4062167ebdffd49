import { beforeAll, describe, expect, it } from "vitest";
import { listAudit } from "@/db/queries/audit";
import { createConversation } from "@/db/queries/conversations";
import {
  chatSettingsInput,
  DEFAULT_CHAT_SETTINGS,
  escalationNotice,
  frameAncestors,
  isOpenNow,
} from "@/server/chat/settings";
import { createCaller } from "@/server/routers/_app";
import type { SessionUser } from "@/server/trpc";
import { describeEachDatabase } from "../helpers/db";
import { createSessionUser } from "../helpers/users";

const weekdays = { ...DEFAULT_CHAT_SETTINGS.openingHours, enabled: true, days: [1, 2, 3, 4, 5] };

describe("opening hours", () => {
  it("follow the company's time zone, days and hours", () => {
    const oslo = { ...weekdays, timeZone: "Europe/Oslo", opens: "09:00", closes: "17:00" };
    // Wednesday 2026-12-02 08:30 UTC is 09:30 in Oslo (UTC+1 in winter): open.
    expect(isOpenNow(oslo, new Date("2026-12-02T08:30:00Z"))).toBe(true);
    // 07:30 UTC is 08:30 in Oslo: not yet.
    expect(isOpenNow(oslo, new Date("2026-12-02T07:30:00Z"))).toBe(false);
    // 16:00 UTC is 17:00 in Oslo: closed (closing time is exclusive).
    expect(isOpenNow(oslo, new Date("2026-12-02T16:00:00Z"))).toBe(false);
    // Saturday: closed all day.
    expect(isOpenNow(oslo, new Date("2026-12-05T10:00:00Z"))).toBe(false);
    // Sunday 23:30 UTC is Monday 08:30 in Tokyo (before opening); 00:30 UTC is 09:30 there.
    expect(isOpenNow({ ...oslo, timeZone: "Asia/Tokyo" }, new Date("2026-12-06T23:30:00Z"))).toBe(false);
    expect(isOpenNow({ ...oslo, timeZone: "Asia/Tokyo" }, new Date("2026-12-07T00:30:00Z"))).toBe(true);
    // Without opening hours the team counts as in.
    expect(isOpenNow({ ...oslo, enabled: false }, new Date("2026-12-05T03:00:00Z"))).toBe(true);
  });

  it("decide what a customer who asks for a person reads", () => {
    const settings = { ...DEFAULT_CHAT_SETTINGS, openingHours: { ...weekdays, timeZone: "UTC" } };
    expect(escalationNotice(settings, new Date("2026-12-02T10:00:00Z"))).toBe(settings.escalation);
    expect(escalationNotice(settings, new Date("2026-12-02T20:00:00Z"))).toBe(settings.outsideHours);
  });
});

describe("chat settings input", () => {
  const parse = (change: object) => chatSettingsInput.safeParse({ ...DEFAULT_CHAT_SETTINGS, ...change });
  const message = (change: object) => parse(change).error?.issues[0]?.message;

  it("normalises allowed sites to origins and refuses what a browser cannot match", () => {
    expect(
      parse({ allowedOrigins: ["https://Shop.Example.com/", "http://localhost:8080"] }).data?.allowedOrigins,
    ).toEqual(["https://shop.example.com", "http://localhost:8080"]);
    expect(message({ allowedOrigins: ["shop.example.com"] })).toMatch(/not a site address/);
    expect(message({ allowedOrigins: ["https://shop.example.com/help"] })).toMatch(/no path/);
    expect(message({ allowedOrigins: ["javascript:alert(1)"] })).toMatch(/not a site address/);
  });

  it("refuses bad colours, time zones and hours with a message", () => {
    expect(message({ color: "red" })).toMatch(/#rrggbb/);
    expect(message({ openingHours: { ...weekdays, timeZone: "Mars/Olympus" } })).toMatch(/time zone/);
    expect(message({ openingHours: { ...weekdays, opens: "18:00", closes: "09:00" } })).toMatch(
      /Closing time must be after opening time/,
    );
    expect(message({ openingHours: { ...weekdays, days: [] } })).toMatch(/at least one open day/);
    expect(message({ botName: "  " })).toMatch(/name/);
  });

  it("frames the chat only from the allowed sites, or from any while none is listed", () => {
    expect(frameAncestors({ allowedOrigins: [] })).toBe("*");
    expect(frameAncestors({ allowedOrigins: ["https://shop.example.com"] })).toBe(
      "'self' https://shop.example.com",
    );
  });
});

describeEachDatabase("chat settings", (useDb) => {
  let admin: SessionUser;

  beforeAll(async () => {
    admin = await createSessionUser(useDb().db, {
      email: "chat-admin@example.com",
      password: "admin-password-1",
      role: "admin",
    });
  });

  it("defaults until an admin saves them; saving is audited; a refused save changes nothing", async () => {
    const db = useDb().db;
    const asAdmin = createCaller({ db, user: admin });
    expect(await asAdmin.chatSettings.get()).toEqual(DEFAULT_CHAT_SETTINGS);
    const wanted = {
      ...DEFAULT_CHAT_SETTINGS,
      botName: "Fernhollow Help",
      greeting: "Hello from Fernhollow!",
      allowedOrigins: ["https://shop.example.com"],
    };
    await asAdmin.chatSettings.update(wanted);
    await expect(
      asAdmin.chatSettings.update({ ...wanted, botName: "Other", color: "blue" }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
    expect(await asAdmin.chatSettings.get()).toEqual(wanted);
    expect((await listAudit(db, { limit: 5, action: "settings.chat_changed" })).length).toBe(1);
  });

  it("a customer who asks for a person is told what the settings say for now", async () => {
    const db = useDb().db;
    const asAdmin = createCaller({ db, user: admin });
    const current = await asAdmin.chatSettings.get();
    const conversation = await createConversation(db, { customerId: "cust-hours-0001", channel: "chat" });
    const customer = createCaller({ db, user: null, customer: { id: "cust-hours-0001" } });
    // Open every day from 00:00 to 23:59 in UTC: in, except in the day's last minute.
    await asAdmin.chatSettings.update({
      ...current,
      outsideHours: "We are closed right now, back tomorrow.",
      openingHours: {
        enabled: true,
        timeZone: "UTC",
        days: [0, 1, 2, 3, 4, 5, 6],
        opens: "00:00",
        closes: "00:01",
      },
    });
    const { notice } = await customer.chat.escalate({ conversationId: conversation.id });
    const inFirstMinute = new Date().getUTCHours() === 0 && new Date().getUTCMinutes() === 0;
    expect(notice).toBe(inFirstMinute ? current.escalation : "We are closed right now, back tomorrow.");
  });
});

import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { openDatabase } from "@/db/client";
import {
  createConversation,
  findConversation,
  insertMessage,
  listMessages,
} from "@/db/queries/conversations";
import { messages } from "@/db/schema";
import { customerFromRequest, signCustomerToken } from "@/server/chat/identity";
import { ChatLimitError } from "@/server/chat/limits";
import { handleChatMessage } from "@/server/chat/routes";
import { sendCustomerMessage } from "@/server/chat/service";
import { isContextLengthError } from "@/server/inference";
import { appRouter, createCaller } from "@/server/routers/_app";
import { ANSWER_TIMEOUT_MS, sweepOrphans } from "@/server/sweeper";
import { cleanText, cleanTexts } from "@/server/text";
import { describeEachDatabase } from "../helpers/db";

const SECRET = "test-secret-that-is-long-enough-000000";

describe("boundaries", () => {
  it("cleans NUL and lone surrogates out of every string of an input", () => {
    expect(cleanText("a\u0000b\ud800c")).toBe("ab\ufffdc");
    expect(cleanTexts({ q: ["x\u0000", { y: "\udc00" }], n: 3, d: null })).toEqual({
      q: ["x", { y: "\ufffd" }],
      n: 3,
      d: null,
    });
  });

  it("treats a malformed customer cookie as no cookie", () => {
    const token = signCustomerToken("cust-0123456789abcdef", SECRET);
    for (const cookie of ["tunedesk_customer=%", "tunedesk_customer=%E0%A4%A; other=1", "=;;==%"])
      expect(customerFromRequest(new Request("http://x/", { headers: { cookie } }), SECRET)).toBeNull();
    const good = new Request("http://x/", { headers: { cookie: `a=%; tunedesk_customer=${token}` } });
    expect(customerFromRequest(good, SECRET)).toEqual({ id: "cust-0123456789abcdef" });
  });

  it("knows a context-length error by its code, whichever copy of the module threw it", () => {
    expect(isContextLengthError({ code: "context_length_exceeded", message: "too long" })).toBe(true);
    expect(isContextLengthError(new Error("context_length_exceeded"))).toBe(false);
  });

  it("never sends an unexpected error's text (SQL, parameters) to the caller, only an id", async () => {
    const database = await openDatabase({ kind: "pglite" });
    await database.migrate();
    await database.close(); // every query now fails inside the driver
    const errors: unknown[] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => errors.push(args);
    try {
      const response = await fetchRequestHandler({
        endpoint: "/api/trpc",
        req: new Request("http://x/api/trpc/chat.escalate", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({
            json: { conversationId: "5f0c8c47-8f2a-4a38-9b43-1d2f3e4a5b6c", contact: "me@example.com" },
          }),
        }),
        router: appRouter,
        createContext: () => ({ db: database.db, user: null, customer: { id: "cust-0123456789abcdef" } }),
      });
      expect(response.status).toBe(500);
      const text = await response.text();
      expect(text).toMatch(/Something went wrong on our side \(error [0-9a-f]{8}\)/);
      expect(text).not.toMatch(/select|update|conversations|params/i);
      expect(errors.length).toBeGreaterThan(0); // logged here, with the id
    } finally {
      console.error = original;
    }
  });
});

describeEachDatabase("limits under concurrency", (useDb) => {
  it("a customer's parallel sends are counted atomically: exactly the limit gets through", async () => {
    const db = useDb().db;
    const limits = { maxMessageChars: 200, messagesPerMinute: 5, maxCorrectionChars: 500 };
    const customerId = "cust-parallel-0000001";
    const outcomes = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) =>
        sendCustomerMessage(db, { customerId, content: `hello ${i}`, limits }),
      ),
    );
    const accepted = outcomes.filter((o) => o.status === "fulfilled");
    expect(accepted).toHaveLength(5);
    for (const o of outcomes) if (o.status === "rejected") expect(o.reason).toBeInstanceOf(ChatLimitError);
    // Into one conversation, nothing is lost either.
    const into = "cust-parallel-0000002";
    const first = await sendCustomerMessage(db, {
      customerId: into,
      content: "first",
      limits: { ...limits, messagesPerMinute: 50 },
    });
    await Promise.all(
      Array.from({ length: 15 }, (_, i) =>
        sendCustomerMessage(db, {
          customerId: into,
          conversationId: first.conversation.id,
          content: `more ${i}`,
          limits: { ...limits, messagesPerMinute: 50 },
        }),
      ),
    );
    const saved = await listMessages(db, first.conversation.id);
    expect(saved.filter((m) => m.role === "user")).toHaveLength(16);
  });

  it("refuses an oversize chat message unread with 413, and a malformed one with 400", async () => {
    const db = useDb().db;
    const cookie = `tunedesk_customer=${signCustomerToken("cust-big-0000000000001")}`;
    const post = (body: string) =>
      handleChatMessage(
        new Request("http://x/api/chat/messages", { method: "POST", headers: { cookie }, body }),
        db,
      );
    const huge = await post(JSON.stringify({ content: "x".repeat(200_000) }));
    expect(huge.status).toBe(413);
    expect(((await huge.json()) as { error: string }).error).toMatch(/too large: at most 64 KB/);
    expect((await post("{not json")).status).toBe(400);
  });

  it("a NUL in a customer's contact is cleaned, not a server error", async () => {
    const db = useDb().db;
    const customerId = "cust-nul-000000000001";
    const sent = await sendCustomerMessage(db, { customerId, content: "help\u0000 me" });
    expect(sent.userMessage.content).toBe("help me");
    const customer = createCaller({ db, user: null, customer: { id: customerId } });
    await customer.chat.escalate({ conversationId: sent.conversation.id, contact: "pat\u0000@example.com" });
    expect((await findConversation(db, sent.conversation.id))?.contact).toBe("pat@example.com");
  });

  it("answers cut off by a dead process become interrupted, not empty forever; live ones stay", async () => {
    const db = useDb().db;
    const conversation = await createConversation(db, { customerId: "cust-sweep-00000001", channel: "chat" });
    const dead = await insertMessage(db, {
      conversationId: conversation.id,
      role: "assistant",
      content: "",
      state: "generating",
    });
    await db
      .update(messages)
      .set({ createdAt: new Date(Date.now() - ANSWER_TIMEOUT_MS - 1000) })
      .where(eq(messages.id, dead.id));
    const live = await insertMessage(db, {
      conversationId: conversation.id,
      role: "assistant",
      content: "",
      state: "generating",
    });
    expect((await sweepOrphans(db)).answers).toBe(1);
    const states = new Map((await listMessages(db, conversation.id)).map((m) => [m.id, m.state]));
    expect([states.get(dead.id), states.get(live.id)]).toEqual(["failed", "generating"]);
    // At the start of the only answering process, every answer still generating was cut off.
    expect((await sweepOrphans(db, { answersStartedBefore: new Date(Date.now() + 1000) })).answers).toBe(1);
  });
});

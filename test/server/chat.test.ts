import { beforeAll, describe, expect, it } from "vitest";
import { listMessages } from "@/db/queries/conversations";
import { listConfirmedQuestions } from "@/db/queries/feedback";
import { createPair, getPair, setPairsStatus } from "@/db/queries/knowledge";
import { ChatLimitError } from "@/server/chat/limits";
import { type ChatEvent, historyOf, sendCustomerMessage } from "@/server/chat/service";
import { createCaller } from "@/server/routers/_app";
import { reloadServingModel } from "@/server/serving";
import type { SessionUser } from "@/server/trpc";
import { describeEachDatabase } from "../helpers/db";
import { createSessionUser } from "../helpers/users";
import { insertModel, servingBundle } from "./serving-fixtures";

async function drain(events: AsyncGenerator<ChatEvent>): Promise<ChatEvent[]> {
  const all: ChatEvent[] = [];
  for await (const e of events) all.push(e);
  return all;
}

const limits = { maxMessageChars: 200, messagesPerMinute: 50, maxCorrectionChars: 500 };

describeEachDatabase("customer chat", (useDb) => {
  let staff: SessionUser;
  let bundle: string;

  beforeAll(async () => {
    const db = useDb().db;
    bundle = await servingBundle();
    await reloadServingModel(db);
    staff = await createSessionUser(db, {
      email: "rev@example.com",
      password: "reviewer-pw-123",
      role: "staff",
    });
  }, 300_000);

  it("without a promoted model, says so politely and keeps the customer's message", async () => {
    const db = useDb().db;
    const reply = await sendCustomerMessage(db, {
      customerId: "cust-nomodel-000001",
      content: "Hello?",
      limits,
    });
    const events = await drain(reply.events);
    expect(events.map((e) => e.type)).toEqual(["start", "unavailable"]);
    expect(events[1]).toMatchObject({ message: expect.stringMatching(/isn't available right now/) });
    const saved = await listMessages(db, reply.conversation.id);
    expect(saved.map((m) => [m.role, m.content])).toEqual([["user", "Hello?"]]);
  });

  it("streams the answer token by token and saves it with the model that wrote it", async () => {
    const db = useDb().db;
    const model = await insertModel(db, bundle);
    const first = await sendCustomerMessage(db, {
      customerId: "cust-stream-000001",
      content: "How do I reset my password?",
      limits,
    });
    const events = await drain(first.events);
    expect(events[0]).toMatchObject({ type: "start", conversationId: first.conversation.id });
    const deltas = events.filter((e) => e.type === "delta");
    expect(deltas.length).toBeGreaterThan(1);
    const done = events.at(-1);
    expect(done).toMatchObject({ type: "done" });
    const text = deltas.map((d) => (d.type === "delta" ? d.text : "")).join("");
    expect(done?.type === "done" && done.content).toBe(text);

    const second = await sendCustomerMessage(db, {
      customerId: "cust-stream-000001",
      conversationId: first.conversation.id,
      content: "Thanks. And my invoice?",
      limits,
    });
    await drain(second.events);
    const saved = await listMessages(db, first.conversation.id);
    expect(saved.map((m) => m.role)).toEqual(["user", "assistant", "user", "assistant"]);
    expect(saved[1]).toMatchObject({ content: text, state: "complete", modelId: model.id });
  });

  it("refuses overlong messages and too many per minute with messages a customer understands", async () => {
    const db = useDb().db;
    const tight = { ...limits, maxMessageChars: 20, messagesPerMinute: 2 };
    await expect(
      sendCustomerMessage(db, { customerId: "cust-limits-000001", content: "x".repeat(21), limits: tight }),
    ).rejects.toThrow(/21 characters long; please keep it under 20/);
    for (let i = 0; i < 2; i++) {
      const r = await sendCustomerMessage(db, {
        customerId: "cust-limits-000001",
        content: `hi ${i}`,
        limits: tight,
      });
      await drain(r.events);
    }
    const refused = sendCustomerMessage(db, {
      customerId: "cust-limits-000001",
      content: "again",
      limits: tight,
    });
    await expect(refused).rejects.toBeInstanceOf(ChatLimitError);
    await expect(refused).rejects.toThrow(/wait a moment/);
    // Another customer is not affected.
    const other = await sendCustomerMessage(db, {
      customerId: "cust-limits-000002",
      content: "hi",
      limits: tight,
    });
    await drain(other.events);
  });

  it("a message the model cannot read whole gets a 'too long' answer, not 'unavailable'", async () => {
    const db = useDb().db;
    // Within the character limit, but question and reference together exceed the tiny model's
    // 512 positions once retrieval grounds it on its pair.
    const long = Array.from({ length: 180 }, (_, i) => `word${i}`).join(" ");
    await createPair(
      db,
      {
        question: long,
        answer: long,
        variants: [],
        context: [],
        product: null,
        tags: [],
        status: "approved",
      },
      null,
    );
    const reply = await sendCustomerMessage(db, {
      customerId: "cust-toolong-000001",
      content: long,
      limits: { ...limits, maxMessageChars: 2000 },
    });
    const events = await drain(reply.events);
    expect(events.at(-1)).toMatchObject({ type: "unavailable", message: expect.stringMatching(/too long/) });
  });

  it("stops generating when the customer leaves and keeps the partial answer as cancelled", async () => {
    const db = useDb().db;
    const abort = new AbortController();
    const reply = await sendCustomerMessage(db, {
      customerId: "cust-cancel-000001",
      content: "Tell me everything about refunds",
      signal: abort.signal,
      limits,
    });
    const events: ChatEvent[] = [];
    for await (const e of reply.events) {
      events.push(e);
      if (e.type === "delta") abort.abort();
    }
    expect(events.at(-1)).toMatchObject({ type: "done", finishReason: "cancelled" });
    const [, answer] = await listMessages(db, reply.conversation.id);
    expect(answer).toMatchObject({ state: "cancelled", finishReason: "cancelled" });

    // A consumer that just stops reading (the HTTP stream was cancelled) cancels too.
    const again = await sendCustomerMessage(db, {
      customerId: "cust-cancel-000001",
      content: "Once more",
      limits,
    });
    for await (const e of again.events) if (e.type === "delta") break;
    const saved = await listMessages(db, again.conversation.id);
    expect(saved.at(-1)).toMatchObject({ role: "assistant", state: "cancelled" });
  });

  it("customers reach only their own conversations", async () => {
    const db = useDb().db;
    const mine = await sendCustomerMessage(db, {
      customerId: "cust-owner-000001",
      content: "private",
      limits,
    });
    await drain(mine.events);
    await expect(
      sendCustomerMessage(db, {
        customerId: "cust-intruder-01",
        conversationId: mine.conversation.id,
        content: "hi",
        limits,
      }),
    ).rejects.toThrow(/not found/);
    const intruder = createCaller({ db, user: null, customer: { id: "cust-intruder-01" } });
    expect(await intruder.chat.getConversation({ conversationId: mine.conversation.id })).toBeNull();
    const [, answer] = await listMessages(db, mine.conversation.id);
    await expect(intruder.chat.rateAnswer({ messageId: answer!.id, rating: "down" })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    await expect(intruder.chat.escalate({ conversationId: mine.conversation.id })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
  });

  describe("feedback, escalation and the review queue", () => {
    it("a thumbs-down with a correction reaches the queue; staff turn it into a draft pair once", async () => {
      const db = useDb().db;
      const customerId = "cust-feedback-0001";
      const reply = await sendCustomerMessage(db, { customerId, content: "Can I pay by invoice?", limits });
      await drain(reply.events);
      const customer = createCaller({ db, user: null, customer: { id: customerId } });
      const conversation = await customer.chat.getConversation();
      const answer = conversation?.messages.find((m) => m.role === "assistant");
      expect(answer).toBeDefined();

      await customer.chat.rateAnswer({ messageId: answer!.id, rating: "down" });
      await customer.chat.rateAnswer({
        messageId: answer!.id,
        rating: "down",
        reason: "incorrect",
        correction: "Yes, on the Business plan you can pay by invoice.",
      });
      expect(
        (await customer.chat.getConversation())?.messages.find((m) => m.id === answer!.id),
      ).toMatchObject({
        rating: "down",
        reason: "incorrect",
      });

      const reviewer = createCaller({ db, user: staff });
      const queue = await reviewer.reviewQueue.list();
      const item = queue.items.find((i) => i.conversationId === reply.conversation.id);
      expect(item).toMatchObject({
        kind: "correction",
        question: "Can I pay by invoice?",
        answer: answer!.content,
        reason: "incorrect",
        correction: "Yes, on the Business plan you can pay by invoice.",
      });
      expect(queue.items.filter((i) => i.conversationId === reply.conversation.id)).toHaveLength(1);

      const inbox = await reviewer.conversations.list({ filter: { ratedDown: true }, limit: 50 });
      expect(inbox.items.map((c) => c.id)).toContain(reply.conversation.id);

      const { pairId } = await reviewer.reviewQueue.createDraftPair({
        itemId: item!.id,
        question: item!.question,
        answer: item!.correction!,
      });
      expect(await getPair(db, pairId)).toMatchObject({
        question: "Can I pay by invoice?",
        answer: "Yes, on the Business plan you can pay by invoice.",
        status: "draft",
        source: "feedback",
      });
      expect((await reviewer.reviewQueue.list()).items.map((i) => i.id)).not.toContain(item!.id);
      await expect(
        reviewer.reviewQueue.createDraftPair({ itemId: item!.id, question: "again", answer: "" }),
      ).rejects.toMatchObject({ code: "CONFLICT" });
    });

    it("a thumbs-up withdraws an earlier thumbs-down from the queue", async () => {
      const db = useDb().db;
      const customerId = "cust-changeup-0001";
      const reply = await sendCustomerMessage(db, { customerId, content: "Where is my invoice?", limits });
      const events = await drain(reply.events);
      const done = events.at(-1);
      const messageId = done?.type === "done" ? done.messageId : "";
      const customer = createCaller({ db, user: null, customer: { id: customerId } });
      const reviewer = createCaller({ db, user: staff });
      await customer.chat.rateAnswer({ messageId, rating: "down", reason: "outdated" });
      expect(
        (await reviewer.reviewQueue.list()).items.some((i) => i.conversationId === reply.conversation.id),
      ).toBe(true);
      await customer.chat.rateAnswer({ messageId, rating: "up" });
      expect(
        (await reviewer.reviewQueue.list()).items.some((i) => i.conversationId === reply.conversation.id),
      ).toBe(false);
    });

    it("a variant or a better answer goes to an existing pair; dismissing leaves the pair alone", async () => {
      const db = useDb().db;
      const pair = await createPair(
        db,
        {
          question: "How do I export my data?",
          answer: "Settings, Data, Export.",
          variants: [],
          context: [],
          product: null,
          tags: [],
        },
        staff.id,
      );
      const reviewer = createCaller({ db, user: staff });
      const items: string[] = [];
      for (const question of ["export data pls", "data export how", "export everything"]) {
        const customerId = `cust-variant-${items.length}-00001`;
        const reply = await sendCustomerMessage(db, { customerId, content: question, limits });
        const events = await drain(reply.events);
        const done = events.at(-1);
        const customer = createCaller({ db, user: null, customer: { id: customerId } });
        await customer.chat.rateAnswer({
          messageId: done?.type === "done" ? done.messageId : "",
          rating: "down",
        });
        const queued = (await reviewer.reviewQueue.list()).items.find(
          (i) => i.conversationId === reply.conversation.id,
        );
        items.push(queued!.id);
      }
      const suggestions = await reviewer.reviewQueue.suggestPairs({ text: "export data" });
      expect(suggestions.pairs.map((s) => s.id)).toContain(pair.id);

      await reviewer.reviewQueue.applyToPair({
        itemId: items[0]!,
        pairId: pair.id,
        mode: "variant",
        text: "export data pls",
      });
      await reviewer.reviewQueue.applyToPair({
        itemId: items[1]!,
        pairId: pair.id,
        mode: "answer",
        text: "Open Settings, then Data, then Export as CSV.",
      });
      await reviewer.reviewQueue.dismiss({ itemId: items[2]! });
      expect(await getPair(db, pair.id)).toMatchObject({
        variants: ["export data pls"],
        answer: "Open Settings, then Data, then Export as CSV.",
        version: 3,
      });
      const open = (await reviewer.reviewQueue.list()).items.map((i) => i.id);
      for (const id of items) expect(open).not.toContain(id);

      // Confirmed questions join the regression set once their pair is approved knowledge; the
      // dismissed one never does.
      expect(await listConfirmedQuestions(db, 10)).toEqual([]);
      await setPairsStatus(db, [pair.id], "approved", staff.id);
      const confirmed = await listConfirmedQuestions(db, 10);
      expect(confirmed.map((c) => [c.question, c.pairId]).sort()).toEqual([
        ["data export how", pair.id],
        ["export data pls", pair.id],
      ]);
      expect(await listConfirmedQuestions(db, 1)).toHaveLength(1);
    });

    it("talk to a human escalates; the inbox filters find it; resolving clears it from the queue", async () => {
      const db = useDb().db;
      const customerId = "cust-escalate-001";
      const reply = await sendCustomerMessage(db, {
        customerId,
        content: "My order never arrived, order 1234",
        limits,
      });
      await drain(reply.events);
      const customer = createCaller({ db, user: null, customer: { id: customerId } });
      await customer.chat.escalate({ conversationId: reply.conversation.id, contact: "pat@example.com" });
      await customer.chat.escalate({ conversationId: reply.conversation.id });
      expect(await customer.chat.getConversation()).toMatchObject({ escalated: true });

      const reviewer = createCaller({ db, user: staff });
      const escalations = (
        await reviewer.reviewQueue.list({ kinds: ["escalation"], limit: 50 })
      ).items.filter((i) => i.conversationId === reply.conversation.id);
      expect(escalations).toHaveLength(1);
      expect(escalations[0]).toMatchObject({
        question: "My order never arrived, order 1234",
        contact: "pat@example.com",
      });

      const escalated = await reviewer.conversations.list({
        filter: { escalated: true, unresolved: true },
        limit: 50,
      });
      expect(escalated.items.map((c) => c.id)).toEqual([reply.conversation.id]);
      const byText = await reviewer.conversations.list({ filter: { q: "ORDER 1234" }, limit: 50 });
      expect(byText.items.map((c) => c.id)).toEqual([reply.conversation.id]);
      const future = await reviewer.conversations.list({
        filter: { from: new Date(Date.now() + 3_600_000) },
        limit: 50,
      });
      expect(future.items).toEqual([]);

      const detail = await reviewer.conversations.get({ id: reply.conversation.id });
      expect(detail.messages.map((m) => m.role)).toEqual(["user", "assistant"]);
      expect(detail.openItems).toHaveLength(1);

      await reviewer.conversations.reply({
        id: reply.conversation.id,
        content: "Sorry! We are sending a new one today.",
      });
      await expect(
        reviewer.conversations.reply({ id: reply.conversation.id, content: "  " }),
      ).rejects.toMatchObject({
        code: "BAD_REQUEST",
      });
      const seen = await customer.chat.getConversation({ conversationId: reply.conversation.id });
      expect(seen?.messages.at(-1)).toMatchObject({
        role: "staff",
        content: "Sorry! We are sending a new one today.",
      });
      expect(historyOf(await listMessages(db, reply.conversation.id)).at(-1)).toEqual({
        role: "assistant",
        content: "Sorry! We are sending a new one today.",
      });
      expect((await listMessages(db, reply.conversation.id)).at(-1)?.authorId).toBe(staff.id);

      await reviewer.conversations.setStatus({ id: reply.conversation.id, status: "resolved" });
      expect(
        (await reviewer.reviewQueue.list()).items.some((i) => i.conversationId === reply.conversation.id),
      ).toBe(false);
      const unresolved = await reviewer.conversations.list({
        filter: { escalated: true, unresolved: true },
        limit: 50,
      });
      expect(unresolved.items).toEqual([]);
    });

    it("the inbox pages through conversations newest first", async () => {
      const db = useDb().db;
      const reviewer = createCaller({ db, user: staff });
      const all = await reviewer.conversations.list({ filter: {}, limit: 100 });
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await reviewer.conversations.list({ filter: {}, limit: 3, cursor });
        seen.push(...page.items.map((c) => c.id));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      expect(seen).toEqual(all.items.map((c) => c.id));
      expect(seen.length).toBeGreaterThan(5);
    });
  });
});

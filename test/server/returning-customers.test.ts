import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createConversation, insertMessage } from "@/db/queries/conversations";
import { createCaller } from "@/server/routers/_app";
import type { SessionUser } from "@/server/trpc";
import { describeEachDatabase } from "../helpers/db";
import { createSessionUser } from "../helpers/users";

/** A real SMTP server on a free port: what the product's mail would reach. */
const received: { to: string[]; body: string }[] = [];
const smtp = new SMTPServer({
  authOptional: true,
  disabledCommands: ["STARTTLS"],
  onData(stream, session, done) {
    let body = "";
    stream.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
    stream.on("end", () => {
      // Quoted-printable as sent: soft line breaks joined, "=3D" back to "=".
      const text = body.replace(/=\r\n/g, "").replace(/=3D/g, "=");
      received.push({ to: session.envelope.rcptTo.map((r) => r.address), body: text });
      done();
    });
  },
});

beforeAll(async () => {
  await new Promise<void>((resolve) => smtp.listen(0, "127.0.0.1", resolve));
  const { port } = smtp.server.address() as AddressInfo;
  // Read once by server/env.ts, on first use: set before anything here sends mail.
  process.env.TUNEDESK_SMTP_URL = `smtp://127.0.0.1:${port}`;
  process.env.TUNEDESK_PUBLIC_URL = "https://support.example.com";
});
afterAll(() => new Promise<void>((resolve) => smtp.close(() => resolve())));

describeEachDatabase("returning customers", (useDb) => {
  let staff: SessionUser;

  beforeAll(async () => {
    staff = await createSessionUser(useDb().db, {
      email: "agent@example.com",
      password: "agent-password-1",
      role: "staff",
    });
  });

  it("a customer sees their own conversations, with team replies unread until they open them", async () => {
    const db = useDb().db;
    const customerId = "cust-returning-01";
    const customer = createCaller({ db, user: null, customer: { id: customerId } });
    const older = await createConversation(db, { customerId, channel: "widget" });
    await insertMessage(db, { conversationId: older.id, role: "user", content: "My parcel is late" });
    const newer = await createConversation(db, { customerId, channel: "widget" });
    await insertMessage(db, { conversationId: newer.id, role: "user", content: "Do you sell gift cards?" });
    const other = await createConversation(db, { customerId: "cust-someone-else", channel: "chat" });
    await insertMessage(db, { conversationId: other.id, role: "user", content: "Not yours" });

    await createCaller({ db, user: staff }).conversations.reply({ id: older.id, content: "It ships today." });
    const list = await customer.chat.listConversations();
    expect(list.map((c) => [c.title, c.unread])).toEqual([
      ["My parcel is late", 1],
      ["Do you sell gift cards?", 0],
    ]);
    // The customer opens the older conversation: the reply is read; another customer cannot mark it.
    await createCaller({ db, user: null, customer: { id: "cust-someone-else" } }).chat.markConversationSeen({
      conversationId: older.id,
    });
    expect((await customer.chat.listConversations())[0]?.unread).toBe(1);
    const opened = await customer.chat.getConversation({ conversationId: older.id });
    expect(opened?.messages.map((m) => m.role)).toEqual(["user", "staff"]);
    await customer.chat.markConversationSeen({ conversationId: older.id });
    expect((await customer.chat.listConversations()).map((c) => c.unread)).toEqual([0, 0]);
  });

  it("a customer who left an email is emailed the team's reply; without one the console says so", async () => {
    const db = useDb().db;
    const customerId = "cust-returning-02";
    const customer = createCaller({ db, user: null, customer: { id: customerId } });
    const agent = createCaller({ db, user: staff });
    const conversation = await createConversation(db, { customerId, channel: "chat" });
    await insertMessage(db, {
      conversationId: conversation.id,
      role: "user",
      content: "Where is my refund?",
    });

    expect((await agent.conversations.get({ id: conversation.id })).replyNotice).toBe("no_email");
    expect(await agent.conversations.reply({ id: conversation.id, content: "Checking now." })).toMatchObject({
      notice: "no_email",
    });

    await customer.chat.escalate({ conversationId: conversation.id, contact: "kim@example.com" });
    expect((await agent.conversations.get({ id: conversation.id })).replyNotice).toBe("will_email");
    const before = received.length;
    const sent = await agent.conversations.reply({ id: conversation.id, content: "Refunded: 3 to 5 days." });
    expect(sent.notice).toBe("emailed");
    expect(received.length).toBe(before + 1);
    const mail = received.at(-1)!;
    expect(mail.to).toEqual(["kim@example.com"]);
    expect(mail.body).toContain("Refunded: 3 to 5 days.");
    expect(mail.body).toContain(`https://support.example.com/chat?conversation=${conversation.id}`);
  });
});

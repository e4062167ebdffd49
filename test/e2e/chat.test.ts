import http from "node:http";
import type { AddressInfo } from "node:net";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Database, openDatabase } from "@/db/client";
import { createPair, getPair } from "@/db/queries/knowledge";
import { knowledgePairs } from "@/db/schema";
import { createUser } from "@/server/users/service";
import { insertRatedDownAnswer } from "../helpers/conversations";
import { insertModel, servingBundle } from "../server/serving-fixtures";
import { launchBrowser, type RunningApp, signIn, startApp } from "./harness";

const admin = { email: "ada@example.com", password: "ada-password-123" };
const staff = { email: "sam@example.com", password: "sam-password-123" };
const question = "Can I return boots after a hike?";
const correction = "Yes, within 60 days, even if worn outdoors.";

// PostgreSQL: the test registers the production model in the database while the app is running.
describe("customer chat in the browser [postgres]", () => {
  let app: RunningApp;
  let browser: Browser;
  let database: Database;
  let bundle: string;
  /** The customer of the rated-down conversation, still on the chat page for the staff's reply. */
  let customerPage: Page;

  beforeAll(async () => {
    [app, browser, bundle] = await Promise.all([
      startApp({ database: "postgres" }),
      launchBrowser(),
      servingBundle(),
    ]);
    database = await openDatabase({ kind: "postgres", url: app.databaseUrl ?? "", maxConnections: 2 });
    await createUser(database.db, { ...admin, role: "admin" }, null);
    await createUser(database.db, { ...staff, role: "staff" }, null);
  });
  afterAll(async () => {
    await database?.close();
    await browser?.close();
    await app?.stop();
  });

  async function newPage(): Promise<Page> {
    const context = await browser.newContext();
    return context.newPage();
  }

  async function ask(page: Page, text: string) {
    const reply = page.waitForResponse((r) => r.url().endsWith("/api/chat/messages"));
    await page.getByLabel("Your message").fill(text);
    await page.getByLabel("Your message").press("Enter");
    return reply;
  }

  it("without a promoted model the chat says so politely and keeps working", async () => {
    const page = await newPage();
    await page.goto(`${app.url}/chat`);
    await page.getByText("isn't available right now, but you can still leave a message").waitFor();
    await ask(page, "Is anyone there?");
    await page.locator('[data-role="notice"]').getByText("Your message has been saved").waitFor();
    expect(await page.locator('[data-role="user"]').textContent()).toContain("Is anyone there?");
  });

  it("refuses an overlong message with a clear message", async () => {
    const page = await newPage();
    await page.goto(`${app.url}/chat`);
    await page.getByLabel("Your message").fill("x".repeat(2001));
    await page.getByText("2001 / 2000 characters").waitFor();
    await page.getByRole("button", { name: "Send" }).click();
    await expect(page.locator("main [role=alert]").textContent()).resolves.toContain(
      "please keep it under 2000",
    );
  });

  it("a customer asks, the answer streams, and they rate it down with a correction", async () => {
    await insertModel(database.db, bundle, { name: "support-e2e" });
    await createPair(
      database.db,
      {
        question,
        answer: "Boots can be returned within 30 days if they are unworn.",
        variants: [],
        context: [],
        product: null,
        tags: [],
        status: "approved",
      },
      null,
    );
    const page = await newPage();
    await page.goto(`${app.url}/chat`);
    await page.getByText("Ask me anything").waitFor();
    const response = await ask(page, question);
    expect(response.headers()["content-type"]).toContain("application/x-ndjson");
    const lines = (await response.text())
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { type: string });
    expect(lines[0]?.type).toBe("start");
    expect(lines.filter((l) => l.type === "delta").length).toBeGreaterThan(1);
    expect(lines.at(-1)?.type).toBe("done");

    const answer = page.locator('[data-role="assistant"]').last();
    await answer.getByRole("button", { name: "Bad answer" }).waitFor();
    expect((await answer.locator(".chat-bubble").textContent())?.length).toBeGreaterThan(0);
    await answer.getByRole("button", { name: "Bad answer" }).click();
    const form = answer.getByRole("form", { name: "What was wrong?" });
    await form.getByLabel("Incorrect").check();
    await form.getByLabel("The right answer (optional)").fill(correction);
    await form.getByRole("button", { name: "Send feedback" }).click();
    await answer.getByText("Thanks for your feedback!").waitFor();
    expect(await answer.getByRole("button", { name: "Bad answer" }).getAttribute("aria-pressed")).toBe(
      "true",
    );

    // Reloading resumes the conversation with the rating.
    await page.reload();
    await page.locator('[data-role="user"]').getByText(question).waitFor();
    const again = page.locator('[data-role="assistant"]').last();
    await again.getByRole("button", { name: "Bad answer", pressed: true }).waitFor();

    await page.getByRole("button", { name: "Talk to a human" }).click();
    await page.getByLabel("How can we reach you?").fill("hiker@example.com");
    await page.getByRole("button", { name: "Ask for a human" }).click();
    await page.getByTestId("escalated").waitFor();
    customerPage = page;
  });

  it("staff see the correction in the review queue and turn it into a draft pair", async () => {
    const page = await newPage();
    await signIn(page, app.url, staff.email, staff.password);
    await page.waitForURL(/\/console\//);
    await page.goto(`${app.url}/console/conversations/review`);
    const item = page.getByTestId("review-item").filter({ hasText: correction });
    await item.waitFor();
    expect(await item.textContent()).toContain(question);
    expect(await item.getByLabel("Question").inputValue()).toBe(question);
    expect(await item.getByLabel("Answer").inputValue()).toBe(correction);
    await item.getByRole("button", { name: "Create draft pair" }).click();
    await page.getByText("Draft pair created.").waitFor();

    const pairs = await database.db.select().from(knowledgePairs);
    expect(pairs.find((p) => p.question === question && p.source === "feedback")).toMatchObject({
      answer: correction,
      status: "draft",
      source: "feedback",
    });
    await page.reload();
    await page.getByRole("link", { name: /Review queue/ }).waitFor();
    await page.getByTestId("review-item").first().waitFor();
    expect(await page.getByTestId("review-item").filter({ hasText: correction }).count()).toBe(0);
    // The escalation is still waiting, with the customer's contact.
    expect(await page.getByTestId("review-item").filter({ hasText: "hiker@example.com" }).count()).toBe(1);

    await page.getByRole("link", { name: "Inbox" }).click();
    await page.getByLabel("Escalated").check();
    await page.getByTestId("conversation-row").first().waitFor();
    expect(await page.getByTestId("conversation-row").count()).toBe(1);
    await page.getByRole("link", { name: question }).click();
    await page.getByText(`Correction: ${correction}`).waitFor();
    await page.getByLabel("Reply to the customer").fill("A colleague will call you today.");
    await page.getByRole("button", { name: "Send reply" }).click();
    await page
      .locator('[data-testid="transcript-message"]')
      .getByText("A colleague will call you today.")
      .waitFor();
    await customerPage.locator('[data-role="staff"]').getByText("A colleague will call you today.").waitFor();
    await page.getByRole("button", { name: "Mark resolved" }).click();
    await page.getByRole("button", { name: "Reopen" }).waitFor();
  });

  it("staff find similar corrections by their words and add them to one pair at once", async () => {
    const db = database.db;
    const gaiters = await createPair(
      db,
      {
        question: "Do you sell gaiters?",
        answer: "Yes: waterproof gaiters in three sizes, under Accessories.",
        variants: [],
        context: [],
        product: null,
        tags: [],
        status: "approved",
      },
      null,
    );
    const asked = ["any gaiters for snow?", "gaiters in size L?"];
    for (const text of asked) await insertRatedDownAnswer(db, text);
    const page = await newPage();
    await signIn(page, app.url, staff.email, staff.password);
    await page.waitForURL(/\/console\//);
    await page.goto(`${app.url}/console/conversations/review`);
    await page.getByTestId("review-search").fill("gaiters");
    await page.getByRole("button", { name: "Filter" }).click();
    await expect.poll(() => page.getByTestId("review-item").count()).toBe(2);
    await page.getByLabel("Select all on this page").check();
    const bulk = page.getByTestId("bulk-bar");
    await bulk.getByText("2 selected").waitFor();
    await bulk.getByRole("button", { name: "Add their questions to a pair…" }).click();
    await bulk.getByLabel("Find the pair").fill("gaiters");
    await bulk.getByLabel("Find the pair").press("Enter");
    await bulk.getByRole("radio", { name: /Do you sell gaiters\?/ }).check();
    await bulk.getByRole("button", { name: "Add 2 questions as variants" }).click();
    await page.getByText("Added 2 questions as variants.").waitFor();
    await expect.poll(() => page.getByTestId("review-item").count()).toBe(0);
    expect((await getPair(db, gaiters.id))?.variants.sort()).toEqual([...asked].sort());
  });

  it("an off-topic question is declined with the offer of a person", async () => {
    const page = await newPage();
    await page.goto(`${app.url}/chat`);
    await page.getByText("Ask me anything").waitFor();
    await ask(page, "Tell me a joke about penguins, please");
    const answer = page.locator('[data-role="assistant"]').last();
    await answer.getByText("I can only help with questions about our products").waitFor();
    await answer.getByTestId("decline-escalate").click();
    await page.getByLabel("How can we reach you?").fill("penguin@example.com");
    await page.getByRole("button", { name: "Ask for a human" }).click();
    await page.getByTestId("escalated").waitFor();
    expect(await answer.getByTestId("decline-escalate").count()).toBe(0);
  });

  it("the widget on another site opens the chat in an iframe with its title and colour", async () => {
    // Another site: "localhost" is a different site from the app's 127.0.0.1 (both loopback, so
    // Chromium's private-network rules allow the script).
    const shop = http.createServer((_req, res) => {
      res.writeHead(200, { "Content-Type": "text/html" });
      res.end(`<!doctype html><html><body><h1>Fernhollow shop</h1>
        <script src="${app.url}/widget.js" data-title="Help" data-color="#d32f2f" async></script></body></html>`);
    });
    await new Promise<void>((resolve) => shop.listen(0, "127.0.0.1", resolve));
    const page = await newPage();
    await page.goto(`http://localhost:${(shop.address() as AddressInfo).port}/`);
    await page.getByRole("button", { name: "Help" }).click();
    const frame = page.frameLocator('iframe[title="Help"]');
    await frame.getByRole("heading", { name: "Help" }).waitFor();
    await frame.getByLabel("Your message").fill("Do you ship to Canada?");
    await frame.getByLabel("Your message").press("Enter");
    await frame.locator('[data-role="assistant"]').getByRole("button", { name: "Good answer" }).waitFor();
    await frame.getByRole("button", { name: "Good answer" }).click();
    await frame.getByText("Thanks for your feedback!").waitFor();
    const accent = await frame
      .locator(".chat")
      .evaluate((el) => getComputedStyle(el).getPropertyValue("--chat-accent"));
    expect(accent.trim()).toBe("#d32f2f");
    const [row] = await database.db.query.conversations.findMany({
      where: (c, { eq }) => eq(c.channel, "widget"),
    });
    expect(row).toBeDefined();
    shop.close();
  });

  it("a widget customer over http who reloads and starts anew still finds the team's reply, marked unread", async () => {
    const shop = http.createServer((_req, res) => {
      res.writeHead(200, { "Content-Type": "text/html" });
      res.end(`<!doctype html><html><body><h1>Fernhollow shop</h1>
        <script src="${app.url}/widget.js" data-title="Help" async></script></body></html>`);
    });
    await new Promise<void>((resolve) => shop.listen(0, "127.0.0.1", resolve));
    const shopUrl = `http://localhost:${(shop.address() as AddressInfo).port}/`;
    const page = await newPage();
    await page.goto(shopUrl);
    await page.getByRole("button", { name: "Help" }).click();
    let frame = page.frameLocator('iframe[title="Help"]');
    await frame.getByLabel("Your message").fill("My tent pole snapped, can someone help?");
    await frame.getByLabel("Your message").press("Enter");
    await frame.locator('[data-role="assistant"]').last().getByRole("button").first().waitFor();
    await frame.getByRole("button", { name: "Talk to a human" }).click();
    await frame.getByRole("button", { name: "Ask for a human" }).click();
    await frame.getByTestId("escalated").waitFor();

    // The host page reloads and the customer starts a new conversation before the team answers.
    await page.reload();
    await page.getByRole("button", { name: "Help" }).click();
    frame = page.frameLocator('iframe[title="Help"]');
    await frame.getByText("My tent pole snapped, can someone help?").waitFor();
    await frame.getByRole("button", { name: "New conversation" }).click();

    const [escalated] = await database.db.query.conversations.findMany({
      where: (c, { and, eq, isNotNull }) => and(eq(c.channel, "widget"), isNotNull(c.escalatedAt)),
      orderBy: (c, { desc }) => desc(c.createdAt),
      limit: 1,
    });
    const agent = await newPage();
    await signIn(agent, app.url, staff.email, staff.password);
    await agent.waitForURL(/\/console\//);
    await agent.goto(`${app.url}/console/conversations/${escalated!.id}`);
    await expect(agent.getByTestId("reply-notice").textContent()).resolves.toContain("no email address");
    await agent.getByLabel("Reply to the customer").fill("We will send you a new pole this week.");
    await agent.getByRole("button", { name: "Send reply" }).click();
    await agent.getByText("Sent in the chat.").waitFor();

    await frame.getByTestId("chat-unread-total").waitFor({ timeout: 30_000 });
    await frame.getByRole("button", { name: /Your conversations/ }).click();
    const item = frame.getByTestId("chat-history-item").filter({ hasText: "My tent pole snapped" });
    await item.getByTestId("chat-unread").waitFor();
    await page.screenshot({ path: ".cache/screenshots/customer-conversations.png" });
    await item.click();
    await frame.locator('[data-role="staff"]').getByText("We will send you a new pole this week.").waitFor();
    await expect.poll(() => frame.getByTestId("chat-unread-total").count(), { timeout: 30_000 }).toBe(0);
    shop.close();
  });

  it("API keys from the settings page reach only the API; customers cannot reach staff procedures", async () => {
    const page = await newPage();
    await signIn(page, app.url, admin.email, admin.password);
    await page.waitForURL(/\/console\//);
    await page.goto(`${app.url}/console/settings`);
    const form = page.getByRole("form", { name: "New API key" });
    await form.getByLabel("Name").fill("e2e");
    await form.getByRole("button", { name: "Create key" }).click();
    const key = (await page.getByTestId("new-api-key").textContent()) ?? "";
    expect(key).toMatch(/^td_/);

    const bearer = { Authorization: `Bearer ${key}` };
    const models = await fetch(`${app.url}/v1/models`, { headers: bearer });
    expect(models.status).toBe(200);
    expect(((await models.json()) as { data: { id: string }[] }).data.map((m) => m.id)).toEqual([
      expect.stringMatching(/^support-e2e-[0-9a-f]{6}$/),
      "tunedesk",
    ]);
    for (const path of ["conversations.list", "reviewQueue.list", "apiKeys.list"]) {
      const res = await fetch(`${app.url}/api/trpc/${path}`, { headers: bearer });
      expect({ path, status: res.status }).toEqual({ path, status: 401 });
    }

    const customer = await newPage();
    await customer.goto(`${app.url}/chat`);
    await customer.getByLabel("Your message").waitFor();
    for (const path of ["conversations.list", "reviewQueue.list", "apiKeys.list", "users.list"]) {
      const res = await customer.request.get(`${app.url}/api/trpc/${path}`);
      expect({ path, status: res.status() }).toEqual({ path, status: 401 });
    }
    const own = await customer.request.get(`${app.url}/api/trpc/chat.getConversation`);
    expect(own.status()).toBe(200);

    const row = page.getByTestId("api-key-row-e2e");
    page.once("dialog", (d) => void d.accept());
    await row.getByRole("button", { name: "Revoke" }).click();
    await row.getByText("revoked").waitFor();
    expect((await fetch(`${app.url}/v1/models`, { headers: bearer })).status).toBe(401);
  });

  it("an admin sets up the chat in Chat & widget; customers see it, and only allowed sites may frame it", async () => {
    const page = await newPage();
    await signIn(page, app.url, admin.email, admin.password);
    await page.waitForURL(/\/console\//);
    await page.getByRole("link", { name: "Chat & widget" }).click();
    await page.waitForURL(/\/console\/chat-widget$/);
    // The snippet as the admin copies it, pasted into the shop's page.
    const snippet = (await page.getByTestId("widget-snippet").textContent()) ?? "";
    expect(snippet).toBe(`<script src="${app.url}/widget.js" async></script>`);
    const shop = http.createServer((_req, res) => {
      res.writeHead(200, { "Content-Type": "text/html" });
      res.end(`<!doctype html><html><body><h1>Fernhollow shop</h1>${snippet}</body></html>`);
    });
    await new Promise<void>((resolve) => shop.listen(0, "127.0.0.1", resolve));
    const shopOrigin = `http://localhost:${(shop.address() as AddressInfo).port}`;

    const form = page.getByRole("form", { name: "Chat and widget settings" });
    await form.getByLabel("Bot name").fill("Fernhollow Help");
    await form.getByLabel(/Greeting/).fill("Hello from Fernhollow!");
    await expect(page.getByTestId("widget-preview").textContent()).resolves.toContain(
      "Hello from Fernhollow!",
    );
    await form.getByLabel("Your team has opening hours").check();
    // Open one minute a day: the customer below asks outside the hours.
    await form.getByLabel("Opens").fill("00:00");
    await form.getByLabel("Closes").fill("00:01");
    for (const day of ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"])
      await form.getByRole("checkbox", { name: day, exact: true }).check();
    await form.getByLabel(/Outside opening hours/).fill("We are closed now and will reply tomorrow.");
    await form.getByLabel(/One address per line/).fill("not a site");
    await form.getByRole("button", { name: "Save" }).click();
    await expect(form.getByRole("alert").textContent()).resolves.toContain("not a site address");
    await form.getByLabel(/One address per line/).fill(shopOrigin);
    await form.getByRole("button", { name: "Save" }).click();
    await form.getByText("Saved.").waitFor();
    await page.screenshot({ path: ".cache/screenshots/chat-widget-settings.png", fullPage: true });

    const customer = await newPage();
    await customer.goto(`${app.url}/chat`);
    await customer.getByRole("heading", { name: "Fernhollow Help" }).waitFor();
    await customer.getByTestId("greeting").getByText("Hello from Fernhollow!").waitFor();
    await ask(customer, "Tell me a joke about penguins, please");
    await customer.locator('[data-role="assistant"]').last().getByTestId("decline-escalate").click();
    await customer.getByRole("button", { name: "Ask for a human" }).click();
    const notice = await customer.getByTestId("escalated").textContent();
    const firstMinute = new Date().getUTCHours() === 0 && new Date().getUTCMinutes() <= 1;
    if (!firstMinute) expect(notice).toContain("We are closed now and will reply tomorrow.");

    // The settings reach the browser as the page's frame-ancestors within the proxy's 10 s cache.
    await expect
      .poll(async () => (await fetch(`${app.url}/chat`)).headers.get("content-security-policy"), {
        timeout: 15_000,
      })
      .toBe(`frame-ancestors 'self' ${shopOrigin}`);

    // The shop's page with the pasted snippet shows the named button, and its customers chat.
    const visitor = await newPage();
    await visitor.goto(`${shopOrigin}/`);
    await visitor.getByRole("button", { name: "Fernhollow Help" }).click();
    const frame = visitor.frameLocator('iframe[title="Fernhollow Help"]');
    await frame.getByTestId("greeting").waitFor();
    await frame.getByLabel("Your message").fill("Do you ship to Canada?");
    await frame.getByLabel("Your message").press("Enter");
    await frame.locator('[data-role="assistant"]').last().getByRole("button").first().waitFor();

    // Another site may not frame the chat: the browser refuses to show it there.
    const other = http.createServer((_req, res) => {
      res.writeHead(200, { "Content-Type": "text/html" });
      res.end(`<!doctype html><html><body>${snippet}</body></html>`);
    });
    await new Promise<void>((resolve) => other.listen(0, "127.0.0.1", resolve));
    const stranger = await newPage();
    await stranger.goto(`http://localhost:${(other.address() as AddressInfo).port}/`);
    await stranger.getByRole("button", { name: "Fernhollow Help" }).click();
    const blocked = await (await stranger
      .locator('iframe[title="Fernhollow Help"]')
      .elementHandle())!.contentFrame();
    await blocked!.waitForLoadState("load");
    expect(await blocked!.locator("textarea").count()).toBe(0);
    shop.close();
    other.close();
  });
});

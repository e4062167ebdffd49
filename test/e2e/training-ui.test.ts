import type { APIRequestContext, Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, type RunningApp, signIn, startApp } from "./harness";

const admin = { name: "Ada Admin", email: "ada@example.com", password: "ada-password-123" };
const staff = { name: "Sam Staff", email: "sam@example.com", password: "sam-password-123" };

const pairs: [question: string, answer: string][] = [
  ["How do I reset my password?", "Open Settings, choose Security and click Reset password."],
  ["Where can I download my invoice?", "Invoices are under Billing, in the Invoices tab."],
  ["Can I change my plan later?", "Yes, switch plans any time under Billing; we prorate the difference."],
  ["How do I add a team member?", "Go to Team, click Invite and enter their email address."],
  ["Do you offer refunds?", "We refund any payment made in the last 30 days; write to support."],
  ["How do I export my data?", "Under Settings, Data, click Export to get a ZIP of everything."],
  ["Is there a mobile app?", "Yes, search for Tunedesk in the App Store or Google Play."],
  ["How do I delete my account?", "Under Settings, Account, click Delete account and confirm."],
];

/** Calls a tRPC procedure as the signed-in user of `request` (superjson wire format). */
async function callTrpc(request: APIRequestContext, url: string, procedure: string, input: unknown) {
  const res = await request.post(`${url}/api/trpc/${procedure}`, { data: { json: input } });
  const body = await res.json();
  if (!res.ok()) throw new Error(`${procedure}: ${res.status()} ${JSON.stringify(body)}`);
  return body.result.data.json;
}

async function queryTrpc(request: APIRequestContext, url: string, procedure: string, input: unknown) {
  const res = await request.get(
    `${url}/api/trpc/${procedure}?input=${encodeURIComponent(JSON.stringify({ json: input }))}`,
  );
  const body = await res.json();
  if (!res.ok()) throw new Error(`${procedure}: ${res.status()} ${JSON.stringify(body)}`);
  return body.result.data.json;
}

describe("training and models console in the browser", () => {
  let app: RunningApp;
  let browser: Browser;
  let adminPage: Page;

  beforeAll(async () => {
    // The embedded default runs the training worker in this app process.
    [app, browser] = await Promise.all([
      startApp({ env: { TUNEDESK_PYTHON: "/usr/bin/python3" } }),
      launchBrowser(),
    ]);
    adminPage = await (await browser.newContext()).newPage();
    await adminPage.goto(`${app.url}/setup`);
    await adminPage.getByLabel("Your name").fill(admin.name);
    await adminPage.getByLabel("Email").fill(admin.email);
    await adminPage.getByLabel("Password (10 characters or more)").fill(admin.password);
    await adminPage.getByLabel("Repeat password").fill(admin.password);
    await adminPage.getByRole("button", { name: "Create admin account" }).click();
    await adminPage.waitForURL(/\/console\//);

    const ids: string[] = [];
    for (const [question, answer] of pairs) {
      const pair = await callTrpc(adminPage.request, app.url, "knowledge.create", {
        question,
        answer,
        variants: [`${question.replace(/\?$/, "")} please?`],
      });
      ids.push(pair.id);
    }
    await callTrpc(adminPage.request, app.url, "knowledge.approve", { ids, decision: "approve_anyway" });
    await callTrpc(adminPage.request, app.url, "users.create", { ...staff, role: "staff" });
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  it("Bases page lists the starter and explains it; a non-model directory is refused with the reason", async () => {
    await adminPage.goto(`${app.url}/console/models`);
    await adminPage.getByRole("link", { name: "Base models" }).click();
    await adminPage.waitForURL(/\/console\/models\/bases$/);
    await adminPage.getByTestId("base-list").getByText("Starter (trained from scratch)").waitFor();
    await expect(adminPage.getByTestId("starter-explanation").textContent()).resolves.toContain(
      "pretrained base answers noticeably better",
    );

    const form = adminPage.getByRole("form", { name: "Register a base model" });
    await form.getByLabel("Name").fill("Not a model");
    await form.getByLabel("Directory path (absolute)").fill(app.dataDir);
    await form.getByRole("button", { name: "Register" }).click();
    await expect(form.getByRole("alert").textContent()).resolves.toContain("config.json is missing");

    await form.getByLabel("Directory path (absolute)").fill("relative/dir");
    await form.getByRole("button", { name: "Register" }).click();
    await expect
      .poll(() => form.getByRole("alert").textContent())
      .toContain("Give the model directory as an absolute path");
    expect(await adminPage.getByTestId("base-list").getByText("Not a model").count()).toBe(0);
  });

  it("Train shows the preview before starting; starting opens the run page, which goes from queued to running", async () => {
    await adminPage.goto(`${app.url}/console/training`);
    const form = adminPage.getByRole("form", { name: "Train a model" });
    await expect(form.getByLabel("Base model").inputValue()).resolves.not.toBe("");
    // The starter's defaults: full training from scratch.
    await expect(form.getByLabel("Method").inputValue()).resolves.toBe("full");
    // The embedded default starts with the demo knowledge base: count what is approved now.
    const approved: number = await queryTrpc(adminPage.request, app.url, "knowledge.count", {
      filter: { status: ["approved"] },
    });
    expect(approved).toBeGreaterThanOrEqual(pairs.length);
    await expect
      .poll(() => form.getByTestId("preview-pairs").textContent())
      .toBe(approved.toLocaleString("en-US"));
    const numbers = async (testId: string) =>
      ((await form.getByTestId(testId).textContent()) ?? "")
        .match(/[\d,]+/g)!
        .map((n) => Number(n.replace(/,/g, "")));
    const [train, heldOut] = await numbers("preview-split");
    expect(train! + heldOut!).toBe(approved);
    expect(heldOut).toBeGreaterThanOrEqual(1);
    // Each variant is an example of its own.
    const [trainExamples, heldOutExamples] = await numbers("preview-examples");
    expect(trainExamples).toBeGreaterThanOrEqual(train!);
    expect(heldOutExamples).toBeGreaterThanOrEqual(heldOut!);
    expect(
      Number((await form.getByTestId("preview-tokens").textContent())?.replace(/[^0-9]/g, "")),
    ).toBeGreaterThan(0);
    await expect(form.getByTestId("preview-duration").textContent()).resolves.toMatch(/≈ \d/);

    // A bad value is explained, and the preview follows a valid change.
    await form.getByLabel("Epochs").fill("0");
    await expect.poll(() => form.getByRole("alert").textContent()).toContain("At least 0.1 epochs");
    expect(await form.getByRole("button", { name: "Start training" }).isDisabled()).toBe(true);
    await form.getByLabel("Epochs").fill("1");
    await expect.poll(() => form.getByRole("button", { name: "Start training" }).isEnabled()).toBe(true);

    await form.getByRole("button", { name: "Start training" }).click();
    await adminPage.waitForURL(/\/console\/training\/[0-9a-f-]{36}$/);
    const view = adminPage.getByTestId("run-view");
    await view.waitFor();
    await expect
      .poll(() => view.getByTestId("status-badge").first().textContent(), { timeout: 30_000 })
      .toBe("running");
    await expect
      .poll(() => view.getByTestId("run-phase").textContent(), { timeout: 30_000 })
      .not.toBe("waiting for a worker");
  });

  it("staff see the runs but not the Train form; the admin cancels the run and the page says so", async () => {
    const staffPage = await (await browser.newContext()).newPage();
    await signIn(staffPage, app.url, staff.email, staff.password);
    await staffPage.waitForURL(/\/console\//);
    await staffPage.goto(`${app.url}/console/training`);
    await staffPage.getByTestId("run-list").waitFor();
    expect(await staffPage.getByRole("form", { name: "Train a model" }).count()).toBe(0);
    await staffPage.getByRole("link", { name: "Open run" }).first().click();
    await staffPage.getByTestId("run-view").waitFor();
    expect(await staffPage.getByRole("button", { name: "Cancel run" }).count()).toBe(0);

    adminPage.once("dialog", (dialog) => void dialog.accept());
    await adminPage.getByRole("button", { name: "Cancel run" }).click();
    const view = adminPage.getByTestId("run-view");
    await expect
      .poll(() => view.getByTestId("status-badge").first().textContent(), { timeout: 60_000 })
      .toBe("cancelled");
    await expect(view.getByTestId("run-error").textContent()).resolves.not.toBe("");
  });
});

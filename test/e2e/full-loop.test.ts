import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  completeFirstRunSetup,
  launchBrowser,
  type RunningApp,
  signIn,
  startApp,
  startWorker,
  trpcMutation,
  trpcQuery,
} from "./harness";

const run = promisify(execFile);
const admin = { name: "Ada Admin", email: "ada@example.com", password: "ada-password-123" };
const staff = { name: "Sam Staff", email: "sam@example.com", password: "sam-password-123" };

// Short, distinctive answers a small model memorises in a few hundred steps on CPU.
const question = "Do you ship to Canada?";
const firstAnswer = "Yes, with Maplepost.";
const corrected = "Yes, with Polarpost.";
const otherPairs: [string, string][] = [
  ["What are your opening hours?", "Nine to five."],
  ["Is there a mobile app?", "Yes, on Android."],
];

/**
 * The whole loop on the production topology (PostgreSQL, web and worker as separate processes):
 * staff approve pairs → admin trains → loss moves → evaluation → promote → a customer gets the
 * trained answer → thumbs down with a correction → staff apply it → second run → promote →
 * the corrected answer is served.
 */
describe("the tuning loop in the browser [postgres, separate worker]", () => {
  let app: RunningApp;
  let worker: ReturnType<typeof startWorker>;
  let browser: Browser;
  let adminPage: Page;
  let staffPage: Page;
  let baseId: string;
  let tmp: string;

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "tunedesk-loop-"));
    const baseDir = path.join(tmp, "base");
    [app, browser] = await Promise.all([startApp({ database: "postgres" }), launchBrowser()]);
    await run("/usr/bin/python3", ["-m", "trainer", "init-base", "--preset", "tiny", "--out", baseDir]);
    worker = startWorker(app, { TUNEDESK_PYTHON: "/usr/bin/python3" });

    adminPage = await (await browser.newContext()).newPage();
    await completeFirstRunSetup(adminPage, app.url, admin);
    await trpcMutation(adminPage.request, app.url, "users.create", { ...staff, role: "staff" });
    baseId = (
      await trpcMutation(adminPage.request, app.url, "training.registerBase", { name: "Tiny", path: baseDir })
    ).id;

    staffPage = await (await browser.newContext()).newPage();
    await signIn(staffPage, app.url, staff.email, staff.password);
    await staffPage.waitForURL(/\/console\//);
    for (const [q, a] of [[question, firstAnswer], ...otherPairs]) {
      await trpcMutation(staffPage.request, app.url, "knowledge.create", {
        question: q,
        answer: a,
        variants: [],
      });
    }
  });

  afterAll(async () => {
    await browser?.close();
    await worker?.stop();
    await app?.stop();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  async function trainAndPromote(): Promise<void> {
    await adminPage.goto(`${app.url}/console/training`);
    const form = adminPage.getByRole("form", { name: "Train a model" });
    await form.getByLabel("Base model").selectOption(baseId);
    await form.getByLabel("Epochs").fill("200");
    await form.getByLabel("Learning rate").fill("0.003");
    await form.getByText("More settings").click();
    await form.getByLabel("Tokens per batch").fill("512");
    await expect.poll(() => form.getByTestId("preview-pairs").textContent()).toBe("3");
    await form.getByRole("button", { name: "Start training" }).click();
    await adminPage.waitForURL(/\/console\/training\/[0-9a-f-]{36}$/);
    const view = adminPage.getByTestId("run-view");
    // The loss curve fills in while the worker trains.
    await expect
      .poll(() => adminPage.getByTestId("loss-summary").textContent(), { timeout: 120_000 })
      .toMatch(/\d/);
    await expect
      .poll(() => view.getByTestId("status-badge").first().textContent(), {
        timeout: 600_000,
        interval: 2000,
      })
      .toBe("succeeded");
    await view.getByTestId("evaluation-table-trained").waitFor();
    await view.getByRole("link", { name: /model/i }).first().click();
    await adminPage.waitForURL(/\/console\/models\/[0-9a-f-]{36}$/);
    await adminPage.getByRole("button", { name: "Promote to production" }).click();
    await adminPage.getByText("production", { exact: true }).first().waitFor();
  }

  async function askAsCustomer(page: Page, text: string): Promise<string> {
    await page.goto(`${app.url}/chat`);
    await page.getByLabel("Your message").fill(text);
    await page.getByLabel("Your message").press("Enter");
    const answer = page.locator('[data-role="assistant"]').last();
    await answer.getByRole("button", { name: "Bad answer" }).waitFor({ timeout: 60_000 });
    return (await answer.locator(".chat-bubble").textContent()) ?? "";
  }

  it("staff approve the pairs in the console", async () => {
    await staffPage.goto(`${app.url}/console/knowledge`);
    await expect.poll(() => staffPage.getByTestId("pair-row").count()).toBe(3);
    await staffPage.getByLabel("Select all shown").check();
    await staffPage
      .getByRole("toolbar", { name: "Selected pairs" })
      .getByRole("button", { name: "Approve" })
      .click();
    await expect
      .poll(
        async () =>
          (await trpcQuery(staffPage.request, app.url, "knowledge.count", {
            filter: { status: ["approved"] },
          })) as number,
      )
      .toBe(3);
  });

  // Training a model on CPU takes minutes on a busy machine.
  const TRAINING_TEST_MS = 900_000;

  it(
    "admin trains and promotes; a customer gets the trained answer and corrects it",
    async () => {
      await trainAndPromote();
      const customer = await (await browser.newContext()).newPage();
      expect(await askAsCustomer(customer, question)).toContain("Maplepost");

      const answer = customer.locator('[data-role="assistant"]').last();
      await answer.getByRole("button", { name: "Bad answer" }).click();
      const feedback = answer.getByRole("form", { name: "What was wrong?" });
      await feedback.getByLabel("Outdated").check();
      await feedback.getByLabel("The right answer (optional)").fill(corrected);
      await feedback.getByRole("button", { name: "Send feedback" }).click();
      await answer.getByText("Thanks for your feedback!").waitFor();
    },
    TRAINING_TEST_MS,
  );

  it("staff turn the correction into the pair's answer", async () => {
    await staffPage.goto(`${app.url}/console/conversations/review`);
    const item = staffPage.getByTestId("review-item").filter({ hasText: corrected });
    await item.getByRole("button", { name: "Add to existing pair…" }).click();
    await item.getByRole("radio", { name: new RegExp(question.replace("?", "\\?")) }).check();
    await item.getByRole("button", { name: "Replace the pair's answer" }).click();
    await staffPage.getByText("Answer replaced.").waitFor();
  });

  it(
    "a second run, promoted, serves the corrected answer",
    async () => {
      await trainAndPromote();
      const customer = await (await browser.newContext()).newPage();
      expect(await askAsCustomer(customer, question)).toContain("Polarpost");
    },
    TRAINING_TEST_MS,
  );
});

import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { completeFirstRunSetup, launchBrowser, type RunningApp, signIn, startApp } from "./harness";

/** Waits for the page to show what is expected (first renders after a cold start can take seconds). */
const poll = <T>(read: () => Promise<T>) => expect.poll(read, { timeout: 60_000, interval: 250 });

const admin = { name: "Kari Admin", email: "kari@example.com", password: "kari-password-123" };
const staff = { name: "Sol Staff", email: "sol@example.com", password: "sol-password-123" };

async function createAdminAndStaff(page: Page, url: string) {
  await completeFirstRunSetup(page, url, admin);
  await page.goto(`${url}/console/users`);
  const form = page.getByRole("form", { name: "New user" });
  await form.getByLabel("Email").fill(staff.email);
  await form.getByLabel("Name").fill(staff.name);
  await form.getByLabel("Initial password").fill(staff.password);
  await form.getByRole("button", { name: "Create user" }).click();
  await page.getByTestId(`user-row-${staff.email}`).waitFor();
}

for (const database of ["pglite", "postgres"] as const) {
  describe(`knowledge curation in the browser [${database}]`, () => {
    let app: RunningApp;
    let browser: Browser;
    let page: Page;
    const files = fs.mkdtempSync(path.join(os.tmpdir(), "tunedesk-knowledge-e2e-"));

    beforeAll(async () => {
      [app, browser] = await Promise.all([startApp({ database }), launchBrowser()]);
      const setupPage = await (await browser.newContext()).newPage();
      setupPage.setDefaultTimeout(60_000);
      await createAdminAndStaff(setupPage, app.url);
      page = await (await browser.newContext({ acceptDownloads: true })).newPage();
      // Generous waits: the machine running these tests may be busy with training runs.
      page.setDefaultTimeout(60_000);
      await signIn(page, app.url, staff.email, staff.password);
      await page.waitForURL(/\/console/);
    });
    afterAll(async () => {
      await browser?.close();
      await app?.stop();
      fs.rmSync(files, { recursive: true, force: true });
    }, 60_000);

    it("import and export refuse anyone not signed in", async () => {
      expect((await fetch(`${app.url}/api/knowledge/export?format=jsonl`)).status).toBe(401);
      const upload = await fetch(`${app.url}/api/knowledge/import?mode=commit`, {
        method: "POST",
        body: '{"question":"q?","answer":"a"}',
      });
      expect(upload.status).toBe(401);
    });

    it("the embedded default starts with the demo knowledge base; PostgreSQL starts empty", async () => {
      await page.goto(`${app.url}/console/knowledge`);
      const count = page.getByTestId("match-count");
      await poll(() => count.textContent()).toMatch(database === "pglite" ? /^82 pairs$/ : /^0 pairs$/);
    }, 180_000);

    it("staff creates a pair with two variants, then finds it by searching with a typo", async () => {
      await page.goto(`${app.url}/console/knowledge`);
      await poll(() => page.getByTestId("match-count").textContent()).toMatch(/pairs$/);
      await page.keyboard.press("n");
      await page.waitForURL(/\/knowledge\/new$/);
      await page
        .getByLabel("Customer question")
        .fill("Can I recharge the Glowbug headlamp from a power bank?");
      const variant = page.getByLabel("New variant");
      await variant.fill("glowbug charging on the trail");
      await variant.press("Enter");
      await variant.fill("charge headlamp with battery pack");
      await variant.press("Enter");
      await poll(() => page.getByTestId("variant").count()).toBe(2);
      await page
        .getByLabel("Answer the bot should give")
        .fill("Yes. Any USB-C power bank charges the Glowbug in about 2 hours.");
      await page.getByLabel("Product").fill("Glowbug Headlamp");
      await page.getByLabel("Answer the bot should give").press("Control+Enter");
      await page.waitForURL(/\/knowledge\/[0-9a-f-]{36}$/);
      await poll(() => page.getByTestId("history-entry").count()).toBe(1);

      await page.goto(`${app.url}/console/knowledge`);
      await page.getByLabel("Search").fill("glowbug hedlamp recharje");
      const rows = page.getByTestId("pair-row");
      await poll(() => rows.first().textContent()).toContain("Can I recharge the Glowbug headlamp");
    }, 300_000);

    it("import shows the bad line and imports nothing; the fixed file imports; staff approves and exports", async () => {
      const good = (q: string, a: string) =>
        JSON.stringify({ question: q, answer: a, product: "Glowbug Headlamp", tags: ["imported"] });
      const badFile = path.join(files, "pairs.jsonl");
      fs.writeFileSync(
        badFile,
        [
          good("Is the Glowbug waterproof?", "It is rated IPX7."),
          "{oops",
          good("How bright is the Glowbug?", "400 lumens."),
        ].join("\n"),
      );
      await page.goto(`${app.url}/console/knowledge/import`);
      await page.locator('input[type="file"]').setInputFiles(badFile);
      await page.getByRole("button", { name: "Preview" }).click();
      const errors = page.getByTestId("import-errors");
      await poll(() => errors.textContent()).toContain("Line 2: not valid JSON");
      expect(await errors.textContent()).toContain("nothing will be imported");
      expect(await page.getByRole("button", { name: /^Import \d+ pair/ }).count()).toBe(0);

      await page.goto(`${app.url}/console/knowledge?source=import`);
      await poll(() => page.getByTestId("match-count").textContent()).toBe("0 pairs");

      fs.writeFileSync(
        badFile,
        [
          good("Is the Glowbug waterproof?", "It is rated IPX7."),
          good("Does the Glowbug have a red light?", "Yes, press twice."),
          good("How bright is the Glowbug?", "400 lumens."),
        ].join("\n"),
      );
      await page.goto(`${app.url}/console/knowledge/import`);
      await page.locator('input[type="file"]').setInputFiles(badFile);
      await page.getByRole("button", { name: "Preview" }).click();
      await poll(() => page.getByTestId("import-preview").textContent()).toContain("3 to create");
      await page.getByRole("button", { name: "Import 3 pairs" }).click();
      await poll(() => page.getByTestId("import-done").textContent()).toContain("3 created");

      await page.goto(`${app.url}/console/knowledge?source=import`);
      await poll(() => page.getByTestId("match-count").textContent()).toBe("3 pairs");
      await page.getByRole("link", { name: "Is the Glowbug waterproof?" }).click();
      await page.waitForURL(/\/knowledge\/[0-9a-f-]{36}$/);
      await page.getByRole("button", { name: "Approve" }).click();
      await poll(() => page.locator(".kn-form .badge").first().textContent()).toBe("Approved");

      await page.goto(`${app.url}/console/knowledge?status=approved&product=Glowbug+Headlamp`);
      await poll(() => page.getByTestId("match-count").textContent()).toBe("1 pair");
      await page.getByLabel("Export as").selectOption("training");
      const [download] = await Promise.all([
        page.waitForEvent("download"),
        page.getByRole("link", { name: "Export this list" }).click(),
      ]);
      const exported = fs
        .readFileSync((await download.path()) as string, "utf8")
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l));
      expect(exported).toEqual([
        {
          messages: [
            { role: "user", content: "Is the Glowbug waterproof?" },
            { role: "assistant", content: "It is rated IPX7." },
          ],
        },
      ]);
    }, 600_000);
  });
}

import fs from "node:fs";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { completeFirstRunSetup, launchBrowser, type RunningApp, signIn, startApp } from "./harness";

const admin = { name: "Ada Admin", email: "ada@example.com", password: "ada-password-123" };
const staff = { name: "Sam Staff", email: "sam@example.com", password: "sam-password-123" };

for (const database of ["pglite", "postgres"] as const) {
  describe(`platform in the browser [${database}]`, () => {
    let app: RunningApp;
    let browser: Browser;

    beforeAll(async () => {
      [app, browser] = await Promise.all([startApp({ database }), launchBrowser()]);
    });
    afterAll(async () => {
      await browser?.close();
      await app?.stop();
    });

    async function newPage(): Promise<Page> {
      const context = await browser.newContext();
      return context.newPage();
    }

    it("reports health with the database kind and version", async () => {
      const res = await fetch(`${app.url}/api/health`);
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ status: "ok", database: { kind: database, ok: true } });
    });

    it("first-run setup creates the admin, then disappears", async () => {
      const page = await newPage();
      await page.goto(app.url);
      await page.waitForURL(/\/setup$/);
      await completeFirstRunSetup(page, app.url, admin);
      await expect(page.getByTestId("whoami").textContent()).resolves.toContain(admin.name);

      const again = await newPage();
      await again.goto(`${app.url}/setup`);
      await again.waitForURL(/\/login$/);
    });

    it("admin creates a staff user; bad input shows a message and creates nothing", async () => {
      const page = await newPage();
      await signIn(page, app.url, admin.email, admin.password);
      await page.waitForURL(/\/console\//);
      await page.getByRole("link", { name: "Users" }).click();
      await page.waitForURL(/\/console\/users$/);

      const form = page.getByRole("form", { name: "New user" });
      await form.getByLabel("Email").fill(staff.email);
      await form.getByLabel("Name").fill(staff.name);
      await form.getByLabel("Initial password").fill("short");
      await form.getByRole("button", { name: "Create user" }).click();
      await expect(form.getByRole("alert").textContent()).resolves.toContain("at least 10 characters");
      expect(await page.getByTestId(`user-row-${staff.email}`).count()).toBe(0);

      await form.getByLabel("Initial password").fill(staff.password);
      await form.getByRole("button", { name: "Create user" }).click();
      await page.getByTestId(`user-row-${staff.email}`).waitFor();

      await form.getByLabel("Email").fill(staff.email.toUpperCase());
      await form.getByLabel("Initial password").fill(staff.password);
      await form.getByRole("button", { name: "Create user" }).click();
      await expect(form.getByRole("alert").textContent()).resolves.toContain("already exists");
    });

    it("a wrong password shows an error; staff signs in and is refused the Users page", async () => {
      const page = await newPage();
      await signIn(page, app.url, staff.email, "not-the-password");
      await expect(page.locator("main [role=alert]").textContent()).resolves.toContain(
        "Wrong email or password",
      );
      expect(page.url()).toMatch(/\/login$/);

      await page.getByLabel("Password").fill(staff.password);
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.waitForURL(/\/console\//);
      expect(await page.getByRole("link", { name: "Users" }).count()).toBe(0);
      await page.goto(`${app.url}/console/users`);
      await expect(page.locator("main [role=alert]").textContent()).resolves.toContain(
        "only admins can manage users",
      );

      const trpc = await page.request.get(`${app.url}/api/trpc/users.list`);
      expect(trpc.status()).toBe(403);
    });

    it("an admin resets a password; the temporary one only leads to choosing a new one, which a weak one cannot be", async () => {
      const adminPage = await newPage();
      await signIn(adminPage, app.url, admin.email, admin.password);
      await adminPage.waitForURL(/\/console\//);
      await adminPage.goto(`${app.url}/console/users`);
      adminPage.once("dialog", (dialog) => dialog.accept());
      await adminPage
        .getByTestId(`user-row-${staff.email}`)
        .getByRole("button", { name: "Reset password" })
        .click();
      const shown = adminPage.getByTestId("temporary-password");
      const temporary = (await shown.locator("code").textContent())!.trim();
      expect(temporary).toMatch(/^[a-z2-9-]{23}$/);

      const staffPage = await newPage();
      await signIn(staffPage, app.url, staff.email, staff.password);
      await expect(staffPage.locator("main [role=alert]").textContent()).resolves.toContain(
        "Wrong email or password",
      );
      await signIn(staffPage, app.url, staff.email, temporary);
      await staffPage.getByRole("heading", { name: "Choose a new password" }).waitFor();
      const form = staffPage.getByRole("form", { name: "Change password" });
      await form.getByLabel("Current password").fill(temporary);
      await form.getByLabel("New password", { exact: true }).fill("password1234");
      await form.getByLabel("New password again").fill("password1234");
      await form.getByRole("button", { name: "Change password" }).click();
      await expect(form.getByRole("alert").textContent()).resolves.toContain("too easy to guess");

      staff.password = "amber kettle orchard 42";
      await form.getByLabel("New password", { exact: true }).fill(staff.password);
      await form.getByLabel("New password again").fill(staff.password);
      await form.getByRole("button", { name: "Change password" }).click();
      await staffPage.waitForURL(/\/login\?changed=1$/);
      await staffPage.getByText("Password changed").waitFor();
      await signIn(staffPage, app.url, staff.email, temporary);
      await expect(staffPage.locator("main [role=alert]").textContent()).resolves.toContain(
        "Wrong email or password",
      );
      await signIn(staffPage, app.url, staff.email, staff.password);
      await staffPage.waitForURL(/\/console\/knowledge/);
    });

    it("sign out works, and a disabled user is signed out at their next request", async () => {
      const staffPage = await newPage();
      await signIn(staffPage, app.url, staff.email, staff.password);
      await staffPage.waitForURL(/\/console\//);

      const adminPage = await newPage();
      await signIn(adminPage, app.url, admin.email, admin.password);
      await adminPage.waitForURL(/\/console\//);
      await adminPage.goto(`${app.url}/console/users`);
      const row = adminPage.getByTestId(`user-row-${staff.email}`);
      await row.getByRole("button", { name: "Disable" }).click();
      await row.getByText("disabled").waitFor();

      await staffPage.goto(`${app.url}/console/knowledge`);
      await staffPage.waitForURL(/\/login/);

      // The cookie of the signed-out session, replayed, no longer signs anyone in.
      const cookies = await adminPage.context().cookies();
      await adminPage.getByRole("button", { name: "Sign out" }).click();
      await adminPage.waitForURL(/\/login$/);
      await adminPage.goto(`${app.url}/console/users`);
      await adminPage.waitForURL(/\/login/);
      const replay = await browser.newContext();
      await replay.addCookies(cookies);
      const replayed = await replay.newPage();
      await replayed.goto(`${app.url}/console/users`);
      await replayed.waitForURL(/\/login/);
    });

    it("the sign-in and setup actions posted without their form answer with a message, not a 500; oversize posts get 413", async () => {
      const manifest = JSON.parse(fs.readFileSync(".next/server/server-reference-manifest.json", "utf8")) as {
        node: Record<string, { exportedName: string }>;
      };
      const idOf = (name: string) =>
        Object.entries(manifest.node).find(([, a]) => a.exportedName === name)![0];
      for (const [path, action] of [
        ["/login", "signInAction"],
        ["/setup", "createFirstAdminAction"],
      ] as const) {
        const res = await fetch(`${app.url}${path}`, {
          method: "POST",
          headers: { "Next-Action": idOf(action), "Content-Type": "text/plain;charset=UTF-8" },
          body: JSON.stringify([{ error: null, email: "", name: "" }, "not a form \u0000"]),
        });
        expect({ path, status: res.status < 500 ? "answered" : res.status }).toEqual({
          path,
          status: "answered",
        });
        const huge = await fetch(`${app.url}${path}`, {
          method: "POST",
          headers: { "Next-Action": idOf(action), "Content-Type": "text/plain;charset=UTF-8" },
          body: "x".repeat(2 * 1024 * 1024),
        });
        expect({ path, status: huge.status }).toEqual({ path, status: 413 });
      }
      const trpc = await fetch(`${app.url}/api/trpc/setup.createFirstAdmin`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ json: { email: "x".repeat(2 * 1024 * 1024) } }),
      });
      expect(trpc.status).toBe(413);
    });
  });
}

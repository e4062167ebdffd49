import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { type APIRequestContext, type Browser, chromium, type Page } from "playwright-core";
import type { DatabaseKind } from "@/db/client";
import { createEmptyPostgresDatabase } from "../helpers/db";

export const CHROMIUM_PATH = "/usr/bin/chromium";

export interface RunningApp {
  url: string;
  dataDir: string;
  databaseUrl?: string;
  logs: () => string;
  stop: () => Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on("error", reject);
  });
}

/**
 * Starts the built app (`next start`) on a free port with a fresh data directory, on the
 * embedded database or on a fresh PostgreSQL database that is dropped again on stop().
 */
export async function startApp(
  options: { database?: DatabaseKind; env?: Record<string, string> } = {},
): Promise<RunningApp> {
  if (!fs.existsSync(".next/BUILD_ID")) throw new Error("Run `npx next build` before the browser tests");
  const port = await freePort();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "tunedesk-e2e-"));
  let databaseUrl: string | undefined;
  let dropDatabase: (() => Promise<void>) | undefined;
  if (options.database === "postgres") {
    // An empty database: the app migrates it on start, as a real deployment does.
    const created = await createEmptyPostgresDatabase();
    databaseUrl = created.url;
    dropDatabase = created.drop;
  }
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    NODE_ENV: "production",
    NEXT_TELEMETRY_DISABLED: "1",
    TUNEDESK_DATA_DIR: dataDir,
    PORT: String(port),
    ...options.env,
  };
  delete env.DATABASE_URL;
  if (databaseUrl) env.DATABASE_URL = databaseUrl;

  let output = "";
  const child: ChildProcess = spawn(
    "node_modules/.bin/next",
    ["start", "-p", String(port), "-H", "127.0.0.1"],
    {
      env: env as NodeJS.ProcessEnv,
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  child.stdout?.on("data", (d) => {
    output += d;
  });
  child.stderr?.on("data", (d) => {
    output += d;
  });
  const url = `http://127.0.0.1:${port}`;
  await waitForHealthy(url, child, () => output);
  return {
    url,
    dataDir,
    databaseUrl,
    logs: () => output,
    async stop() {
      if (child.exitCode === null) {
        child.kill("SIGTERM");
        await new Promise((r) => child.once("exit", r));
      }
      await dropDatabase?.();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function waitForHealthy(url: string, child: ChildProcess, logs: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`app exited with ${child.exitCode}:\n${logs()}`);
    try {
      const res = await fetch(`${url}/api/health`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`app did not become healthy within 60 s:\n${logs()}`);
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

export async function signIn(page: Page, baseUrl: string, email: string, password: string): Promise<void> {
  await page.goto(`${baseUrl}/login`);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

/** `npm run worker` against a PostgreSQL app: the trainer service as its own process. */
export function startWorker(
  app: RunningApp,
  env: Record<string, string> = {},
): { stop: () => Promise<void>; logs: () => string } {
  if (!app.databaseUrl) throw new Error("a separate worker needs the app on PostgreSQL");
  let output = "";
  const child = spawn("node_modules/.bin/tsx", ["server/worker.ts"], {
    env: {
      ...process.env,
      DATABASE_URL: app.databaseUrl,
      TUNEDESK_DATA_DIR: app.dataDir,
      ...env,
    } as NodeJS.ProcessEnv,
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.on("data", (d) => {
    output += d;
  });
  child.stderr?.on("data", (d) => {
    output += d;
  });
  return {
    logs: () => output,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill("SIGTERM");
      await new Promise((r) => child.once("exit", r));
    },
  };
}

/** Calls a tRPC mutation as the signed-in user of `request` (superjson wire format). */
export async function trpcMutation(
  request: APIRequestContext,
  url: string,
  procedure: string,
  input: unknown,
) {
  const res = await request.post(`${url}/api/trpc/${procedure}`, { data: { json: input } });
  const body = await res.json();
  if (!res.ok()) throw new Error(`${procedure}: ${res.status()} ${JSON.stringify(body)}`);
  return body.result.data.json;
}

/** Calls a tRPC query as the signed-in user of `request`. */
export async function trpcQuery(request: APIRequestContext, url: string, procedure: string, input: unknown) {
  const res = await request.get(
    `${url}/api/trpc/${procedure}?input=${encodeURIComponent(JSON.stringify({ json: input }))}`,
  );
  const body = await res.json();
  if (!res.ok()) throw new Error(`${procedure}: ${res.status()} ${JSON.stringify(body)}`);
  return body.result.data.json;
}

/** Creates the first admin on the setup page and waits for the console, as a new install does. */
export async function completeFirstRunSetup(
  page: Page,
  baseUrl: string,
  admin: { name: string; email: string; password: string },
): Promise<void> {
  await page.goto(`${baseUrl}/setup`);
  await page.getByLabel("Your name").fill(admin.name);
  await page.getByLabel("Email").fill(admin.email);
  await page.getByLabel("Password (10 characters or more)").fill(admin.password);
  await page.getByLabel("Repeat password").fill(admin.password);
  await page.getByRole("button", { name: "Create admin account" }).click();
  await page.waitForURL(/\/console\//);
}

import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import OpenAI from "openai";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Db } from "@/db/client";
import { models } from "@/db/schema";
import { handleChatCompletions, handleListModels } from "@/server/openai/chat-completions";
import { createCaller } from "@/server/routers/_app";
import { getServingModel, reloadServingModel } from "@/server/serving";
import type { SessionUser } from "@/server/trpc";
import { describeEachDatabase } from "../helpers/db";
import { createSessionUser } from "../helpers/users";
import { insertModel, servingBundle } from "./serving-fixtures";

/**
 * Serves the /v1 handlers (the same functions the Next.js route handlers call) over real HTTP,
 * aborting the request's signal and cancelling the body when the client goes away, as Next does.
 */
async function serveApi(db: Db): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer(async (req, res) => {
    const abort = new AbortController();
    res.on("close", () => {
      if (!res.writableFinished) abort.abort();
    });
    const request = new Request(`http://localhost${req.url}`, {
      method: req.method,
      headers: req.headers as Record<string, string>,
      body: req.method === "POST" ? (Readable.toWeb(req) as ReadableStream) : undefined,
      signal: abort.signal,
      duplex: "half",
    } as RequestInit);
    const path = new URL(request.url).pathname;
    const response =
      path === "/v1/chat/completions" && req.method === "POST"
        ? await handleChatCompletions(request, db)
        : path === "/v1/models"
          ? await handleListModels(request, db)
          : new Response("not found", { status: 404 });
    res.writeHead(response.status, Object.fromEntries(response.headers));
    if (!response.body) return res.end();
    const reader = response.body.getReader();
    abort.signal.addEventListener("abort", () => void reader.cancel().catch(() => {}));
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        res.write(value);
      }
    } catch {
      // client went away
    }
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describeEachDatabase("OpenAI-compatible API", (useDb) => {
  let api: { url: string; close: () => Promise<void> };
  let admin: SessionUser;
  let key: string;
  let client: OpenAI;

  beforeAll(async () => {
    const db = useDb().db;
    const bundle = await servingBundle();
    admin = await createSessionUser(db, {
      email: "api-admin@example.com",
      password: "admin-password-1",
      role: "admin",
    });
    await reloadServingModel(db);
    api = await serveApi(db);
    key = (await createCaller({ db, user: admin }).apiKeys.create({ name: "CRM integration" })).key;
    client = new OpenAI({ apiKey: key, baseURL: api.url, maxRetries: 0 });
    // Exercise the "no model" answer before one is promoted.
    await expect(
      client.chat.completions.create({ model: "tunedesk", messages: [{ role: "user", content: "hi" }] }),
    ).rejects.toMatchObject({ status: 503, code: "model_not_available" });
    await insertModel(db, bundle, { name: "support-v1" });
  }, 300_000);

  afterAll(async () => {
    await api?.close();
  });

  it("lists the production model by its stable slug, and the tunedesk alias", async () => {
    const page = await client.models.list();
    expect(page.data.map((m) => m.id)).toEqual([
      expect.stringMatching(/^support-v1-[0-9a-f]{6}$/),
      "tunedesk",
    ]);
  });

  it("runs the README's client example as written", async () => {
    const readme = fs.readFileSync("README.md", "utf8");
    const example = /```ts\n(\s*import OpenAI from "openai";[\s\S]*?)```/.exec(readme)?.[1];
    expect(example).toBeDefined();
    const code = example!
      .replace('import OpenAI from "openai";', "")
      .replace("https://your-host/v1", api.url)
      .replace("td_…", key);
    let written = "";
    const fakeProcess = { stdout: { write: (s: string) => (written += s) } };
    const AsyncFunction = (async () => {}).constructor as new (
      ...args: string[]
    ) => (...values: unknown[]) => Promise<void>;
    await new AsyncFunction("OpenAI", "process", code)(OpenAI, fakeProcess);
    expect(written.trim().length).toBeGreaterThan(0);
  });

  it("answers a chat completion with usage", async () => {
    const slug = (await client.models.list()).data[0]!.id;
    const completion = await client.chat.completions.create({
      model: slug,
      messages: [
        { role: "system", content: "You are a support bot." },
        { role: "user", content: "How do I reset my password?" },
      ],
      max_tokens: 12,
      temperature: 0,
    });
    expect(completion.object).toBe("chat.completion");
    expect(completion.model).toBe(slug);
    expect(completion.choices).toHaveLength(1);
    expect(completion.choices[0]?.message.role).toBe("assistant");
    expect(["stop", "length"]).toContain(completion.choices[0]?.finish_reason);
    expect(completion.usage?.completion_tokens).toBeGreaterThan(0);
    expect(completion.usage?.completion_tokens).toBeLessThanOrEqual(12);
    expect(completion.usage?.total_tokens).toBe(
      (completion.usage?.prompt_tokens ?? 0) + (completion.usage?.completion_tokens ?? 0),
    );
  });

  it("streams the same answer chunk by chunk, with usage when asked", async () => {
    const request = {
      model: "tunedesk",
      messages: [{ role: "user" as const, content: "Where is my invoice?" }],
      max_completion_tokens: 16,
      temperature: 0,
    };
    const whole = await client.chat.completions.create(request);
    const stream = await client.chat.completions.create({
      ...request,
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = "";
    let contentChunks = 0;
    let finish: string | null = null;
    let usage: OpenAI.CompletionUsage | undefined;
    for await (const chunk of stream) {
      expect(chunk.object).toBe("chat.completion.chunk");
      const choice = chunk.choices[0];
      if (choice?.delta.content) {
        text += choice.delta.content;
        contentChunks++;
      }
      if (choice?.finish_reason) finish = choice.finish_reason;
      if (chunk.usage) usage = chunk.usage;
    }
    expect(contentChunks).toBeGreaterThan(1);
    expect(text).toBe(whole.choices[0]?.message.content);
    expect(finish).toBe(whole.choices[0]?.finish_reason);
    expect(usage?.completion_tokens).toBe(whole.usage?.completion_tokens);
  });

  it("stops generating when the client aborts a stream", async () => {
    const stream = await client.chat.completions.create({
      model: "tunedesk",
      messages: [{ role: "user", content: "Tell me a long story" }],
      max_tokens: 4000,
      stream: true,
    });
    for await (const chunk of stream) if (chunk.choices[0]?.delta.content) break;
    const engine = getServingModel().manager.active?.engine;
    await expect.poll(() => engine?.inFlight, { timeout: 5_000 }).toBe(0);
  });

  it("rejects bad requests with OpenAI-style errors", async () => {
    await expect(
      client.chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: "hi" }] }),
    ).rejects.toMatchObject({ status: 404, code: "model_not_found" });
    await expect(client.chat.completions.create({ model: "tunedesk", messages: [] })).rejects.toMatchObject({
      status: 400,
      error: { message: expect.stringMatching(/at least one message/) },
    });
    await expect(
      client.chat.completions.create({
        model: "tunedesk",
        messages: [{ role: "user", content: "hi" }],
        n: 2,
      }),
    ).rejects.toMatchObject({ status: 400 });
  });

  it("refuses a prompt longer than the model reads with 400, a huge body with 413, and stores no NUL", async () => {
    const long = "word ".repeat(20_000);
    for (const stream of [false, true])
      await expect(
        client.chat.completions.create({
          model: "tunedesk",
          stream,
          messages: [
            { role: "system", content: "Answer briefly." },
            { role: "user", content: long },
          ],
        }),
      ).rejects.toMatchObject({ status: 400, code: "context_length_exceeded" });
    const huge = await fetch(`${api.url}/chat/completions`, {
      method: "POST",
      headers: { Authorization: `Bearer ${key}`, "Content-Type": "application/json" },
      body: JSON.stringify({
        model: "tunedesk",
        messages: [{ role: "user", content: "x".repeat(1_000_000) }],
      }),
    });
    expect(huge.status).toBe(413);
    expect(((await huge.json()) as { error: { code: string } }).error.code).toBe("request_too_large");
    const nul = await client.chat.completions.create({
      model: "tunedesk",
      messages: [{ role: "user", content: "reset\u0000 my password \ud800" }],
    });
    expect(nul.choices[0]?.message.content).not.toContain("\u0000");
  });

  it("refuses missing, wrong and revoked keys; only admins manage keys and never see a hash", async () => {
    const db = useDb().db;
    const wrong = new OpenAI({ apiKey: "td_not-a-real-key", baseURL: api.url, maxRetries: 0 });
    await expect(wrong.models.list()).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
    const noKey = await fetch(`${api.url}/models`);
    expect(noKey.status).toBe(401);

    const asAdmin = createCaller({ db, user: admin });
    const created = await asAdmin.apiKeys.create({ name: "to revoke" });
    const listed = await asAdmin.apiKeys.list();
    const row = listed.find((k) => k.id === created.apiKey.id);
    expect(row).toMatchObject({ name: "to revoke", prefix: created.key.slice(0, 10), revokedAt: null });
    expect(JSON.stringify(listed)).not.toContain(created.key);
    expect(row).not.toHaveProperty("keyHash");
    const revocable = new OpenAI({ apiKey: created.key, baseURL: api.url, maxRetries: 0 });
    expect((await revocable.models.list()).data).toHaveLength(2);
    expect((await asAdmin.apiKeys.list()).find((k) => k.id === created.apiKey.id)?.lastUsedAt).not.toBeNull();
    await asAdmin.apiKeys.revoke({ id: created.apiKey.id });
    await expect(revocable.models.list()).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
    await expect(asAdmin.apiKeys.revoke({ id: created.apiKey.id })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    await expect(asAdmin.apiKeys.create({ name: "  " })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringMatching(/name/),
    });
    // Still served: the other key was not affected.
    expect((await client.models.list()).data).toHaveLength(2);
    await db.update(models).set({ status: "retired" });
    expect((await client.models.list()).data).toEqual([]);
  });
});

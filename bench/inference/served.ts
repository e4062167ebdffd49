/**
 * Serving benchmark (npm run bench:served): the same SmolLM2-135M-shaped bundle answered two ways,
 * measured alternately: by the engine in this process, and by the built app (`next start`, on
 * PostgreSQL) through POST /v1/chat/completions with the official openai client. The difference is
 * what the web server around the engine costs: its heap, HTTP, SSE and the API's own work.
 *
 *   tsx bench/inference/served.ts [--threads N] [--precision fp32|int8|int4] [--repeats N] [--tokens N]
 *
 * Needs `npx next build` first (the browser tests use the same build) and PostgreSQL at
 * 127.0.0.1:5432. Rates use the server's token counts (`usage`): a chunk can carry several tokens.
 */

import { existsSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import OpenAI from "openai";
import { openDatabase } from "@/db/client";
import { InferenceEngine } from "@/server/inference";
import { createApiKey } from "@/server/openai/api-keys";
import { createUser } from "@/server/users/service";
import type { ServingPrecision } from "../../server/inference/bundle";
import { startApp } from "../../test/e2e/harness";
import { insertModel } from "../../test/server/serving-fixtures";
import { ensureBenchBundle } from "./build-bundle";
import { median } from "./measure";

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, "../..");
const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] ? args[i + 1]! : fallback;
};
const log = (msg: string) => console.error(`[${new Date().toISOString().slice(11, 19)}] ${msg}`);

const SYSTEM = "You are the support assistant of an outdoor gear shop.";
const TICKET =
  "Our support team answers questions about accounts, billing, invoices and the mobile app. " +
  "When a customer cannot log in, first check whether the email address is confirmed, then reset the password from the security settings. ";

/** One answer: when it was asked, when each chunk came, how many tokens the server counted. */
interface Answer {
  start: number;
  chunks: number[];
  tokens: number;
}

type Ask = (prompt: number, maxTokens: number) => Promise<Answer>;

const messagesFor = (prompt: number) => [
  { role: "system" as const, content: SYSTEM },
  { role: "user" as const, content: `Ticket ${prompt}. ${TICKET.repeat(4)}` },
];

/** Nearest-rank 95th percentile. */
function p95(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(0.95 * sorted.length) - 1)]!;
}

function summarize(answers: Answer[]) {
  const start = Math.min(...answers.map((a) => a.start));
  const end = Math.max(...answers.map((a) => a.chunks.at(-1)!));
  const total = answers.reduce((n, a) => n + a.tokens, 0);
  return { aggregate: total / ((end - start) / 1000) };
}

function decodeRate(a: Answer): number {
  return (a.tokens - 1) / ((a.chunks.at(-1)! - a.chunks[0]!) / 1000);
}

async function measure(name: string, ask: Ask, tokens: number, concurrency: number[]) {
  const one = await ask(0, tokens);
  const ttftMs = one.chunks[0]! - one.start;
  const row: Record<string, number | string> = {
    side: name,
    "TTFT (ms)": Math.round(ttftMs),
    "decode tok/s (batch 1)": Number(decodeRate(one).toFixed(1)),
    "tokens (batch 1)": one.tokens,
  };
  for (const n of concurrency) {
    const answers = await Promise.all(Array.from({ length: n }, (_, i) => ask(i, tokens)));
    row[`x${n} tok/s`] = Number(summarize(answers).aggregate.toFixed(1));
    if (n > 1) row[`x${n} TTFT p95 (ms)`] = Math.round(p95(answers.map((a) => a.chunks[0]! - a.start)));
  }
  row[`x${concurrency.at(-1)} / x1`] = Number(
    (Number(row[`x${concurrency.at(-1)} tok/s`]) / Number(row["x1 tok/s"])).toFixed(2),
  );
  return row;
}

async function main() {
  const threads = Number(option("--threads", "2"));
  const precision = option("--precision", "fp32") as ServingPrecision;
  if (!["fp32", "int8", "int4"].includes(precision))
    throw new Error("--precision must be fp32, int8 or int4");
  const repeats = Number(option("--repeats", "2"));
  const tokens = Number(option("--tokens", "96"));
  const concurrency = [1, 4, 8];
  if (!existsSync(join(repo, ".next/BUILD_ID"))) throw new Error("Run `npx next build` first");
  const bundleDir = await ensureBenchBundle(
    repo,
    resolve(repo, "../shared/models/smollm2-135m-tokenizer"),
    join(here, ".cache", "smollm2-135m-random"),
  );
  log(`${precision}, ${threads} threads; load average ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cpus`);

  const engine = await InferenceEngine.load(bundleDir, { threads, precision });
  await engine.warmUp();
  const inProcess: Ask = async (prompt, maxTokens) => {
    const answer: Answer = { start: performance.now(), chunks: [], tokens: 0 };
    const stream = engine.generate({
      messages: messagesFor(prompt),
      maxNewTokens: maxTokens,
      temperature: 0,
    });
    for await (const { text } of stream) if (text) answer.chunks.push(performance.now());
    answer.tokens = (await stream.result).completionTokens;
    return answer;
  };

  const app = await startApp({
    database: "postgres",
    env: { TUNEDESK_SERVE_THREADS: String(threads), TUNEDESK_SERVE_PRECISION: precision },
  });
  const database = await openDatabase({ kind: "postgres", url: app.databaseUrl!, maxConnections: 2 });
  try {
    const admin = await createUser(
      database.db,
      { email: "bench@example.com", password: "bench-password-123", role: "admin" },
      null,
    );
    const { key } = await createApiKey(database.db, admin.id, { name: "bench" });
    const model = await insertModel(database.db, bundleDir, { name: "bench-135m" });
    const client = new OpenAI({ apiKey: key, baseURL: `${app.url}/v1`, maxRetries: 0 });
    const served: Ask = async (prompt, maxTokens) => {
      const answer: Answer = { start: performance.now(), chunks: [], tokens: 0 };
      const stream = await client.chat.completions.create({
        model: model.name,
        messages: messagesFor(prompt),
        max_tokens: maxTokens,
        temperature: 0,
        stream: true,
        stream_options: { include_usage: true },
      });
      for await (const chunk of stream) {
        if (chunk.choices[0]?.delta.content) answer.chunks.push(performance.now());
        if (chunk.usage) answer.tokens = chunk.usage.completion_tokens;
      }
      return answer;
    };
    await served(0, 2); // loads the model in the server

    const rows: Array<Record<string, number | string>> = [];
    for (let rep = 0; rep < repeats; rep++) {
      for (const [name, ask] of [
        ["engine in this process", inProcess],
        ["served by next start (/v1)", served],
      ] as const) {
        const row = await measure(name, ask, tokens, concurrency);
        log(JSON.stringify(row));
        rows.push(row);
      }
    }
    const columns = Object.keys(rows[0]!).filter((c) => c !== "side");
    console.table(
      ["engine in this process", "served by next start (/v1)"].map((side) => {
        const mine = rows.filter((r) => r.side === side);
        return {
          side,
          ...Object.fromEntries(
            columns.map((c) => [c, Number(median(mine.map((r) => Number(r[c]))).toFixed(1))]),
          ),
        };
      }),
    );
    console.log(`medians of ${repeats} runs; ${tokens} tokens per answer, ${precision}, ${threads} threads`);
  } finally {
    await database.close();
    await app.stop();
    await engine.dispose();
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});

/**
 * Busy chat, measured: `--chats` customers (default 64) each send `--messages` questions (default
 * 10) at once through the chat endpoint, read every streamed answer and rate it, on the embedded
 * database and on PostgreSQL. Afterwards the database is checked: every message saved once, no
 * answer left generating, one rating per rated answer. Prints latency percentiles and the counts;
 * exits non-zero when anything was lost, duplicated or stuck.
 *
 *   npm run bench:load -- [--chats 64] [--messages 10] [--databases pglite,postgres]
 */
import { parseArgs } from "node:util";
import { sql } from "drizzle-orm";
import { signCustomerToken } from "@/server/chat/identity";
import { handleChatMessage } from "@/server/chat/routes";
import type { ChatEvent } from "@/server/chat/service";
import { createCaller } from "@/server/routers/_app";
import { reloadServingModel } from "@/server/serving";
import { createTestDatabase } from "../../test/helpers/db";
import { insertModel, servingBundle } from "../../test/server/serving-fixtures";

const QUESTIONS = [
  "Where is my order?",
  "How do I reset my password?",
  "Can I return boots after a hike?",
  "Do you ship to Canada?",
  "How long does delivery take?",
];

const percentile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(q * s.length))]! : 0;
};

async function main() {
  const { values } = parseArgs({
    options: {
      chats: { type: "string", default: "64" },
      messages: { type: "string", default: "10" },
      databases: { type: "string", default: "pglite,postgres" },
    },
  });
  const chats = Number(values.chats);
  const perChat = Number(values.messages);
  let problems = 0;
  for (const kind of (values.databases ?? "").split(",") as ("pglite" | "postgres")[]) {
    const { database, drop } = await createTestDatabase(kind);
    const { db } = database;
    try {
      await insertModel(db, await servingBundle());
      await reloadServingModel(db);
      const whole: number[] = [];
      let failedRequests = 0;
      let rated = 0;
      const started = performance.now();
      await Promise.all(
        Array.from({ length: chats }, async (_, c) => {
          const customerId = `cust-load-${String(c).padStart(12, "0")}`;
          const cookie = `tunedesk_customer=${signCustomerToken(customerId)}`;
          const customer = createCaller({ db, user: null, customer: { id: customerId } });
          let conversationId: string | undefined;
          for (let m = 0; m < perChat; m++) {
            const t0 = performance.now();
            const response = await handleChatMessage(
              new Request("http://load/api/chat/messages", {
                method: "POST",
                headers: { cookie, "content-type": "application/json" },
                body: JSON.stringify({ content: QUESTIONS[(c + m) % QUESTIONS.length], conversationId }),
              }),
              db,
            );
            if (response.status !== 200) {
              failedRequests++;
              await response.arrayBuffer();
              continue;
            }
            const text = await response.text();
            const events = text
              .trim()
              .split("\n")
              .map((l) => JSON.parse(l) as ChatEvent);
            whole.push(performance.now() - t0);
            const start = events[0];
            if (start?.type === "start") conversationId = start.conversationId;
            const done = events.at(-1);
            if (done?.type === "done") {
              await customer.chat.rateAnswer({
                messageId: done.messageId,
                rating: m % 3 === 0 ? "down" : "up",
              });
              rated++;
            }
          }
        }),
      );
      const seconds = (performance.now() - started) / 1000;
      const count = async (query: ReturnType<typeof sql>) =>
        Number(((await db.execute(query)) as unknown as { rows: { n: number }[] }).rows[0]?.n ?? 0);
      const users = await count(sql`select count(*)::int as n from messages where role = 'user'`);
      const answers = await count(sql`select count(*)::int as n from messages where role = 'assistant'`);
      const stuck = await count(sql`select count(*)::int as n from messages where state = 'generating'`);
      const duplicated = await count(
        sql`select count(*)::int as n from (select conversation_id, content, created_at from messages
            group by conversation_id, content, created_at having count(*) > 1) d`,
      );
      const ratings = await count(sql`select count(*)::int as n from message_feedback`);
      const expected = chats * perChat;
      const lost = expected - failedRequests - users;
      const bad = Math.abs(lost) + stuck + duplicated + Math.abs(ratings - rated) + Math.abs(users - answers);
      problems += bad;
      console.log(`\n## ${kind}: ${chats} chats × ${perChat} messages in ${seconds.toFixed(1)} s`);
      console.log(
        `| answer p50 ms | p95 ms | p99 ms | refused requests | lost | duplicated | stuck | answers/questions | ratings saved/sent |\n| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n` +
          `| ${percentile(whole, 0.5).toFixed(0)} | ${percentile(whole, 0.95).toFixed(0)} | ${percentile(whole, 0.99).toFixed(0)} | ${failedRequests} | ${lost} | ${duplicated} | ${stuck} | ${answers}/${users} | ${ratings}/${rated} |`,
      );
    } finally {
      await drop();
    }
  }
  console.log(`\nlost, duplicated or stuck rows: ${problems}`);
  process.exit(problems ? 1 : 0);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});

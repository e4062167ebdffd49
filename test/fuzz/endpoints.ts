/**
 * Every endpoint anonymous callers and chat customers can reach, with generators of the inputs a
 * clumsy client or an attacker sends: arbitrary JSON, arbitrary text (NUL, lone surrogates,
 * control characters, huge strings), malformed cookies and keys. The fuzz test runs them a few
 * hundred times in CI; `npm run bench:fuzz` runs each ≥ 10,000 times and counts the statuses.
 */
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import fc from "fast-check";
import superjson from "superjson";
import type { Db } from "@/db/client";
import { customerFromRequest, signCustomerToken } from "@/server/chat/identity";
import { handleChatMessage, handleChatSession } from "@/server/chat/routes";
import { handleChatCompletions, handleListModels } from "@/server/openai/chat-completions";
import { appRouter } from "@/server/routers/_app";

export interface FuzzContext {
  db: Db;
  /** A valid API key, so requests also get past authentication. */
  apiKey: string;
  /** A customer with a conversation, so rating and escalating reach real rows. */
  customerId: string;
  conversationId: string;
  messageId: string;
}

export type FuzzRequest = { build: (ctx: FuzzContext) => Request };

const text = fc.oneof(
  fc.string({ unit: "binary", maxLength: 300 }),
  fc.string({ maxLength: 40 }),
  {
    arbitrary: fc.constantFrom(
      "a\u0000b",
      "a\ud800b",
      "\udfff",
      "%",
      "%E0%A4%A",
      "' or 1=1 --",
      "<script>",
      "𝔘𝔫𝔦",
    ),
    weight: 3,
  },
  fc.string({ unit: "grapheme", minLength: 1500, maxLength: 2500 }),
);

/** JSON with hostile strings where strings go. */
const json = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small" },
    text,
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie("value"), { maxLength: 4 }),
    fc.dictionary(
      fc.oneof(text, fc.constantFrom("content", "conversationId", "messageId", "rating")),
      tie("value"),
      {
        maxKeys: 4,
      },
    ),
  ),
})).value;

const cookie = (ctx: FuzzContext) =>
  fc.oneof(
    fc.constant(`tunedesk_customer=${signCustomerToken(ctx.customerId)}`),
    fc.constant(""),
    text.map((t) => `tunedesk_customer=${t}`),
    text,
  );

/** The body as JSON text, or raw bytes that are no JSON at all. */
const body = (shape: fc.Arbitrary<unknown>) =>
  fc.oneof(
    shape.map((v) => JSON.stringify(v) ?? "null"),
    json.map((v) => JSON.stringify(v) ?? "null"),
    fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b).toString("latin1")),
  );

function headersOf(values: Record<string, string>): Headers {
  const headers = new Headers();
  for (const [k, v] of Object.entries(values)) {
    // Header values must be ByteStrings; the fetch API refuses others before any server sees them.
    const byteString = [...v].every(
      (c) => c.charCodeAt(0) < 256 && c !== "\n" && c !== "\r" && c !== "\u0000",
    );
    if (byteString) headers.set(k, v);
  }
  return headers;
}

const post = (url: string, headers: Record<string, string>, payload: string) =>
  new Request(url, { method: "POST", headers: headersOf(headers), body: payload });

/** The endpoints by name: each gives the arbitrary of its requests and how to answer one. */
export function endpoints(
  ctx: FuzzContext,
): Record<string, { requests: fc.Arbitrary<Request>; handle: (r: Request) => Promise<Response> }> {
  const messageShape = fc.record(
    {
      content: text,
      conversationId: fc.oneof(fc.constant(ctx.conversationId), text),
      channel: fc.oneof(fc.constantFrom("chat", "widget"), text),
    },
    { requiredKeys: ["content"] },
  );
  const trpc = (path: string, input: fc.Arbitrary<unknown>) =>
    fc.tuple(cookie(ctx), input, fc.boolean()).map(([c, value, asGet]) => {
      const payload = JSON.stringify(superjson.serialize(value));
      return asGet
        ? new Request(`http://x/api/trpc/${path}?input=${encodeURIComponent(payload)}`, {
            headers: headersOf({ cookie: c }),
          })
        : post(`http://x/api/trpc/${path}`, { cookie: c, "content-type": "application/json" }, payload);
    });
  const handleTrpc = (req: Request) =>
    fetchRequestHandler({
      endpoint: "/api/trpc",
      req,
      router: appRouter,
      createContext: () => ({ db: ctx.db, user: null, customer: customerFromRequest(req) }),
    });
  const auth = fc.oneof(
    fc.constant(`Bearer ${ctx.apiKey}`),
    text.map((t) => `Bearer ${t}`),
    text,
  );
  return {
    "POST /api/chat/messages": {
      requests: fc
        .tuple(cookie(ctx), body(messageShape))
        .map(([c, b]) =>
          post("http://x/api/chat/messages", { cookie: c, "content-type": "application/json" }, b),
        ),
      handle: (r) => handleChatMessage(r, ctx.db),
    },
    "POST /api/chat/session": {
      requests: fc
        .tuple(
          cookie(ctx),
          body(fc.record({ conversationId: fc.oneof(fc.constant(ctx.conversationId), text) })),
        )
        .map(([c, b]) => post("http://x/api/chat/session", { cookie: c }, b)),
      handle: (r) => handleChatSession(r, ctx.db),
    },
    "POST /v1/chat/completions": {
      requests: fc
        .tuple(
          auth,
          body(
            fc.record(
              {
                model: fc.oneof(fc.constant("tunedesk"), text),
                messages: fc.array(
                  fc.record({ role: fc.constantFrom("user", "system", "assistant", "tool"), content: text }),
                  {
                    maxLength: 3,
                  },
                ),
                stream: fc.boolean(),
                max_tokens: fc.oneof(fc.integer({ min: 1, max: 8 }), fc.integer()),
              },
              { requiredKeys: [] },
            ),
          ),
        )
        .map(([a, b]) =>
          post("http://x/v1/chat/completions", { authorization: a, "content-type": "application/json" }, b),
        ),
      handle: (r) => handleChatCompletions(r, ctx.db),
    },
    "GET /v1/models": {
      requests: auth.map(
        (a) => new Request("http://x/v1/models", { headers: headersOf({ authorization: a }) }),
      ),
      handle: (r) => handleListModels(r, ctx.db),
    },
    "tRPC chat.getConversation": { requests: trpc("chat.getConversation", json), handle: handleTrpc },
    "tRPC chat.rateAnswer": {
      requests: trpc(
        "chat.rateAnswer",
        fc.oneof(
          json,
          fc.record({
            messageId: fc.oneof(fc.constant(ctx.messageId), text),
            rating: fc.constantFrom("up", "down", "sideways"),
            reason: fc.oneof(fc.constantFrom("incorrect", "other"), text),
            correction: text,
          }),
        ),
      ),
      handle: handleTrpc,
    },
    "tRPC chat.escalate": {
      requests: trpc(
        "chat.escalate",
        fc.oneof(
          json,
          fc.record({ conversationId: fc.oneof(fc.constant(ctx.conversationId), text), contact: text }),
        ),
      ),
      handle: handleTrpc,
    },
    "tRPC setup.getStatus": { requests: trpc("setup.getStatus", json), handle: handleTrpc },
    "tRPC setup.createFirstAdmin": {
      requests: trpc(
        "setup.createFirstAdmin",
        fc.oneof(json, fc.record({ email: text, name: text, password: text })),
      ),
      handle: handleTrpc,
    },
  };
}

/** Reads the whole response (a stream included), so failures inside a stream count too. */
export async function statusOf(response: Response): Promise<number> {
  await response.arrayBuffer();
  return response.status;
}

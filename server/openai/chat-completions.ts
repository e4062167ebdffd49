/**
 * The OpenAI-compatible API (`POST /v1/chat/completions`, `GET /v1/models`) over the production
 * model, authenticated with admin-issued API keys. Plain Request → Response functions, so the
 * route handlers stay one line and tests can serve them without Next.js.
 */
import crypto from "node:crypto";
import { z } from "zod";
import type { Db } from "@/db/client";
import type { Model } from "@/db/schema";
import { answerCustomer } from "@/server/assistant/answer";
import { getAssistantTexts } from "@/server/assistant/texts";
import { STREAM_HEADERS } from "@/server/chat/http";
import {
  type ChatMessage,
  type GenerateRequest,
  type GenerationStream,
  isContextLengthError,
} from "@/server/inference";
import { readLimitedJson } from "@/server/request-body";
import { servingModelFor } from "@/server/serving";
import { retrieverFor } from "@/server/serving/retriever";
import { authenticateApiKey } from "./api-keys";

/**
 * Largest request read: far more text than any served model's context holds, and small enough
 * that reading and tokenizing it never holds the server for long.
 */
const MAX_BODY_BYTES = 128 * 1024;

/** Always accepted as the model name: whatever model is in production. */
export const PRODUCTION_ALIAS = "tunedesk";

function apiError(
  status: number,
  message: string,
  type: string,
  code: string | null,
  param: string | null = null,
) {
  return Response.json({ error: { message, type, param, code } }, { status });
}

const unauthorized = () =>
  apiError(
    401,
    "Incorrect or revoked API key. Ask an admin for a key (Console → Settings).",
    "invalid_request_error",
    "invalid_api_key",
  );

const contentPart = z.object({ type: z.string(), text: z.string().optional() });
const message = z.object({
  role: z.enum(["system", "developer", "user", "assistant"], {
    error: "messages[].role must be system, developer, user or assistant",
  }),
  content: z.union([z.string(), z.array(contentPart), z.null()]).optional(),
});

const completionRequest = z.object({
  model: z.string({ error: "model is required" }).min(1, "model is required"),
  messages: z.array(message).min(1, "messages must contain at least one message"),
  stream: z.boolean().nullish(),
  stream_options: z.object({ include_usage: z.boolean().optional() }).nullish(),
  max_tokens: z.number().int().min(1).max(4096).nullish(),
  max_completion_tokens: z.number().int().min(1).max(4096).nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().gt(0).max(1).nullish(),
  stop: z.union([z.string(), z.array(z.string()).max(4)]).nullish(),
  seed: z.number().int().nullish(),
  n: z.literal(1, { error: "only n = 1 is supported" }).nullish(),
});
type CompletionRequest = z.infer<typeof completionRequest>;

function textOf(content: z.infer<typeof message>["content"]): string {
  if (typeof content === "string") return content;
  return (content ?? []).map((p) => (p.type === "text" ? (p.text ?? "") : "")).join("");
}

/**
 * Starts the reply. Without a system message of the client's own, the last user question is
 * answered like in the customer chat (retrieve, decide, generate, guard); the guard holds the
 * text until it passed, since a stream already sent cannot be replaced. With one, the client's
 * conversation goes to the model as it is.
 */
async function startReply(
  db: Db,
  body: CompletionRequest,
  signal: AbortSignal,
  model: { generate(request: GenerateRequest): GenerationStream },
  bundlePath: string,
): Promise<GenerationStream> {
  const messages: ChatMessage[] = body.messages.map((m) => ({
    role: m.role === "developer" ? "system" : m.role,
    content: textOf(m.content),
  }));
  const stop = body.stop === undefined || body.stop === null ? undefined : [body.stop].flat();
  const sampling = {
    maxNewTokens: body.max_completion_tokens ?? body.max_tokens ?? undefined,
    temperature: body.temperature ?? undefined,
    topP: body.top_p ?? undefined,
    stop,
    seed: body.seed ?? undefined,
  };
  const last = messages.at(-1);
  if (last?.role === "user" && !messages.some((m) => m.role === "system")) {
    const answer = await answerCustomer({
      db,
      model,
      retriever: await retrieverFor(bundlePath),
      texts: await getAssistantTexts(db),
      question: last.content,
      history: messages.slice(0, -1),
      sampling: Object.fromEntries(Object.entries(sampling).filter(([, v]) => v !== undefined)),
      signal,
      hold: true,
    });
    return answer.stream;
  }
  return model.generate({ messages, signal, ...sampling });
}

function modelMatches(requested: string, model: Model): boolean {
  // Names and ids from before slugs existed keep working for clients written against them.
  return [PRODUCTION_ALIAS, model.slug, model.name, model.id].includes(requested);
}

function finishReason(reason: string): "stop" | "length" {
  return reason === "length" ? "length" : "stop";
}

export async function handleListModels(req: Request, db: Db): Promise<Response> {
  if (!(await authenticateApiKey(db, req.headers.get("authorization")))) return unauthorized();
  const { status } = await servingModelFor(db);
  if (status.state === "none") return Response.json({ object: "list", data: [] });
  const created = Math.floor((status.model.promotedAt ?? status.model.createdAt).getTime() / 1000);
  // The production model by its own id, and the alias that follows every promotion.
  const data = [status.model.slug, PRODUCTION_ALIAS].map((id) => ({
    id,
    object: "model",
    created,
    owned_by: "tunedesk",
  }));
  return Response.json({ object: "list", data });
}

export async function handleChatCompletions(req: Request, db: Db): Promise<Response> {
  if (!(await authenticateApiKey(db, req.headers.get("authorization")))) return unauthorized();
  const received = await readLimitedJson(req, MAX_BODY_BYTES);
  if (!received.ok) return apiError(413, received.message, "invalid_request_error", "request_too_large");
  const raw = received.value;
  if (raw === undefined) return apiError(400, "The body must be JSON.", "invalid_request_error", null);
  const parsed = completionRequest.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return apiError(
      400,
      issue?.message ?? "Invalid request",
      "invalid_request_error",
      null,
      issue?.path.join(".") ?? null,
    );
  }
  const request = parsed.data;
  const { manager, status } = await servingModelFor(db);
  if (status.state !== "ready")
    return apiError(
      503,
      "No model is serving yet: promote a trained model first.",
      "server_error",
      "model_not_available",
    );
  if (!modelMatches(request.model, status.model))
    return apiError(
      404,
      `The model '${request.model}' does not exist; use '${status.model.slug}' or '${PRODUCTION_ALIAS}'.`,
      "invalid_request_error",
      "model_not_found",
      "model",
    );

  const abort = new AbortController();
  req.signal.addEventListener("abort", () => abort.abort(), { once: true });
  let stream: GenerationStream;
  try {
    stream = await startReply(db, request, abort.signal, manager, status.model.bundlePath);
  } catch (err) {
    if (isContextLengthError(err))
      return apiError(400, err.message, "invalid_request_error", "context_length_exceeded", "messages");
    throw err;
  }
  const meta = {
    id: `chatcmpl-${crypto.randomBytes(12).toString("hex")}`,
    created: Math.floor(Date.now() / 1000),
    model: status.model.slug,
  };
  if (request.stream)
    return streamResponse(stream, meta, request.stream_options?.include_usage ?? false, abort);
  const result = await stream.result;
  return Response.json({
    ...meta,
    object: "chat.completion",
    choices: [
      {
        index: 0,
        message: { role: "assistant", content: result.text, refusal: null },
        logprobs: null,
        finish_reason: finishReason(result.finishReason),
      },
    ],
    usage: {
      prompt_tokens: result.promptTokens,
      completion_tokens: result.completionTokens,
      total_tokens: result.promptTokens + result.completionTokens,
    },
  });
}

function streamResponse(
  stream: GenerationStream,
  meta: { id: string; created: number; model: string },
  includeUsage: boolean,
  abort: AbortController,
): Response {
  const encoder = new TextEncoder();
  const chunk = (choices: unknown[], extra: Record<string, unknown> = {}) =>
    encoder.encode(
      `data: ${JSON.stringify({ ...meta, object: "chat.completion.chunk", choices, ...extra })}\n\n`,
    );
  const delta = (d: Record<string, unknown>, finish: string | null = null) => ({
    index: 0,
    delta: d,
    logprobs: null,
    finish_reason: finish,
  });
  const iterator = stream[Symbol.asyncIterator]();
  let phase: "role" | "tokens" | "closed" = "role";
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (phase === "role") {
        phase = "tokens";
        controller.enqueue(chunk([delta({ role: "assistant", content: "" })]));
        return;
      }
      try {
        // Skip steps that released no text (an incomplete character or a possible stop string).
        for (;;) {
          const next = await iterator.next();
          if (next.done) break;
          if (next.value.text) {
            controller.enqueue(chunk([delta({ content: next.value.text })]));
            return;
          }
        }
        const result = await stream.result;
        controller.enqueue(chunk([delta({}, finishReason(result.finishReason))]));
        if (includeUsage)
          controller.enqueue(
            chunk([], {
              usage: {
                prompt_tokens: result.promptTokens,
                completion_tokens: result.completionTokens,
                total_tokens: result.promptTokens + result.completionTokens,
              },
            }),
          );
        controller.enqueue(encoder.encode("data: [DONE]\n\n"));
        phase = "closed";
        controller.close();
      } catch (err) {
        controller.error(err);
      }
    },
    cancel() {
      abort.abort();
    },
  });
  return new Response(body, {
    headers: { "Content-Type": "text/event-stream; charset=utf-8", ...STREAM_HEADERS },
  });
}

import {
  ChunkStream,
  type GenerationChunk,
  type GenerationResult,
  type GenerationStream,
} from "@/server/inference";
import { answerOmits, completeSentences, type GuardContext, sentenceDeparts } from "./guard";

export type GuardVerdict = "passed" | "replaced" | "cancelled";

/** A text in word-sized chunks, so a fixed reply streams like a generated one. */
export function wordChunks(text: string): string[] {
  return text.match(/\s*\S+\s*/g) ?? (text ? [text] : []);
}

/** A fixed text as a generation stream: declines, clarifying questions, curated answers. */
export function fixedStream(text: string): GenerationStream {
  const stream = new ChunkStream();
  for (const chunk of wordChunks(text)) stream.push({ text: chunk, tokenId: -1 });
  stream.end({
    text,
    finishReason: "stop",
    promptTokens: 0,
    completionTokens: 0,
    tokenIds: [],
    droppedMessages: 0,
  });
  return stream;
}

/**
 * Releases the model's answer sentence by sentence while each stays faithful to the reference
 * (`hold` releases it only once the whole answer passed: for clients that cannot take a
 * replacement). On a departure, or an answer cut by the length limit, the generation is stopped
 * and the curated answer is served: as a continuation when what was released is its beginning,
 * else as a chunk that replaces it.
 */
export function guardStream(
  inner: GenerationStream,
  stop: () => void,
  ctx: GuardContext & { curated: string; hold?: boolean },
): { stream: GenerationStream; verdict: Promise<GuardVerdict> } {
  const out = new ChunkStream(stop);
  let settle!: (v: GuardVerdict) => void;
  const verdict = new Promise<GuardVerdict>((resolve) => {
    settle = resolve;
  });
  const release = (chunk: GenerationChunk, released: string) => {
    if (!ctx.hold) out.push(chunk);
    return released + chunk.text;
  };
  const serveCurated = async (released: string, lastTokenId: number) => {
    stop();
    const result = await inner.result.catch(() => undefined);
    const text = ctx.curated;
    const continues = !ctx.hold && text.startsWith(released);
    if (!continues) out.push({ text: "", tokenId: lastTokenId, replace: released !== "" && !ctx.hold });
    for (const chunk of wordChunks(continues ? text.slice(released.length) : text))
      out.push({ text: chunk, tokenId: lastTokenId });
    out.end(finalResult(result, text));
    settle("replaced");
  };
  (async () => {
    let buffer = "";
    let released = "";
    let tokenId = -1;
    for await (const chunk of inner) {
      tokenId = chunk.tokenId;
      buffer += chunk.text;
      const { sentences, rest } = completeSentences(buffer);
      for (const sentence of sentences) {
        if (sentenceDeparts(sentence, ctx)) return serveCurated(released, tokenId);
        released = release({ text: sentence, tokenId }, released);
      }
      buffer = rest;
    }
    const result = await inner.result;
    if (result.finishReason === "cancelled") {
      out.end({ ...result, text: released });
      return settle("cancelled");
    }
    if (
      result.finishReason === "length" ||
      (buffer.trim() && sentenceDeparts(buffer, ctx)) ||
      answerOmits(result.text, ctx.reference)
    )
      return serveCurated(released, tokenId);
    if (ctx.hold) out.push({ text: result.text, tokenId });
    else if (buffer) out.push({ text: buffer, tokenId });
    out.end(result);
    settle("passed");
  })().catch((err) => {
    out.fail(err);
    settle("cancelled");
  });
  return { stream: out, verdict };
}

function finalResult(result: GenerationResult | undefined, text: string): GenerationResult {
  return {
    text,
    finishReason: "stop",
    promptTokens: result?.promptTokens ?? 0,
    completionTokens: result?.completionTokens ?? 0,
    tokenIds: result?.tokenIds ?? [],
    droppedMessages: result?.droppedMessages ?? 0,
  };
}

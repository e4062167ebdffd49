import { describe, expect, it } from "vitest";
import { answerOmits, completeSentences, sentenceDeparts } from "@/server/assistant/guard";
import { guardStream } from "@/server/assistant/guarded-stream";
import { ChunkStream, type GenerationChunk } from "@/server/inference";

const reference = "The Aurora X1 runs 12 hours on one charge. Charge it with the USB-C cable in the box.";
const ctx = {
  reference,
  question: "How long does the Aurora X1 battery last?",
  otherProducts: ["Borealis Z2"],
};

/** A model stream that says `text` a few characters at a time, as tokens arrive. */
function scripted(text: string, finishReason: "stop" | "length" = "stop") {
  const stream = new ChunkStream();
  let stopped = false;
  (async () => {
    for (let i = 0; i < text.length && !stopped; i += 4) {
      stream.push({ text: text.slice(i, i + 4), tokenId: i });
      await new Promise((r) => setTimeout(r, 0));
    }
    stream.end({
      text,
      finishReason: stopped ? "cancelled" : finishReason,
      promptTokens: 5,
      completionTokens: 9,
      tokenIds: [],
      droppedMessages: 0,
    });
  })();
  return { stream, stop: () => (stopped = true), stopped: () => stopped };
}

async function served(text: string, finishReason: "stop" | "length" = "stop", hold = false) {
  const model = scripted(text, finishReason);
  const { stream, verdict } = guardStream(model.stream, model.stop, { ...ctx, curated: reference, hold });
  const chunks: GenerationChunk[] = [];
  for await (const c of stream) chunks.push(c);
  let shown = "";
  for (const c of chunks) shown = c.replace ? c.text : shown + c.text;
  return {
    shown,
    final: (await stream.result).text,
    verdict: await verdict,
    chunks,
    stopped: model.stopped(),
  };
}

describe("faithfulness guard", () => {
  it("flags sentences that splice in another pair's facts, another product or new numbers", () => {
    expect(sentenceDeparts("The Aurora X1 runs 12 hours on a single charge.", ctx)).toBe(false);
    expect(sentenceDeparts("The Aurora X1 runs 30 hours on one charge.", ctx)).toBe(true);
    expect(sentenceDeparts("Like the Borealis Z2, it runs 12 hours.", ctx)).toBe(true);
    expect(sentenceDeparts("Refunds are possible within thirty days of purchase by mail.", ctx)).toBe(true);
  });

  it("flags whole answers that drop the reference's numbers or most of its words", () => {
    expect(answerOmits("The Aurora X1 runs many hours on one charge with the USB-C cable.", reference)).toBe(
      true,
    );
    expect(answerOmits("It runs 12 hours.", reference)).toBe(true);
    expect(
      answerOmits("The Aurora X1 runs 12 hours on one charge; charge it with the USB-C cable.", reference),
    ).toBe(false);
  });

  it("splits complete sentences and keeps an unfinished one (or a number cut at its point) for later", () => {
    expect(completeSentences("It runs 12 hours. Charge it with the cab")).toEqual({
      sentences: ["It runs 12 hours."],
      rest: " Charge it with the cab",
    });
    expect(completeSentences("It costs 3.").sentences).toEqual([]);
  });

  it("serves a faithful rewording as generated", async () => {
    const text = "The Aurora X1 runs 12 hours on one charge. Charge it with the USB-C cable from the box.";
    const out = await served(text);
    expect(out).toMatchObject({ shown: text, final: text, verdict: "passed", stopped: false });
  });

  it("replaces a spliced answer with the curated one and stops generating", async () => {
    const out = await served(
      "The Aurora X1 runs 12 hours on one charge. The Borealis Z2 runs 30 hours and ships in 5 days. More text here.",
    );
    expect(out.verdict).toBe("replaced");
    expect(out.final).toBe(reference);
    expect(out.shown).toBe(reference);
    expect(out.stopped).toBe(true);
    // What was released first was the curated answer's own first sentence: it continues, no replacement.
    expect(out.chunks.some((c) => c.replace)).toBe(false);
  });

  it("withdraws released text that is not the curated answer's beginning", async () => {
    const out = await served("It runs 12 hours on one charge of the Aurora X1. Then it ships in 5 days.");
    expect(out.verdict).toBe("replaced");
    expect(out.chunks.some((c) => c.replace)).toBe(true);
    expect(out.shown).toBe(reference);
  });

  it("replaces an answer cut by the length limit, and holds everything when asked to", async () => {
    expect((await served("The Aurora X1 runs 12 hours on one charge. Charge it", "length")).final).toBe(
      reference,
    );
    const held = await served("The Aurora X1 runs 12 hours. Borealis Z2 too.", "stop", true);
    expect(held.shown).toBe(reference);
    expect(held.chunks.some((c) => c.text.includes("Borealis") || c.replace)).toBe(false);
  });
});

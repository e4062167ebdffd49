import { describe, expect, it } from "vitest";
import { ChatFormat } from "../../../server/inference/prompt-builder";
import { checkTokenStop, StopStringMatcher } from "../../../server/inference/stopping-criteria";
import { IncrementalDetokenizer } from "../../../server/inference/text-streamer";
import { tinyTokenizerBundle } from "./tiny-tokenizer";

describe("token stopping", () => {
  const settings = { stopTokenIds: new Set([2, 0]), maxNewTokens: 3, maxTotalTokens: 10 };
  it("stops on eos / end-of-turn ids, max new tokens and the context window", () => {
    expect(checkTokenStop(settings, 2, 1, 5)).toBe("stop");
    expect(checkTokenStop(settings, 0, 1, 5)).toBe("stop");
    expect(checkTokenStop(settings, 7, 2, 5)).toBeUndefined();
    expect(checkTokenStop(settings, 7, 3, 5)).toBe("length");
    expect(checkTokenStop(settings, 7, 1, 10)).toBe("length");
  });
});

describe("stop strings", () => {
  it("holds back a possible stop-string prefix and cuts before the match", () => {
    const m = new StopStringMatcher(["\nUser:", "###"]);
    expect(m.push("Hello")).toEqual({ text: "Hello", stopped: false });
    expect(m.push(" there\nUs")).toEqual({ text: " there", stopped: false });
    expect(m.push("er:")).toEqual({ text: "", stopped: true });
    expect(m.releasedText).toBe("Hello there");
    expect(m.push("more")).toEqual({ text: "", stopped: true });
  });

  it("releases a held-back prefix that turned out not to be a stop string", () => {
    const m = new StopStringMatcher(["###"]);
    expect(m.push("a#")).toEqual({ text: "a", stopped: false });
    expect(m.push("#b")).toEqual({ text: "##b", stopped: false });
    expect(m.push("##")).toEqual({ text: "", stopped: false });
    expect(m.flush()).toBe("##");
    expect(m.releasedText).toBe("a##b##");
  });

  it("finds a stop string inside one delta and passes text through without stops", () => {
    const m = new StopStringMatcher(["END"]);
    expect(m.push("abcENDdef")).toEqual({ text: "abc", stopped: true });
    const none = new StopStringMatcher([]);
    expect(none.push("x")).toEqual({ text: "x", stopped: false });
  });
});

describe("UTF-8 safe streaming", () => {
  const format = new ChatFormat(tinyTokenizerBundle());
  const decoder = { decode: (ids: number[]) => format.decode(ids) };

  it("never emits a broken character while multi-byte characters arrive byte by byte", () => {
    const text = "hello the héllo 你好 🎉 done";
    const ids = format.encode(text);
    expect(ids.length).toBeGreaterThan(text.length / 2); // many tokens are single bytes
    const d = new IncrementalDetokenizer(decoder);
    const deltas = ids.map((id) => d.push(id));
    deltas.push(d.flush());
    for (const delta of deltas) expect(delta).not.toContain("\uFFFD");
    expect(deltas.join("")).toBe(text);
    // The 4-byte emoji arrives as 4 tokens: the first three release nothing.
    expect(deltas.filter((x) => x === "").length).toBeGreaterThanOrEqual(3 + 2 + 2 + 1);
  });

  it("flushes an invalid trailing byte at the end instead of losing it", () => {
    const d = new IncrementalDetokenizer(decoder);
    const [firstByteOfEmoji] = format.encode("🎉");
    expect(d.push(format.encode("a")[0]!)).toBe("a");
    expect(d.push(firstByteOfEmoji!)).toBe("");
    expect(d.flush()).toBe("\uFFFD");
  });
});

import { describe, expect, it } from "vitest";
import {
  buildDocumentExample,
  buildTrainingExample,
  ChatFormat,
  IGNORE_INDEX,
} from "../../../server/inference/prompt-builder";
import { tinyTokenizerBundle } from "./tiny-tokenizer";

const conversation = [
  { role: "system", content: "Be brief." },
  { role: "user", content: "hello" },
  { role: "assistant", content: "the héllo" },
  { role: "user", content: "again" },
  { role: "assistant", content: "hello 🎉" },
];

/** Concatenated text of the learned (label != -100) tokens, per contiguous span. */
function learnedSpans(format: ChatFormat, ex: { input_ids: number[]; labels: number[] }): string[] {
  const spans: number[][] = [];
  ex.labels.forEach((label, i) => {
    if (label === IGNORE_INDEX) return;
    expect(label).toBe(ex.input_ids[i]);
    if (i > 0 && ex.labels[i - 1] !== IGNORE_INDEX) spans[spans.length - 1]!.push(label);
    else spans.push([label]);
  });
  return spans.map((s) => format.decode(s, false));
}

describe("ChatFormat (ChatML bundle)", () => {
  const format = new ChatFormat(tinyTokenizerBundle());

  it("derives stop ids from the bundle, including the end-of-turn token", () => {
    expect(format.endOfTurnId).toBe(2);
    expect([...format.stopTokenIds].sort()).toEqual([0, 2]);
  });

  it("decodes without NUL characters, which no database stores in text", () => {
    expect(format.decode(format.encode("a\u0000b"))).toBe("ab");
  });

  it("renders the generation prompt with the template", () => {
    const ids = format.encodeChat([{ role: "user", content: "hi" }]);
    expect(format.decode(ids, false)).toBe("<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n");
  });

  it("labels only assistant content and its end-of-turn token", () => {
    const ex = buildTrainingExample(format, conversation);
    expect(ex.input_ids).toEqual(format.encodeChat(conversation, false));
    expect(learnedSpans(format, ex)).toEqual(["the héllo<|im_end|>", "hello 🎉<|im_end|>"]);
  });

  it("treats raw documents as fully learned, ending with eos", () => {
    const ex = buildDocumentExample(format, "hello the doc");
    expect(ex.labels).toEqual(ex.input_ids);
    expect(ex.input_ids.at(-1)).toBe(2);
    expect(format.decode(ex.input_ids.slice(0, -1))).toBe("hello the doc");
    expect(buildDocumentExample(format, "hello the doc", { maxTokens: 3 }).input_ids).toHaveLength(3);
  });

  it("drops the oldest turns to fit, keeping the system prompt and starting on a user turn", () => {
    const messages = [...conversation, { role: "user", content: "last question" }];
    const full = format.encodeChat(messages);
    expect(format.fitToContext(messages, full.length)).toEqual({
      ids: full,
      droppedMessages: 0,
      overflow: false,
    });
    const withoutFirstExchange = format.encodeChat([messages[0]!, ...messages.slice(3)]);
    const fitted = format.fitToContext(messages, withoutFirstExchange.length);
    expect(fitted).toEqual({ ids: withoutFirstExchange, droppedMessages: 2, overflow: false });
    const tiny = format.fitToContext(messages, 5);
    expect(tiny.overflow).toBe(true);
    expect(format.decode(tiny.ids, false)).toBe(
      "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nlast question<|im_end|>\n<|im_start|>assistant\n",
    );
  });
});

describe("ChatFormat with a non-ChatML template", () => {
  // Llama-2-like markup with no special end-of-turn except eos appended after the reply.
  const template =
    "{{ bos_token }}{% for m in messages %}{% if m['role'] == 'system' %}<<SYS>>{{ m['content'] }}<</SYS>>{% elif m['role'] == 'user' %}[INST] {{ m['content'] }} [/INST]{% else %} {{ m['content'] }}{{ eos_token }}{% endif %}{% endfor %}";
  const format = new ChatFormat(
    tinyTokenizerBundle(template, { bos_token: "<|im_start|>", eos_token: "<|endoftext|>" }),
  );

  it("finds the end of turn and the assistant spans from the template itself", () => {
    expect(format.endOfTurnId).toBe(0);
    const ex = format.buildTrainingExample(conversation);
    expect(learnedSpans(format, ex)).toEqual([" the héllo<|endoftext|>", " hello 🎉<|endoftext|>"]);
  });
});

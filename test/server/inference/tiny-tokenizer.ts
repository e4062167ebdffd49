/** A hand-made byte-level BPE tokenizer (GPT-2 style) with ChatML specials, for tests that need no model. */
import { Tokenizer } from "@huggingface/tokenizers";
import type { TokenizerBundle } from "../../../server/inference/bundle";

function bytesToUnicode(): string[] {
  const printable: number[] = [];
  for (let b = 33; b <= 126; b++) printable.push(b);
  for (let b = 161; b <= 172; b++) printable.push(b);
  for (let b = 174; b <= 255; b++) printable.push(b);
  const table: string[] = new Array(256);
  let extra = 0;
  for (let b = 0; b < 256; b++) {
    table[b] = printable.includes(b) ? String.fromCharCode(b) : String.fromCharCode(256 + extra++);
  }
  return table;
}

export const SPECIALS = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"];
export const CHATML_TEMPLATE =
  "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

/** tokenizer.json object: ids 0-2 specials, 3-258 single bytes, then a few merges. */
export function tinyTokenizerJson(): Record<string, unknown> {
  const byteChars = bytesToUnicode();
  const vocab: Record<string, number> = {};
  SPECIALS.forEach((s, i) => {
    vocab[s] = i;
  });
  byteChars.forEach((c, i) => {
    vocab[c] = SPECIALS.length + i;
  });
  const merges = [
    ["Ġ", "t"],
    ["h", "e"],
    ["Ġt", "he"],
    ["l", "l"],
    ["he", "ll"],
    ["hell", "o"],
  ];
  for (const [a, b] of merges) vocab[a! + b!] = Object.keys(vocab).length;
  return {
    version: "1.0",
    truncation: null,
    padding: null,
    added_tokens: SPECIALS.map((content, id) => ({
      id,
      content,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true,
    })),
    normalizer: null,
    pre_tokenizer: { type: "ByteLevel", add_prefix_space: false, trim_offsets: true, use_regex: true },
    post_processor: { type: "ByteLevel", add_prefix_space: true, trim_offsets: false, use_regex: true },
    decoder: { type: "ByteLevel", add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: {
      type: "BPE",
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: false,
      byte_fallback: false,
      vocab,
      merges: merges.map(([a, b]) => `${a} ${b}`),
    },
  };
}

export function tinyTokenizerBundle(
  chatTemplate = CHATML_TEMPLATE,
  extraConfig: Record<string, unknown> = {},
): TokenizerBundle {
  const tokenizerConfig = {
    bos_token: null,
    eos_token: "<|im_end|>",
    pad_token: "<|endoftext|>",
    clean_up_tokenization_spaces: false,
    chat_template: chatTemplate,
    ...extraConfig,
  };
  return {
    tokenizer: new Tokenizer(tinyTokenizerJson(), tokenizerConfig),
    tokenizerConfig,
    generationConfig: { eos_token_id: [2, 0] },
  };
}

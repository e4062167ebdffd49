/**
 * Reads the text side of a model bundle (config, tokenizer, chat template, generation defaults).
 * Deliberately free of onnxruntime so the training worker can use it to render training data.
 */
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { Tokenizer } from "@huggingface/tokenizers";
import type { KvShape } from "./kv-cache";

/** The HF config.json fields the engine needs (Llama family). */
export interface ModelConfig {
  model_type?: string;
  hidden_size: number;
  num_hidden_layers: number;
  num_attention_heads: number;
  num_key_value_heads?: number;
  head_dim?: number;
  vocab_size: number;
  max_position_embeddings?: number;
  [key: string]: unknown;
}

/** The decoder's KV cache shape for a config (head_dim when given, else hidden_size / heads). */
export function kvShapeOf(config: ModelConfig): KvShape {
  return {
    numLayers: config.num_hidden_layers,
    kvHeads: config.num_key_value_heads ?? config.num_attention_heads,
    headDim: config.head_dim ?? config.hidden_size / config.num_attention_heads,
    heads: config.num_attention_heads,
    ropeTheta: Number(config.rope_theta ?? 10000),
  };
}

/** generation_config.json; every field optional. */
export interface GenerationConfig {
  eos_token_id?: number | number[];
  pad_token_id?: number;
  bos_token_id?: number;
  do_sample?: boolean;
  temperature?: number;
  top_k?: number;
  top_p?: number;
  repetition_penalty?: number;
  no_repeat_ngram_size?: number;
  max_new_tokens?: number;
  [key: string]: unknown;
}

export type TokenizerConfig = Record<string, unknown> & {
  chat_template?: string | Array<{ name: string; template: string }>;
};

/** Everything needed to turn conversations into token ids and back. */
export interface TokenizerBundle {
  dir?: string;
  tokenizer: Tokenizer;
  tokenizerConfig: TokenizerConfig;
  generationConfig: GenerationConfig;
  config?: ModelConfig;
}

async function readJson<T>(path: string): Promise<T> {
  return JSON.parse(await readFile(path, "utf8")) as T;
}

async function readJsonIfExists<T>(path: string, fallback: T): Promise<T> {
  try {
    return await readJson<T>(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return fallback;
    throw err;
  }
}

/** Loads tokenizer.json, tokenizer_config.json, generation_config.json and config.json from a bundle/base-model dir. */
export async function loadTokenizerBundle(dir: string): Promise<TokenizerBundle> {
  const [tokenizerJson, tokenizerConfig, generationConfig, config] = await Promise.all([
    readJson<object>(join(dir, "tokenizer.json")),
    readJsonIfExists<TokenizerConfig>(join(dir, "tokenizer_config.json"), {}),
    readJsonIfExists<GenerationConfig>(join(dir, "generation_config.json"), {}),
    readJsonIfExists<ModelConfig | undefined>(join(dir, "config.json"), undefined),
  ]);
  return {
    dir,
    tokenizer: new Tokenizer(tokenizerJson, tokenizerConfig),
    tokenizerConfig,
    generationConfig,
    config,
  };
}

/** tokenizer_config stores special tokens either as strings or as AddedToken objects ({content}). */
export function specialTokenText(config: TokenizerConfig, key: string): string | undefined {
  const value = config[key];
  if (typeof value === "string") return value;
  if (value && typeof value === "object" && typeof (value as { content?: unknown }).content === "string") {
    return (value as { content: string }).content;
  }
  return undefined;
}

/** The chat template string (the 'default' one when the config holds a named list). */
export function chatTemplateSource(config: TokenizerConfig): string {
  const t = config.chat_template;
  if (typeof t === "string") return t;
  if (Array.isArray(t)) {
    const chosen = t.find((x) => x.name === "default") ?? t[0];
    if (chosen) return chosen.template;
  }
  throw new Error("tokenizer_config.json has no chat_template");
}

export type ServingPrecision = "fp32" | "int8" | "int4";

/**
 * The decoder files that serve `precision`, best first: the fused graph (GroupQueryAttention,
 * MatMulNBits; trainer/fused_export.py), then the standard graph bundles exported before it.
 */
const DECODER_FILES: Record<ServingPrecision, string[]> = {
  fp32: ["model.fused.onnx", "model.onnx"],
  int8: ["model.fused.int8.onnx", "model.int8.onnx"],
  int4: ["model.fused.int4.onnx"],
};

/** The bundle's decoder file for `precision`, or undefined when the bundle has none. */
export function decoderFileFor(bundleDir: string, precision: ServingPrecision): string | undefined {
  return DECODER_FILES[precision].find((f) => existsSync(join(bundleDir, f)));
}

import fs from "node:fs";
import path from "node:path";
import { eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { type BaseModel, baseModels } from "@/db/schema";
import { UserFacingError } from "@/server/users/errors";

const SUPPORTED_MODEL_TYPES = ["llama", "qwen2", "mistral"];

export interface BaseSummary {
  modelType: string;
  parameters: number;
  layers: number;
  hiddenSize: number;
  vocabSize: number;
  maxPositions: number;
}

function readJson(file: string, what: string): Record<string, unknown> {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === "ENOENT" ? "is missing" : "is not valid JSON";
    throw new UserFacingError(`${what} ${reason} (${file})`);
  }
}

/** Parameter count of a Llama-family model from its config (embeddings counted once when tied). */
export function estimateParameters(c: Record<string, number | boolean>): number {
  const h = Number(c.hidden_size);
  const heads = Number(c.num_attention_heads);
  const kv = Number(c.num_key_value_heads ?? heads);
  const headDim = Number(c.head_dim ?? h / heads);
  const inter = Number(c.intermediate_size);
  const vocab = Number(c.vocab_size);
  const attention = h * heads * headDim * 2 + h * kv * headDim * 2;
  const perLayer = attention + 3 * h * inter + 2 * h;
  const embeddings = vocab * h * (c.tie_word_embeddings ? 1 : 2);
  return Number(c.num_hidden_layers) * perLayer + embeddings + h;
}

/**
 * Checks that a directory is a Llama-family HF checkpoint Tunedesk can train: config of a supported
 * architecture, tokenizer with a chat template, and weights. Names the first thing missing.
 */
export function inspectBaseDir(dir: string): BaseSummary {
  if (!path.isAbsolute(dir)) throw new UserFacingError("Give the model directory as an absolute path");
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    throw new UserFacingError(`${dir} is not a directory on the server`);
  }
  const config = readJson(path.join(dir, "config.json"), "config.json") as Record<string, number | boolean>;
  const modelType = String(config.model_type);
  if (!SUPPORTED_MODEL_TYPES.includes(modelType)) {
    throw new UserFacingError(
      `Unsupported architecture "${modelType}": Tunedesk trains ${SUPPORTED_MODEL_TYPES.join(", ")} models`,
    );
  }
  for (const key of [
    "hidden_size",
    "num_hidden_layers",
    "num_attention_heads",
    "intermediate_size",
    "vocab_size",
  ]) {
    if (typeof config[key] !== "number") throw new UserFacingError(`config.json lacks ${key}`);
  }
  if (!fs.existsSync(path.join(dir, "tokenizer.json")))
    throw new UserFacingError(`tokenizer.json is missing in ${dir}`);
  const tokenizerConfig = readJson(path.join(dir, "tokenizer_config.json"), "tokenizer_config.json");
  if (
    typeof tokenizerConfig.chat_template !== "string" &&
    !fs.existsSync(path.join(dir, "chat_template.jinja"))
  ) {
    throw new UserFacingError("The tokenizer has no chat template: use an instruct/chat model");
  }
  const hasWeights = ["model.safetensors", "model.safetensors.index.json"].some((f) =>
    fs.existsSync(path.join(dir, f)),
  );
  if (!hasWeights)
    throw new UserFacingError(
      `No weights in ${dir}: expected model.safetensors or model.safetensors.index.json`,
    );
  return {
    modelType,
    parameters: estimateParameters(config),
    layers: Number(config.num_hidden_layers),
    hiddenSize: Number(config.hidden_size),
    vocabSize: Number(config.vocab_size),
    maxPositions: Number(config.max_position_embeddings ?? 2048),
  };
}

export async function registerLocalBase(db: Db, input: { name: string; path: string }): Promise<BaseModel> {
  const summary = inspectBaseDir(input.path);
  const [row] = await db
    .insert(baseModels)
    .values({ name: input.name, kind: "local", path: input.path, summary: { ...summary } })
    .returning();
  return row!;
}

export const STARTER_NAME = "Starter (trained from scratch)";

/** The built-in starter: always listed, its weights created on first use by the trainer. */
export async function ensureStarterBase(db: Db, dataDir: string): Promise<BaseModel> {
  const [existing] = await db.select().from(baseModels).where(eq(baseModels.kind, "starter"));
  if (existing) return existing;
  const [row] = await db
    .insert(baseModels)
    .values({
      name: STARTER_NAME,
      kind: "starter",
      path: path.resolve(dataDir, "bases", "starter"),
      summary: { modelType: "llama", parameters: 5_000_000, layers: 6, hiddenSize: 256, maxPositions: 1024 },
    })
    .returning();
  return row!;
}

export async function listBases(db: Db, dataDir: string): Promise<BaseModel[]> {
  await ensureStarterBase(db, dataDir);
  return db.select().from(baseModels).orderBy(baseModels.createdAt);
}

export async function getBase(db: Db, id: string): Promise<BaseModel> {
  const [row] = await db.select().from(baseModels).where(eq(baseModels.id, id));
  if (!row) throw new UserFacingError("That base model does not exist", "not_found");
  return row;
}

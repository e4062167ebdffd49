import { z } from "zod";

export const trainingMethods = ["lora", "full"] as const;

/** What an admin chooses on the Train page; everything else the worker derives. */
export const trainingSettingsInput = z.object({
  method: z.enum(trainingMethods, { error: "Method must be lora or full" }),
  epochs: z
    .number({ error: "Epochs must be a number" })
    .min(0.1, "At least 0.1 epochs")
    .max(200, "At most 200 epochs"),
  learningRate: z
    .number({ error: "Learning rate must be a number" })
    .gt(0, "Learning rate must be above 0")
    .max(0.1, "Learning rate must be at most 0.1"),
  loraRank: z.number().int().min(1, "LoRA rank must be at least 1").max(256, "LoRA rank must be at most 256"),
  maxSeqLen: z
    .number()
    .int()
    .min(64, "Sequence length must be at least 64")
    .max(8192, "Sequence length must be at most 8192"),
  batchTokens: z.number().int().min(256, "Batch must hold at least 256 tokens").max(262_144),
  seed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 31 - 1),
  exportInt8: z.boolean(),
});
export type TrainingSettings = z.infer<typeof trainingSettingsInput>;

/** How many times one pass over the knowledge (an epoch) shows each pair, whatever its phrasings. */
export const SHOWINGS_PER_EPOCH = 4;

/**
 * How many times training shows each pair in all, by kind of base. Measured on the demo knowledge
 * base (82 pairs, 4 phrasings each) on 2 CPU cores: the starter, learning from scratch, answers its
 * trained questions with token F1 0.91 after 48 showings (about five minutes); tunedesk-chat-17m
 * reaches 0.96 after 32 at 1e-3 (0.71 at 2e-4).
 */
const SHOWINGS_PER_PAIR = { starter: 48, small: 32, large: 12 } as const;

/**
 * Most examples a default run trains on in all, so a large knowledge base gets fewer epochs rather
 * than a run of many hours. At ~250 tokens an example and the training speeds measured on 2 cores
 * (starter ~3,400 tok/s, tunedesk-chat-17m ~1,500, LoRA on 135M ~410) that is about 25, 28 and 40
 * minutes of training; estimates, not timed runs.
 */
const MAX_DEFAULT_EXAMPLES = { starter: 20_000, small: 10_000, large: 4_000 } as const;

/**
 * Good defaults by base size and knowledge base: the starter learns from scratch with full training
 * at a high rate in small batches (more updates for the same compute); small pretrained models
 * train fully; models of 50M+ parameters adapt with LoRA. An epoch shows every pair
 * SHOWINGS_PER_EPOCH times whatever its number of phrasings (examples.ts), so the epochs depend on
 * the number of pairs only: variants added by a round of feedback never take training from the
 * pairs nobody corrected.
 */
export function defaultTrainingSettings(
  base: { kind: string; parameters?: number; maxPositions?: number },
  knowledge?: { pairs: number },
): TrainingSettings {
  const parameters = base.parameters ?? 0;
  const fromScratch = base.kind === "starter";
  const small = parameters > 0 && parameters < 50_000_000;
  const size = fromScratch ? "starter" : small ? "small" : "large";
  const method = size === "large" ? "lora" : "full";
  const wanted = SHOWINGS_PER_PAIR[size] / SHOWINGS_PER_EPOCH;
  const affordable = knowledge?.pairs
    ? Math.floor(MAX_DEFAULT_EXAMPLES[size] / (knowledge.pairs * SHOWINGS_PER_EPOCH))
    : wanted;
  const epochs = Math.min(200, Math.max(1, Math.min(wanted, affordable)));
  return {
    method,
    epochs,
    learningRate: { starter: 2e-3, small: 1e-3, large: 2e-4 }[size],
    loraRank: 16,
    maxSeqLen: Math.min(base.maxPositions ?? 1024, 1024),
    batchTokens: method === "lora" ? 2048 : 1024,
    seed: 0,
    exportInt8: false,
  };
}

/** The range shown around a run's estimated duration: runs on a shared host vary by about this much. */
export const ESTIMATE_RANGE = { low: 0.8, high: 1.25 };

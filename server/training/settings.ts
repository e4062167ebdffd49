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

/**
 * Good defaults by base size, measured on the demo knowledge base on 2 CPU cores: the starter
 * learns its pairs from scratch with full training at a high rate in small batches (more updates
 * for the same compute: 12 epochs, about five minutes); pretrained models of 100M+ parameters adapt
 * best with LoRA. Small pretrained models (tunedesk-chat-17m) train fully at 1e-3: trained-question
 * token F1 0.96 after 8 epochs, against 0.71 at 2e-4.
 */
export function defaultTrainingSettings(base: {
  kind: string;
  parameters?: number;
  maxPositions?: number;
}): TrainingSettings {
  const parameters = base.parameters ?? 0;
  const fromScratch = base.kind === "starter";
  const small = parameters > 0 && parameters < 50_000_000;
  const method = fromScratch || small ? "full" : "lora";
  return {
    method,
    epochs: fromScratch ? 12 : small ? 8 : 3,
    learningRate: method === "lora" ? 2e-4 : fromScratch ? 2e-3 : 1e-3,
    loraRank: 16,
    maxSeqLen: Math.min(base.maxPositions ?? 1024, 1024),
    batchTokens: method === "lora" ? 2048 : 1024,
    seed: 0,
    exportInt8: false,
  };
}

/**
 * What the trainer's metric and setting keys mean to a person: a label and a unit-bearing format.
 * Keys not listed fall back to their words (`humanize`).
 */
import type { TrainingPhase } from "@/db/schema/training";
import { formatCompact, formatCount, formatDuration, formatPercent, formatValue } from "./format";

type Described = { label: string; format?: (value: number) => string; note?: string };

const fixed = (digits: number) => (v: number) => v.toFixed(digits);
const megabytes = (v: number) => (v >= 1024 ? `${(v / 1024).toFixed(1)} GB` : `${Math.round(v)} MB`);

export const METRICS: Record<string, Described> = {
  train_loss: { label: "Training loss (last steps)", format: fixed(3) },
  final_train_loss: { label: "Training loss (last step)", format: fixed(3) },
  val_loss: {
    label: "Held-out loss",
    format: fixed(3),
    note: "Loss on phrasings training never saw. It may rise while the model learns to copy the retrieved answer exactly: the evaluation's right answers say more.",
  },
  val_perplexity: { label: "Held-out perplexity", format: fixed(2) },
  best_step: { label: "Best step", format: formatCount },
  steps: { label: "Steps run", format: formatCount },
  total_steps: { label: "Steps planned", format: formatCount },
  stopped_early: { label: "Stopped early" },
  tokens: { label: "Tokens trained on", format: formatCompact },
  tokens_per_s: { label: "Training speed", format: (v) => `${formatCount(v)} tokens/s` },
  train_time_s: { label: "Training time", format: formatDuration },
  duration_s: { label: "Trainer time (with export)", format: formatDuration },
  padding_ratio: { label: "Padding in batches", format: formatPercent },
  peak_memory_mb: { label: "Peak memory", format: megabytes },
  n_trainable_params: { label: "Trained parameters", format: formatCompact },
  n_params: { label: "Parameters", format: formatCompact },
};

export const SETTINGS: Record<string, Described> = {
  method: { label: "Method" },
  epochs: { label: "Epochs", format: (v) => String(v) },
  learningRate: { label: "Learning rate", format: (v) => v.toExponential(1) },
  loraRank: { label: "LoRA rank", format: formatCount },
  maxSeqLen: { label: "Longest example", format: (v) => `${formatCount(v)} tokens` },
  batchTokens: { label: "Batch size", format: (v) => `${formatCount(v)} tokens` },
  seed: { label: "Seed", format: String },
  exportInt8: { label: "Also exported in int8" },
};

export const PHASES: Record<TrainingPhase, string> = {
  preparing: "Preparing the data",
  training: "Training the model",
  evaluating: "Evaluating answers",
  registering: "Registering the model",
};

export function phaseLabel(phase: string | undefined): string {
  return (phase && PHASES[phase as TrainingPhase]) || phase || "—";
}

/** learningRate / val_loss → "learning rate" / "val loss". */
export function humanize(key: string): string {
  return key
    .replace(/_/g, " ")
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .toLowerCase();
}

/** [label, shown value, note] for each entry, in the catalogue's words where it has them. */
export function describeEntries(
  entries: [string, unknown][],
  catalogue: Record<string, Described>,
): { key: string; label: string; value: string; note?: string }[] {
  return entries.map(([key, value]) => {
    const known = catalogue[key];
    const shown =
      typeof value === "number" && Number.isFinite(value) && known?.format
        ? known.format(value)
        : formatValue(value);
    return { key, label: known?.label ?? humanize(key), value: shown, note: known?.note };
  });
}

/** Settings that apply to the method used: a full fine-tune has no LoRA rank. */
export function settingsForMethod(settings: Record<string, unknown>): [string, unknown][] {
  return Object.entries(settings).filter(([key]) => key !== "loraRank" || settings.method === "lora");
}

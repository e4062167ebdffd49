import { type TrainingSettings, trainingSettingsInput } from "@/server/training/settings";

/** The Train form's fields as typed: numbers stay strings until they parse. */
export type SettingsDraft = {
  method: TrainingSettings["method"];
  epochs: string;
  learningRate: string;
  loraRank: string;
  maxSeqLen: string;
  batchTokens: string;
  seed: string;
  exportInt8: boolean;
};

export function toDraft(settings: TrainingSettings): SettingsDraft {
  return {
    method: settings.method,
    epochs: String(settings.epochs),
    learningRate: String(settings.learningRate),
    loraRank: String(settings.loraRank),
    maxSeqLen: String(settings.maxSeqLen),
    batchTokens: String(settings.batchTokens),
    seed: String(settings.seed),
    exportInt8: settings.exportInt8,
  };
}

const asNumber = (text: string) => (text.trim() === "" ? Number.NaN : Number(text));

/** The settings the server would accept, or the first problem in words (the server's own rules). */
export function parseDraft(
  draft: SettingsDraft,
): { settings: TrainingSettings; error?: undefined } | { settings?: undefined; error: string } {
  const result = trainingSettingsInput.safeParse({
    method: draft.method,
    epochs: asNumber(draft.epochs),
    learningRate: asNumber(draft.learningRate),
    loraRank: asNumber(draft.loraRank),
    maxSeqLen: asNumber(draft.maxSeqLen),
    batchTokens: asNumber(draft.batchTokens),
    seed: asNumber(draft.seed),
    exportInt8: draft.exportInt8,
  });
  if (result.success) return { settings: result.data };
  const issue = result.error.issues[0];
  const field = issue?.path.join(".");
  return {
    error: issue
      ? `${issue.message}${issue.code === "invalid_type" ? ` (${field})` : ""}`
      : "Check the settings",
  };
}

import { z } from "zod";
import { settingsGroup } from "@/server/settings-group";
import type { RankedPair } from "./retriever/retriever";

/** What the bot says when it does not answer from a pair: a company setting (admins, Settings). */
export const assistantTextsInput = z.object({
  decline: z
    .string()
    .trim()
    .min(10, "Write at least a short sentence for the decline")
    .max(600, "Keep the decline under 600 characters"),
});
export type AssistantTexts = z.infer<typeof assistantTextsInput>;

export const DEFAULT_ASSISTANT_TEXTS: AssistantTexts = {
  decline:
    "Sorry, I can only help with questions about our products and services, and I don't have an answer for that one. Would you like to talk to a person?",
};

const assistantTexts = settingsGroup(
  "assistant",
  assistantTextsInput,
  DEFAULT_ASSISTANT_TEXTS,
  "settings.assistant_changed",
);

export const getAssistantTexts = assistantTexts.get;
export const saveAssistantTexts = assistantTexts.save;

const unquote = (q: string) => q.trim().replace(/[?.!\s]+$/, "");

export function clarifyText(pairs: [RankedPair, RankedPair]): string {
  return `Just to be sure I answer the right question: do you mean “${unquote(pairs[0].question)}” or “${unquote(pairs[1].question)}”?`;
}

import { z } from "zod";
import type { Db } from "@/db/client";
import { writeAudit } from "@/db/queries/audit";
import { findSetting, saveSetting } from "@/db/queries/settings";
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

const SETTING_KEY = "assistant";

export async function getAssistantTexts(db: Db): Promise<AssistantTexts> {
  const stored = assistantTextsInput.partial().safeParse((await findSetting(db, SETTING_KEY)) ?? {});
  return { ...DEFAULT_ASSISTANT_TEXTS, ...(stored.success ? stored.data : {}) };
}

export async function saveAssistantTexts(
  db: Db,
  actorId: string,
  texts: AssistantTexts,
): Promise<AssistantTexts> {
  await db.transaction(async (tx) => {
    await saveSetting(tx as unknown as Db, SETTING_KEY, texts, actorId);
    await writeAudit(tx as unknown as Db, { actorId, action: "settings.assistant_changed", details: texts });
  });
  return texts;
}

const unquote = (q: string) => q.trim().replace(/[?.!\s]+$/, "");

export function clarifyText(pairs: [RankedPair, RankedPair]): string {
  return `Just to be sure I answer the right question: do you mean “${unquote(pairs[0].question)}” or “${unquote(pairs[1].question)}”?`;
}

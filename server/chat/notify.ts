/**
 * A customer who asked for a person and left an email address hears about the team's reply by
 * mail, when the company set up outgoing mail. Where no mail goes out, the console says why.
 */
import { z } from "zod";
import type { Db } from "@/db/client";
import type { Conversation } from "@/db/schema";
import { env } from "@/server/env";
import { mailConfigured, sendMail } from "@/server/mail";
import { getChatSettings } from "./settings";

export type ReplyNotice = "emailed" | "mail_failed" | "no_mail_configured" | "no_email";
/** What a reply will do, shown before it is sent. */
export type ReplyNoticeBefore = "will_email" | "no_mail_configured" | "no_email";

const email = z.email();

/** The customer's email address from their contact details, if they gave one. */
export function contactEmail(contact: string | null): string | null {
  const candidate = contact?.trim() ?? "";
  return email.safeParse(candidate).success ? candidate : null;
}

/** What happens to the customer when staff reply, before they reply (the console shows it). */
export function replyNoticeFor(conversation: Pick<Conversation, "contact">): ReplyNoticeBefore {
  if (!contactEmail(conversation.contact)) return "no_email";
  return mailConfigured() ? "will_email" : "no_mail_configured";
}

export async function notifyCustomerOfReply(
  db: Db,
  conversation: Conversation,
  reply: string,
): Promise<ReplyNotice> {
  const to = contactEmail(conversation.contact);
  if (!to) return "no_email";
  if (!mailConfigured()) return "no_mail_configured";
  const { botName } = await getChatSettings(db);
  const publicUrl = env().TUNEDESK_PUBLIC_URL;
  const link = publicUrl
    ? `\n\nContinue the conversation: ${new URL(`/chat?conversation=${conversation.id}`, publicUrl)}`
    : "";
  try {
    await sendMail({
      to,
      subject: `${botName}: our team replied to your question`,
      text: `Our support team replied:\n\n${reply}${link}\n\nYou can also reply in the chat on our site, from the same browser.`,
    });
    return "emailed";
  } catch (err) {
    // The reply is saved and shown in the chat either way; the console tells the agent mail failed.
    console.error("[mail] reply notification failed:", err);
    return "mail_failed";
  }
}

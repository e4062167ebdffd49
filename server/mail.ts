/**
 * Outgoing mail (nodemailer over SMTP), configured by TUNEDESK_SMTP_URL. Without it Tunedesk sends
 * no mail, and the console says so where mail would go out.
 */
import nodemailer, { type Transporter } from "nodemailer";
import { env } from "./env";

let transporter: Transporter | null | undefined;

export function mailConfigured(): boolean {
  return Boolean(env().TUNEDESK_SMTP_URL);
}

function transport(): Transporter | null {
  if (transporter === undefined) {
    const url = env().TUNEDESK_SMTP_URL;
    transporter = url ? nodemailer.createTransport(url) : null;
  }
  return transporter;
}

export async function sendMail(message: { to: string; subject: string; text: string }): Promise<boolean> {
  const smtp = transport();
  if (!smtp) return false;
  await smtp.sendMail({ from: env().TUNEDESK_MAIL_FROM, ...message });
  return true;
}

import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { env } from "@/server/env";

/**
 * AUTH_SECRET when set; otherwise a random secret kept in the data directory, so a first look
 * needs no configuration and sessions survive restarts.
 */
export function authSecret(): string {
  const { AUTH_SECRET, TUNEDESK_DATA_DIR } = env();
  if (AUTH_SECRET) return AUTH_SECRET;
  const file = path.resolve(TUNEDESK_DATA_DIR, "auth-secret");
  try {
    return fs.readFileSync(file, "utf8").trim();
  } catch {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const secret = crypto.randomBytes(33).toString("base64");
    fs.writeFileSync(file, secret, { mode: 0o600, flag: "wx" });
    return secret;
  }
}

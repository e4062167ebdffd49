/** API keys for the OpenAI-compatible API: created and revoked by admins, stored as SHA-256. */
import crypto from "node:crypto";
import type { Db } from "@/db/client";
import {
  type ApiKeyListItem,
  findActiveApiKeyByHash,
  insertApiKey,
  listApiKeys,
  revokeApiKey,
  touchApiKey,
} from "@/db/queries/api-keys";
import { writeAudit } from "@/db/queries/audit";
import type { ApiKey } from "@/db/schema";
import { UserFacingError } from "@/server/users/errors";

const KEY_PREFIX = "td_";
/** Characters of the key shown in the console (never enough to use it). */
const SHOWN_CHARS = 10;

export function hashApiKey(key: string): string {
  return crypto.createHash("sha256").update(key).digest("hex");
}

/** Creates a key; the plain key is returned this once and never stored. */
export async function createApiKey(
  db: Db,
  actorId: string,
  input: { name: string },
): Promise<{ key: string; apiKey: Omit<ApiKey, "keyHash"> }> {
  const name = input.name.trim();
  if (!name)
    throw new UserFacingError("Give the key a name, e.g. the system that will use it.", "invalid", "name");
  if (name.length > 100) throw new UserFacingError("Keep the name under 100 characters.", "invalid", "name");
  const key = `${KEY_PREFIX}${crypto.randomBytes(32).toString("base64url")}`;
  const { keyHash: _, ...apiKey } = await insertApiKey(db, {
    name,
    prefix: key.slice(0, SHOWN_CHARS),
    keyHash: hashApiKey(key),
    createdBy: actorId,
  });
  await writeAudit(db, {
    actorId,
    action: "api_key.created",
    targetType: "api_key",
    targetId: apiKey.id,
    details: { name },
  });
  return { key, apiKey };
}

export function listKeys(db: Db): Promise<ApiKeyListItem[]> {
  return listApiKeys(db);
}

export async function revokeKey(db: Db, actorId: string, id: string): Promise<void> {
  const revoked = await revokeApiKey(db, id, actorId);
  if (!revoked) throw new UserFacingError("This key does not exist or is already revoked.", "not_found");
  await writeAudit(db, {
    actorId,
    action: "api_key.revoked",
    targetType: "api_key",
    targetId: id,
    details: { name: revoked.name },
  });
}

/** The active key a request's `Authorization: Bearer …` header names, or null. */
export async function authenticateApiKey(db: Db, authorization: string | null): Promise<ApiKey | null> {
  const match = authorization?.match(/^Bearer\s+(\S+)$/i);
  const key = match?.[1];
  if (!key?.startsWith(KEY_PREFIX) || key.length > 200) return null;
  const found = await findActiveApiKeyByHash(db, hashApiKey(key));
  if (!found) return null;
  await touchApiKey(db, found.id);
  return found;
}

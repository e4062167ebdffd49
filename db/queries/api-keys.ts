import { and, desc, eq, isNull, sql } from "drizzle-orm";
import type { Db } from "../client";
import { type ApiKey, apiKeys, users } from "../schema";

export async function insertApiKey(
  db: Db,
  input: { name: string; prefix: string; keyHash: string; createdBy: string | null },
): Promise<ApiKey> {
  const [row] = await db.insert(apiKeys).values(input).returning();
  if (!row) throw new Error("api key insert returned nothing");
  return row;
}

export type ApiKeyListItem = Omit<ApiKey, "keyHash"> & { createdByName: string | null };

export async function listApiKeys(db: Db): Promise<ApiKeyListItem[]> {
  return db
    .select({
      id: apiKeys.id,
      name: apiKeys.name,
      prefix: apiKeys.prefix,
      createdBy: apiKeys.createdBy,
      createdAt: apiKeys.createdAt,
      lastUsedAt: apiKeys.lastUsedAt,
      revokedAt: apiKeys.revokedAt,
      revokedBy: apiKeys.revokedBy,
      createdByName: sql<string | null>`coalesce(nullif(${users.name}, ''), ${users.email})`,
    })
    .from(apiKeys)
    .leftJoin(users, eq(users.id, apiKeys.createdBy))
    .orderBy(desc(apiKeys.createdAt));
}

/** The key with this hash if it has not been revoked. */
export async function findActiveApiKeyByHash(db: Db, keyHash: string): Promise<ApiKey | undefined> {
  const [row] = await db
    .select()
    .from(apiKeys)
    .where(and(eq(apiKeys.keyHash, keyHash), isNull(apiKeys.revokedAt)));
  return row;
}

export async function touchApiKey(db: Db, id: string): Promise<void> {
  await db.update(apiKeys).set({ lastUsedAt: sql`now()` }).where(eq(apiKeys.id, id));
}

/** Revokes a key; undefined if there is no such key or it was already revoked. */
export async function revokeApiKey(db: Db, id: string, actorId: string | null): Promise<ApiKey | undefined> {
  const [row] = await db
    .update(apiKeys)
    .set({ revokedAt: sql`now()`, revokedBy: actorId })
    .where(and(eq(apiKeys.id, id), isNull(apiKeys.revokedAt)))
    .returning();
  return row;
}

import { eq } from "drizzle-orm";
import type { Db } from "../client";
import { appSettings } from "../schema";

export async function findSetting(db: Db, key: string): Promise<Record<string, unknown> | null> {
  const [row] = await db
    .select({ value: appSettings.value })
    .from(appSettings)
    .where(eq(appSettings.key, key));
  return row?.value ?? null;
}

export async function saveSetting(
  db: Db,
  key: string,
  value: Record<string, unknown>,
  actorId: string | null,
) {
  await db
    .insert(appSettings)
    .values({ key, value, updatedBy: actorId })
    .onConflictDoUpdate({
      target: appSettings.key,
      set: { value, updatedBy: actorId, updatedAt: new Date() },
    });
}

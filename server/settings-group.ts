/**
 * A group of company settings stored as one row of `app_settings`: read with its defaults filling
 * whatever was never saved (or no longer validates), saved whole with an audit entry.
 */
import type { z } from "zod";
import type { Db } from "@/db/client";
import { writeAudit } from "@/db/queries/audit";
import { findSetting, saveSetting } from "@/db/queries/settings";

export function settingsGroup<T extends Record<string, unknown>>(
  key: string,
  schema: z.ZodObject<z.ZodRawShape>,
  defaults: T,
  auditAction: string,
) {
  return {
    async get(db: Db): Promise<T> {
      const stored = schema.partial().safeParse((await findSetting(db, key)) ?? {});
      return { ...defaults, ...(stored.success ? (stored.data as Partial<T>) : {}) };
    },
    async save(db: Db, actorId: string, value: T): Promise<T> {
      await db.transaction(async (tx) => {
        await saveSetting(tx as unknown as Db, key, value, actorId);
        await writeAudit(tx as unknown as Db, { actorId, action: auditAction, details: value });
      });
      return value;
    },
  };
}

import { desc, eq } from "drizzle-orm";
import type { Db } from "../client";
import { type AuditAction, auditLog } from "../schema";

export async function writeAudit(
  db: Db,
  entry: {
    actorId: string | null;
    action: AuditAction;
    targetType?: string;
    targetId?: string;
    details?: Record<string, unknown>;
  },
): Promise<void> {
  await db.insert(auditLog).values({ ...entry, details: entry.details ?? {} });
}

export async function listAudit(db: Db, params: { limit: number; action?: AuditAction }) {
  return db
    .select()
    .from(auditLog)
    .where(params.action ? eq(auditLog.action, params.action) : undefined)
    .orderBy(desc(auditLog.createdAt))
    .limit(params.limit);
}

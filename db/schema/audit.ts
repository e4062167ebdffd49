import { index, jsonb, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { users } from "./users";

export const auditActions = [
  "user.created",
  "user.role_changed",
  "user.disabled",
  "user.enabled",
  "user.password_changed",
  "auth.sign_in_failed_repeatedly",
  "setup.first_admin_created",
] as const;
export type AuditAction = (typeof auditActions)[number] | (string & {});

export const auditLog = pgTable(
  "audit_log",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    actorId: uuid("actor_id").references(() => users.id, { onDelete: "set null" }),
    action: text("action").$type<AuditAction>().notNull(),
    targetType: text("target_type"),
    targetId: text("target_id"),
    details: jsonb("details").$type<Record<string, unknown>>().notNull().default({}),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("audit_log_created_idx").on(t.createdAt), index("audit_log_action_idx").on(t.action)],
);

export type AuditEntry = typeof auditLog.$inferSelect;

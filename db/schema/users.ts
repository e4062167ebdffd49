import { sql } from "drizzle-orm";
import { boolean, index, pgEnum, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";

export const userRoles = ["admin", "staff"] as const;
export type UserRole = (typeof userRoles)[number];
export const userRole = pgEnum("user_role", userRoles);

export const users = pgTable(
  "users",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    // Stored lower-cased so uniqueness and sign-in are case-insensitive.
    email: text("email").notNull().unique(),
    name: text("name").notNull().default(""),
    passwordHash: text("password_hash").notNull(),
    role: userRole("role").notNull(),
    disabledAt: timestamp("disabled_at", { withTimezone: true }),
    /** Set by an admin's reset: the temporary password works only to choose a new one. */
    passwordChangeRequired: boolean("password_change_required").notNull().default(false),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true })
      .notNull()
      .defaultNow()
      .$onUpdate(() => sql`now()`),
  },
  (t) => [index("users_role_idx").on(t.role)],
);

export type User = typeof users.$inferSelect;

export const signInAttempts = pgTable(
  "sign_in_attempts",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    email: text("email").notNull(),
    /** Who tried (the client's address as the proxy reports it): throttling is per client. */
    client: text("client").notNull().default("unknown"),
    succeeded: boolean("succeeded").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("sign_in_attempts_email_created_idx").on(t.email, t.createdAt),
    index("sign_in_attempts_client_created_idx").on(t.client, t.createdAt),
  ],
);

/**
 * Signed-in sessions. The session cookie (a JWT) names one row; every request checks it, so signing
 * out, disabling the account or a password change ends it at once, wherever the cookie is.
 */
export const userSessions = pgTable(
  "user_sessions",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
  },
  (t) => [index("user_sessions_user_idx").on(t.userId)],
);

export type UserSession = typeof userSessions.$inferSelect;

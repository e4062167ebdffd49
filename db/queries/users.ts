import { asc, count, eq } from "drizzle-orm";
import type { Db } from "../client";
import { type UserRole, users } from "../schema";

/** Columns safe to hand to the UI: never the password hash. */
const publicColumns = {
  id: users.id,
  email: users.email,
  name: users.name,
  role: users.role,
  disabledAt: users.disabledAt,
  passwordChangeRequired: users.passwordChangeRequired,
  createdAt: users.createdAt,
  updatedAt: users.updatedAt,
};

export type PublicUser = {
  id: string;
  email: string;
  name: string;
  role: UserRole;
  disabledAt: Date | null;
  passwordChangeRequired: boolean;
  createdAt: Date;
  updatedAt: Date;
};

export async function countUsers(db: Db): Promise<number> {
  const [row] = await db.select({ n: count() }).from(users);
  return row?.n ?? 0;
}

export async function listUsers(db: Db): Promise<PublicUser[]> {
  return db.select(publicColumns).from(users).orderBy(asc(users.email));
}

export async function findUserById(db: Db, id: string): Promise<PublicUser | undefined> {
  const [row] = await db.select(publicColumns).from(users).where(eq(users.id, id));
  return row;
}

export async function findUserWithHashByEmail(db: Db, email: string) {
  const [row] = await db.select().from(users).where(eq(users.email, email.toLowerCase()));
  return row;
}

export async function findUserWithHashById(db: Db, id: string) {
  const [row] = await db.select().from(users).where(eq(users.id, id));
  return row;
}

export async function insertUser(
  db: Db,
  values: { email: string; name: string; role: UserRole; passwordHash: string },
): Promise<PublicUser> {
  const [row] = await db
    .insert(users)
    .values({ ...values, email: values.email.toLowerCase() })
    .returning(publicColumns);
  if (!row) throw new Error("insert into users returned no row");
  return row;
}

export async function updateUser(
  db: Db,
  id: string,
  values: Partial<{
    role: UserRole;
    name: string;
    disabledAt: Date | null;
    passwordHash: string;
    passwordChangeRequired: boolean;
  }>,
): Promise<PublicUser | undefined> {
  const [row] = await db.update(users).set(values).where(eq(users.id, id)).returning(publicColumns);
  return row;
}

export async function countActiveAdmins(db: Db): Promise<number> {
  const rows = await db.select({ disabledAt: users.disabledAt }).from(users).where(eq(users.role, "admin"));
  return rows.filter((r) => r.disabledAt === null).length;
}

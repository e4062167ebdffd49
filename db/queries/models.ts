import { desc, eq } from "drizzle-orm";
import type { Db } from "../client";
import { type Model, models } from "../schema";

/** The model customers are served, if one has been promoted. */
export async function findProductionModel(db: Db): Promise<Model | undefined> {
  const [row] = await db.select().from(models).where(eq(models.status, "production")).limit(1);
  return row;
}

export async function findModelById(db: Db, id: string): Promise<Model | undefined> {
  const [row] = await db.select().from(models).where(eq(models.id, id));
  return row;
}

export async function listModels(db: Db): Promise<Model[]> {
  return db.select().from(models).orderBy(desc(models.createdAt));
}

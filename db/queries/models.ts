import { desc, eq, getTableColumns } from "drizzle-orm";
import type { Db } from "../client";
import { baseModels, type Model, models } from "../schema";

/** The model customers are served, if one has been promoted. */
export async function findProductionModel(db: Db): Promise<Model | undefined> {
  const [row] = await db.select().from(models).where(eq(models.status, "production")).limit(1);
  return row;
}

export async function findModelById(db: Db, id: string): Promise<Model | undefined> {
  const [row] = await db.select().from(models).where(eq(models.id, id));
  return row;
}

/** Newest first, with the base's name for the lineage summary (staff cannot list bases). */
export async function listModels(db: Db): Promise<(Model & { baseName: string | null })[]> {
  return db
    .select({ ...getTableColumns(models), baseName: baseModels.name })
    .from(models)
    .leftJoin(baseModels, eq(baseModels.id, models.baseModelId))
    .orderBy(desc(models.createdAt));
}

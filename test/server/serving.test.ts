import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { models } from "@/db/schema";
import { getServingModel, reloadServingModel, servingEngineOptions, servingModelFor } from "@/server/serving";
import { describeEachDatabase } from "../helpers/db";
import { tinyBundle } from "./inference/fixtures";
import { insertModel, servingBundle } from "./serving-fixtures";

describeEachDatabase("serving model", (useDb) => {
  let bundle: string;
  beforeAll(async () => {
    bundle = await servingBundle();
    // The serving model is per process: start each database's suite from nothing.
    await reloadServingModel(useDb().db);
  }, 300_000);

  it("serves nothing without a production model", async () => {
    const { status } = await servingModelFor(useDb().db);
    expect(status).toEqual({ state: "none" });
    expect(getServingModel().manager.active).toBeUndefined();
  });

  it("loads the production model on first use and answers with it", async () => {
    const db = useDb().db;
    const model = await insertModel(db, bundle, { name: "first" });
    const { manager, status } = await servingModelFor(db);
    expect(status).toMatchObject({ state: "ready", model: { id: model.id } });
    const result = await manager.complete({
      messages: [{ role: "user", content: "Hello" }],
      maxNewTokens: 4,
      temperature: 0,
    });
    expect(result.completionTokens).toBeGreaterThan(0);
  });

  it("hot-swaps after a promotion; a promoted bundle that cannot load keeps the old one serving", async () => {
    const db = useDb().db;
    const before = getServingModel();
    const oldEngine = before.manager.active?.engine;
    await db.update(models).set({ status: "retired" }).where(eq(models.status, "production"));
    const second = await insertModel(db, bundle, { name: "second" });
    const status = await reloadServingModel(db);
    expect(status).toMatchObject({ state: "ready", model: { id: second.id } });
    expect(getServingModel().manager.active?.engine).not.toBe(oldEngine);

    await db.update(models).set({ status: "retired" }).where(eq(models.id, second.id));
    const broken = await insertModel(db, "/nonexistent/bundle", { name: "broken" });
    expect(await reloadServingModel(db)).toMatchObject({ state: "failed", model: { id: broken.id } });
    // Customers are still answered by the last good model rather than by nothing.
    const served = await servingModelFor(db);
    expect(served.status).toMatchObject({ state: "ready", model: { id: second.id } });
  });

  it("loads the model again when its decoder worker died, and answers with the new engine", async () => {
    const db = useDb().db;
    await db.update(models).set({ status: "retired" }).where(eq(models.status, "production"));
    const third = await insertModel(db, bundle, { name: "third" });
    expect(await reloadServingModel(db)).toMatchObject({ state: "ready", model: { id: third.id } });
    const dead = getServingModel().manager.active!.engine;
    // The engine's decoder (private) stops its worker, as a crash would. Not worker.terminate():
    // during a model call that aborts the whole process in onnxruntime-node.
    await (dead as unknown as { model: { release(): Promise<void> } }).model.release();
    expect(dead.failure?.message).toMatch(/decoder worker exited/);

    const { manager, status } = await servingModelFor(db);
    expect(status).toMatchObject({ state: "ready", model: { id: third.id } });
    expect(manager.active?.engine).not.toBe(dead);
    const result = await manager.complete({
      messages: [{ role: "user", content: "Hello" }],
      maxNewTokens: 4,
      temperature: 0,
    });
    expect(result.completionTokens).toBeGreaterThan(0);
  });

  it("stops serving when no model is in production any more", async () => {
    const db = useDb().db;
    await db.update(models).set({ status: "retired" });
    expect(await reloadServingModel(db)).toEqual({ state: "none" });
    expect(getServingModel().manager.active).toBeUndefined();
  });
});

describe("serving settings", () => {
  it("serves the precision asked for when the bundle has that decoder, fp32 otherwise", async () => {
    const full = await tinyBundle();
    // A bundle trained before the quantized and fused exports: model.onnx only.
    const fp32Only = await mkdtemp(join(tmpdir(), "fp32-only-"));
    await writeFile(join(fp32Only, "model.onnx"), "");
    const ask = (precision: "fp32" | "int8" | "int4") =>
      ({ TUNEDESK_SERVE_THREADS: 3, TUNEDESK_SERVE_PRECISION: precision }) as const;
    for (const precision of ["fp32", "int8", "int4"] as const) {
      expect(servingEngineOptions(full, ask(precision))).toEqual({ threads: 3, precision });
      expect(servingEngineOptions(fp32Only, ask(precision))).toEqual({ threads: 3, precision: "fp32" });
    }
    await rm(fp32Only, { recursive: true });
  }, 300_000);
});

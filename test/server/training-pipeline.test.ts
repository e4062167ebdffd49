import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Db } from "@/db/client";
import { createPair } from "@/db/queries/knowledge";
import { findProductionModel } from "@/db/queries/models";
import { getRun, listMetrics } from "@/db/queries/training";
import { models, type TrainingRun, trainingRuns } from "@/db/schema";
import { createCaller } from "@/server/routers/_app";
import { sweepOrphans } from "@/server/sweeper";
import type { EvaluationReport } from "@/server/training/evaluation";
import type { TrainingSettings } from "@/server/training/settings";
import { TrainingWorker } from "@/server/training/worker";
import type { SessionUser } from "@/server/trpc";
import { createUser } from "@/server/users/service";
import { describeEachDatabase } from "../helpers/db";

const PYTHON = "/usr/bin/python3";
const run = promisify(execFile);

const settings: TrainingSettings = {
  method: "full",
  epochs: 2,
  learningRate: 3e-3,
  loraRank: 8,
  maxSeqLen: 512,
  batchTokens: 2048,
  seed: 1,
  exportInt8: false,
};

const pairs = [
  [
    "How do I reset my password?",
    "Open Settings, then Security, and click Reset password.",
    ["I forgot my password"],
  ],
  ["Where can I find my invoice?", "Invoices are under Billing, then History.", ["Where are my bills?"]],
  ["Can I change my plan?", "Yes: open Billing, then Plan, and pick the new plan.", []],
  ["How do I delete my account?", "Write to support and we delete it within a day.", ["Remove my account"]],
  ["Is there a mobile app?", "Yes, for iOS and Android.", []],
  ["How do I export my data?", "Use Settings, then Data, then Export as CSV.", ["Download my data"]],
  ["Do you offer refunds?", "Refunds are possible within 30 days of purchase.", []],
  ["Why was I charged twice?", "A pending hold disappears after three days.", ["Double charge on my card"]],
] as const;
// Enough pairs (24) for the split to hold some out, so the run validates and evaluates on them.
const storePairs = Array.from({ length: 16 }, (_, i) => [
  `When does store ${i + 1} open?`,
  `Store ${i + 1} opens at ${(i % 5) + 7} in the morning.`,
  [`opening hours of store ${i + 1}`],
]);
const allPairs = [...pairs, ...storePairs] as [string, string, readonly string[]][];

async function waitForRun(db: Db, id: string, done: (r: TrainingRun) => boolean, timeoutMs = 240_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const current = (await getRun(db, id))!;
    if (done(current)) return current;
    if (Date.now() > deadline)
      throw new Error(`run ${id} still ${current.status}: ${JSON.stringify(current.progress)}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

describeEachDatabase("training pipeline", (useDb) => {
  let dataDir: string;
  let baseDir: string;
  let admin: SessionUser;
  let worker: TrainingWorker;
  const caller = () => createCaller({ db: useDb().db, user: admin });

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "tunedesk-pipeline-"));
    baseDir = path.join(dataDir, "tiny-base");
    await run(PYTHON, ["-m", "trainer", "init-base", "--preset", "tiny", "--out", baseDir, "--seed", "2"]);
    const db = useDb().db;
    const user = await createUser(
      db,
      { email: "admin@example.com", password: "admin-password-1", role: "admin" },
      null,
    );
    admin = { id: user.id, email: user.email, name: "", role: "admin" };
    worker = new TrainingWorker({
      db,
      dataDir,
      python: PYTHON,
      pollIntervalMs: 200,
      heartbeatIntervalMs: 300,
      // Served quantized: models are evaluated at int4, the candidate at fp32 too.
      servingPrecision: "int4",
    });
  }, 120_000);

  afterAll(async () => {
    await worker?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it("lists the starter, and refuses to start a run without approved pairs", async () => {
    const db = useDb().db;
    const bases = await caller().training.listBases();
    expect(bases.map((b) => b.kind)).toEqual(["starter"]);
    await createPair(
      db,
      { question: "Draft?", answer: "Not yet.", variants: [], context: [], product: null, tags: [] },
      null,
    );
    await expect(caller().training.startRun({ baseModelId: bases[0]!.id, settings })).rejects.toMatchObject({
      message: expect.stringMatching(/no approved pairs/),
    });
    expect(await db.select().from(trainingRuns)).toHaveLength(0);
    for (const [question, answer, variants] of allPairs) {
      const pair = { question, answer, variants: [...variants], context: [], product: "App", tags: [] };
      await createPair(db, { ...pair, status: "approved" }, null);
    }
  });

  it("registers a base, previews, trains, evaluates and registers a candidate, then promotes it", async () => {
    const db = useDb().db;
    await expect(
      caller().training.registerBase({ name: "Not a model", path: dataDir }),
    ).rejects.toMatchObject({
      message: expect.stringMatching(/config.json is missing/),
    });
    const base = await caller().training.registerBase({ name: "Tiny", path: baseDir });
    expect(base.summary).toMatchObject({ modelType: "llama" });

    const preview = await caller().training.previewRun({ baseModelId: base.id, settings });
    expect(preview).toMatchObject({ pairs: 24, tokensExact: true, estimateBasis: "guessed" });
    expect(preview.heldOutPhrasings).toBeGreaterThanOrEqual(1);
    expect(preview.trainExamples).toBeGreaterThan(24);
    expect(preview.trainTokens).toBeGreaterThan(100);

    const queued = await caller().training.startRun({ baseModelId: base.id, settings });
    expect(queued.status).toBe("queued");
    // The estimate the admin saw stays with the run (the run page shows it).
    expect(queued.progress.estimatedSeconds).toBe(preview.estimatedSeconds);
    worker.start();
    const finished = await waitForRun(db, queued.id, (r) => r.status !== "queued" && r.status !== "running");
    expect({ status: finished.status, error: finished.error }).toEqual({ status: "succeeded", error: null });
    expect(finished.progress).toMatchObject({
      device: "cpu",
      totalSteps: expect.any(Number),
      estimatedSeconds: preview.estimatedSeconds,
    });
    expect(Object.keys(finished.progress.phaseSeconds ?? {})).toEqual(
      expect.arrayContaining(["preparing", "training", "evaluating"]),
    );

    // The next estimate comes from what this run measured: its speed and its other phases' time.
    const next = await caller().training.previewRun({ baseModelId: base.id, settings });
    const { tokensPerSecond, phaseSeconds } = finished.progress;
    const others = Object.entries(phaseSeconds ?? {})
      .filter(([phase]) => phase !== "training")
      .reduce((sum, [, s]) => sum + (s ?? 0), 0);
    expect(next.estimateBasis).toBe("measured");
    expect(next.estimatedSeconds).toBe(
      Math.round((next.trainTokens * settings.epochs) / tokensPerSecond! + others),
    );

    const metrics = await listMetrics(db, queued.id);
    const train = metrics.filter((m) => m.kind === "train");
    expect(train.length).toBeGreaterThan(1);
    expect(train.at(-1)!.loss).toBeLessThan(train[0]!.loss);
    expect(metrics.some((m) => m.kind === "eval")).toBe(true);

    const [model] = await db.select().from(models).where(eq(models.id, finished.modelId!));
    expect(model).toMatchObject({ status: "candidate", baseModelId: base.id, trainingRunId: queued.id });
    expect(fs.existsSync(path.join(model!.bundlePath, "model.onnx"))).toBe(true);
    const report = model!.evaluation as unknown as EvaluationReport;
    expect(report.questions).toHaveLength(preview.heldOutPhrasings);
    expect(report.questions.every((q) => q.heldOut)).toBe(true);
    expect(report.models.map((m) => [m.label, m.precision])).toEqual([
      ["candidate", "int4"],
      ["candidate fp32", "fp32"],
      ["base", "int4"],
    ]);
    for (const m of report.models) expect(m.answers).toHaveLength(preview.heldOutPhrasings);
    // Each serving decoder was checked against the trained weights when it was exported.
    const decoders = model!.metrics.decoders as Record<
      string,
      { greedyIdentical: number; maxLogitDiff: number }
    >;
    expect(Object.keys(decoders).sort()).toEqual(["fp32", "int4", "int8"]);
    expect(decoders.fp32!.maxLogitDiff).toBeLessThanOrEqual(1e-4);
    expect(decoders.int4!.greedyIdentical).toBeGreaterThanOrEqual(0);
    // The run tuned its own retriever and calibrated the decision on the held-out phrasings.
    expect(fs.existsSync(path.join(model!.bundlePath, "retriever", "encoder.onnx"))).toBe(true);
    expect(model!.metrics.retriever).toMatchObject({
      base: "none",
      calibration: { measured: { inScopeQuestions: preview.heldOutPhrasings } },
    });
    expect(report.trained?.questions.length).toBeGreaterThan(10);
    expect(report.trained?.models.map((m) => m.label)).toEqual(["candidate", "candidate fp32", "base"]);

    await caller().models.promote({ id: model!.id });
    expect((await findProductionModel(db))?.id).toBe(model!.id);
  }, 300_000);

  it("cancelling a running run stops the trainer and registers nothing", async () => {
    const db = useDb().db;
    const [base] = (await caller().training.listBases()).filter((b) => b.kind === "local");
    const modelsBefore = (await db.select().from(models)).length;
    const queued = await caller().training.startRun({
      baseModelId: base!.id,
      settings: { ...settings, epochs: 200 },
    });
    worker.poke();
    await waitForRun(db, queued.id, (r) => r.progress.phase === "training" && (r.progress.step ?? 0) > 0);
    await caller().training.cancelRun({ id: queued.id });
    const ended = await waitForRun(db, queued.id, (r) => r.status !== "running");
    expect(ended).toMatchObject({ status: "cancelled", modelId: null });
    expect((await db.select().from(models)).length).toBe(modelsBefore);
    expect(fs.existsSync(path.join(dataDir, "models", queued.id))).toBe(false);
  }, 300_000);

  it("a trainer crash fails the run with the trainer's message; production keeps serving", async () => {
    const db = useDb().db;
    const production = await findProductionModel(db);
    const brokenDir = path.join(dataDir, "broken-base");
    fs.cpSync(baseDir, brokenDir, { recursive: true });
    const base = await caller().training.registerBase({ name: "Broken", path: brokenDir });
    fs.writeFileSync(path.join(brokenDir, "model.safetensors"), "not a safetensors file");
    const queued = await caller().training.startRun({ baseModelId: base.id, settings });
    worker.poke();
    const ended = await waitForRun(db, queued.id, (r) => r.status !== "queued" && r.status !== "running");
    expect(ended.status).toBe("failed");
    expect(ended.error).toMatch(/safetensors/i);
    expect((await findProductionModel(db))?.id).toBe(production?.id);
  }, 300_000);

  it("a run whose worker died is failed, not left running", async () => {
    const db = useDb().db;
    const [base] = (await caller().training.listBases()).filter((b) => b.kind === "local");
    const queued = await caller().training.startRun({ baseModelId: base!.id, settings });
    await worker.stop();
    // Simulate a worker that claimed the run and then died (no more heartbeats).
    await db
      .update(trainingRuns)
      .set({ status: "running", workerId: "dead-worker", heartbeatAt: new Date(Date.now() - 10 * 60_000) })
      .where(eq(trainingRuns.id, queued.id));
    worker = new TrainingWorker({ db, dataDir, python: PYTHON, pollIntervalMs: 200, staleAfterMs: 60_000 });
    worker.start();
    const ended = await waitForRun(db, queued.id, (r) => r.status !== "running");
    expect(ended.status).toBe("failed");
    expect(ended.error).toMatch(/stopped responding/);
  }, 60_000);

  it("with no worker left at all, the web process's sweep fails a dead worker's run", async () => {
    const db = useDb().db;
    const [base] = (await caller().training.listBases()).filter((b) => b.kind === "local");
    await worker.stop();
    const queued = await caller().training.startRun({ baseModelId: base!.id, settings });
    await db
      .update(trainingRuns)
      .set({ status: "running", workerId: "dead-worker", heartbeatAt: new Date(Date.now() - 10 * 60_000) })
      .where(eq(trainingRuns.id, queued.id));
    expect((await sweepOrphans(db)).runs).toBe(1);
    const [row] = await db.select().from(trainingRuns).where(eq(trainingRuns.id, queued.id));
    expect(row).toMatchObject({ status: "failed", error: expect.stringMatching(/stopped responding/) });
    worker = new TrainingWorker({ db, dataDir, python: PYTHON, pollIntervalMs: 200 });
    worker.start();
  }, 60_000);
});

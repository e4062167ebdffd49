/**
 * A real model bundle for the chat, serving and API tests: the trainer's tiny preset, exported
 * untrained (it babbles; tests assert behaviour, not answers). Built once into the OS temp dir,
 * keyed by the trainer's sources, and shared by parallel test workers through a mkdir lock.
 */
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, rename, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import type { Db } from "@/db/client";
import { type Model, models } from "@/db/schema";

const run = promisify(execFile);
const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const PYTHON = "/usr/bin/python3";

async function trainerKey(): Promise<string> {
  const hash = createHash("sha256").update("serving-fixture-1");
  const dir = join(REPO, "trainer");
  for (const name of (await readdir(dir)).sort())
    if (name.endsWith(".py")) hash.update(name).update(await readFile(join(dir, name), "utf8"));
  return hash.digest("hex").slice(0, 12);
}

async function trainer(args: string[]): Promise<void> {
  await run(PYTHON, ["-m", "trainer", ...args], { cwd: REPO, maxBuffer: 64 << 20, timeout: 300_000 });
}

let cached: Promise<string> | undefined;

/** Directory of an exported tiny bundle (config, tokenizer with chat template, model.onnx). */
export function servingBundle(): Promise<string> {
  cached ??= (async () => {
    const root = join(tmpdir(), `tunedesk-serving-fixture-${await trainerKey()}`);
    const bundle = join(root, "bundle");
    if (existsSync(join(bundle, "model.onnx"))) return bundle;
    await mkdir(root, { recursive: true });
    const lock = join(root, "lock");
    try {
      await mkdir(lock);
    } catch {
      for (let i = 0; i < 600 && !existsSync(join(bundle, "model.onnx")); i++)
        await new Promise((r) => setTimeout(r, 500));
      if (!existsSync(join(bundle, "model.onnx")))
        throw new Error(`serving fixture build by another worker did not finish (remove ${lock})`);
      return bundle;
    }
    try {
      const work = join(root, `work-${process.pid}`);
      await rm(work, { recursive: true, force: true });
      await mkdir(work);
      await trainer(["init-base", "--preset", "tiny", "--out", join(work, "base"), "--seed", "3"]);
      await trainer(["export", "--checkpoint", join(work, "base"), "--out", join(work, "bundle")]);
      await rename(join(work, "bundle"), bundle);
      await rm(work, { recursive: true, force: true });
      return bundle;
    } finally {
      await rm(lock, { recursive: true, force: true });
    }
  })();
  return cached;
}

/** Registers a bundle as a model row (production unless said otherwise). */
export async function insertModel(
  db: Db,
  bundlePath: string,
  options: { name?: string; status?: Model["status"] } = {},
): Promise<Model> {
  const status = options.status ?? "production";
  const [row] = await db
    .insert(models)
    .values({
      name: options.name ?? `test-model-${Math.random().toString(36).slice(2, 8)}`,
      status,
      bundlePath,
      promotedAt: status === "production" ? new Date() : null,
    })
    .returning();
  if (!row) throw new Error("model insert returned nothing");
  return row;
}

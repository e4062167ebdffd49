/**
 * Test fixture: a tiny trained model bundle built with the trainer CLI (init-base -> train on chat
 * examples rendered by our own prompt builder -> bundle with model.onnx + model.int8.onnx).
 * Cached in the OS temp dir, keyed by the trainer's sources, so repeated runs cost nothing and a
 * trainer change rebuilds it. Safe with parallel test workers (mkdir lock).
 */
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { ChatFormat } from "../../../server/inference/prompt-builder";

const run = promisify(execFile);
const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const PYTHON = "/usr/bin/python3";
const FIXTURE_VERSION = "1";

/** Small support dialogues; the model memorises them, so greedy answers are varied and end with end-of-turn. */
export const SUPPORT_PAIRS: Array<[string, string]> = [
  ["How do I reset my password?", "Open Settings, choose Security and click Reset password."],
  ["Where is my invoice?", "Invoices are under Billing, then History."],
  ["Can I change my plan?", "Yes: Billing, Plan, then pick the new plan."],
  ["How do I delete my account?", "Write to support and we remove it within a day."],
  ["Is there a mobile app?", "Yes, for iOS and Android."],
  ["How do I export my data?", "Use Settings, Data, Export as CSV."],
  ["Do you offer refunds?", "Refunds are possible within 30 days."],
  ["Why was I charged twice?", "A pending hold disappears after three days."],
];

export function trainingConversations(): Array<Array<{ role: string; content: string }>> {
  return SUPPORT_PAIRS.map(([q, a]) => [
    { role: "system", content: "You are a support bot." },
    { role: "user", content: q },
    { role: "assistant", content: a },
  ]);
}

async function trainerKey(): Promise<string> {
  const hash = createHash("sha256").update(FIXTURE_VERSION);
  const dir = join(REPO, "trainer");
  for (const name of (await readdir(dir)).sort()) {
    if (name.endsWith(".py")) hash.update(name).update(await readFile(join(dir, name), "utf8"));
  }
  return hash.digest("hex").slice(0, 12);
}

async function trainer(args: string[]): Promise<string> {
  const { stdout } = await run(PYTHON, ["-m", "trainer", ...args], {
    cwd: REPO,
    maxBuffer: 64 << 20,
    timeout: 600_000,
  });
  return stdout;
}

async function build(work: string): Promise<void> {
  await trainer(["init-base", "--preset", "tiny", "--out", join(work, "base"), "--seed", "1"]);
  const format = await ChatFormat.load(join(work, "base"));
  const lines = trainingConversations().map((c) => JSON.stringify(format.buildTrainingExample(c)));
  await writeFile(join(work, "train.jsonl"), `${lines.join("\n")}\n`);
  await writeFile(
    join(work, "run.json"),
    JSON.stringify({
      train_file: join(work, "train.jsonl"),
      output_dir: join(work, "bundle"),
      base_dir: join(work, "base"),
      max_steps: 150,
      learning_rate: 0.01,
      warmup_ratio: 0.02,
      max_seq_len: 128,
      batch_size: 8,
      packing: false,
      precision: "fp32",
      device: "cpu",
      export_int8: true,
      seed: 0,
    }),
  );
  await trainer(["train", "--config", join(work, "run.json")]);
}

let cached: Promise<string> | undefined;

/** Directory of the tiny trained bundle (config, tokenizer, model.onnx, model.int8.onnx, model.safetensors). */
export function tinyBundle(): Promise<string> {
  cached ??= (async () => {
    const root = join(tmpdir(), `tunedesk-inference-fixture-${await trainerKey()}`);
    const bundle = join(root, "bundle");
    if (existsSync(join(bundle, "bundle.json"))) return bundle;
    await mkdir(root, { recursive: true });
    const lock = join(root, "lock");
    try {
      await mkdir(lock);
    } catch {
      // Another worker is building it: wait for the result.
      for (let i = 0; i < 600 && !existsSync(join(bundle, "bundle.json")); i++)
        await new Promise((r) => setTimeout(r, 500));
      if (!existsSync(join(bundle, "bundle.json")))
        throw new Error(`fixture build by another worker did not finish (remove ${lock})`);
      return bundle;
    }
    try {
      const work = join(root, `work-${process.pid}`);
      await rm(work, { recursive: true, force: true });
      await mkdir(work);
      await build(work);
      await rename(join(work, "bundle"), bundle);
      return bundle;
    } finally {
      await rm(lock, { recursive: true, force: true });
    }
  })();
  return cached;
}

/** PyTorch greedy continuation from the trainer (the parity reference). */
export async function torchGreedy(
  bundleDir: string,
  prompts: number[][],
  maxNewTokens: number,
  stopAtEos = true,
): Promise<number[][]> {
  const args = [
    "generate",
    "--model",
    bundleDir,
    "--input-ids-json",
    JSON.stringify(prompts),
    "--max-new-tokens",
    String(maxNewTokens),
  ];
  if (stopAtEos) args.push("--stop-at-eos");
  const out = await trainer(args);
  return (JSON.parse(out.trim().split("\n").at(-1)!) as { tokens: number[][] }).tokens;
}

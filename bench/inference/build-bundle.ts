/**
 * Builds the benchmark bundle once: a SmolLM2-135M-shaped Llama with random weights and the real
 * SmolLM2 tokenizer, exported by the trainer (model.onnx + model.int8.onnx). Cached in .cache/.
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { copyFile, mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { ChatFormat } from "../../server/inference/prompt-builder";

const run = promisify(execFile);

const CHATML =
  "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

export interface BenchBundlePaths {
  bundleDir: string;
}

/** `sourceDir`: folder with SmolLM2's tokenizer.json + config.json (../shared/models/smollm2-135m-tokenizer). */
export async function ensureBenchBundle(
  repoRoot: string,
  sourceDir: string,
  cacheDir: string,
): Promise<string> {
  const bundleDir = join(cacheDir, "bundle");
  if (existsSync(join(bundleDir, "bundle.json"))) return bundleDir;
  const work = join(cacheDir, "work");
  await rm(work, { recursive: true, force: true });
  const tokDir = join(work, "tokenizer");
  await mkdir(tokDir, { recursive: true });
  await copyFile(join(sourceDir, "tokenizer.json"), join(tokDir, "tokenizer.json"));
  // SmolLM2's tokenizer folder has no tokenizer_config.json: add SmolLM2-Instruct's ChatML template.
  await writeFile(
    join(tokDir, "tokenizer_config.json"),
    JSON.stringify({
      bos_token: "<|im_start|>",
      eos_token: "<|im_end|>",
      pad_token: "<|endoftext|>",
      unk_token: "<|endoftext|>",
      clean_up_tokenization_spaces: false,
      model_max_length: 8192,
      chat_template: CHATML,
    }),
  );
  const modelConfig = JSON.parse(await readFile(join(sourceDir, "config.json"), "utf8"));
  await writeFile(join(tokDir, "config.json"), JSON.stringify(modelConfig));
  const format = await ChatFormat.load(tokDir);
  const docs = Array.from({ length: 4 }, (_, i) => format.buildDocumentExample(`Benchmark document ${i}.`));
  await writeFile(join(work, "train.jsonl"), `${docs.map((d) => JSON.stringify(d)).join("\n")}\n`);
  await writeFile(
    join(work, "run.json"),
    JSON.stringify({
      train_file: join(work, "train.jsonl"),
      output_dir: join(work, "bundle"),
      model_config: modelConfig,
      tokenizer_dir: tokDir,
      // One step at a negligible learning rate: the trainer's export path, weights stay random-init.
      max_steps: 1,
      learning_rate: 1e-9,
      warmup_ratio: 0,
      max_seq_len: 32,
      batch_size: 1,
      packing: false,
      precision: "fp32",
      device: "cpu",
      export_int8: true,
      seed: 0,
    }),
  );
  console.error(
    "building the SmolLM2-135M-shaped benchmark bundle with the trainer (a few minutes, once)...",
  );
  await run("/usr/bin/python3", ["-m", "trainer", "train", "--config", join(work, "run.json")], {
    cwd: resolve(repoRoot),
    maxBuffer: 64 << 20,
  });
  await rename(join(work, "bundle"), bundleDir);
  await rm(work, { recursive: true, force: true });
  return bundleDir;
}

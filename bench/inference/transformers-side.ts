/** @huggingface/transformers' text-generation pipeline on the same ONNX files, as a benchmark runner. */
import { existsSync } from "node:fs";
import { copyFile, mkdir, symlink } from "node:fs/promises";
import { join } from "node:path";
import type { Runner, StreamTiming } from "./measure";

/** transformers.js wants <root>/<name>/{config,tokenizer...}.json + onnx/model{,_int8}.onnx: link the bundle's files. */
async function modelDir(bundleDir: string, root: string, name: string): Promise<void> {
  const dir = join(root, name);
  await mkdir(join(dir, "onnx"), { recursive: true });
  for (const f of ["config.json", "generation_config.json", "tokenizer.json", "tokenizer_config.json"]) {
    if (!existsSync(join(dir, f))) await copyFile(join(bundleDir, f), join(dir, f));
  }
  const links: Array<[string, string]> = [
    ["model.onnx", "model.onnx"],
    ["model.int8.onnx", "model_int8.onnx"],
  ];
  for (const [src, dst] of links) {
    if (!existsSync(join(dir, "onnx", dst))) await symlink(join(bundleDir, src), join(dir, "onnx", dst));
  }
}

export async function openTransformers(
  bundleDir: string,
  cacheRoot: string,
  precision: "fp32" | "int8",
  prompts: string[],
  threads: number,
  spinWait = false,
): Promise<Runner> {
  const { env, pipeline } = await import("@huggingface/transformers");
  const name = "smollm2-135m-random";
  await modelDir(bundleDir, cacheRoot, name);
  env.localModelPath = cacheRoot;
  env.allowRemoteModels = false;
  const generator = await pipeline("text-generation", name, {
    dtype: precision,
    device: "cpu",
    // Same onnxruntime thread settings as our engine, so the comparison is about the generation loop.
    session_options: {
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      extra: { session: { intra_op: { allow_spinning: spinWait ? "1" : "0" } } },
    } as never,
  });
  const stream = async (prompt: number, maxNewTokens: number): Promise<StreamTiming> => {
    const timing: StreamTiming = { start: performance.now(), tokens: [] };
    let isPrompt = true;
    // Minimal streamer: generate() calls put() with the prompt first, then once per new token.
    const streamer = {
      put: () => {
        if (isPrompt) isPrompt = false;
        else timing.tokens.push(performance.now());
      },
      end: () => {},
    };
    await generator(prompts[prompt % prompts.length]!, {
      max_new_tokens: maxNewTokens,
      min_new_tokens: maxNewTokens,
      do_sample: false,
      streamer: streamer as never,
    });
    return timing;
  };
  await stream(0, 2); // warm-up
  return { name: `transformers.js ${precision}`, stream, close: () => generator.dispose() };
}

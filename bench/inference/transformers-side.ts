/** The same measurements with @huggingface/transformers' text-generation pipeline on the same ONNX files. */

import { existsSync } from "node:fs";
import { copyFile, mkdir, symlink } from "node:fs/promises";
import { join } from "node:path";
import type { SideResult } from "./engine-side";
import { aggregate, decodeRate, median, type StreamTiming, ttft } from "./measure";

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
  for (const [src, dst] of links)
    if (!existsSync(join(dir, "onnx", dst))) await symlink(join(bundleDir, src), join(dir, "onnx", dst));
}

export async function benchTransformers(
  bundleDir: string,
  cacheRoot: string,
  precision: "fp32" | "int8",
  prompts: string[],
  opts: {
    threads: number;
    decodeTokens: number;
    streamTokens: number;
    concurrency: number[];
    repeats: number;
  },
): Promise<SideResult> {
  const { env, pipeline } = await import("@huggingface/transformers");
  const name = "smollm2-135m-random";
  await modelDir(bundleDir, cacheRoot, name);
  env.localModelPath = cacheRoot;
  env.allowRemoteModels = false;
  const generator = await pipeline("text-generation", name, {
    dtype: precision,
    device: "cpu",
    session_options: { intraOpNumThreads: opts.threads, interOpNumThreads: 1 },
  });
  const run = async (text: string, maxNewTokens: number): Promise<StreamTiming> => {
    const timing: StreamTiming = { start: performance.now(), tokens: [] };
    let prompt = true;
    const streamer = {
      put: () => {
        if (prompt)
          prompt = false; // the first call carries the prompt
        else timing.tokens.push(performance.now());
      },
      end: () => {},
    };
    await generator(text, {
      max_new_tokens: maxNewTokens,
      min_new_tokens: maxNewTokens,
      do_sample: false,
      streamer: streamer as never,
    });
    return timing;
  };
  try {
    await run(prompts[0]!, 2); // warm-up
    const firsts: number[] = [];
    const rates: number[] = [];
    for (let r = 0; r < opts.repeats; r++) {
      firsts.push(ttft(await run(prompts[0]!, 1)));
      rates.push(decodeRate(await run(prompts[0]!, opts.decodeTokens)));
    }
    const agg: SideResult["aggregate"] = {};
    for (const n of opts.concurrency) {
      const streams = await Promise.all(
        Array.from({ length: n }, (_, i) => run(prompts[i % prompts.length]!, opts.streamTokens)),
      );
      agg[n] = aggregate(streams);
      console.error(`  transformers.js ${precision} x${n}: ${agg[n].endToEnd.toFixed(1)} tok/s end-to-end`);
    }
    return { ttftMs: median(firsts), decodeTps: median(rates), aggregate: agg };
  } finally {
    await generator.dispose();
  }
}

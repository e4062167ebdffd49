/**
 * This host's memory bandwidth and what it allows: batch-1 decoding reads every weight once per
 * token, so bandwidth / weight bytes is the most tokens per second any kernel could give.
 */
import { statSync } from "node:fs";
import { join } from "node:path";
import type { ModelConfig } from "../../server/inference/bundle";

/** Best of `repeats` copies of a 256 MB buffer, in GB/s of bytes read plus written (one thread). */
export function copyBandwidthGBs(repeats = 5): number {
  const size = 256 << 20;
  const src = new Uint8Array(size).fill(1);
  const dst = new Uint8Array(size);
  let best = 0;
  for (let i = 0; i < repeats; i++) {
    const t = performance.now();
    dst.set(src);
    best = Math.max(best, (2 * size) / ((performance.now() - t) / 1000) / 1e9);
  }
  return best;
}

/**
 * Weight bytes one decode step reads: the graph file, less the embedding table where a quantized
 * graph keeps it apart from its head (only one row of it is read per token). The fp32 graphs' tied
 * head reads the table itself; model.int8.onnx stores it once, as int8, for both.
 */
export function weightBytesPerToken(bundleDir: string, file: string, config: ModelConfig): number {
  const bytes = statSync(join(bundleDir, file)).size;
  const separateTable = file === "model.fused.int8.onnx" || file === "model.fused.int4.onnx";
  return separateTable ? bytes - config.vocab_size * config.hidden_size * 4 : bytes;
}

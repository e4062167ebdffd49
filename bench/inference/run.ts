/**
 * Inference benchmark (npm run bench:inference): our engine vs transformers.js on the same
 * SmolLM2-135M-shaped ONNX bundle (random weights, real tokenizer), 2 threads.
 *
 *   tsx bench/inference/run.ts [--shared DIR] [--threads N] [--quick] [--no-transformers] [--out FILE]
 *
 * DIR defaults to ../shared/models/smollm2-135m-tokenizer next to the repository.
 */
import { writeFile } from "node:fs/promises";
import { cpus, loadavg } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { ChatFormat } from "../../server/inference/prompt-builder";
import { ensureBenchBundle } from "./build-bundle";
import { benchEngine, type SideResult } from "./engine-side";
import { benchTransformers } from "./transformers-side";

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, "../..");
const args = process.argv.slice(2);
const flag = (name: string) => args.includes(name);
const option = (name: string, fallback: string) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] ? args[i + 1]! : fallback;
};

const PARAGRAPH =
  "Our support team answers questions about accounts, billing, invoices and the mobile app. " +
  "When a customer cannot log in, first check whether the email address is confirmed, then reset the password from the security settings. ";

async function main() {
  const quick = flag("--quick");
  const threads = Number(option("--threads", "2"));
  const sharedDir = resolve(option("--shared", join(repo, "../shared/models/smollm2-135m-tokenizer")));
  const cache = join(here, ".cache");
  const bundleDir = await ensureBenchBundle(repo, sharedDir, join(cache, "smollm2-135m-random"));
  const format = await ChatFormat.load(bundleDir);

  // 200-token prompts; distinct per stream so nothing is shared between concurrent requests.
  const promptIds = Array.from({ length: 16 }, (_, i) =>
    format.encode(`Ticket ${i}. ${PARAGRAPH.repeat(8)}`).slice(0, 200),
  );
  const promptTexts = promptIds.map((ids) => format.decode(ids));
  const opts = {
    threads,
    decodeTokens: quick ? 32 : 128,
    streamTokens: quick ? 16 : 64,
    concurrency: quick ? [1, 4] : [1, 4, 8, 16],
    repeats: quick ? 1 : 3,
  };
  console.error(
    `bundle ${bundleDir}; ${threads} threads; load average ${loadavg()
      .map((x) => x.toFixed(1))
      .join(" ")} on ${cpus().length} cpus`,
  );

  const results: Record<string, SideResult> = {};
  for (const precision of ["fp32", "int8"] as const) {
    console.error(`ours ${precision}...`);
    results[`ours ${precision}`] = await benchEngine(bundleDir, precision, promptIds, opts);
    if (!flag("--no-transformers")) {
      console.error(`transformers.js ${precision}...`);
      results[`transformers.js ${precision}`] = await benchTransformers(
        bundleDir,
        join(cache, "transformers-js"),
        precision,
        promptTexts,
        opts,
      );
    }
  }

  const rows = Object.entries(results).map(([name, r]) => ({
    engine: name,
    "TTFT 200-token prompt (ms)": Math.round(r.ttftMs),
    "decode tok/s (batch 1)": Number(r.decodeTps.toFixed(1)),
    ...Object.fromEntries(
      opts.concurrency.map((n) => [`x${n} tok/s`, Number(r.aggregate[n]!.endToEnd.toFixed(1))]),
    ),
  }));
  console.table(rows);
  const ours = results["ours fp32"]!;
  const n8 = ours.aggregate[8] ?? ours.aggregate[opts.concurrency.at(-1)!]!;
  console.log(
    `fp32 decode ${ours.decodeTps.toFixed(1)} tok/s (target >= 45); int8 ${results["ours int8"]!.decodeTps.toFixed(1)} (target >= 85); ` +
      `8-stream aggregate / 1 stream = ${(n8.endToEnd / ours.aggregate[1]!.endToEnd).toFixed(2)}x end-to-end, ` +
      `${(n8.decodePhase / ours.aggregate[1]!.decodePhase).toFixed(2)}x decode phase (target >= 3x)`,
  );
  const out = option("--out", join(cache, "results.json"));
  await writeFile(
    out,
    JSON.stringify({ date: new Date().toISOString(), loadavg: loadavg(), opts, results }, null, 2),
  );
  console.error(`results written to ${out}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

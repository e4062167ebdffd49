/**
 * Inference benchmark (npm run bench:inference): our engine on the fused decoders (fp32, int8,
 * int4) and on the standard graph, against transformers.js and a bare onnxruntime loop
 * (onnxruntime-side.ts) on the same SmolLM2-135M-shaped bundle (random weights, real tokenizer),
 * 2 threads; each figure beside this host's memory bandwidth and the roofline it implies.
 *
 *   tsx bench/inference/run.ts [--shared DIR] [--threads N] [--repeats N] [--quick] [--no-transformers] [--spin] [--in-thread]
 *                                 [--precisions fp32,int8,int4] [--decode-tokens N] [--stream-tokens N] [--out FILE]
 *
 * DIR defaults to ../shared/models/smollm2-135m-tokenizer next to the repository. The sides are
 * measured alternately (same machine conditions), --repeats times each; the tables give medians
 * (and bests: single runs on a shared host are not evidence), the targets medians.
 */
import { readFile, writeFile } from "node:fs/promises";
import { cpus, loadavg } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { decoderFileFor, type ServingPrecision } from "../../server/inference/bundle";
import { ChatFormat } from "../../server/inference/prompt-builder";
import { ensureBenchBundle } from "./build-bundle";
import { openEngine } from "./engine-side";
import { concurrent, decodeRate, median, type Runner, ttft } from "./measure";
import { openOnnxruntime } from "./onnxruntime-side";
import { copyBandwidthGBs, weightBytesPerToken } from "./roofline";
import { openTransformers } from "./transformers-side";

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

interface Samples {
  ttftMs: number[];
  decodeTps: number[];
  /** Process CPU time (all threads) per decoded token, ms: less sensitive to other load than wall time. */
  cpuMsPerToken: number[];
  /** End-to-end aggregate tok/s per concurrency (prompts included). */
  aggregate: Record<number, number[]>;
  /** Aggregate tok/s while all streams were decoding. */
  steady: Record<number, number[]>;
}

const best = (xs: number[], lowerIsBetter = false) => {
  const ok = xs.filter((x) => Number.isFinite(x));
  return ok.length === 0 ? Number.NaN : lowerIsBetter ? Math.min(...ok) : Math.max(...ok);
};
const log = (msg: string) => console.error(`[${new Date().toISOString().slice(11, 19)}] ${msg}`);

async function main() {
  const quick = flag("--quick");
  const threads = Number(option("--threads", "2"));
  const repeats = Number(option("--repeats", quick ? "1" : "3"));
  const sharedDir = resolve(option("--shared", join(repo, "../shared/models/smollm2-135m-tokenizer")));
  const cache = join(here, ".cache");
  const bundleDir = await ensureBenchBundle(repo, sharedDir, join(cache, "smollm2-135m-random"));
  const format = await ChatFormat.load(bundleDir);

  // 200-token prompts, distinct per stream so nothing is shared between concurrent requests.
  const promptIds = Array.from({ length: 16 }, (_, i) =>
    format.encode(`Ticket ${i}. ${PARAGRAPH.repeat(8)}`).slice(0, 200),
  );
  const promptTexts = promptIds.map((ids) => format.decode(ids));
  const decodeTokens = Number(option("--decode-tokens", quick ? "32" : "128"));
  const streamTokens = Number(option("--stream-tokens", quick ? "16" : "96"));
  const concurrency = quick ? [1, 4] : [1, 4, 8, 16];
  log(
    `bundle ${bundleDir}; ${threads} threads; onnxruntime ${flag("--in-thread") ? "on the main thread" : "in a worker thread"}; load average ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cpus`,
  );

  const samples: Record<string, Samples> = {};
  const precisions = option("--precisions", "fp32,int8,int4").split(",") as ServingPrecision[];
  const engineOptions = { spinWait: flag("--spin"), worker: !flag("--in-thread") };
  for (const precision of precisions) {
    // The fused graph (what the engine serves), and for fp32 / int8 the standard graph beside it:
    // the engine as it was before the fused exports, a bare onnxruntime loop, and transformers.js.
    const runners: Runner[] = [await openEngine(bundleDir, precision, promptIds, threads, engineOptions)];
    const standard = { fp32: "model.onnx", int8: "model.int8.onnx", int4: undefined }[precision];
    if (standard) {
      runners.push(
        await openEngine(bundleDir, precision, promptIds, threads, {
          ...engineOptions,
          modelFile: standard,
          name: `ours ${precision} standard graph`,
        }),
      );
      runners.push(
        await openOnnxruntime(bundleDir, precision as "fp32" | "int8", promptIds, threads, flag("--spin")),
      );
      if (!flag("--no-transformers")) {
        runners.push(
          await openTransformers(
            bundleDir,
            join(cache, "transformers-js"),
            precision as "fp32" | "int8",
            promptTexts,
            threads,
            flag("--spin"),
          ),
        );
      }
    }
    for (const r of runners)
      samples[r.name] = { ttftMs: [], decodeTps: [], cpuMsPerToken: [], aggregate: {}, steady: {} };
    for (let rep = 0; rep < repeats; rep++) {
      for (const r of runners) {
        const s = samples[r.name]!;
        s.ttftMs.push(ttft(await r.stream(0, 1)));
        const cpuBefore = process.cpuUsage();
        const decoded = await r.stream(0, decodeTokens);
        const cpu = process.cpuUsage(cpuBefore);
        s.decodeTps.push(decodeRate(decoded));
        s.cpuMsPerToken.push((cpu.user + cpu.system) / 1000 / decoded.tokens.length);
        for (const n of concurrency) {
          const { endToEnd, steady } = await concurrent(r, n, streamTokens);
          s.aggregate[n] = [...(s.aggregate[n] ?? []), endToEnd];
          s.steady[n] = [...(s.steady[n] ?? []), steady];
        }
        log(
          `${r.name} #${rep + 1}: ttft ${s.ttftMs.at(-1)!.toFixed(0)} ms, decode ${s.decodeTps.at(-1)!.toFixed(1)} tok/s, ` +
            concurrency
              .map(
                (n) =>
                  `x${n} ${s.aggregate[n]!.at(-1)!.toFixed(1)} (steady ${s.steady[n]!.at(-1)!.toFixed(1)})`,
              )
              .join(", "),
        );
      }
    }
    for (const r of runners) await r.close();
  }

  const config = JSON.parse(await readFile(join(bundleDir, "config.json"), "utf8"));
  const bandwidth = copyBandwidthGBs();
  const files: Record<string, string> = {
    "ours fp32": decoderFileFor(bundleDir, "fp32")!,
    "ours int8": decoderFileFor(bundleDir, "int8")!,
    "ours int4": decoderFileFor(bundleDir, "int4")!,
    "ours fp32 standard graph": "model.onnx",
    "ours int8 standard graph": "model.int8.onnx",
  };
  console.table(
    Object.entries(samples).map(([name, s]) => {
      const weightMB = files[name] ? weightBytesPerToken(bundleDir, files[name], config) / 1e6 : undefined;
      return {
        engine: name,
        "TTFT 200-tok prompt ms (median / best)": `${Math.round(median(s.ttftMs))} / ${Math.round(best(s.ttftMs, true))}`,
        "decode tok/s batch 1 (median / best)": `${median(s.decodeTps).toFixed(1)} / ${best(s.decodeTps).toFixed(1)}`,
        "weights MB/token": weightMB === undefined ? "" : weightMB.toFixed(0),
        "roofline tok/s": weightMB === undefined ? "" : ((bandwidth * 1000) / weightMB).toFixed(0),
        "CPU ms/token": Number(median(s.cpuMsPerToken).toFixed(1)),
        ...Object.fromEntries(
          concurrency.map((n) => [
            `x${n} tok/s e2e / steady (median)`,
            `${median(s.aggregate[n]!).toFixed(1)} / ${median(s.steady[n]!).toFixed(1)}`,
          ]),
        ),
      };
    }),
  );
  console.log(
    `memory bandwidth on this host: ${bandwidth.toFixed(1)} GB/s (one thread copying 256 MB, bytes read + written); ` +
      "roofline = that bandwidth / the weight bytes each decoded token reads",
  );
  const med = (name: string, pick: (s: Samples) => number[]) =>
    samples[name] ? median(pick(samples[name]!)) : Number.NaN;
  const n8 = concurrency.includes(8) ? 8 : concurrency.at(-1)!;
  const targets = [
    ["int4 decode tok/s (median)", med("ours int4", (s) => s.decodeTps), ">= 150"],
    ["int8 decode tok/s (median)", med("ours int8", (s) => s.decodeTps), ">= 100"],
    [
      "fp32 decode: fused / standard graph",
      med("ours fp32", (s) => s.decodeTps) / med("ours fp32 standard graph", (s) => s.decodeTps),
      ">= 1",
    ],
    ["int4 TTFT 200-token prompt ms (median)", med("ours int4", (s) => s.ttftMs), "<= 100"],
    [
      `int4 x${n8} / x1 end to end (engine; bench:served for /v1)`,
      med("ours int4", (s) => s.aggregate[n8]!) / med("ours int4", (s) => s.aggregate[1]!),
      ">= 4",
    ],
    [
      "fp32 standard graph: ours / transformers.js decode",
      med("ours fp32 standard graph", (s) => s.decodeTps) / med("transformers.js fp32", (s) => s.decodeTps),
      "> 1",
    ],
  ] as const;
  console.table(
    targets.map(([what, value, target]) => ({ what, measured: Number(value.toFixed(2)), target })),
  );
  const summary = Object.fromEntries(
    Object.entries(samples).map(([name, s]) => [
      name,
      {
        ttftMs: { best: best(s.ttftMs, true), median: median(s.ttftMs) },
        decodeTps: { best: best(s.decodeTps), median: median(s.decodeTps) },
        cpuMsPerToken: { best: best(s.cpuMsPerToken, true), median: median(s.cpuMsPerToken) },
        aggregate: Object.fromEntries(
          Object.entries(s.aggregate).map(([n, xs]) => [n, { best: best(xs), median: median(xs) }]),
        ),
        steady: Object.fromEntries(
          Object.entries(s.steady).map(([n, xs]) => [n, { best: best(xs), median: median(xs) }]),
        ),
      },
    ]),
  );
  const out = option("--out", join(cache, "results.json"));
  await writeFile(
    out,
    JSON.stringify(
      {
        date: new Date().toISOString(),
        loadavg: loadavg(),
        threads,
        repeats,
        bandwidthGBs: bandwidth,
        summary,
        samples,
      },
      null,
      2,
    ),
  );
  log(`results written to ${out}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

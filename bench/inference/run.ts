/**
 * Inference benchmark (npm run bench:inference): our engine vs transformers.js on the same
 * SmolLM2-135M-shaped ONNX bundle (random weights, real tokenizer), 2 threads, with a bare
 * onnxruntime loop (onnxruntime-side.ts) as this host's reference.
 *
 *   tsx bench/inference/run.ts [--shared DIR] [--threads N] [--repeats N] [--quick] [--no-transformers] [--spin] [--in-thread]
 *                                 [--decode-tokens N] [--stream-tokens N] [--out FILE]
 *
 * DIR defaults to ../shared/models/smollm2-135m-tokenizer next to the repository. The sides are
 * measured alternately (same machine conditions); each figure is the best of --repeats runs, which
 * on a shared machine is the closest estimate of the uncontended speed (medians are in the JSON).
 */
import { writeFile } from "node:fs/promises";
import { cpus, loadavg } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { ChatFormat } from "../../server/inference/prompt-builder";
import { ensureBenchBundle } from "./build-bundle";
import { openEngine } from "./engine-side";
import { concurrent, decodeRate, median, type Runner, ttft } from "./measure";
import { openOnnxruntime } from "./onnxruntime-side";
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
  for (const precision of ["fp32", "int8"] as const) {
    const runners: Runner[] = [
      await openEngine(bundleDir, precision, promptIds, threads, {
        spinWait: flag("--spin"),
        worker: !flag("--in-thread"),
      }),
    ];
    runners.push(await openOnnxruntime(bundleDir, precision, promptIds, threads, flag("--spin")));
    if (!flag("--no-transformers")) {
      runners.push(
        await openTransformers(
          bundleDir,
          join(cache, "transformers-js"),
          precision,
          promptTexts,
          threads,
          flag("--spin"),
        ),
      );
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

  console.table(
    Object.entries(samples).map(([name, s]) => ({
      engine: name,
      "TTFT 200-tok prompt (ms)": Math.round(best(s.ttftMs, true)),
      "decode tok/s (batch 1)": Number(best(s.decodeTps).toFixed(1)),
      "CPU ms/token": Number(best(s.cpuMsPerToken, true).toFixed(1)),
      ...Object.fromEntries(
        concurrency.map((n) => [
          `x${n} tok/s e2e / steady`,
          `${best(s.aggregate[n]!).toFixed(1)} / ${best(s.steady[n]!).toFixed(1)}`,
        ]),
      ),
    })),
  );
  const fp32 = samples["ours fp32"]!;
  const int8 = samples["ours int8"]!;
  const n8 = concurrency.includes(8) ? 8 : concurrency.at(-1)!;
  console.log(
    `targets: fp32 decode ${best(fp32.decodeTps).toFixed(1)} tok/s (>= 45), int8 ${best(int8.decodeTps).toFixed(1)} (>= 85), ` +
      `x${n8} / x1 aggregate = ${(best(fp32.aggregate[n8]!) / best(fp32.aggregate[1]!)).toFixed(2)} end-to-end, ` +
      `${(best(fp32.steady[n8]!) / best(fp32.steady[1]!)).toFixed(2)} steady decode (fp32); ` +
      `${(best(int8.aggregate[n8]!) / best(int8.aggregate[1]!)).toFixed(2)} / ` +
      `${(best(int8.steady[n8]!) / best(int8.steady[1]!)).toFixed(2)} (int8) (target >= 3)`,
  );
  const share = (p: "fp32" | "int8") =>
    `${((100 * best(samples[`ours ${p}`]!.decodeTps)) / best(samples[`onnxruntime alone ${p}`]!.decodeTps)).toFixed(0)}%`;
  console.log(
    `batch-1 decode against onnxruntime alone on this host: fp32 ${share("fp32")}, int8 ${share("int8")}`,
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
      { date: new Date().toISOString(), loadavg: loadavg(), threads, repeats, summary, samples },
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

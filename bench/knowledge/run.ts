/**
 * Knowledge curation benchmark: imports 100,000 pairs (300,000 variants) from JSONL, then measures
 * search, list pages (with filters and keyset paging) and export on PGlite and PostgreSQL.
 * Usage: npm run bench:knowledge -- [--pairs 100000] [--db pglite,postgres] [--queries 200]
 *        [--retriever DIR|none] (default .tunedesk/retriever-base, else an untrained encoder)
 * PostgreSQL: BENCH_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/postgres); a throw-away
 * database is created and dropped.
 */
import { execFileSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { sql } from "drizzle-orm";
import pg from "pg";
import { type Database, openDatabase } from "@/db/client";
import { listPairs, type PairFilter, type PairSort, searchPairsByText } from "@/db/queries/knowledge-search";
import { DEFAULT_CALIBRATION } from "@/server/assistant/decision";
import { RetrieverEncoder } from "@/server/assistant/retriever/encoder";
import { Retriever } from "@/server/assistant/retriever/retriever";
import { exportKnowledge } from "@/server/knowledge/export";
import { importKnowledge } from "@/server/knowledge/import";
import { prng, syntheticPairs, withTypo } from "./synthetic";

const { values } = parseArgs({
  options: {
    pairs: { type: "string", default: "100000" },
    db: { type: "string", default: "pglite,postgres" },
    queries: { type: "string", default: "200" },
    retriever: { type: "string" },
  },
});
const PAIRS = Number(values.pairs);
const QUERIES = Number(values.queries);
const ADMIN_URL = process.env.BENCH_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  const value = await fn();
  return [value, performance.now() - start];
}

function summary(label: string, samples: number[]) {
  const f = (n: number) => n.toFixed(1).padStart(7);
  console.log(
    `  ${label.padEnd(34)} p50 ${f(percentile(samples, 50))} ms  p95 ${f(percentile(samples, 95))} ms  max ${f(Math.max(...samples))} ms  (n=${samples.length})`,
  );
}

async function* chunksOf(buffer: Buffer, size = 64 * 1024): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < buffer.length; i += size) {
    yield new Uint8Array(buffer.buffer, buffer.byteOffset + i, Math.min(size, buffer.length - i));
  }
}

async function openBenchDatabase(
  kind: "pglite" | "postgres",
): Promise<{ database: Database; drop: () => Promise<void> }> {
  if (kind === "pglite") {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tunedesk-bench-"));
    const database = await openDatabase({ kind: "pglite", dataDir: dir });
    await database.migrate();
    return {
      database,
      drop: async () => {
        await database.close();
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const name = `tunedesk_bench_${crypto.randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  const database = await openDatabase({ kind: "postgres", url: url.toString() });
  await database.migrate();
  return {
    database,
    async drop() {
      await database.close();
      const c = new pg.Client({ connectionString: ADMIN_URL });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

async function bench(
  kind: "pglite" | "postgres",
  file: Buffer,
  questions: string[],
  encoderDir: string | null,
) {
  console.log(
    `\n== ${kind}: ${PAIRS.toLocaleString("en-US")} pairs, ${(PAIRS * 3).toLocaleString("en-US")} variants ==`,
  );
  const { database, drop } = await openBenchDatabase(kind);
  const { db } = database;
  try {
    const [result, importMs] = await timed(() =>
      importKnowledge(db, chunksOf(file), {
        format: "auto",
        fileName: "bench.jsonl",
        mode: "commit",
        actorId: null,
      }),
    );
    if (!result.committed) throw new Error(`import failed: ${JSON.stringify(result.errors.slice(0, 3))}`);
    console.log(
      `  import ${PAIRS.toLocaleString("en-US")}-line JSONL        ${(importMs / 1000).toFixed(2)} s (${result.counts.create} created)`,
    );

    const random = prng(7);
    const pick = <T>(list: T[]) => list[Math.floor(random() * list.length)] as T;
    const searchTerms = Array.from({ length: QUERIES }, (_, i) => {
      const words = pick(questions)
        .replace(/[?()]/g, "")
        .split(" ")
        .filter((w) => w.length > 3);
      const start = Math.floor(random() * Math.max(1, words.length - 2));
      const phrase = words.slice(start, start + 2 + (i % 2)).join(" ");
      return i % 3 === 0 ? withTypo(phrase, random) : phrase;
    });
    // Warm-up, as a running server would be.
    for (const q of searchTerms.slice(0, 10))
      await listPairs(db, { filter: { q }, sort: "relevance", limit: 50 });

    const search: number[] = [];
    const typo: number[] = [];
    for (const [i, q] of searchTerms.entries()) {
      const [, ms] = await timed(() => listPairs(db, { filter: { q }, sort: "relevance", limit: 50 }));
      (i % 3 === 0 ? typo : search).push(ms);
    }
    summary("search (full text, first page)", search);
    summary("search with a typo (trigram)", typo);
    const retrieval: number[] = [];
    for (const q of searchTerms.slice(0, 100))
      retrieval.push((await timed(() => searchPairsByText(db, q, { limit: 5 })))[1]);
    summary("retrieval searchPairsByText (top 5)", retrieval);
    if (encoderDir) {
      const encoder = await RetrieverEncoder.load(encoderDir);
      const retriever = new Retriever(encoder, DEFAULT_CALIBRATION.hybrid);
      const [index, buildMs] = await timed(() => retriever.current(db));
      console.log(
        `  hybrid index: ${index.size.toLocaleString("en-US")} phrasings embedded and stored in ${(buildMs / 1000).toFixed(1)} s, ${(index.matrix.byteLength / 1e6).toFixed(0)} MB of vectors`,
      );
      const [, reloadMs] = await timed(() => new Retriever(encoder, DEFAULT_CALIBRATION.hybrid).current(db));
      console.log(`  hybrid index reloaded from the embedding store in ${(reloadMs / 1000).toFixed(1)} s`);
      for (const q of questions.slice(0, 5)) await retriever.rank(db, q);
      const hybrid: number[] = [];
      for (const q of searchTerms.slice(0, 100)) hybrid.push((await timed(() => retriever.rank(db, q)))[1]);
      summary("retrieval hybrid Retriever.rank (top 5)", hybrid);
      await retriever.dispose();
    }

    const products = (await db.execute(
      sql`select distinct product from knowledge_pairs limit 20`,
    )) as unknown as { rows: { product: string }[] };
    const filters: PairFilter[] = [
      {},
      { status: ["approved"] },
      { status: ["draft"] },
      { product: pick(products.rows).product },
      { source: "import", status: ["approved"] },
    ];
    const sorts: PairSort[] = ["updated_desc", "updated_asc", "created_desc", "question_asc"];
    const first: number[] = [];
    const deep: number[] = [];
    for (let i = 0; i < QUERIES / 5; i++) {
      const filter = pick(filters);
      const sort = pick(sorts);
      let cursor: string | undefined;
      for (let page = 0; page < 5; page++) {
        const [res, ms] = await timed(() => listPairs(db, { filter, sort, cursor, limit: 50 }));
        (page === 0 ? first : deep).push(ms);
        cursor = res.nextCursor ?? undefined;
        if (!cursor) break;
      }
    }
    summary("list page 1 (filters × sorts)", first);
    summary("list pages 2–5 (keyset)", deep);
    summary("list page, all", [...first, ...deep]);

    for (const format of ["jsonl", "training"] as const) {
      let bytes = 0;
      const [, ms] = await timed(async () => {
        for await (const chunk of exportKnowledge(db, format, {})) bytes += Buffer.byteLength(chunk);
      });
      console.log(
        `  export ${format.padEnd(27)} ${(ms / 1000).toFixed(2)} s (${(bytes / 1e6).toFixed(1)} MB)`,
      );
    }
  } finally {
    await drop();
  }
}

/**
 * The encoder hybrid retrieval is timed with: the general retriever base when it was built
 * (npm run build:retriever), else an untrained one of the same shape (speed does not depend on
 * the weights).
 */
async function benchEncoder(): Promise<string | null> {
  if (values.retriever === "none") return null;
  const base = path.resolve(values.retriever ?? ".tunedesk/retriever-base");
  if (fs.existsSync(path.join(base, "retriever.json"))) {
    console.log(`Retriever: ${base}`);
    return base;
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tunedesk-bench-retriever-"));
  const groups = path.join(dir, "groups.jsonl");
  fs.writeFileSync(groups, '{"texts":["a","b"]}\n{"texts":["c","d"]}\n');
  const config = path.join(dir, "run.json");
  fs.writeFileSync(
    config,
    JSON.stringify({ groups_file: groups, out_dir: path.join(dir, "retriever"), steps: 1 }),
  );
  execFileSync("/usr/bin/python3", ["-m", "trainer", "retriever-tune", "--config", config], {
    stdio: "ignore",
  });
  console.log("Retriever: untrained, full size (no retriever base built)");
  return path.join(dir, "retriever");
}

async function main() {
  const { pairs } = syntheticPairs(PAIRS);
  const file = Buffer.from(`${pairs.map((p) => JSON.stringify(p)).join("\n")}\n`);
  console.log(
    `Synthetic JSONL: ${PAIRS.toLocaleString("en-US")} lines, ${(file.length / 1e6).toFixed(1)} MB; ${os.cpus().length} CPUs`,
  );
  const encoderDir = await benchEncoder();
  for (const kind of (values.db ?? "pglite,postgres").split(",") as ("pglite" | "postgres")[])
    await bench(
      kind,
      file,
      pairs.map((p) => p.question),
      encoderDir,
    );
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);

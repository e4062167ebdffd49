/**
 * The fuzz suite at volume: every public and customer endpoint gets `--runs` generated requests
 * (default 10,000) on the embedded database and on PostgreSQL ($TEST_DATABASE_URL's server, a
 * fresh database), and the statuses are counted. Any status of 500 or more is a bug: the run
 * prints the first request that caused one for each endpoint and exits non-zero.
 *
 *   npm run bench:fuzz -- [--runs 10000] [--databases pglite,postgres] [--seed 1]
 */
import { parseArgs } from "node:util";
import fc from "fast-check";
import { reloadServingModel } from "@/server/serving";
import { endpoints, statusOf } from "../../test/fuzz/endpoints";
import { fuzzContext } from "../../test/fuzz/setup";
import { createTestDatabase } from "../../test/helpers/db";
import { insertModel, servingBundle } from "../../test/server/serving-fixtures";

async function main() {
  const { values } = parseArgs({
    options: {
      runs: { type: "string", default: "10000" },
      databases: { type: "string", default: "pglite,postgres" },
      seed: { type: "string", default: "1" },
    },
  });
  const runs = Number(values.runs);
  let serverErrors = 0;
  for (const kind of (values.databases ?? "").split(",") as ("pglite" | "postgres")[]) {
    const { database, drop } = await createTestDatabase(kind);
    try {
      const ctx = await fuzzContext(database.db);
      await insertModel(database.db, await servingBundle());
      await reloadServingModel(database.db);
      console.log(`\n## ${kind}: ${runs} requests per endpoint`);
      console.log("| endpoint | statuses | ≥ 500 | seconds |\n| --- | --- | --- | --- |");
      for (const [name, endpoint] of Object.entries(endpoints(ctx))) {
        const counts = new Map<number, number>();
        let firstFailure: string | undefined;
        const started = performance.now();
        const samples = fc.sample(endpoint.requests, { numRuns: runs, seed: Number(values.seed) });
        for (const request of samples) {
          const described = `${request.method} ${request.url.slice(0, 200)}`;
          let status: number;
          try {
            status = await statusOf(await endpoint.handle(request));
          } catch {
            status = 599; // the handler threw instead of answering
          }
          counts.set(status, (counts.get(status) ?? 0) + 1);
          if (status >= 500 && !firstFailure) firstFailure = described;
        }
        const failed = [...counts].filter(([s]) => s >= 500).reduce((n, [, c]) => n + c, 0);
        serverErrors += failed;
        const statuses = [...counts]
          .sort(([a], [b]) => a - b)
          .map(([s, c]) => `${s}×${c}`)
          .join(", ");
        console.log(
          `| ${name} | ${statuses} | ${failed} | ${((performance.now() - started) / 1000).toFixed(1)} |`,
        );
        if (firstFailure) console.log(`  first server error: ${firstFailure}`);
      }
    } finally {
      await reloadServingModel(database.db).catch(() => {});
      await drop();
    }
  }
  console.log(`\nresponses ≥ 500: ${serverErrors}`);
  process.exit(serverErrors ? 1 : 0);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});

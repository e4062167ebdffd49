import fc from "fast-check";
import { beforeAll, expect, it } from "vitest";
import { reloadServingModel } from "@/server/serving";
import { describeEachDatabase } from "../helpers/db";
import { insertModel, servingBundle } from "../server/serving-fixtures";
import { endpoints, type FuzzContext, statusOf } from "./endpoints";
import { fuzzContext } from "./setup";

/** A few dozen inputs per endpoint here; `npm run bench:fuzz` runs 10,000 each. */
const RUNS = 100;

describeEachDatabase("fuzzed public and customer endpoints", (useDb) => {
  let ctx: FuzzContext;

  beforeAll(async () => {
    const db = useDb().db;
    ctx = await fuzzContext(db);
    await insertModel(db, await servingBundle());
    await reloadServingModel(db);
  }, 300_000);

  it("never answer with a server error, whatever they are sent", async () => {
    for (const [name, endpoint] of Object.entries(endpoints(ctx))) {
      await fc.assert(
        fc.asyncProperty(endpoint.requests, async (request) => {
          const status = await statusOf(await endpoint.handle(request));
          expect({ name, status: status >= 500 ? status : "ok" }).toEqual({ name, status: "ok" });
        }),
        { numRuns: RUNS, seed: 20261203 },
      );
    }
  }, 600_000);
});

import { describe, expect, it } from "vitest";
import { ModelManager, NoModelLoadedError } from "../../../server/inference";
import { tinyBundle } from "./fixtures";

describe("ModelManager", () => {
  it("loads, hot-swaps with in-flight chats finishing on the old engine, and unloads", async () => {
    const bundleDir = await tinyBundle();
    const manager = new ModelManager({ threads: 2 });
    expect(() => manager.generate({ messages: [{ role: "user", content: "hi" }] })).toThrow(
      NoModelLoadedError,
    );

    const first = await manager.load(bundleDir);
    expect(manager.active?.engine).toBe(first.engine);
    const promptIds = [5, 6, 7, 8];
    const expected = await manager.generateFromIds({
      promptIds,
      maxNewTokens: 400,
      temperature: 0,
      ignoreEos: true,
    }).result;

    // Enough work on the first engine that it is still generating when the new model is promoted.
    const inFlight = Array.from({ length: 16 }, () =>
      manager.generateFromIds({ promptIds, maxNewTokens: 400, temperature: 0, ignoreEos: true }),
    );
    await inFlight[0]![Symbol.asyncIterator]().next();
    const second = await manager.load(bundleDir, { precision: "int8" });
    expect(second.engine).not.toBe(first.engine);
    expect(manager.active?.engine).toBe(second.engine);
    expect(first.engine.inFlight).toBeGreaterThan(0);
    const onNew = manager.generateFromIds({ promptIds, maxNewTokens: 5, temperature: 0 });
    expect(second.engine.inFlight).toBe(1);
    for (const stream of inFlight) expect((await stream.result).tokenIds).toEqual(expected.tokenIds);
    expect((await onNew.result).completionTokens).toBe(5);
    await first.engine.whenIdle();
    expect(() => first.engine.generateFromIds({ promptIds })).toThrow(/disposed/);

    await manager.unload();
    expect(manager.active).toBeUndefined();
    expect(() => manager.generate({ messages: [{ role: "user", content: "hi" }] })).toThrow(
      NoModelLoadedError,
    );
  }, 300_000);
});

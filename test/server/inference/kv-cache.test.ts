import { describe, expect, it } from "vitest";
import { KvCache } from "../../../server/inference/kv-cache";

const shape = { numLayers: 1, kvHeads: 2, headDim: 1 };
/** Cache whose value at (row, head, pos) is row*100 + head*10 + pos. */
function numbered(batch: number, length: number): KvCache {
  const t = new Float32Array(batch * 2 * length);
  for (let b = 0; b < batch; b++)
    for (let h = 0; h < 2; h++)
      for (let p = 0; p < length; p++) t[(b * 2 + h) * length + p] = b * 100 + h * 10 + p;
  return new KvCache(shape, batch, length, [t, t.slice()]);
}

describe("KvCache.gather", () => {
  it("right-aligns kept positions and left-pads with zeros (merge)", () => {
    const a = numbered(2, 3);
    const b = numbered(1, 5);
    const merged = KvCache.gather(shape, [
      { cache: a, row: 1, keep: 2 },
      { cache: b, row: 0, keep: 5 },
    ]);
    expect(merged.batch).toBe(2);
    expect(merged.length).toBe(5);
    expect([...merged.tensors[0]!.subarray(0, 5)]).toEqual([0, 0, 0, 101, 102]); // row 0, head 0
    expect([...merged.tensors[0]!.subarray(5, 10)]).toEqual([0, 0, 0, 111, 112]); // row 0, head 1
    expect([...merged.tensors[1]!.subarray(10, 15)]).toEqual([0, 1, 2, 3, 4]); // row 1 = b row 0 head 0
  });

  it("drops finished rows and all-padding columns (split)", () => {
    const c = numbered(3, 4);
    const kept = KvCache.gather(shape, [{ cache: c, row: 2, keep: 2 }]);
    expect(kept.length).toBe(2);
    expect([...kept.tensors[0]!]).toEqual([202, 203, 212, 213]);
    expect(KvCache.gather(shape, []).batch).toBe(0);
  });

  it("keeps each row's tokens from column 0 for the fused graphs (align start)", () => {
    const start = { ...shape, align: "start" as const };
    const a = new KvCache(start, 2, 3, numbered(2, 3).tensors);
    const merged = KvCache.gather(start, [
      { cache: a, row: 1, keep: 2 },
      { cache: a, row: 0, keep: 3 },
    ]);
    expect(merged.length).toBe(3);
    expect([...merged.tensors[0]!.subarray(0, 6)]).toEqual([100, 101, 0, 110, 111, 0]); // row 0: a's row 1
    expect([...merged.tensors[0]!.subarray(6, 12)]).toEqual([0, 1, 2, 10, 11, 12]); // row 1: a's row 0
  });
});

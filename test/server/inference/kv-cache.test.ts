import { describe, expect, it } from "vitest";
import { appendTensors, HEADROOM } from "../../../server/inference/cache-layout.mjs";
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

  it("keeps each row's tokens from column 0 for the fused graphs, with room to grow", () => {
    const start = { ...shape, align: "start" as const };
    const a = new KvCache(start, 2, 3, numbered(2, 3).tensors);
    const merged = KvCache.gather(start, [
      { cache: a, row: 1, keep: 2 },
      { cache: a, row: 0, keep: 3 },
    ]);
    const cap = 3 + HEADROOM;
    expect([merged.length, merged.capacity]).toEqual([3, cap]);
    const at = (row: number, head: number) => [
      ...merged.tensors[0]!.subarray((row * 2 + head) * cap, (row * 2 + head) * cap + 4),
    ];
    expect([at(0, 0), at(0, 1)]).toEqual([
      [100, 101, 0, 0],
      [110, 111, 0, 0],
    ]); // row 0: a's row 1
    expect([at(1, 0), at(1, 1)]).toEqual([
      [0, 1, 2, 0],
      [10, 11, 12, 0],
    ]); // row 1: a's row 0
  });
});

describe("appendTensors (a fused graph's keys and values joining the cache)", () => {
  // One layer, one query head, one key/value head of 2 dims: a token's q|k|v is 6 floats.
  const fused = { numLayers: 1, heads: 1, kvHeads: 1, headDim: 2, ropeTheta: 10000, align: "start" as const };
  const withRows = (lengths: number[], capacity: number) =>
    new KvCache(
      fused,
      lengths.length,
      Math.max(...lengths),
      [0, 1].map(() => new Float32Array(lengths.length * capacity * 2).fill(9)),
      capacity,
    );
  // Row 0's new key (1, 0), value (5, 6); row 1's key (0, 1), value (7, 8).
  const qkv = () => [Float32Array.of(0, 0, 1, 0, 5, 6, 0, 0, 0, 1, 7, 8)];

  it("rotates each row's key by its own position and writes it after the row's tokens, in place", () => {
    const cache = withRows([3, 2], 6);
    const out = appendTensors(fused, cache, qkv(), [3, 2], 1);
    expect(out.tensors[0]).toBe(cache.tensors[0]); // no copy while there is room
    expect([out.length, out.capacity]).toEqual([4, 6]);
    const [keys, values] = out.tensors as [Float32Array, Float32Array];
    // The first frequency is 1 radian per position: (1, 0) at position 3 is (cos 3, sin 3).
    expect(keys[3 * 2]).toBeCloseTo(Math.cos(3), 6);
    expect(keys[3 * 2 + 1]).toBeCloseTo(Math.sin(3), 6);
    expect(keys[6 * 2 + 2 * 2]).toBeCloseTo(-Math.sin(2), 6); // row 1, position 2: (0, 1) rotated by 2
    expect(keys[6 * 2 + 2 * 2 + 1]).toBeCloseTo(Math.cos(2), 6);
    expect([...values.subarray(6, 8)]).toEqual([5, 6]);
    expect([...values.subarray(16, 18)]).toEqual([7, 8]);
    expect(keys[0]).toBe(9); // earlier tokens untouched
  });

  it("moves the rows to a larger buffer when the longest one is full", () => {
    const full = withRows([3, 3], 3);
    const out = appendTensors(fused, full, qkv(), [3, 3], 1);
    expect(out.tensors[0]).not.toBe(full.tensors[0]);
    expect([out.length, out.capacity]).toEqual([4, 4 + HEADROOM]);
    expect([...out.tensors[1]!.subarray(0, 8)]).toEqual([9, 9, 9, 9, 9, 9, 5, 6]);
  });
});

import type { KvShape } from "./kv-cache";

export interface HostCache {
  readonly length: number;
  readonly tensors: ReadonlyArray<Float32Array>;
}

export function emptyTensors(numLayers: number): Float32Array[];

export function pastFeeds(
  tensors: ReadonlyArray<Float32Array>,
  dims: number[],
): Record<string, { type: "float32"; data: Float32Array; dims: number[] }>;

export function presentTensors(
  outputs: Record<string, { data: Float32Array }>,
  numLayers: number,
): Float32Array[];

export function gatherTensors(
  shape: KvShape,
  rows: ReadonlyArray<{ cache: HostCache; row: number; keep: number }>,
  length: number,
): Float32Array[];

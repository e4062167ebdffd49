import type { KvShape } from "./kv-cache";

export interface HostCache {
  readonly batch?: number;
  readonly length: number;
  /** Positions the tensors hold per row (default `length`). */
  readonly capacity?: number;
  readonly tensors: ReadonlyArray<Float32Array>;
}

export const HEADROOM: number;

export function gatheredCapacity(shape: KvShape, length: number): number;

export function emptyTensors(numLayers: number): Float32Array[];

export function capacityOf(cache: HostCache): number;

export function pastFeeds(
  tensors: ReadonlyArray<Float32Array>,
  dims: number[],
): Record<string, { type: "float32"; data: Float32Array; dims: number[] }>;

export function presentTensors(
  outputs: Record<string, { data: Float32Array }>,
  numLayers: number,
): Float32Array[];

export function qkvTensors(
  outputs: Record<string, { data: Float32Array }>,
  numLayers: number,
): Float32Array[];

export function gatherTensors(
  shape: KvShape,
  rows: ReadonlyArray<{ cache: HostCache; row: number; keep: number }>,
  capacity: number,
): Float32Array[];

export function appendTensors(
  shape: KvShape,
  cache: HostCache & { batch: number },
  qkv: ReadonlyArray<Float32Array>,
  firstPosition: ArrayLike<number>,
  seq: number,
): { batch: number; length: number; capacity: number; tensors: Float32Array[] };

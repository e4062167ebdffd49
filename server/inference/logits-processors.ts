/**
 * Logits processors: small, independent in-place transforms of one sequence's next-token logits,
 * applied in order before sampling (same semantics as transformers / transformers.js).
 */

/** What a processor may look at: every id of the sequence so far (prompt + generated). */
export interface SequenceView {
  readonly tokenIds: readonly number[];
  readonly promptLength: number;
}

export interface LogitsProcessor {
  /** Called once per generated token, after it is appended, so processors can keep incremental state. */
  onToken?(sequence: SequenceView): void;
  /** Modifies `logits` (one row of vocab size) in place. */
  apply(logits: Float32Array, sequence: SequenceView): void;
}

export class TemperatureProcessor implements LogitsProcessor {
  constructor(private readonly temperature: number) {
    if (!(temperature > 0)) throw new RangeError("temperature must be > 0 (use greedy decoding for 0)");
  }
  apply(logits: Float32Array): void {
    if (this.temperature === 1) return;
    const inv = 1 / this.temperature;
    for (let i = 0; i < logits.length; i++) logits[i]! *= inv;
  }
}

/** Keeps the k highest logits; ties at the k-th value are all kept. */
export class TopKProcessor implements LogitsProcessor {
  constructor(private readonly k: number) {}
  apply(logits: Float32Array): void {
    if (this.k <= 0 || this.k >= logits.length) return;
    const threshold = kthLargest(logits, this.k);
    for (let i = 0; i < logits.length; i++) if (logits[i]! < threshold) logits[i] = -Infinity;
  }
}

/** Nucleus sampling: keeps the smallest set of most likely tokens whose probability reaches p. */
export class TopPProcessor implements LogitsProcessor {
  constructor(private readonly p: number) {}
  apply(logits: Float32Array): void {
    if (this.p >= 1) return;
    let max = -Infinity;
    for (let i = 0; i < logits.length; i++) if (logits[i]! > max) max = logits[i]!;
    const probs = new Float32Array(logits.length);
    let sum = 0;
    for (let i = 0; i < logits.length; i++) {
      const e = Math.exp(logits[i]! - max);
      probs[i] = e;
      sum += e;
    }
    // Sort only the plausible head: candidates within a large factor of the max usually hold the mass.
    let candidates = indicesAbove(probs, sum * 1e-6);
    if (massOf(probs, candidates) < this.p * sum) candidates = indicesAbove(probs, 0);
    candidates.sort((a, b) => probs[b]! - probs[a]!);
    const keep = new Uint8Array(logits.length);
    let cumulative = 0;
    for (const id of candidates) {
      keep[id] = 1;
      cumulative += probs[id]!;
      if (cumulative >= this.p * sum) break;
    }
    for (let i = 0; i < logits.length; i++) if (!keep[i]) logits[i] = -Infinity;
  }
}

/**
 * HF repetition penalty: positive logits divided, negative multiplied. `includePrompt: false`
 * penalizes only generated tokens, for prompts whose text the answer should be free to reuse
 * (retrieved reference answers).
 */
export class RepetitionPenaltyProcessor implements LogitsProcessor {
  private readonly seen = new Set<number>();
  private counted = -1;
  constructor(
    private readonly penalty: number,
    private readonly includePrompt = true,
  ) {}
  apply(logits: Float32Array, sequence: SequenceView): void {
    if (this.penalty === 1) return;
    this.catchUp(sequence);
    for (const id of this.seen) {
      const v = logits[id]!;
      logits[id] = v < 0 ? v * this.penalty : v / this.penalty;
    }
  }
  onToken(sequence: SequenceView): void {
    this.catchUp(sequence);
  }
  private catchUp(sequence: SequenceView): void {
    if (this.counted < 0) this.counted = this.includePrompt ? 0 : sequence.promptLength;
    for (; this.counted < sequence.tokenIds.length; this.counted++)
      this.seen.add(sequence.tokenIds[this.counted]!);
  }
}

/**
 * Bans any token that would complete an n-gram already present in the sequence (only in the
 * generated part with `includePrompt: false`).
 */
export class NoRepeatNGramProcessor implements LogitsProcessor {
  /** (n-1)-gram key -> tokens that followed it. */
  private readonly followers = new Map<string, Set<number>>();
  private indexed = 0;
  constructor(
    private readonly n: number,
    private readonly includePrompt = true,
  ) {
    if (!(n >= 1)) throw new RangeError("no-repeat n-gram size must be >= 1");
  }
  apply(logits: Float32Array, sequence: SequenceView): void {
    this.catchUp(sequence);
    const ids = sequence.tokenIds;
    if (ids.length < this.n - 1) return;
    const banned = this.followers.get(ids.slice(ids.length - (this.n - 1)).join(","));
    if (banned) for (const id of banned) logits[id] = -Infinity;
  }
  onToken(sequence: SequenceView): void {
    this.catchUp(sequence);
  }
  private catchUp(sequence: SequenceView): void {
    const ids = sequence.tokenIds;
    // Index every complete n-gram ending at position `end - 1`.
    const first = this.includePrompt ? this.n : sequence.promptLength + this.n;
    for (let end = Math.max(this.indexed + 1, first); end <= ids.length; end++) {
      const key = ids.slice(end - this.n, end - 1).join(",");
      let set = this.followers.get(key);
      if (!set) {
        set = new Set();
        this.followers.set(key, set);
      }
      set.add(ids[end - 1]!);
    }
    this.indexed = Math.max(this.indexed, ids.length);
  }
}

/** The k-th largest value (1-based) without sorting the whole vocabulary. */
export function kthLargest(values: Float32Array, k: number): number {
  // Min-heap of the k largest seen so far; O(V log k), fine for k << V.
  const heap = new Float32Array(k);
  let size = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (size < k) {
      let j = size++;
      heap[j] = v;
      while (j > 0) {
        const parent = (j - 1) >> 1;
        if (heap[parent]! <= heap[j]!) break;
        [heap[parent], heap[j]] = [heap[j]!, heap[parent]!];
        j = parent;
      }
    } else if (v > heap[0]!) {
      heap[0] = v;
      let j = 0;
      for (;;) {
        const l = 2 * j + 1;
        const r = l + 1;
        let m = j;
        if (l < k && heap[l]! < heap[m]!) m = l;
        if (r < k && heap[r]! < heap[m]!) m = r;
        if (m === j) break;
        [heap[m], heap[j]] = [heap[j]!, heap[m]!];
        j = m;
      }
    }
  }
  return heap[0]!;
}

function indicesAbove(values: Float32Array, threshold: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < values.length; i++) if (values[i]! > threshold) out.push(i);
  return out;
}

function massOf(values: Float32Array, ids: number[]): number {
  let s = 0;
  for (const id of ids) s += values[id]!;
  return s;
}

export interface ProcessorSettings {
  temperature: number;
  topK: number;
  topP: number;
  repetitionPenalty: number;
  noRepeatNgramSize: number;
  /** Whether the penalties also count prompt tokens (HF semantics) or only generated ones. */
  penalizePrompt: boolean;
  doSample: boolean;
}

/** Builds the processor chain in transformers' order: penalties first, then the sampling warpers. */
export function buildLogitsProcessors(s: ProcessorSettings): LogitsProcessor[] {
  const chain: LogitsProcessor[] = [];
  if (s.repetitionPenalty !== 1)
    chain.push(new RepetitionPenaltyProcessor(s.repetitionPenalty, s.penalizePrompt));
  if (s.noRepeatNgramSize > 0) chain.push(new NoRepeatNGramProcessor(s.noRepeatNgramSize, s.penalizePrompt));
  if (s.doSample) {
    if (s.temperature !== 1) chain.push(new TemperatureProcessor(s.temperature));
    if (s.topK > 0) chain.push(new TopKProcessor(s.topK));
    if (s.topP < 1) chain.push(new TopPProcessor(s.topP));
  }
  return chain;
}

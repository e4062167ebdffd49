/** Public types of the inference engine (shared by the chat route, the OpenAI API and evaluation). */

/** One chat turn. `role` is passed to the bundle's chat template as-is (system | user | assistant | ...). */
export interface ChatMessage {
  role: string;
  content: string;
}

/** Per-request sampling and stopping settings. Unset fields fall back to the bundle's generation_config.json. */
export interface SamplingOptions {
  /** Upper bound on generated tokens (default: generation_config max_new_tokens, else 256). */
  maxNewTokens?: number;
  /** 0 (or doSample=false) means greedy decoding. */
  temperature?: number;
  topK?: number;
  topP?: number;
  /** HF semantics: > 1 discourages tokens already in the prompt or the output. */
  repetitionPenalty?: number;
  /** Forbid repeating any n-gram of this size (0 = off). */
  noRepeatNgramSize?: number;
  /** Whether the repetition penalty and the n-gram ban also count the prompt (default true, as in transformers). */
  penalizePrompt?: boolean;
  /** Force sampling on/off; default: sampling iff temperature > 0 (or generation_config.do_sample). */
  doSample?: boolean;
  /** Seed for this request's own random generator: same seed, same output, whatever else is batched with it. */
  seed?: number;
  /** Generation ends (finishReason 'stop') when the output contains any of these; the text is cut before it. */
  stop?: string[];
  /** Keep generating past eos / end-of-turn ids (benchmarks, tests); only limits and stop strings end it. */
  ignoreEos?: boolean;
}

export interface GenerateRequest extends SamplingOptions {
  /** Conversation to answer; the last turn is normally the user's. Old turns are dropped to fit the context. */
  messages: ChatMessage[];
  /** Aborting ends the generation with finishReason 'cancelled' (e.g. the HTTP client went away). */
  signal?: AbortSignal;
}

/** Same as GenerateRequest, for callers that already rendered and tokenized the prompt. */
export interface GenerateIdsRequest extends SamplingOptions {
  promptIds: number[];
  signal?: AbortSignal;
}

export type FinishReason = "stop" | "length" | "cancelled";

/** One streamed step: the token generated and the text it released (may be '' while a character or a possible stop string is incomplete). */
export interface GenerationChunk {
  text: string;
  tokenId: number;
  /** The text released so far is withdrawn and this chunk's text stands instead (the answer guard). */
  replace?: boolean;
}

export interface GenerationResult {
  text: string;
  finishReason: FinishReason;
  promptTokens: number;
  completionTokens: number;
  /** Generated ids, including the eos / end-of-turn id when that is what stopped it. */
  tokenIds: number[];
  /** How many leading conversation turns were dropped to fit the context window. */
  droppedMessages: number;
}

/** Async-iterable stream of chunks plus the final result. Iterating is optional; `result` settles either way. */
export interface GenerationStream extends AsyncIterable<GenerationChunk> {
  readonly result: Promise<GenerationResult>;
}

/**
 * The single place that turns conversations into token ids — used both to serve (prompt rendering,
 * context fitting) and to train (labelled examples) so the two can never disagree on format.
 * Everything is derived from the bundle's own chat template and tokenizer: no hard-coded ChatML.
 */
import { Template } from "@huggingface/jinja";
import { chatTemplateSource, loadTokenizerBundle, specialTokenText, type TokenizerBundle } from "./bundle";
import type { ChatMessage } from "./types";

export const IGNORE_INDEX = -100;

export interface TrainingExample {
  input_ids: number[];
  labels: number[];
}

export interface FittedPrompt {
  ids: number[];
  /** Conversation turns (after the leading system messages) left out to fit. */
  droppedMessages: number;
  /** True when even the shortest allowed conversation does not fit the budget. */
  overflow: boolean;
}

// Unlikely to occur in real text and tokenized without touching the template's own markup.
const PROBE = "zqxjPROBEzqxj";

export class ChatFormat {
  readonly bundle: TokenizerBundle;
  /** Token that closes an assistant turn in this template (e.g. <|im_end|>), if it has one. */
  readonly endOfTurnId: number | undefined;
  /** Ids that end generation: generation_config eos ids + tokenizer eos + end of turn. */
  readonly stopTokenIds: ReadonlySet<number>;
  readonly eosTokenId: number | undefined;
  /** Undefined when the bundle has no chat_template: raw-id generation still works, chat rendering throws. */
  private readonly template: Template | undefined;
  private readonly templateVars: Record<string, unknown>;
  private readonly specialIds: ReadonlySet<number>;

  constructor(bundle: TokenizerBundle) {
    this.bundle = bundle;
    this.template = bundle.tokenizerConfig.chat_template
      ? new Template(chatTemplateSource(bundle.tokenizerConfig))
      : undefined;
    this.templateVars = {};
    for (const key of ["bos_token", "eos_token", "unk_token", "pad_token"]) {
      const text = specialTokenText(bundle.tokenizerConfig, key);
      if (text !== undefined) this.templateVars[key] = text;
    }
    this.specialIds = new Set(
      [...bundle.tokenizer.get_added_tokens_decoder().values()].filter((t) => t.special).map((t) => t.id),
    );
    const eosText = specialTokenText(bundle.tokenizerConfig, "eos_token");
    const eosFromTokenizer = eosText === undefined ? undefined : bundle.tokenizer.token_to_id(eosText);
    const configured = bundle.generationConfig.eos_token_id;
    const eosIds = configured === undefined ? [] : Array.isArray(configured) ? configured : [configured];
    this.eosTokenId = eosFromTokenizer ?? eosIds[0];
    this.endOfTurnId = this.detectEndOfTurn();
    const stops = new Set<number>(eosIds);
    if (eosFromTokenizer !== undefined) stops.add(eosFromTokenizer);
    if (this.endOfTurnId !== undefined) stops.add(this.endOfTurnId);
    this.stopTokenIds = stops;
  }

  get hasChatTemplate(): boolean {
    return this.template !== undefined;
  }

  static async load(dir: string): Promise<ChatFormat> {
    return new ChatFormat(await loadTokenizerBundle(dir));
  }

  render(messages: ChatMessage[], addGenerationPrompt: boolean): string {
    if (!this.template) throw new Error("this bundle has no chat_template in tokenizer_config.json");
    return this.template.render({
      ...this.templateVars,
      messages: messages.map((m) => ({ role: m.role, content: m.content })),
      add_generation_prompt: addGenerationPrompt,
    });
  }

  /** Plain text to ids; special tokens come from the template text itself, so none are added here. */
  encode(text: string): number[] {
    return text.length === 0 ? [] : this.bundle.tokenizer.encode(text, { add_special_tokens: false }).ids;
  }

  /** Text of the ids; NUL bytes (a byte-level model's noise) are dropped: no database stores them in text. */
  decode(ids: number[], skipSpecialTokens = true): string {
    if (ids.length === 0) return "";
    return this.bundle.tokenizer
      .decode(ids, { skip_special_tokens: skipSpecialTokens, clean_up_tokenization_spaces: false })
      .replaceAll("\u0000", "");
  }

  isSpecial(id: number): boolean {
    return this.specialIds.has(id);
  }

  /** Prompt ids for the model to answer `messages` (generation prompt appended). */
  encodeChat(messages: ChatMessage[], addGenerationPrompt = true): number[] {
    return this.encode(this.render(messages, addGenerationPrompt));
  }

  /**
   * Renders the longest suffix of the conversation that fits `maxTokens`, always keeping the leading
   * system message(s) and the last turn, and starting the kept history on a user turn when possible.
   */
  fitToContext(messages: ChatMessage[], maxTokens: number): FittedPrompt {
    let systemCount = 0;
    while (systemCount < messages.length && messages[systemCount]!.role === "system") systemCount++;
    const system = messages.slice(0, systemCount);
    const history = messages.slice(systemCount);
    // Candidate cut points: 0 and every user turn; the last turn is always kept.
    const cuts = [0];
    for (let i = 1; i < history.length; i++) if (history[i]!.role === "user") cuts.push(i);
    if (history.length > 0 && cuts[cuts.length - 1] !== history.length - 1) cuts.push(history.length - 1);
    const encodeFrom = (cut: number) => this.encodeChat([...system, ...history.slice(cut)]);

    const full = encodeFrom(0);
    if (full.length <= maxTokens || cuts.length === 1) {
      return { ids: full, droppedMessages: 0, overflow: full.length > maxTokens };
    }
    // Binary search for the earliest cut that fits (length shrinks as the cut moves right).
    let lo = 1;
    let hi = cuts.length - 1;
    let best: number[] | undefined;
    let bestCut = cuts[hi]!;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const ids = encodeFrom(cuts[mid]!);
      if (ids.length <= maxTokens) {
        best = ids;
        bestCut = cuts[mid]!;
        hi = mid - 1;
      } else {
        lo = mid + 1;
      }
    }
    if (best) return { ids: best, droppedMessages: bestCut, overflow: false };
    const last = cuts[cuts.length - 1]!;
    const ids = encodeFrom(last);
    return { ids, droppedMessages: last, overflow: true };
  }

  /**
   * Chat example: labels are IGNORE_INDEX everywhere except assistant content and its end-of-turn token.
   * Assistant spans are found by rendering prefixes with the template and tokenizing them: the tokens
   * between "history + generation prompt" and "history + this reply" are the reply.
   */
  buildTrainingExample(messages: ChatMessage[], options: { maxTokens?: number } = {}): TrainingExample {
    const inputIds = this.encodeChat(messages, false);
    const labels = new Array<number>(inputIds.length).fill(IGNORE_INDEX);
    for (let i = 0; i < messages.length; i++) {
      if (messages[i]!.role !== "assistant") continue;
      const start = commonPrefixLength(this.encodeChat(messages.slice(0, i), true), inputIds);
      const end = commonPrefixLength(this.encodeChat(messages.slice(0, i + 1), false), inputIds);
      // Learn up to and including the turn's closing stop token; template whitespace after it is not content.
      let learnedEnd = end;
      for (let j = end - 1; j >= start; j--) {
        if (this.stopTokenIds.has(inputIds[j]!)) {
          learnedEnd = j + 1;
          break;
        }
      }
      for (let j = start; j < learnedEnd; j++) labels[j] = inputIds[j]!;
    }
    return truncate({ input_ids: inputIds, labels }, options.maxTokens);
  }

  /** Raw document for continued pre-training: every token learned, eos appended as a document boundary. */
  buildDocumentExample(text: string, options: { maxTokens?: number } = {}): TrainingExample {
    const ids = this.encode(text);
    const bosText = specialTokenText(this.bundle.tokenizerConfig, "bos_token");
    const bosId = bosText === undefined ? undefined : this.bundle.tokenizer.token_to_id(bosText);
    if (this.bundle.tokenizerConfig.add_bos_token === true && bosId !== undefined) ids.unshift(bosId);
    if (this.eosTokenId !== undefined) ids.push(this.eosTokenId);
    return truncate({ input_ids: ids, labels: [...ids] }, options.maxTokens);
  }

  /** First special token the template emits right after assistant content. */
  private detectEndOfTurn(): number | undefined {
    let rendered: string;
    try {
      rendered = this.render(
        [
          { role: "user", content: "Hi" },
          { role: "assistant", content: PROBE },
        ],
        false,
      );
    } catch {
      return undefined;
    }
    const at = rendered.lastIndexOf(PROBE);
    if (at < 0) return undefined;
    return this.encode(rendered.slice(at + PROBE.length)).find((id) => this.specialIds.has(id));
  }
}

function commonPrefixLength(a: number[], b: number[]): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a[i] === b[i]) i++;
  return i;
}

function truncate(example: TrainingExample, maxTokens: number | undefined): TrainingExample {
  if (maxTokens === undefined || example.input_ids.length <= maxTokens) return example;
  return { input_ids: example.input_ids.slice(0, maxTokens), labels: example.labels.slice(0, maxTokens) };
}

/** Functional form of the training-data contract: `buildTrainingExample(bundle, messages)`. */
export function buildTrainingExample(
  source: ChatFormat | TokenizerBundle,
  messages: ChatMessage[],
  options?: { maxTokens?: number },
): TrainingExample {
  const format = source instanceof ChatFormat ? source : new ChatFormat(source);
  return format.buildTrainingExample(messages, options);
}

export function buildDocumentExample(
  source: ChatFormat | TokenizerBundle,
  text: string,
  options?: { maxTokens?: number },
): TrainingExample {
  const format = source instanceof ChatFormat ? source : new ChatFormat(source);
  return format.buildDocumentExample(text, options);
}

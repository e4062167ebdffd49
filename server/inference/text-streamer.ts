/**
 * Turns generated token ids into text deltas that never split a multi-byte character.
 * Byte-level BPE tokens can end mid-character: the tokenizer then decodes a U+FFFD, so we hold
 * those tokens back until the character completes. Decoding from a recent offset (not the whole
 * output every time) keeps this O(1) per token and preserves decoder context such as leading spaces.
 */

export interface TokenDecoder {
  decode(ids: number[]): string;
}

const REPLACEMENT = "\uFFFD";

export class IncrementalDetokenizer {
  private readonly ids: number[] = [];
  /** Start of the window decoded for context; its text was already emitted. */
  private prefixOffset = 0;
  /** Everything before this index has been emitted. */
  private readOffset = 0;

  constructor(private readonly decoder: TokenDecoder) {}

  /** Appends a token; returns the newly complete text ('' while a character is incomplete). */
  push(id: number): string {
    this.ids.push(id);
    const prefixText = this.decodeRange(this.prefixOffset, this.readOffset);
    const fullText = this.decodeRange(this.prefixOffset, this.ids.length);
    if (fullText.length <= prefixText.length || fullText.endsWith(REPLACEMENT)) return "";
    this.prefixOffset = this.readOffset;
    this.readOffset = this.ids.length;
    return fullText.slice(prefixText.length);
  }

  /** At the end of generation: whatever is still held back (may contain U+FFFD if truly invalid). */
  flush(): string {
    if (this.readOffset >= this.ids.length) return "";
    const prefixText = this.decodeRange(this.prefixOffset, this.readOffset);
    const fullText = this.decodeRange(this.prefixOffset, this.ids.length);
    this.prefixOffset = this.readOffset = this.ids.length;
    return fullText.slice(prefixText.length);
  }

  private decodeRange(from: number, to: number): string {
    return to > from ? this.decoder.decode(this.ids.slice(from, to)) : "";
  }
}

/** One physical line of an uploaded file, 1-based, without its line break. */
export type SourceLine = { line: number; text: string; invalidUtf8: boolean; tooLong: boolean };

/** Longest line accepted; a longer one is almost certainly not a knowledge pair. */
export const MAX_LINE_BYTES = 1_000_000;

const strict = new TextDecoder("utf-8", { fatal: true });
const lenient = new TextDecoder("utf-8");

function decode(bytes: Uint8Array, line: number, tooLong: boolean): SourceLine {
  let end = bytes.length;
  if (end > 0 && bytes[end - 1] === 0x0d) end -= 1;
  let view = bytes.subarray(0, end);
  // A UTF-8 byte order mark at the start of the file is not content.
  if (line === 1 && view[0] === 0xef && view[1] === 0xbb && view[2] === 0xbf) view = view.subarray(3);
  try {
    return { line, text: strict.decode(view), invalidUtf8: false, tooLong };
  } catch {
    return { line, text: lenient.decode(view), invalidUtf8: true, tooLong };
  }
}

function concat(parts: Uint8Array[], total: number): Uint8Array {
  if (parts.length === 1) return parts[0] as Uint8Array;
  const out = new Uint8Array(total);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

/**
 * Splits a byte stream into lines, decoding each as UTF-8 on its own so an invalid byte is reported
 * with its line number. Holds at most one line in memory (lines past MAX_LINE_BYTES are cut).
 */
export async function* readLines(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<SourceLine> {
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  let tooLong = false;
  let line = 0;
  for await (const chunk of chunks) {
    let start = 0;
    while (start < chunk.length) {
      const newline = chunk.indexOf(0x0a, start);
      const end = newline === -1 ? chunk.length : newline;
      const piece = chunk.subarray(start, end);
      if (pendingBytes + piece.length > MAX_LINE_BYTES) tooLong = true;
      else if (piece.length) {
        pending.push(piece);
        pendingBytes += piece.length;
      }
      if (newline === -1) break;
      line += 1;
      yield decode(concat(pending, pendingBytes), line, tooLong);
      pending = [];
      pendingBytes = 0;
      tooLong = false;
      start = newline + 1;
    }
  }
  if (pendingBytes > 0 || tooLong) {
    line += 1;
    yield decode(concat(pending, pendingBytes), line, tooLong);
  }
}

/**
 * The one sanitiser for text that comes from outside: PostgreSQL cannot store NUL in text, and a
 * lone UTF-16 surrogate breaks JSON, tokenizers and the database's UTF-8. Every boundary (tRPC
 * inputs, the chat and /v1 routes, server actions, imports) passes what it receives through here.
 */

/** The text without NUL characters and with lone surrogates replaced (U+FFFD). */
export function cleanText(text: string): string {
  return text.replaceAll("\u0000", "").toWellFormed();
}

/** Every string inside a parsed JSON value (or form data), cleaned; other values untouched. */
export function cleanTexts<T>(value: T): T {
  if (typeof value === "string") return cleanText(value) as T;
  if (Array.isArray(value)) return value.map(cleanTexts) as T;
  if (value && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[cleanText(k)] = cleanTexts(v);
    return out as T;
  }
  return value;
}

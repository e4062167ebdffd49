/** Answer-quality measures against a reference answer; all in [0, 1], higher is better unless noted. */

function tokens(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

/** SQuAD-style token F1: overlap of words regardless of order. */
export function tokenF1(candidate: string, reference: string): number {
  const c = tokens(candidate);
  const r = tokens(reference);
  if (c.length === 0 || r.length === 0) return c.length === r.length ? 1 : 0;
  const counts = new Map<string, number>();
  for (const t of r) counts.set(t, (counts.get(t) ?? 0) + 1);
  let overlap = 0;
  for (const t of c) {
    const n = counts.get(t) ?? 0;
    if (n > 0) {
      overlap++;
      counts.set(t, n - 1);
    }
  }
  if (overlap === 0) return 0;
  const precision = overlap / c.length;
  const recall = overlap / r.length;
  return (2 * precision * recall) / (precision + recall);
}

/** ROUGE-L F-measure: longest common subsequence of words, so word order counts. */
export function rougeL(candidate: string, reference: string): number {
  const c = tokens(candidate);
  const r = tokens(reference);
  if (c.length === 0 || r.length === 0) return c.length === r.length ? 1 : 0;
  let prev = new Array<number>(r.length + 1).fill(0);
  for (const word of c) {
    const row = new Array<number>(r.length + 1).fill(0);
    for (let j = 1; j <= r.length; j++)
      row[j] = word === r[j - 1] ? prev[j - 1]! + 1 : Math.max(prev[j]!, row[j - 1]!);
    prev = row;
  }
  const lcs = prev[r.length]!;
  if (lcs === 0) return 0;
  const precision = lcs / c.length;
  const recall = lcs / r.length;
  return (2 * precision * recall) / (precision + recall);
}

/** Share of word n-grams that repeat an earlier one (0 = no repetition; lower is better). */
export function repetitionRate(text: string, n = 3): number {
  const t = tokens(text);
  const total = t.length - n + 1;
  if (total <= 0) return 0;
  const seen = new Set<string>();
  let repeated = 0;
  for (let i = 0; i < total; i++) {
    const gram = t.slice(i, i + n).join(" ");
    if (seen.has(gram)) repeated++;
    else seen.add(gram);
  }
  return repeated / total;
}

export function wordCount(text: string): number {
  return tokens(text).length;
}

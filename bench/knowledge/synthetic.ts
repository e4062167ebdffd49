/** A reproducible synthetic knowledge base: varied enough that search indexes work as on real text. */

function prng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const syllables =
  "ka lo mi ne ra tu fe si gor van del bri sto mar pel quin zor ath ven lis dra kel mon tor fin wal ber cas nim orp".split(
    " ",
  );
const verbs =
  "reset charge pair update clean return replace install connect track cancel repair calibrate export sync fold store wash mount unlock register".split(
    " ",
  );
const nouns =
  "battery strap lid pole screen app account order filter valve cable clip case bag zipper map hub sensor light fuel warranty invoice refund password subscription firmware".split(
    " ",
  );
const openers = [
  "How do I",
  "Can I",
  "Why won't my",
  "Where can I",
  "Is it possible to",
  "What happens if I",
  "How long does it take to",
  "Do I need to",
];

export type SyntheticPair = {
  question: string;
  answer: string;
  variants: string[];
  product: string;
  tags: string[];
  status: "draft" | "approved" | "archived";
};

export function syntheticPairs(count: number, seed = 42): { pairs: SyntheticPair[]; words: string[] } {
  const random = prng(seed);
  const pick = <T>(list: T[]) => list[Math.floor(random() * list.length)] as T;
  const words = Array.from(
    { length: 4000 },
    () => pick(syllables) + pick(syllables) + (random() < 0.5 ? pick(syllables) : ""),
  );
  const products = Array.from(
    { length: 20 },
    (_, i) => `${pick(syllables)}${pick(syllables)} ${["Stove", "Lamp", "Tent", "Watch", "Pack"][i % 5]}`,
  );
  const tags = Array.from({ length: 30 }, () => pick(syllables) + pick(syllables));
  const pairs: SyntheticPair[] = [];
  for (let i = 0; i < count; i++) {
    const product = pick(products);
    const [w1, w2, w3] = [pick(words), pick(words), pick(words)];
    const verb = pick(verbs);
    const noun = pick(nouns);
    const question = `${pick(openers)} ${verb} the ${w1} ${noun} on my ${product} ${w2}?`;
    const variants = [
      `${verb} ${w1} ${noun} ${product}`,
      `my ${product} ${noun} needs a ${verb} (${w2})`,
      `help with ${w1} ${noun} ${w3}`,
    ];
    const answerWords = Array.from({ length: 18 + Math.floor(random() * 20) }, () =>
      random() < 0.3 ? pick(nouns) : pick(words),
    );
    const answer = `To ${verb} the ${noun}, ${answerWords.join(" ")}. Contact support if it still fails (ref ${i}).`;
    const r = random();
    pairs.push({
      question,
      answer,
      variants,
      product,
      tags: [pick(tags), pick(tags)].filter((t, j, all) => all.indexOf(t) === j),
      status: r < 0.7 ? "approved" : r < 0.95 ? "draft" : "archived",
    });
  }
  return { pairs, words };
}

/** One random typo: a dropped, doubled or swapped letter, as people make them. */
export function withTypo(text: string, random: () => number): string {
  const at = 1 + Math.floor(random() * Math.max(1, text.length - 2));
  const kind = random();
  if (kind < 0.33) return text.slice(0, at) + text.slice(at + 1);
  if (kind < 0.66) return text.slice(0, at) + text[at] + text.slice(at);
  return text.slice(0, at - 1) + (text[at] ?? "") + (text[at - 1] ?? "") + text.slice(at + 1);
}

export { prng };

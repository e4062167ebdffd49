/**
 * Faithfulness guard: a generated answer may reword its reference but not add to it nor drop its
 * key facts. Every sentence is checked as it completes; one that brings in content words, numbers
 * or product names the reference does not have (a spliced pair, another product's details) ends
 * the generation, and so does a whole answer that leaves out the reference's numbers or most of
 * its words: the curated answer is served instead.
 */
import { words } from "./retriever/features";

const FUNCTION_WORDS = new Set(
  (
    "a an the and or but if then so to of in on at by for with from as into about over under " +
    "is are was were be been being am do does did done have has had having can could will would " +
    "shall should may might must not no yes it its it's this that these those there here " +
    "i me my we us our you your he she they them their his her what which who whom whose when " +
    "where why how all any each every some more most other such only own same than too very just " +
    "also please thanks thank sorry hi hello help happy glad sure ok okay get got let lets up out"
  ).split(" "),
);

/** Share of a sentence's content words that its reference must contain. */
export const SUPPORTED_SHARE = 0.8;

export interface GuardContext {
  reference: string;
  question: string;
  /** Product names of the knowledge base other than the reference's own. */
  otherProducts: string[];
}

export function sentenceDeparts(sentence: string, ctx: GuardContext): boolean {
  const known = new Set([...words(ctx.reference), ...words(ctx.question)]);
  const content = words(sentence).filter((w) => !FUNCTION_WORDS.has(w));
  if (content.some((w) => /\d/.test(w) && !known.has(w))) return true;
  const lower = ` ${words(sentence).join(" ")} `;
  const referenceWords = ` ${words(ctx.reference).join(" ")} `;
  for (const product of ctx.otherProducts) {
    const name = ` ${words(product).join(" ")} `;
    if (name.trim() && lower.includes(name) && !referenceWords.includes(name)) return true;
  }
  if (content.length === 0) return false;
  const supported = content.filter((w) => known.has(w) || known.has(w.replace(/s$/, ""))).length;
  return supported / content.length < SUPPORTED_SHARE;
}

/** Share of the reference's content words a whole answer must keep (it may be shorter, not thinner). */
export const REFERENCE_RECALL = 0.5;

/**
 * Whether a whole answer leaves out the reference's key facts: any of its numbers (prices, days,
 * codes, phone numbers) or most of its content words.
 */
export function answerOmits(answer: string, reference: string): boolean {
  const said = new Set(words(answer));
  const content = [...new Set(words(reference).filter((w) => !FUNCTION_WORDS.has(w)))];
  if (content.some((w) => /\d/.test(w) && !said.has(w))) return true;
  if (content.length === 0) return false;
  return content.filter((w) => said.has(w)).length / content.length < REFERENCE_RECALL;
}

/** Splits off complete sentences (ending in . ! ? or a newline) from the text seen so far. */
export function completeSentences(text: string): { sentences: string[]; rest: string } {
  const sentences: string[] = [];
  const re = /[^.!?\n]*(?:[.!?]+(?=\s|$)|\n)/g;
  let consumed = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m[0].length === 0) {
      re.lastIndex++;
      continue;
    }
    if (m.index + m[0].length === text.length && !/\n$/.test(m[0])) break;
    sentences.push(m[0]);
    consumed = m.index + m[0].length;
  }
  return { sentences, rest: text.slice(consumed) };
}

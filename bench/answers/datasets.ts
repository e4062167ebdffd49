/**
 * The answer benchmark's knowledge bases and questions, from ../shared/datasets (train splits build
 * the knowledge, test splits only ask). Intent sets get one pair per intent: a seeded sample of 5
 * train utterances as its question and 4 variants, and an answer written here with a key phrase
 * (a reference code) that no other answer has.
 */
import fs from "node:fs";
import path from "node:path";
import Papa from "papaparse";
import type { Db } from "@/db/client";
import { createPair } from "@/db/queries/knowledge";

export const SHARED = path.resolve("../shared/datasets");

export interface BenchPair {
  key: string;
  question: string;
  variants: string[];
  answer: string;
  /** What a right answer must contain (and no other pair's). */
  keyPhrase: string;
}

export interface BenchSet {
  name: string;
  pairs: BenchPair[];
  /** In-scope questions with the key of their right pair. */
  questions: { text: string; key: string }[];
  offTopic: string[];
  note: string;
}

/** Seeded Fisher-Yates (mulberry32): the same sample on every machine. */
export function seededShuffle<T>(items: T[], seed: number): T[] {
  let s = seed >>> 0;
  const random = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

const humanize = (intent: string) =>
  intent
    .replace(/([a-z])([A-Z])/g, "$1 $2")
    .replace(/[_-]+/g, " ")
    .toLowerCase()
    .trim();

function intentSet(
  name: string,
  train: [string, string][],
  test: [string, string][],
  options: { perIntent: number; seed: number; offTopic: string[]; prefix: string },
): BenchSet {
  const byIntent = new Map<string, string[]>();
  for (const [text, intent] of train) byIntent.set(intent, [...(byIntent.get(intent) ?? []), text]);
  const intents = [...byIntent.keys()].sort();
  const pairs: BenchPair[] = intents.map((intent, i) => {
    const [question, ...variants] = seededShuffle(
      [...new Set(byIntent.get(intent)!)].sort(),
      options.seed + i,
    ).slice(0, 5);
    const keyPhrase = `${options.prefix}-${String(i + 1).padStart(3, "0")}`;
    return {
      key: intent,
      question: question!,
      variants,
      answer: `For help with ${humanize(intent)}, our team uses reference ${keyPhrase}. Open the app's Help section and quote ${keyPhrase} so we can sort it out quickly.`,
      keyPhrase,
    };
  });
  const testByIntent = new Map<string, string[]>();
  for (const [text, intent] of test)
    if (byIntent.has(intent)) testByIntent.set(intent, [...(testByIntent.get(intent) ?? []), text]);
  const questions = intents.flatMap((intent, i) =>
    seededShuffle([...(testByIntent.get(intent) ?? [])].sort(), options.seed + 1000 + i)
      .slice(0, options.perIntent)
      .map((text) => ({ text, key: intent })),
  );
  return {
    name,
    pairs,
    questions,
    offTopic: options.offTopic,
    note: `${pairs.length} pairs (5 train utterances each), ${questions.length} test questions`,
  };
}

type Clinc = Record<"train" | "test" | "oos_test", [string, string][]>;

export function clincOffTopic(count: number, seed: number): string[] {
  const clinc = JSON.parse(fs.readFileSync(path.join(SHARED, "clinc150/data_full.json"), "utf8")) as Clinc;
  return seededShuffle(clinc.oos_test.map(([t]) => t).sort(), seed).slice(0, count);
}

export function banking77(perIntent: number, seed: number, offTopic: string[]): BenchSet {
  const read = (file: string) =>
    Papa.parse<{ text: string; category: string }>(
      fs.readFileSync(path.join(SHARED, "banking77", file), "utf8"),
      {
        header: true,
        skipEmptyLines: true,
      },
    ).data.map((r) => [r.text, r.category] as [string, string]);
  return intentSet("banking77", read("train.csv"), read("test.csv"), {
    perIntent,
    seed,
    offTopic,
    prefix: "BK",
  });
}

export function clinc150(perIntent: number, seed: number, offTopic: string[]): BenchSet {
  const clinc = JSON.parse(fs.readFileSync(path.join(SHARED, "clinc150/data_full.json"), "utf8")) as Clinc;
  return intentSet("clinc150", clinc.train, clinc.test, { perIntent, seed, offTopic, prefix: "CL" });
}

/** dstc11's three domains: per intent, 5 utterances build the pair, the others (up to perIntent) ask. */
export function dstc11(perIntent: number, seed: number, offTopic: string[]): BenchSet {
  const dir = path.join(SHARED, "dstc11-intent-utterances");
  const rows = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".jsonl"))
    .sort()
    .flatMap((f) =>
      fs
        .readFileSync(path.join(dir, f), "utf8")
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { utterance: string; intent: string })
        .map((r) => [r.utterance, `${f.split("-")[0]}/${r.intent}`] as [string, string]),
    );
  const byIntent = new Map<string, string[]>();
  for (const [t, i] of rows) byIntent.set(i, [...(byIntent.get(i) ?? []), t]);
  const train: [string, string][] = [];
  const test: [string, string][] = [];
  [...byIntent.keys()].sort().forEach((intent, i) => {
    const all = seededShuffle([...new Set(byIntent.get(intent)!)].sort(), seed + 2000 + i);
    if (all.length < 5 + 2) return;
    for (const t of all.slice(0, 5)) train.push([t, intent]);
    for (const t of all.slice(5)) test.push([t, intent]);
  });
  return intentSet("dstc11", train, test, { perIntent, seed, offTopic, prefix: "DS" });
}

/** ecommerce-faq: plain pairs, no variants (a typical first import), asked by customer-style rewordings. */
export function ecommerceFaq(offTopic: string[]): BenchSet {
  const faq = JSON.parse(
    fs.readFileSync(path.join(SHARED, "ecommerce-faq/Ecommerce_FAQ_Chatbot_dataset.json"), "utf8"),
  ) as Record<string, { question: string; answer: string }[]>;
  const rewordings = JSON.parse(
    fs.readFileSync(new URL("ecommerce-rewordings.json", import.meta.url), "utf8"),
  ) as Record<string, string[] | string>;
  const pairs: BenchPair[] = Object.entries(faq).flatMap(([category, list]) =>
    list.map((p, i) => ({
      key: `${category}/${i}`,
      question: p.question,
      variants: [],
      answer: p.answer,
      keyPhrase: "",
    })),
  );
  const questions = pairs.flatMap((p) =>
    ((rewordings[p.key] as string[] | undefined) ?? []).map((text) => ({ text, key: p.key })),
  );
  return {
    name: "ecommerce-faq",
    pairs,
    questions,
    offTopic,
    note: `${pairs.length} pairs without variants, ${questions.length} rewordings`,
  };
}

/** The set's pairs as approved knowledge; returns each pair's id by its key. */
export async function insertBenchPairs(db: Db, pairs: BenchPair[]): Promise<Map<string, string>> {
  const idByKey = new Map<string, string>();
  for (const p of pairs) {
    const row = await createPair(
      db,
      {
        question: p.question,
        answer: p.answer,
        variants: p.variants,
        context: [],
        product: null,
        tags: [],
        status: "approved",
      },
      null,
    );
    idByKey.set(p.key, row.id);
  }
  return idByKey;
}

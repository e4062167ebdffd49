/**
 * A tiny retriever tuned by the trainer CLI on a small knowledge base (4,096 buckets, 32 dimensions,
 * a few hundred steps: seconds), as `<dir>/retriever/` the way a run's bundle holds it.
 */
import { execFile } from "node:child_process";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);
const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");

export type KnowledgeFixture = {
  question: string;
  variants: string[];
  answer: string;
  product?: string | null;
}[];

export async function trainer(args: string[]): Promise<string> {
  const { stdout } = await run("/usr/bin/python3", ["-m", "trainer", ...args], {
    cwd: REPO,
    maxBuffer: 64 << 20,
    timeout: 300_000,
  });
  return stdout;
}

/** Tunes a tiny retriever on the pairs; returns a bundle directory holding it under retriever/. */
export async function tinyRetrieverBundle(pairs: KnowledgeFixture, options: { steps?: number } = {}) {
  const dir = await mkdtemp(join(tmpdir(), "tunedesk-retriever-"));
  const groups = join(dir, "groups.jsonl");
  await writeFile(
    groups,
    pairs.map((p) => JSON.stringify({ texts: [p.question, ...p.variants], answer: p.answer })).join("\n"),
  );
  const config = join(dir, "run.json");
  await writeFile(
    config,
    JSON.stringify({
      groups_file: groups,
      out_dir: join(dir, "bundle", "retriever"),
      buckets: 4096,
      dim: 32,
      steps: options.steps ?? 300,
      batch_size: 16,
      off_topic: ["tell me a joke", "what is the capital of france", "write me a poem about the sea"],
    }),
  );
  await trainer(["retriever-tune", "--config", config]);
  return join(dir, "bundle");
}

/** A small support knowledge base with two products that share a topic. */
export const KNOWLEDGE: KnowledgeFixture = [
  {
    question: "How do I reset my password?",
    variants: ["I forgot my password", "can't remember my login password", "password reset link"],
    answer: "Open Settings, choose Security and click Reset password.",
  },
  {
    question: "Where can I find my invoices?",
    variants: ["download last month's bill", "invoice history", "get a receipt for my payment"],
    answer: "Invoices are under Billing, then History.",
  },
  {
    question: "How do I cancel my subscription?",
    variants: ["stop my plan", "end membership", "I want to quit paying every month"],
    answer: "Go to Billing, Plan and choose Cancel; you keep access until the period ends.",
  },
  {
    question: "How long does delivery take?",
    variants: ["when will my parcel arrive", "shipping time", "how many days until my order comes"],
    answer: "Orders arrive within 3 to 5 working days.",
  },
  {
    question: "What is the battery life of the Aurora X1?",
    variants: ["how long does the Aurora X1 battery last", "Aurora X1 hours on one charge"],
    answer: "The Aurora X1 runs 12 hours on one charge.",
    product: "Aurora X1",
  },
  {
    question: "What is the battery life of the Borealis Z2?",
    variants: ["how long does the Borealis Z2 battery last", "Borealis Z2 hours on one charge"],
    answer: "The Borealis Z2 runs 30 hours on one charge.",
    product: "Borealis Z2",
  },
  {
    question: "How heavy is the Aurora X1?",
    variants: ["Aurora X1 weight", "what does the Aurora X1 weigh"],
    answer: "The Aurora X1 weighs 240 grams.",
    product: "Aurora X1",
  },
];

import { diffWords } from "diff";
import type { PairSnapshot } from "@/db/schema";

export type TextPart = { value: string; added?: boolean; removed?: boolean };

/** What changed between two versions of a pair, field by field; unchanged fields are left out. */
export type SnapshotDiff = {
  question?: TextPart[];
  answer?: TextPart[];
  variants?: { added: string[]; removed: string[] };
  tags?: { added: string[]; removed: string[] };
  product?: { from: string | null; to: string | null };
  status?: { from: string; to: string };
  context?: { from: number; to: number };
};

function words(from: string, to: string): TextPart[] | undefined {
  if (from === to) return undefined;
  return diffWords(from, to).map((p) => ({
    value: p.value,
    added: p.added || undefined,
    removed: p.removed || undefined,
  }));
}

function sets(from: string[], to: string[]) {
  const added = to.filter((v) => !from.includes(v));
  const removed = from.filter((v) => !to.includes(v));
  return added.length || removed.length ? { added, removed } : undefined;
}

export function diffSnapshots(from: PairSnapshot | undefined, to: PairSnapshot): SnapshotDiff {
  const before: PairSnapshot = from ?? {
    question: "",
    answer: "",
    variants: [],
    context: [],
    product: null,
    tags: [],
    status: to.status,
  };
  const diff: SnapshotDiff = {
    question: words(before.question, to.question),
    answer: words(before.answer, to.answer),
    variants: sets(before.variants, to.variants),
    tags: sets(before.tags, to.tags),
    product: before.product !== to.product ? { from: before.product, to: to.product } : undefined,
    status: from && before.status !== to.status ? { from: before.status, to: to.status } : undefined,
    context:
      JSON.stringify(before.context) !== JSON.stringify(to.context)
        ? { from: before.context.length, to: to.context.length }
        : undefined,
  };
  return Object.fromEntries(Object.entries(diff).filter(([, v]) => v !== undefined)) as SnapshotDiff;
}

/**
 * The retriever of each served bundle, loaded once per process: its encoder and its in-memory index
 * of the approved knowledge (kept current by the index itself).
 */
import type { Db } from "@/db/client";
import { findProductionModel } from "@/db/queries/models";
import { Retriever } from "@/server/assistant/retriever/retriever";

// Next.js may evaluate this module in several bundles of one process; the cache must be one.
const globalKey = Symbol.for("tunedesk.retrievers");
type GlobalWithRetrievers = typeof globalThis & { [globalKey]?: Map<string, Promise<Retriever>> };
/** The production bundle and the one before it (answers in flight during a promotion). */
const KEPT = 2;

export function retrieverFor(bundlePath: string): Promise<Retriever> {
  const g = globalThis as GlobalWithRetrievers;
  g[globalKey] ??= new Map();
  const cache = g[globalKey];
  let retriever = cache.get(bundlePath);
  if (!retriever) {
    retriever = Retriever.forBundle(bundlePath);
    retriever.catch(() => cache.delete(bundlePath));
    cache.set(bundlePath, retriever);
    for (const [key, old] of [...cache].slice(0, Math.max(0, cache.size - KEPT))) {
      cache.delete(key);
      // Answers that started on it may still be ranking: release it once they are long done.
      setTimeout(() => void old.then((r) => r.dispose()).catch(() => {}), 60_000).unref();
    }
  }
  return retriever;
}

/** A bundle-less (lexical) retriever for when no model is in production yet. */
const lexicalKey = Symbol.for("tunedesk.lexicalRetriever");
type GlobalWithLexical = typeof globalThis & { [lexicalKey]?: Promise<Retriever> };

/** The retriever customers get now: the production bundle's, else lexical ranking. */
export async function customerRetriever(db: Db): Promise<Retriever> {
  const production = await findProductionModel(db);
  if (production) return retrieverFor(production.bundlePath);
  const g = globalThis as GlobalWithLexical;
  g[lexicalKey] ??= Retriever.forBundle(null);
  return g[lexicalKey];
}

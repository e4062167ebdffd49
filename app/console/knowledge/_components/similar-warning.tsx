"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useTRPC } from "@/app/_lib/trpc";
import { useDebounced } from "./use-debounced";

/** While the question is typed: pairs that already ask nearly the same thing. */
export function SimilarWarning({ question, excludeId }: { question: string; excludeId: string | null }) {
  const trpc = useTRPC();
  const text = useDebounced(question.trim(), 300);
  const similar = useQuery({
    ...trpc.knowledge.findSimilar.queryOptions({ question: text, excludeId: excludeId ?? undefined }),
    enabled: text.length >= 4,
    placeholderData: (previous) => previous,
  });
  const hits = text.length >= 4 ? (similar.data ?? []) : [];
  if (!hits.length) return null;
  return (
    <div className="kn-similar" role="status" data-testid="similar-warning">
      <strong>A very similar question already exists:</strong>
      <ul>
        {hits.map((h) => (
          <li key={h.id}>
            <Link href={`/console/knowledge/${h.id}`} target="_blank">
              {h.question}
            </Link>{" "}
            <span className="muted">
              ({h.status}, {Math.round(h.similarity * 100)}% similar)
            </span>
          </li>
        ))}
      </ul>
    </div>
  );
}

import { z } from "zod";
import { healthIssues } from "@/db/queries/knowledge-health";
import type { PairFilter } from "@/db/queries/knowledge-search";
import { knowledgeSources, knowledgeStatuses } from "@/db/schema";

export const pairFilterInput = z.object({
  q: z.string().max(500, "Search text is limited to 500 characters").optional(),
  status: z
    .array(z.enum(knowledgeStatuses, { error: "Status must be draft, approved or archived" }))
    .optional(),
  product: z.string().max(80).optional(),
  tag: z.string().max(40).optional(),
  source: z.enum(knowledgeSources, { error: "Source must be manual, import or feedback" }).optional(),
  changedSince: z.coerce.date({ error: "Changed since must be a date" }).optional(),
  health: z.enum(healthIssues).optional(),
}) satisfies z.ZodType<PairFilter>;

/** A filter from URL search parameters (export links): the same names as the list's filter. */
export function filterFromSearchParams(params: URLSearchParams): PairFilter {
  const raw = {
    q: params.get("q") ?? undefined,
    status: params
      .getAll("status")
      .flatMap((s) => s.split(","))
      .filter(Boolean),
    product: params.get("product") ?? undefined,
    tag: params.get("tag") || undefined,
    source: params.get("source") || undefined,
    changedSince: params.get("changedSince") || undefined,
    health: params.get("health") || undefined,
  };
  const parsed = pairFilterInput.safeParse(raw);
  if (!parsed.success) throw new Error(parsed.error.issues[0]?.message ?? "Invalid filter");
  return parsed.data;
}

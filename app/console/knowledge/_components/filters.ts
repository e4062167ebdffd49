import type { HealthIssue } from "@/db/queries/knowledge-health";
import type { PairSort } from "@/db/queries/knowledge-search";
import type { KnowledgeSource, KnowledgeStatus } from "@/db/schema";

/** The list's filter as it appears in the URL (so health links and reloads keep it). */
export type ListState = {
  q: string;
  status: KnowledgeStatus | "";
  product: string;
  tag: string;
  source: KnowledgeSource | "";
  changedSince: string;
  health: HealthIssue | "";
  sort: PairSort;
};

export const emptyListState: ListState = {
  q: "",
  status: "",
  product: "",
  tag: "",
  source: "",
  changedSince: "",
  health: "",
  sort: "updated_desc",
};

const statuses = ["draft", "approved", "archived"];
const sources = ["manual", "import", "feedback"];
const healths = ["near_duplicate", "conflict", "empty_field", "overlong_field", "approved_without_product"];
const sorts = ["updated_desc", "updated_asc", "created_desc", "question_asc", "relevance"];

export function listStateFromParams(params: Record<string, string | string[] | undefined>): ListState {
  const one = (key: string) => {
    const v = params[key];
    return (Array.isArray(v) ? v[0] : v) ?? "";
  };
  const pick = <T extends string>(key: string, allowed: string[], fallback: T | "") =>
    (allowed.includes(one(key)) ? one(key) : fallback) as T;
  return {
    q: one("q").slice(0, 500),
    status: pick<KnowledgeStatus>("status", statuses, ""),
    product: one("product").slice(0, 80),
    tag: one("tag").slice(0, 40),
    source: pick<KnowledgeSource>("source", sources, ""),
    changedSince: /^\d{4}-\d{2}-\d{2}$/.test(one("changedSince")) ? one("changedSince") : "",
    health: pick<HealthIssue>("health", healths, ""),
    sort: pick<PairSort>("sort", sorts, "updated_desc") || "updated_desc",
  };
}

/** URL query for a state: only the parts that differ from the default. */
export function listStateToQuery(state: ListState): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(state)) {
    if (value && value !== (emptyListState as Record<string, string>)[key]) params.set(key, value);
  }
  return params.toString();
}

/** The tRPC filter input for a state ("(none)" product = pairs without a product). */
export function filterOf(state: ListState) {
  return {
    q: state.q.trim() || undefined,
    status: state.status ? [state.status] : undefined,
    product: state.product === "(none)" ? "" : state.product || undefined,
    tag: state.tag || undefined,
    source: state.source || undefined,
    changedSince: state.changedSince ? new Date(`${state.changedSince}T00:00:00`) : undefined,
    health: state.health || undefined,
  };
}

/** The export route's query for a state. */
export function exportQuery(state: ListState, format: string, everything: boolean): string {
  const params = new URLSearchParams({ format });
  if (!everything) {
    const filter = filterOf(state);
    if (filter.q) params.set("q", filter.q);
    if (filter.status) params.set("status", filter.status.join(","));
    if (filter.product !== undefined) params.set("product", filter.product);
    if (filter.tag) params.set("tag", filter.tag);
    if (filter.source) params.set("source", filter.source);
    if (filter.changedSince) params.set("changedSince", filter.changedSince.toISOString());
    if (filter.health) params.set("health", filter.health);
  }
  return params.toString();
}

export const healthLabels: Record<HealthIssue, { title: string; help: string }> = {
  near_duplicate: {
    title: "Near-duplicate questions",
    help: "Questions that mean the same after ignoring case, punctuation, word forms and filler words.",
  },
  conflict: {
    title: "Conflicting pairs",
    help: "Near-duplicate questions with different answers: the bot would learn both.",
  },
  empty_field: {
    title: "Empty fields",
    help: "A question, answer or variant with no text (e.g. drafts from feedback).",
  },
  overlong_field: {
    title: "Over-long fields",
    help: "Questions or variants over 500 characters, or answers over 2,000: too long to train well.",
  },
  approved_without_product: {
    title: "Approved without a product",
    help: "Approved pairs that say nothing about which product they are for.",
  },
};

export const statusLabels: Record<KnowledgeStatus, string> = {
  draft: "Draft",
  approved: "Approved",
  archived: "Archived",
};

"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { distance } from "fastest-levenshtein";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { type FormEvent, type KeyboardEvent, useEffect, useRef, useState } from "react";
import { errorMessage, useTRPC } from "@/app/_lib/trpc";
import { When } from "@/app/console/_components/when";
import type { ContextMessage, KnowledgeSource, KnowledgeStatus } from "@/db/schema";
import { type ConflictList, ConflictNotice } from "./conflict-notice";
import { statusLabels } from "./filters";
import { SimilarWarning } from "./similar-warning";
import { VariantsField } from "./variants-field";

type EditablePair = {
  id: string;
  question: string;
  answer: string;
  variants: string[];
  context: ContextMessage[];
  product: string | null;
  tags: string[];
  status: KnowledgeStatus;
  source: KnowledgeSource;
  version: number;
  updatedAt: Date;
  updatedByName: string | null;
  /** Customer conversations whose review created or changed this pair. */
  conversations?: { conversationId: string; resolvedAt: Date | null }[];
};

const splitTags = (text: string) =>
  text
    .split(",")
    .map((t) => t.trim())
    .filter(Boolean);

export function PairForm({ pair }: { pair: EditablePair | null }) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const [question, setQuestion] = useState(pair?.question ?? "");
  const [answer, setAnswer] = useState(pair?.answer ?? "");
  const [variants, setVariants] = useState(pair?.variants ?? []);
  const [product, setProduct] = useState(pair?.product ?? "");
  const knownProducts = useQuery(trpc.knowledge.getStats.queryOptions()).data?.products.map((p) => p.product);
  const [tags, setTags] = useState((pair?.tags ?? []).join(", "));
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [conflicts, setConflicts] = useState<ConflictList | null>(null);
  const questionRef = useRef<HTMLTextAreaElement>(null);
  const isNew = pair === null;
  // A new pair starts with the cursor in the question.
  useEffect(() => {
    if (isNew) questionRef.current?.focus();
  }, [isNew]);
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.knowledge.pathKey() });
  const content = {
    question,
    answer,
    variants,
    product: product.trim() || null,
    tags: splitTags(tags),
    context: pair?.context ?? [],
  };
  const dirty =
    !pair ||
    question !== pair.question ||
    answer !== pair.answer ||
    JSON.stringify(variants) !== JSON.stringify(pair.variants) ||
    (product.trim() || null) !== pair.product ||
    JSON.stringify(splitTags(tags)) !== JSON.stringify(pair.tags);

  const create = useMutation(
    trpc.knowledge.create.mutationOptions({
      onSuccess(created) {
        refresh();
        router.push(`/console/knowledge/${created.id}`);
      },
      onError: (e) => setError(errorMessage(e)),
    }),
  );
  const update = useMutation(
    trpc.knowledge.update.mutationOptions({
      onSuccess() {
        setNotice("Saved.");
        refresh();
      },
      onError: (e) => setError(errorMessage(e)),
    }),
  );
  const approve = useMutation(
    trpc.knowledge.approve.mutationOptions({
      onSuccess(result) {
        if (result.conflicts.length) setConflicts(result.conflicts);
        else {
          setConflicts(null);
          setNotice(
            result.archived.length
              ? `Approved; ${result.archived.length} conflicting pair(s) archived.`
              : "Approved.",
          );
          refresh();
        }
      },
      onError: (e) => setError(errorMessage(e)),
    }),
  );
  const setStatus = useMutation(
    trpc.knowledge.setStatus.mutationOptions({
      onSuccess: refresh,
      onError: (e) => setError(errorMessage(e)),
    }),
  );
  const busy = create.isPending || update.isPending || approve.isPending || setStatus.isPending;

  const save = (e?: FormEvent) => {
    e?.preventDefault();
    setError(null);
    setNotice(null);
    if (!pair) create.mutate(content);
    else update.mutate({ ...content, id: pair.id, expectedVersion: pair.version });
  };
  // Ctrl+Enter (Cmd+Enter on a Mac) saves from any field.
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      if (dirty && !busy) save();
    }
  };

  return (
    <form className="panel stack kn-form" onSubmit={save} onKeyDown={onKeyDown} aria-label="Knowledge pair">
      {pair && (
        <p className="row kn-small">
          <span className={`badge kn-status-${pair.status}`}>{statusLabels[pair.status]}</span>
          <span className="muted">
            Version {pair.version} · {pair.source} · changed <When date={pair.updatedAt} />
            {pair.updatedByName ? ` by ${pair.updatedByName}` : ""}
          </span>
          {pair.conversations?.length ? (
            <span className="muted" data-testid="pair-conversations">
              From customer {pair.conversations.length === 1 ? "conversation" : "conversations"}:{" "}
              {pair.conversations.map((c, i) => (
                <span key={c.conversationId}>
                  {i > 0 && ", "}
                  <Link href={`/console/conversations/${c.conversationId}`}>
                    <When date={c.resolvedAt} />
                  </Link>
                </span>
              ))}
            </span>
          ) : null}
        </p>
      )}
      {pair && pair.context.length > 0 && (
        <details className="kn-context">
          <summary>Earlier turns of the conversation ({pair.context.length})</summary>
          <ol>
            {pair.context.map((m, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: turns have no id and never reorder
              <li key={i}>
                <strong>{m.role}:</strong> {m.content}
              </li>
            ))}
          </ol>
        </details>
      )}
      <label>
        Customer question
        <textarea
          name="question"
          rows={2}
          ref={questionRef}
          value={question}
          onChange={(e) => setQuestion(e.target.value)}
          required
        />
      </label>
      <SimilarWarning question={question} excludeId={pair?.id ?? null} />
      <VariantsField variants={variants} onChange={setVariants} />
      <label>
        Answer the bot should give
        <textarea name="answer" rows={5} value={answer} onChange={(e) => setAnswer(e.target.value)} />
      </label>
      <div className="row kn-two">
        <label>
          Product
          <input
            name="product"
            value={product}
            onChange={(e) => setProduct(e.target.value)}
            placeholder="e.g. Driftlight Lantern"
            list="known-products"
          />
          <datalist id="known-products">
            {knownProducts?.map((p) => (
              <option key={p} value={p} />
            ))}
          </datalist>
          <ProductHint product={product} known={knownProducts} onPick={setProduct} />
        </label>
        <label>
          Tags (comma-separated)
          <input
            name="tags"
            value={tags}
            onChange={(e) => setTags(e.target.value)}
            placeholder="shipping, returns"
          />
        </label>
      </div>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {notice && (
        <p role="status" className="notice">
          {notice}
        </p>
      )}
      <div className="row">
        <button type="submit" disabled={busy || !dirty}>
          {pair ? "Save" : "Create draft"}
        </button>
        <span className="muted kn-small">Ctrl+Enter saves</span>
        {pair && pair.status !== "approved" && (
          <button
            type="button"
            disabled={busy || dirty}
            title={dirty ? "Save your changes first" : undefined}
            onClick={() => approve.mutate({ ids: [pair.id], decision: "ask" })}
          >
            Approve
          </button>
        )}
        {pair && pair.status !== "archived" && (
          <button
            type="button"
            className="secondary"
            disabled={busy}
            onClick={() => setStatus.mutate({ ids: [pair.id], status: "archived" })}
          >
            Archive
          </button>
        )}
        {pair && pair.status !== "draft" && (
          <button
            type="button"
            className="secondary"
            disabled={busy}
            onClick={() => setStatus.mutate({ ids: [pair.id], status: "draft" })}
          >
            Move to draft
          </button>
        )}
        <Link href="/console/knowledge" className="kn-back">
          Back to the list
        </Link>
      </div>
      {conflicts && pair && (
        <ConflictNotice
          conflicts={conflicts}
          busy={busy}
          onCancel={() => setConflicts(null)}
          onDecide={(decision) => approve.mutate({ ids: [pair.id], decision })}
        />
      )}
    </form>
  );
}

/** A product no other pair names is most often a typo: say so, and offer the one it resembles. */
function ProductHint({
  product,
  known,
  onPick,
}: {
  product: string;
  known: string[] | undefined;
  onPick: (product: string) => void;
}) {
  const name = product.trim();
  if (!name || !known || known.includes(name)) return null;
  const squash = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, "");
  const similar = known.find((k) => squash(k) === squash(name) || distance(squash(k), squash(name)) <= 2);
  return (
    <span className="muted kn-small" data-testid="product-hint">
      {similar ? (
        <>
          Did you mean{" "}
          <button type="button" className="link" onClick={() => onPick(similar)}>
            {similar}
          </button>
          ?
        </>
      ) : (
        "A new product: no other pair names it."
      )}
    </span>
  );
}

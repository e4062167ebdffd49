"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { errorMessage, useTRPC } from "@/app/_lib/trpc";
import { When } from "@/app/console/_components/when";

export function UnansweredList() {
  const trpc = useTRPC();
  const groups = useQuery(trpc.conversations.listUnanswered.queryOptions({ limit: 100 }));
  const [drafts, setDrafts] = useState<Record<string, string>>({});
  const draft = useMutation(trpc.conversations.draftFromUnanswered.mutationOptions());

  if (groups.error) return <p className="error">{errorMessage(groups.error)}</p>;
  if (!groups.data) return <p className="muted">Loading…</p>;
  if (groups.data.length === 0)
    return <p className="muted">Nothing unanswered yet: every question so far matched an approved pair.</p>;
  return (
    <div className="table-wrap panel">
      {draft.error && (
        <p role="alert" className="error">
          {errorMessage(draft.error)}
        </p>
      )}
      <table data-testid="unanswered-table">
        <thead>
          <tr>
            <th scope="col">Question (latest wording)</th>
            <th scope="col">Asked</th>
            <th scope="col">Declined / clarified</th>
            <th scope="col">Last asked</th>
            <th scope="col">
              <span className="visually-hidden">Action</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {groups.data.map((g) => (
            <tr key={g.signature} data-testid="unanswered-row">
              <td>{g.example}</td>
              <td>{g.count === 1 ? "once" : `${g.count} times`}</td>
              <td>
                {g.declined} / {g.clarified}
              </td>
              <td>
                <When date={g.lastAskedAt} />
              </td>
              <td>
                {drafts[g.signature] ? (
                  <Link href={`/console/knowledge/${drafts[g.signature]}`}>Open the draft</Link>
                ) : (
                  <button
                    type="button"
                    className="secondary"
                    disabled={draft.isPending}
                    onClick={() =>
                      draft.mutate(
                        { question: g.example },
                        { onSuccess: (r) => setDrafts((d) => ({ ...d, [g.signature]: r.id })) },
                      )
                    }
                  >
                    Create draft pair
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

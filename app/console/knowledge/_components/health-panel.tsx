"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { errorMessage, useTRPC } from "@/app/_lib/trpc";
import type { HealthIssue } from "@/db/queries/knowledge-health";
import { healthLabels } from "./filters";

/** Counts of each problem in the knowledge base, each linking to the pairs that have it. */
export function HealthPanel() {
  const trpc = useTRPC();
  const health = useQuery(trpc.knowledge.getHealth.queryOptions());
  if (health.error) {
    return (
      <p role="alert" className="error">
        {errorMessage(health.error)}
      </p>
    );
  }
  return (
    <ul className="kn-health">
      {(Object.keys(healthLabels) as HealthIssue[]).map((issue) => {
        const n = health.data?.[issue];
        return (
          <li key={issue} className="panel" data-testid={`health-${issue}`}>
            <div className="kn-health-count">{n === undefined ? "…" : n.toLocaleString("en-US")}</div>
            <div>
              <strong>{healthLabels[issue].title}</strong>
              <p className="muted">{healthLabels[issue].help}</p>
              {n ? (
                <Link href={`/console/knowledge?health=${issue}`}>
                  Show {n === 1 ? "the pair" : `the ${n} pairs`}
                </Link>
              ) : (
                <span className="muted">Nothing to fix.</span>
              )}
            </div>
          </li>
        );
      })}
    </ul>
  );
}

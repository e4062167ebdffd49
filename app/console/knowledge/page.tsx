import type { Metadata } from "next";
import { listStateFromParams, listStateToQuery } from "./_components/filters";
import { KnowledgeTabs } from "./_components/knowledge-tabs";
import { PairList } from "./_components/pair-list";

export const metadata: Metadata = { title: "Knowledge" };

export default async function KnowledgePage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const initial = listStateFromParams(await searchParams);
  return (
    <section className="stack">
      <h1>Knowledge</h1>
      <KnowledgeTabs current="pairs" />
      <PairList key={listStateToQuery(initial)} initial={initial} />
    </section>
  );
}

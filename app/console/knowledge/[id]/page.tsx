import type { Metadata } from "next";
import { KnowledgeTabs } from "../_components/knowledge-tabs";
import { PairEditor } from "../_components/pair-editor";

export const metadata: Metadata = { title: "Knowledge pair" };

export default async function PairPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return (
    <section className="stack">
      <h1>Knowledge pair</h1>
      <KnowledgeTabs current="pair" />
      <PairEditor key={id} pairId={id} />
    </section>
  );
}

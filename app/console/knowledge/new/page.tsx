import type { Metadata } from "next";
import { KnowledgeTabs } from "../_components/knowledge-tabs";
import { PairEditor } from "../_components/pair-editor";

export const metadata: Metadata = { title: "New knowledge pair" };

export default function NewPairPage() {
  return (
    <section className="stack">
      <h1>New knowledge pair</h1>
      <KnowledgeTabs current="new" />
      <PairEditor pairId={null} />
    </section>
  );
}

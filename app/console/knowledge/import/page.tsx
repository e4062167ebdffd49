import type { Metadata } from "next";
import { ImportPanel } from "../_components/import-panel";
import { KnowledgeTabs } from "../_components/knowledge-tabs";

export const metadata: Metadata = { title: "Import knowledge" };

export default function ImportPage() {
  return (
    <section className="stack">
      <h1>Import knowledge</h1>
      <KnowledgeTabs current="import" />
      <ImportPanel />
    </section>
  );
}

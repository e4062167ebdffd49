import type { Metadata } from "next";
import { HealthPanel } from "../_components/health-panel";
import { KnowledgeTabs } from "../_components/knowledge-tabs";

export const metadata: Metadata = { title: "Knowledge health" };

export default function HealthPage() {
  return (
    <section className="stack">
      <h1>Data health</h1>
      <KnowledgeTabs current="health" />
      <HealthPanel />
    </section>
  );
}

import type { Metadata } from "next";

export const metadata: Metadata = { title: "Models" };

export default function ModelsPage() {
  return (
    <section>
      <h1>Models</h1>
      <p className="muted">Trained models: compare, promote and roll back. Nothing here yet.</p>
    </section>
  );
}

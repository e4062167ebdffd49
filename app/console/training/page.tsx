import type { Metadata } from "next";

export const metadata: Metadata = { title: "Training" };

export default function TrainingPage() {
  return (
    <section>
      <h1>Training</h1>
      <p className="muted">Training runs of the support model. Nothing here yet.</p>
    </section>
  );
}

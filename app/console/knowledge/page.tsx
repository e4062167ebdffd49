import type { Metadata } from "next";

export const metadata: Metadata = { title: "Knowledge" };

export default function KnowledgePage() {
  return (
    <section>
      <h1>Knowledge</h1>
      <p className="muted">Question/answer pairs that teach the bot. Nothing here yet.</p>
    </section>
  );
}

import type { Metadata } from "next";
import Link from "next/link";
import { auth } from "@/server/auth";
import { ModelList } from "./model-list";

export const metadata: Metadata = { title: "Models" };

export default async function ModelsPage() {
  const session = await auth();
  return (
    <section className="stack">
      <header className="page-header">
        <h1>Models</h1>
        {session?.user.role === "admin" && <Link href="/console/models/bases">Base models</Link>}
      </header>
      <p className="muted">
        Every trained model with where it came from. One is in production and answers customers; candidates
        wait for promotion; retired models can be rolled back to.
      </p>
      <ModelList isAdmin={session?.user.role === "admin"} />
    </section>
  );
}

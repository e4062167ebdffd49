import type { Metadata } from "next";
import Link from "next/link";
import { auth } from "@/server/auth";
import { RunView } from "./run-view";

export const metadata: Metadata = { title: "Training run" };

export default async function RunPage({ params }: { params: Promise<{ runId: string }> }) {
  const [{ runId }, session] = await Promise.all([params, auth()]);
  return (
    <section className="stack">
      <p className="breadcrumb">
        <Link href="/console/training">Training</Link> › Run
      </p>
      <RunView runId={runId} isAdmin={session?.user.role === "admin"} />
    </section>
  );
}

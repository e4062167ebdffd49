import type { Metadata } from "next";
import Link from "next/link";
import { auth } from "@/server/auth";
import { ModelView } from "./model-view";

export const metadata: Metadata = { title: "Model" };

export default async function ModelPage({ params }: { params: Promise<{ modelId: string }> }) {
  const [{ modelId }, session] = await Promise.all([params, auth()]);
  return (
    <section className="stack">
      <p className="breadcrumb">
        <Link href="/console/models">Models</Link> › Model
      </p>
      <ModelView modelId={modelId} isAdmin={session?.user.role === "admin"} />
    </section>
  );
}

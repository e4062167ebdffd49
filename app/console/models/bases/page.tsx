import type { Metadata } from "next";
import Link from "next/link";
import { auth } from "@/server/auth";
import { BasesManager } from "./bases-manager";

export const metadata: Metadata = { title: "Base models" };

export default async function BasesPage() {
  const session = await auth();
  return (
    <section className="stack">
      <p className="breadcrumb">
        <Link href="/console/models">Models</Link> › Bases
      </p>
      <h1>Base models</h1>
      {session?.user.role === "admin" ? (
        <BasesManager />
      ) : (
        <p role="alert" className="error">
          You don&apos;t have access to this page: only admins manage base models.
        </p>
      )}
    </section>
  );
}

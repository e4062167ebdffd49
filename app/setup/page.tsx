import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { countUsers } from "@/db/queries/users";
import { getDatabase } from "@/server/db";
import { SetupForm } from "./setup-form";

export const metadata: Metadata = { title: "First-run setup" };
export const dynamic = "force-dynamic";

export default async function SetupPage() {
  const { db } = await getDatabase();
  if ((await countUsers(db)) > 0) redirect("/login");
  return (
    <main className="centered">
      <div className="panel auth-card stack">
        <h1>Welcome to Tunedesk</h1>
        <p className="muted">Create the first admin account. This page disappears once it exists.</p>
        <SetupForm />
      </div>
    </main>
  );
}

import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { countUsers } from "@/db/queries/users";
import { auth } from "@/server/auth";
import { getDatabase } from "@/server/db";
import { SignInForm } from "./sign-in-form";

export const metadata: Metadata = { title: "Sign in" };
export const dynamic = "force-dynamic";

export default async function LoginPage({ searchParams }: { searchParams: Promise<{ changed?: string }> }) {
  const { db } = await getDatabase();
  if ((await countUsers(db)) === 0) redirect("/setup");
  if (await auth()) redirect("/console");
  return (
    <main className="centered">
      <div className="panel auth-card stack">
        <h1>Sign in to Tunedesk</h1>
        {(await searchParams).changed && (
          <p role="status" className="notice">
            Password changed. Sign in with your new password.
          </p>
        )}
        <SignInForm />
      </div>
    </main>
  );
}

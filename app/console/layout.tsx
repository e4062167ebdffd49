import Link from "next/link";
import { redirect } from "next/navigation";
import type { ReactNode } from "react";
import { signOutAction } from "@/app/_lib/auth-actions";
import { TrpcReactProvider } from "@/app/_lib/trpc";
import { auth } from "@/server/auth";
import { ChangePasswordForm } from "./account/change-password-form";
import { ConsoleNav } from "./console-nav";

export const dynamic = "force-dynamic";

export default async function ConsoleLayout({ children }: { children: ReactNode }) {
  const session = await auth();
  if (!session?.user) redirect("/login");
  const { user } = session;
  if (user.mustChangePassword) {
    return (
      <main className="centered">
        <div className="panel auth-card stack">
          <h1>Choose a new password</h1>
          <p>
            An admin reset your password. The temporary one only lets you choose your own: enter it as the
            current password.
          </p>
          <TrpcReactProvider>
            <ChangePasswordForm />
          </TrpcReactProvider>
        </div>
      </main>
    );
  }
  return (
    <div className="shell">
      <aside className="sidebar">
        <Link href="/console" className="brand">
          Tunedesk
        </Link>
        <ConsoleNav isAdmin={user.role === "admin"} />
        <div className="whoami" data-testid="whoami">
          <span>
            <Link href="/console/account">{user.name || user.email}</Link>{" "}
            <span className="badge">{user.role}</span>
          </span>
          <form action={signOutAction}>
            <button type="submit" className="secondary">
              Sign out
            </button>
          </form>
        </div>
      </aside>
      <main className="main">
        <TrpcReactProvider>{children}</TrpcReactProvider>
      </main>
    </div>
  );
}

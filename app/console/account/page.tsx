import type { Metadata } from "next";
import { auth } from "@/server/auth";
import { ChangePasswordForm } from "./change-password-form";

export const metadata: Metadata = { title: "Your account" };

export default async function AccountPage() {
  const session = await auth();
  return (
    <section>
      <h1>Your account</h1>
      <p className="muted">
        Signed in as {session?.user.email} ({session?.user.role}).
      </p>
      <h2>Change password</h2>
      <ChangePasswordForm />
    </section>
  );
}

import type { Metadata } from "next";
import { auth } from "@/server/auth";
import { ApiKeysSection } from "./api-keys";

export const metadata: Metadata = { title: "Settings" };

export default async function SettingsPage() {
  const session = await auth();
  return (
    <section>
      <h1>Settings</h1>
      <p className="muted">Settings of this Tunedesk installation.</p>
      {session?.user.role === "admin" ? (
        <ApiKeysSection />
      ) : (
        <p className="muted">API keys are managed by admins.</p>
      )}
    </section>
  );
}

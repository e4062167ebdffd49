import type { Metadata } from "next";
import { auth } from "@/server/auth";
import { ApiKeysSection } from "./api-keys";
import { AssistantTextsSection } from "./assistant-texts";

export const metadata: Metadata = { title: "Settings" };

export default async function SettingsPage() {
  const session = await auth();
  return (
    <section>
      <h1>Settings</h1>
      <p className="muted">Settings of this Tunedesk installation.</p>
      {session?.user.role === "admin" ? (
        <>
          <AssistantTextsSection />
          <ApiKeysSection />
        </>
      ) : (
        <p className="muted">The bot's texts and API keys are managed by admins.</p>
      )}
    </section>
  );
}

import type { Metadata } from "next";

export const metadata: Metadata = { title: "Settings" };

export default function SettingsPage() {
  return (
    <section>
      <h1>Settings</h1>
      <p className="muted">Settings of this Tunedesk installation. Nothing here yet.</p>
    </section>
  );
}

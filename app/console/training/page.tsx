import type { Metadata } from "next";
import { auth } from "@/server/auth";
import { RunList } from "./run-list";
import { TrainForm } from "./train-form";

export const metadata: Metadata = { title: "Training" };

export default async function TrainingPage() {
  const session = await auth();
  const isAdmin = session?.user.role === "admin";
  return (
    <section className="stack">
      <h1>Training</h1>
      {isAdmin ? (
        <TrainForm />
      ) : (
        <p className="muted">Admins start training runs; you can follow them here.</p>
      )}
      <h2>Runs</h2>
      <RunList />
    </section>
  );
}

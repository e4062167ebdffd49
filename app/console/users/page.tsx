import type { Metadata } from "next";
import { auth } from "@/server/auth";
import { UsersManager } from "./users-manager";

export const metadata: Metadata = { title: "Users" };

export default async function UsersPage() {
  const session = await auth();
  if (session?.user.role !== "admin") {
    return (
      <section>
        <h1>Users</h1>
        <p role="alert" className="error">
          You don&apos;t have access to this page: only admins can manage users.
        </p>
      </section>
    );
  }
  return (
    <section>
      <h1>Users</h1>
      <UsersManager currentUserId={session.user.id} />
    </section>
  );
}

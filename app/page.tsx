import { redirect } from "next/navigation";
import { countUsers } from "@/db/queries/users";
import { auth } from "@/server/auth";
import { getDatabase } from "@/server/db";

export const dynamic = "force-dynamic";

export default async function Home() {
  const { db } = await getDatabase();
  if ((await countUsers(db)) === 0) redirect("/setup");
  redirect((await auth()) ? "/console" : "/login");
}

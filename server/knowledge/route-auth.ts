import { auth } from "@/server/auth";

/** The signed-in staff member or admin for a route handler, or the response refusing the request. */
export async function staffFromSession(): Promise<{ userId: string } | { refusal: Response }> {
  const session = await auth();
  const user = session?.user;
  if (!user?.id) return { refusal: Response.json({ error: "Sign in to continue" }, { status: 401 }) };
  if (user.role !== "staff" && user.role !== "admin") {
    return { refusal: Response.json({ error: "Only staff can manage knowledge" }, { status: 403 }) };
  }
  return { userId: user.id };
}

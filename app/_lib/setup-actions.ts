"use server";

import { signIn } from "@/server/auth";
import { getDatabase } from "@/server/db";
import { UserFacingError } from "@/server/users/errors";
import { createFirstAdmin } from "@/server/users/service";

export type SetupState = { error: string | null; field?: string; email: string; name: string };

export async function createFirstAdminAction(_prev: SetupState, form: FormData): Promise<SetupState> {
  const email = String(form.get("email") ?? "");
  const name = String(form.get("name") ?? "");
  const password = String(form.get("password") ?? "");
  if (password !== String(form.get("confirm") ?? "")) {
    return { error: "The two passwords do not match", field: "confirm", email, name };
  }
  try {
    const { db } = await getDatabase();
    await createFirstAdmin(db, { email, name, password });
  } catch (err) {
    if (err instanceof UserFacingError) return { error: err.message, field: err.field, email, name };
    throw err;
  }
  await signIn("credentials", { email, password, redirectTo: "/console" });
  return { error: null, email, name };
}

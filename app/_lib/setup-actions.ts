"use server";

import { signIn } from "@/server/auth";
import { getDatabase } from "@/server/db";
import { cleanText } from "@/server/text";
import { UserFacingError } from "@/server/users/errors";
import { createFirstAdmin } from "@/server/users/service";

export type SetupState = { error: string | null; field?: string; email: string; name: string };

export async function createFirstAdminAction(_prev: SetupState, form: unknown): Promise<SetupState> {
  // Server actions can be posted by anything; only the setup form's fields are accepted.
  if (!(form instanceof FormData))
    return { error: "Create the admin account with the form on this page.", email: "", name: "" };
  const field = (key: string) => cleanText(String(form.get(key) ?? "")).slice(0, 1000);
  const email = field("email");
  const name = field("name");
  const password = field("password");
  if (password !== field("confirm")) {
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

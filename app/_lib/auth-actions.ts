"use server";

import { AuthError } from "next-auth";
import { signIn, signOut } from "@/server/auth";

export type SignInState = { error: string | null; email: string };

const messages: Record<string, string> = {
  invalid_credentials: "Wrong email or password.",
  too_many_attempts: "Too many failed sign-ins for this email. Wait 15 minutes and try again.",
};

export async function signInAction(_prev: SignInState, form: FormData): Promise<SignInState> {
  const email = String(form.get("email") ?? "");
  try {
    await signIn("credentials", {
      email,
      password: String(form.get("password") ?? ""),
      redirectTo: String(form.get("redirectTo") || "/console"),
    });
    return { error: null, email };
  } catch (err) {
    // A successful sign-in "throws" Next's redirect, which must propagate.
    if (err instanceof AuthError) {
      const code = (err as AuthError & { code?: string }).code ?? "";
      return { error: messages[code] ?? "Sign-in failed. Try again.", email };
    }
    throw err;
  }
}

export async function signOutAction(): Promise<void> {
  await signOut({ redirectTo: "/login" });
}

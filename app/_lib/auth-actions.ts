"use server";

import { AuthError } from "next-auth";
import { signIn, signOut } from "@/server/auth";
import { cleanText } from "@/server/text";

export type SignInState = { error: string | null; email: string };

const messages: Record<string, string> = {
  invalid_credentials: "Wrong email or password.",
  too_many_attempts: "Too many failed sign-ins from here. Wait 15 minutes and try again.",
};

/** Where to go after signing in: a path of this site only. */
function safeRedirect(value: string): string {
  return value.startsWith("/") && !value.startsWith("//") && !value.startsWith("/\\") ? value : "/console";
}

export async function signInAction(_prev: SignInState, form: unknown): Promise<SignInState> {
  // Server actions can be posted by anything; only the sign-in form's fields are accepted.
  if (!(form instanceof FormData)) return { error: "Sign in with the form on this page.", email: "" };
  const field = (name: string) => cleanText(String(form.get(name) ?? "")).slice(0, 1000);
  const email = field("email");
  try {
    await signIn("credentials", {
      email,
      password: field("password"),
      redirectTo: safeRedirect(field("redirectTo") || "/console"),
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

/** After a password change every session of the account has ended: this cookie goes too. */
export async function signOutAfterPasswordChange(): Promise<void> {
  await signOut({ redirectTo: "/login?changed=1" });
}

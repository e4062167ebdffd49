"use client";

import { useMutation } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { signOutAfterPasswordChange } from "@/app/_lib/auth-actions";
import { errorMessage, useTRPC } from "@/app/_lib/trpc";

export function ChangePasswordForm() {
  const trpc = useTRPC();
  const [error, setError] = useState<string | null>(null);
  const change = useMutation(
    trpc.users.changeOwnPassword.mutationOptions({
      // Every session of the account has ended, this one too: sign in again with the new password.
      onSuccess: () => signOutAfterPasswordChange(),
      onError: (e) => setError(errorMessage(e)),
    }),
  );

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const newPassword = String(form.get("newPassword"));
    setError(null);
    if (newPassword !== String(form.get("confirmPassword"))) {
      setError("The two new passwords are not the same.");
      return;
    }
    change.mutate({ currentPassword: String(form.get("currentPassword")), newPassword });
  }

  return (
    <form onSubmit={submit} className="panel stack" aria-label="Change password" style={{ maxWidth: 420 }}>
      <label>
        Current password
        <input name="currentPassword" type="password" required autoComplete="current-password" />
      </label>
      <label>
        New password
        <input name="newPassword" type="password" required minLength={10} autoComplete="new-password" />
      </label>
      <label>
        New password again
        <input name="confirmPassword" type="password" required autoComplete="new-password" />
      </label>
      <p className="muted">
        At least 10 characters and hard to guess: a few uncommon words work well. Every device signed in to
        this account is signed out.
      </p>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <div>
        <button type="submit" disabled={change.isPending}>
          {change.isPending ? "Changing…" : "Change password"}
        </button>
      </div>
    </form>
  );
}

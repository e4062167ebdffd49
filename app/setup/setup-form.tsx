"use client";

import { useActionState } from "react";
import { createFirstAdminAction, type SetupState } from "@/app/_lib/setup-actions";

export function SetupForm() {
  const [state, action, pending] = useActionState<SetupState, FormData>(createFirstAdminAction, {
    error: null,
    email: "",
    name: "",
  });
  return (
    <form action={action} className="stack">
      <label>
        Your name
        <input name="name" autoComplete="name" defaultValue={state.name} />
      </label>
      <label>
        Email
        <input name="email" type="email" autoComplete="username" required defaultValue={state.email} />
      </label>
      <label>
        Password (10 characters or more)
        <input name="password" type="password" autoComplete="new-password" required minLength={10} />
      </label>
      <label>
        Repeat password
        <input name="confirm" type="password" autoComplete="new-password" required />
      </label>
      {state.error && (
        <p role="alert" className="error">
          {state.error}
        </p>
      )}
      <button type="submit" disabled={pending}>
        {pending ? "Creating…" : "Create admin account"}
      </button>
    </form>
  );
}

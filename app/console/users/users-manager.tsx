"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { errorMessage, useTRPC } from "@/app/_lib/trpc";
import { CopyButton } from "../_components/copy-button";

const roles = ["staff", "admin"] as const;

export function UsersManager({ currentUserId }: { currentUserId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const users = useQuery(trpc.users.list.queryOptions());
  const invalidate = () => queryClient.invalidateQueries({ queryKey: trpc.users.list.queryKey() });
  const [rowError, setRowError] = useState<string | null>(null);
  const [reset, setReset] = useState<{ email: string; temporaryPassword: string } | null>(null);
  const resetPassword = useMutation(
    trpc.users.resetPassword.mutationOptions({
      onSuccess: setReset,
      onError: (e) => setRowError(errorMessage(e)),
    }),
  );
  const changeRole = useMutation(
    trpc.users.changeRole.mutationOptions({
      onSuccess: invalidate,
      onError: (e) => setRowError(errorMessage(e)),
    }),
  );
  const setDisabled = useMutation(
    trpc.users.setDisabled.mutationOptions({
      onSuccess: invalidate,
      onError: (e) => setRowError(errorMessage(e)),
    }),
  );

  return (
    <div className="stack">
      <NewUserForm onCreated={invalidate} />
      <h2>Accounts</h2>
      {rowError && (
        <p role="alert" className="error">
          {rowError}
        </p>
      )}
      {reset && (
        <div role="status" className="notice stack" data-testid="temporary-password">
          <p style={{ margin: 0 }}>
            Temporary password for {reset.email}, shown only now. Give it to them in person or over a channel
            you trust: it only lets them choose a new password, and every device they were signed in on has
            been signed out.
          </p>
          <div className="row">
            <code>{reset.temporaryPassword}</code>
            <CopyButton text={reset.temporaryPassword} />
            <button type="button" className="secondary" onClick={() => setReset(null)}>
              Done
            </button>
          </div>
        </div>
      )}
      {users.isPending && <p className="muted">Loading…</p>}
      {users.error && <p className="error">{errorMessage(users.error)}</p>}
      {users.data && (
        <div className="table-wrap panel">
          <table>
            <thead>
              <tr>
                <th>Email</th>
                <th>Name</th>
                <th>Role</th>
                <th>Status</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {users.data.map((u) => (
                <tr key={u.id} data-testid={`user-row-${u.email}`}>
                  <td>{u.email}</td>
                  <td>{u.name}</td>
                  <td>
                    <select
                      aria-label={`Role of ${u.email}`}
                      value={u.role}
                      disabled={changeRole.isPending}
                      onChange={(e) => {
                        setRowError(null);
                        changeRole.mutate({ id: u.id, role: e.target.value as (typeof roles)[number] });
                      }}
                    >
                      {roles.map((r) => (
                        <option key={r} value={r}>
                          {r}
                        </option>
                      ))}
                    </select>
                  </td>
                  <td>
                    {u.disabledAt ? (
                      <span className="badge off">disabled</span>
                    ) : u.passwordChangeRequired ? (
                      <span className="badge">temporary password</span>
                    ) : (
                      <span className="badge">active</span>
                    )}
                  </td>
                  <td>
                    {u.id !== currentUserId && (
                      <button
                        type="button"
                        className="secondary"
                        disabled={resetPassword.isPending}
                        onClick={() => {
                          setRowError(null);
                          if (
                            window.confirm(
                              `Reset the password of ${u.email}? They are signed out everywhere.`,
                            )
                          )
                            resetPassword.mutate({ id: u.id });
                        }}
                      >
                        Reset password
                      </button>
                    )}{" "}
                    {u.id !== currentUserId && (
                      <button
                        type="button"
                        className={u.disabledAt ? "secondary" : "danger"}
                        disabled={setDisabled.isPending}
                        onClick={() => {
                          setRowError(null);
                          setDisabled.mutate({ id: u.id, disabled: !u.disabledAt });
                        }}
                      >
                        {u.disabledAt ? "Enable" : "Disable"}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

function NewUserForm({ onCreated }: { onCreated: () => void }) {
  const trpc = useTRPC();
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const create = useMutation(
    trpc.users.create.mutationOptions({
      onSuccess: (user) => {
        setNotice(`Created ${user.email}`);
        onCreated();
      },
      onError: (e) => setError(errorMessage(e)),
    }),
  );

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setError(null);
    setNotice(null);
    create.mutate(
      {
        email: String(form.get("email")),
        name: String(form.get("name")),
        password: String(form.get("password")),
        role: String(form.get("role")) as (typeof roles)[number],
      },
      { onSuccess: () => (event.target as HTMLFormElement).reset() },
    );
  }

  return (
    <form onSubmit={submit} className="panel stack" aria-label="New user">
      <h2 style={{ marginTop: 0 }}>Add a user</h2>
      <div className="row">
        <label>
          Email
          <input name="email" type="email" required />
        </label>
        <label>
          Name
          <input name="name" />
        </label>
        <label>
          Initial password
          <input name="password" type="password" required autoComplete="new-password" />
        </label>
        <label>
          Role
          <select name="role" defaultValue="staff">
            {roles.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </label>
      </div>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {notice && (
        <p role="status" className="notice">
          {notice}
        </p>
      )}
      <div>
        <button type="submit" disabled={create.isPending}>
          {create.isPending ? "Creating…" : "Create user"}
        </button>
      </div>
    </form>
  );
}

import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openDatabase } from "@/db/client";
import { findUserWithHashByEmail } from "@/db/queries/users";
import { verifyPassword } from "@/server/auth/password";

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "tunedesk-cli-"));

function runCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, TUNEDESK_DATA_DIR: dataDir };
  delete env.DATABASE_URL;
  return new Promise((resolve) => {
    execFile("node_modules/.bin/tsx", ["server/cli.ts", ...args], { env }, (err, stdout, stderr) =>
      resolve({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe("tunedesk CLI on the embedded database", () => {
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it("creates an admin for scripted installs, and refuses bad input with a message", async () => {
    const ok = await runCli([
      "user:create",
      "--email",
      "Ops@Example.com",
      "--password",
      "ops-password-1",
      "--role",
      "admin",
    ]);
    expect(ok).toMatchObject({ code: 0, stdout: expect.stringContaining("Created admin ops@example.com") });

    const duplicate = await runCli([
      "user:create",
      "--email",
      "ops@example.com",
      "--password",
      "ops-password-1",
    ]);
    expect(duplicate.code).toBe(1);
    expect(duplicate.stderr).toContain("already exists");

    const badRole = await runCli([
      "user:create",
      "--email",
      "x@example.com",
      "--password",
      "xx-password-1",
      "--role",
      "root",
    ]);
    expect(badRole.code).toBe(1);
    expect(badRole.stderr).toContain("Role must be one of: admin, staff");

    const unknown = await runCli(["frobnicate"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("Unknown command: frobnicate");

    // Recovery for an admin who forgot their password: a temporary one, printed once.
    const reset = await runCli(["user:reset-password", "--email", "OPS@example.com"]);
    expect(reset.code).toBe(0);
    const temporary = /Temporary password for ops@example.com: (\S+)/.exec(reset.stdout)?.[1];
    expect(temporary).toMatch(/^[a-z2-9-]{23}$/);
    const nobody = await runCli(["user:reset-password", "--email", "nobody@example.com"]);
    expect(nobody.code).toBe(1);
    expect(nobody.stderr).toContain("No account has the email nobody@example.com");

    const database = await openDatabase({ kind: "pglite", dataDir: path.join(dataDir, "db") });
    try {
      const ops = await findUserWithHashByEmail(database.db, "ops@example.com");
      expect(ops?.role).toBe("admin");
      expect(ops?.passwordChangeRequired).toBe(true);
      expect(await verifyPassword(ops!.passwordHash, temporary!)).toBe(true);
      expect(await findUserWithHashByEmail(database.db, "x@example.com")).toBeUndefined();
    } finally {
      await database.close();
    }
  }, 90_000);
});

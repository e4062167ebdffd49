import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openDatabase } from "@/db/client";
import { findUserWithHashByEmail } from "@/db/queries/users";

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

    const database = await openDatabase({ kind: "pglite", dataDir: path.join(dataDir, "db") });
    try {
      expect((await findUserWithHashByEmail(database.db, "ops@example.com"))?.role).toBe("admin");
      expect(await findUserWithHashByEmail(database.db, "x@example.com")).toBeUndefined();
    } finally {
      await database.close();
    }
  }, 90_000);
});

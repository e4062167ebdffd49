import { execFile } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startHubDownload } from "@/server/training/hub-download";
import { describeEachDatabase } from "../helpers/db";

const run = promisify(execFile);

/** Serves a model directory the way the hub does: /api/models/{id} and /{id}/resolve/main/{file}. */
function fakeHub(repos: Record<string, string>): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://hub");
    const api = url.pathname.match(/^\/api\/models\/(.+)$/);
    if (api && repos[api[1]!]) {
      const dir = repos[api[1]!]!;
      const siblings = fs
        .readdirSync(dir)
        .map((f) => ({ rfilename: f, size: fs.statSync(path.join(dir, f)).size }));
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ id: api[1], siblings }));
      return;
    }
    const file = url.pathname.match(/^\/(.+?\/.+?)\/resolve\/main\/(.+)$/);
    if (file && repos[file[1]!] && fs.existsSync(path.join(repos[file[1]!]!, file[2]!))) {
      fs.createReadStream(path.join(repos[file[1]!]!, file[2]!)).pipe(res);
      return;
    }
    res.statusCode = 404;
    res.end("not found");
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

describeEachDatabase("base download from a model hub", (useDb) => {
  let tmp: string;
  let server: http.Server;
  let endpoint: string;

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "tunedesk-hub-"));
    const repo = path.join(tmp, "repo");
    await run("/usr/bin/python3", ["-m", "trainer", "init-base", "--preset", "tiny", "--out", repo]);
    server = await fakeHub({ "acme/tiny-chat": repo });
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }, 120_000);

  afterAll(async () => {
    await new Promise((r) => server?.close(r));
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it("downloads the config, tokenizer and weights, then validates the base", async () => {
    const dataDir = path.join(tmp, "data");
    const { base, done } = await startHubDownload(useDb().db, {
      hubId: "acme/tiny-chat",
      dataDir,
      options: { endpoint },
    });
    expect(base.status).toBe("downloading");
    const ready = await done;
    expect(ready).toMatchObject({
      status: "ready",
      kind: "hub",
      error: null,
      summary: { modelType: "llama" },
    });
    for (const f of ["config.json", "tokenizer.json", "tokenizer_config.json", "model.safetensors"]) {
      expect(fs.existsSync(path.join(ready.path, f))).toBe(true);
    }
    expect(fs.existsSync(`${ready.path}.partial`)).toBe(false);
  });

  it("marks a missing repository invalid with the reason", async () => {
    const { done } = await startHubDownload(useDb().db, {
      hubId: "acme/missing",
      dataDir: path.join(tmp, "data"),
      options: { endpoint },
    });
    const failed = await done;
    expect(failed.status).toBe("invalid");
    expect(failed.error).toMatch(/Download failed: .*acme\/missing: not found/);
  });

  it("refuses an id that is not org/name", async () => {
    await expect(
      startHubDownload(useDb().db, { hubId: "../etc/passwd", dataDir: tmp, options: { endpoint } }),
    ).rejects.toThrow(/not a hub model id/);
  });
});

import fs from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { type BaseModel, baseModels } from "@/db/schema";
import { UserFacingError } from "@/server/users/errors";
import { inspectBaseDir } from "./bases";

export const hubIdInput = /^[A-Za-z0-9][\w.-]*\/[\w.-]+$/;

const WANTED = [
  "config.json",
  "generation_config.json",
  "tokenizer.json",
  "tokenizer_config.json",
  "special_tokens_map.json",
  "chat_template.jinja",
  "model.safetensors",
  "model.safetensors.index.json",
];

export interface HubOptions {
  endpoint: string;
  token?: string;
}

export type DownloadProgress = { downloadedBytes: number; totalBytes: number; file: string };

async function hubFetch(url: string, options: HubOptions): Promise<Response> {
  const res = await fetch(url, {
    headers: options.token ? { authorization: `Bearer ${options.token}` } : {},
  });
  if (!res.ok) {
    const reason =
      res.status === 404
        ? "not found"
        : res.status === 401 || res.status === 403
          ? "not accessible (gated or private: set HF_TOKEN)"
          : `HTTP ${res.status}`;
    throw new UserFacingError(`${url}: ${reason}`);
  }
  return res;
}

/** The repository files a Tunedesk base needs: config, tokenizer, and safetensors weights (sharded too). */
async function filesToDownload(
  hubId: string,
  options: HubOptions,
): Promise<{ name: string; size?: number }[]> {
  const info = (await (await hubFetch(`${options.endpoint}/api/models/${hubId}`, options)).json()) as {
    siblings?: { rfilename: string; size?: number }[];
  };
  const siblings = info.siblings ?? [];
  const shards = siblings.filter((s) => /^model-\d+-of-\d+\.safetensors$/.test(s.rfilename));
  const files = siblings.filter((s) => WANTED.includes(s.rfilename) || shards.includes(s));
  if (!files.some((f) => f.rfilename.endsWith(".safetensors"))) {
    throw new UserFacingError(`${hubId} has no safetensors weights; Tunedesk needs model.safetensors`);
  }
  return files.map((f) => ({ name: f.rfilename, size: f.size }));
}

/** Downloads a hub repository into dir (via a temporary sibling, renamed when complete). */
export async function downloadHubModel(
  hubId: string,
  dir: string,
  options: HubOptions,
  onProgress: (p: DownloadProgress) => void,
): Promise<void> {
  if (!hubIdInput.test(hubId)) throw new UserFacingError(`"${hubId}" is not a hub model id like org/name`);
  const files = await filesToDownload(hubId, options);
  const totalBytes = files.reduce((n, f) => n + (f.size ?? 0), 0);
  const partial = `${dir}.partial`;
  fs.rmSync(partial, { recursive: true, force: true });
  fs.mkdirSync(partial, { recursive: true });
  let downloadedBytes = 0;
  for (const file of files) {
    const res = await hubFetch(`${options.endpoint}/${hubId}/resolve/main/${file.name}`, options);
    if (!res.body) throw new UserFacingError(`${file.name}: empty response`);
    const body = Readable.fromWeb(res.body as import("node:stream/web").ReadableStream);
    body.on("data", (chunk: Buffer) => {
      downloadedBytes += chunk.length;
      onProgress({ downloadedBytes, totalBytes, file: file.name });
    });
    await pipeline(body, fs.createWriteStream(path.join(partial, file.name)));
  }
  fs.rmSync(dir, { recursive: true, force: true });
  fs.renameSync(partial, dir);
}

/**
 * Registers a hub base as "downloading" and fetches it in the background; the row becomes
 * "ready" (validated like a local directory) or "invalid" with the reason.
 */
export async function startHubDownload(
  db: Db,
  params: { hubId: string; dataDir: string; options: HubOptions },
): Promise<{ base: BaseModel; done: Promise<BaseModel> }> {
  const hubId = params.hubId.trim();
  if (!hubIdInput.test(hubId))
    throw new UserFacingError(`"${hubId}" is not a hub model id like HuggingFaceTB/SmolLM2-135M-Instruct`);
  const dir = path.resolve(params.dataDir, "bases", hubId.replace("/", "--"));
  const [base] = await db
    .insert(baseModels)
    .values({
      name: hubId,
      kind: "hub",
      hubId,
      path: dir,
      status: "downloading",
      summary: { downloadedBytes: 0, totalBytes: 0 },
    })
    .returning();
  let lastWrite = 0;
  // Progress writes are chained so none can land after the final status.
  let progressWrites = Promise.resolve();
  const done = downloadHubModel(hubId, dir, params.options, (p) => {
    if (Date.now() - lastWrite < 500) return;
    lastWrite = Date.now();
    progressWrites = progressWrites
      .then(() => db.update(baseModels).set({ summary: p }).where(eq(baseModels.id, base!.id)))
      .then(() => {})
      .catch(() => {});
  })
    .finally(() => progressWrites)
    .then(async () => {
      const summary = inspectBaseDir(dir);
      const [row] = await db
        .update(baseModels)
        .set({ status: "ready", summary: { ...summary }, error: null })
        .where(eq(baseModels.id, base!.id))
        .returning();
      return row!;
    })
    .catch(async (err: unknown) => {
      const message = err instanceof Error ? err.message : String(err);
      const [row] = await db
        .update(baseModels)
        .set({ status: "invalid", error: `Download failed: ${message}` })
        .where(eq(baseModels.id, base!.id))
        .returning();
      return row!;
    });
  return { base: base!, done };
}

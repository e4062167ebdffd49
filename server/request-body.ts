/**
 * Request bodies read with a size limit before anything parses them: a body over the limit is
 * refused with 413 and never kept or parsed (whatever Content-Length claims), so one huge request
 * can neither hold the event loop in JSON.parse or a tokenizer nor fill the memory.
 */
import { cleanTexts } from "./text";

const DRAIN_BYTES = 64 * 1024 * 1024;

export type BodyResult = { ok: true; text: string } | { ok: false; status: 413; message: string };

export async function readLimitedText(req: Request, maxBytes: number): Promise<BodyResult> {
  const tooLarge = {
    ok: false as const,
    status: 413 as const,
    message: `The request body is too large: at most ${Math.round(maxBytes / 1024)} KB.`,
  };
  if (!req.body) return { ok: true, text: "" };
  const reader = req.body.getReader();
  if (Number(req.headers.get("content-length") ?? "0") > DRAIN_BYTES) {
    await reader.cancel().catch(() => {});
    return tooLarge;
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      // The rest is read and dropped (a keep-alive connection stays usable for the 413 and the
      // next request); past DRAIN_BYTES the connection is given up.
      if (size > DRAIN_BYTES) {
        await reader.cancel().catch(() => {});
        return tooLarge;
      }
      continue;
    }
    chunks.push(value);
  }
  return size > maxBytes ? tooLarge : { ok: true, text: Buffer.concat(chunks).toString("utf8") };
}

/**
 * A JSON body within the limit, its strings cleaned (server/text.ts); `value` is undefined when
 * the body is not JSON.
 */
export async function readLimitedJson(
  req: Request,
  maxBytes: number,
): Promise<{ ok: true; value: unknown } | { ok: false; status: 413; message: string }> {
  const body = await readLimitedText(req, maxBytes);
  if (!body.ok) return body;
  try {
    return { ok: true, value: cleanTexts(JSON.parse(body.text) as unknown) };
  } catch {
    return { ok: true, value: undefined };
  }
}

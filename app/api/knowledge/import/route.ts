import { getDatabase } from "@/server/db";
import { importKnowledge } from "@/server/knowledge/import";
import { importFormats } from "@/server/knowledge/import/records";
import { staffFromSession } from "@/server/knowledge/route-auth";

export const dynamic = "force-dynamic";

const MAX_UPLOAD_BYTES = 512 * 1024 * 1024;

/**
 * POST the file itself as the body (the browser streams it from disk):
 * `?mode=preview|commit&format=auto|openai|jsonl|csv&fileName=...`. Answers the import plan;
 * with mode=commit and no errors, the pairs are imported in one transaction.
 */
export async function POST(request: Request) {
  const staff = await staffFromSession();
  if ("refusal" in staff) return staff.refusal;
  const params = new URL(request.url).searchParams;
  const mode = params.get("mode") === "commit" ? "commit" : "preview";
  const format = params.get("format") ?? "auto";
  if (format !== "auto" && !importFormats.includes(format as never)) {
    return Response.json(
      { error: `Unknown format "${format}"; use auto, openai, jsonl or csv` },
      { status: 400 },
    );
  }
  const length = Number(request.headers.get("content-length") ?? 0);
  if (length > MAX_UPLOAD_BYTES) {
    return Response.json(
      { error: "The file is larger than 512 MB; split it into smaller files" },
      { status: 413 },
    );
  }
  if (!request.body) return Response.json({ error: "Choose a file to import" }, { status: 400 });
  const { db } = await getDatabase();
  try {
    const result = await importKnowledge(db, request.body as unknown as AsyncIterable<Uint8Array>, {
      format: format as "auto",
      fileName: params.get("fileName") ?? undefined,
      mode,
      actorId: staff.userId,
    });
    return Response.json(result, { headers: { "cache-control": "no-store" } });
  } catch (err) {
    console.error("[knowledge] import failed:", err);
    return Response.json(
      { error: "The import failed on the server; nothing was imported. Try again." },
      { status: 500 },
    );
  }
}

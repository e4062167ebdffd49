import { getDatabase } from "@/server/db";
import {
  type ExportFormat,
  exportFileTypes,
  exportFormats,
  exportKnowledge,
} from "@/server/knowledge/export";
import { filterFromSearchParams } from "@/server/knowledge/filter-input";
import { staffFromSession } from "@/server/knowledge/route-auth";

export const dynamic = "force-dynamic";

/**
 * GET `?format=openai|jsonl|csv|training` plus the list's filter parameters (q, status, product,
 * tag, source, changedSince, health): the file, streamed as it is read from the database.
 */
export async function GET(request: Request) {
  const staff = await staffFromSession();
  if ("refusal" in staff) return staff.refusal;
  const params = new URL(request.url).searchParams;
  const format = (params.get("format") ?? "jsonl") as ExportFormat;
  if (!exportFormats.includes(format)) {
    return Response.json(
      { error: `Unknown format "${format}"; use openai, jsonl, csv or training` },
      { status: 400 },
    );
  }
  let filter: ReturnType<typeof filterFromSearchParams>;
  try {
    filter = filterFromSearchParams(params);
  } catch (err) {
    return Response.json({ error: err instanceof Error ? err.message : "Invalid filter" }, { status: 400 });
  }
  const { db } = await getDatabase();
  const chunks = exportKnowledge(db, format, filter);
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const next = await chunks.next();
        if (next.done) controller.close();
        else controller.enqueue(encoder.encode(next.value));
      } catch (err) {
        console.error("[knowledge] export failed:", err);
        controller.error(err);
      }
    },
    async cancel() {
      await chunks.return(undefined);
    },
  });
  const { extension, contentType } = exportFileTypes[format];
  const name = `knowledge-${format}-${new Date().toISOString().slice(0, 10)}.${extension}`;
  return new Response(body, {
    headers: {
      "content-type": contentType,
      "content-disposition": `attachment; filename="${name}"`,
      "cache-control": "no-store",
    },
  });
}

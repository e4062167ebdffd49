"use client";

import { useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { type FormEvent, useState } from "react";
import { useTRPC } from "@/app/_lib/trpc";
import { formatCountOf } from "@/app/console/_training/format";
import type { ImportResult, ImportSample } from "@/server/knowledge/import";

type Phase = { kind: "idle" } | { kind: "working"; what: string } | { kind: "error"; message: string };

/**
 * Sends the chosen file as the request body: the browser streams it from disk, so a 100,000-line
 * file is never read into the page. The server answers with the plan (preview) or the result.
 */
async function send(file: File, format: string, mode: "preview" | "commit"): Promise<ImportResult> {
  const params = new URLSearchParams({ mode, format, fileName: file.name });
  const response = await fetch(`/api/knowledge/import?${params}`, { method: "POST", body: file });
  const body = await response.json().catch(() => ({ error: `The server answered ${response.status}` }));
  if (!response.ok) throw new Error(body.error ?? `The server answered ${response.status}`);
  return body as ImportResult;
}

function Samples({ title, rows }: { title: string; rows: ImportSample[] }) {
  if (!rows.length) return null;
  return (
    <details className="kn-samples">
      <summary>{title}</summary>
      <table>
        <thead>
          <tr>
            <th>Line</th>
            <th>Question</th>
            <th>Answer</th>
            <th>Note</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={`${r.line}-${r.question}`}>
              <td>{r.line}</td>
              <td>
                {r.question}
                {r.variants > 0 && <span className="muted"> (+{r.variants} variants)</span>}
              </td>
              <td className="muted">{r.answer}</td>
              <td className="muted">{r.note}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}

export function ImportPanel() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [file, setFile] = useState<File | null>(null);
  const [format, setFormat] = useState("auto");
  const [phase, setPhase] = useState<Phase>({ kind: "idle" });
  const [preview, setPreview] = useState<ImportResult | null>(null);
  const [done, setDone] = useState<ImportResult | null>(null);

  const run = async (mode: "preview" | "commit") => {
    if (!file) return;
    setPhase({ kind: "working", what: mode === "preview" ? "Reading the file…" : "Importing…" });
    try {
      const result = await send(file, format, mode);
      if (mode === "preview" || !result.committed) {
        setPreview(result);
        setDone(null);
      } else {
        setDone(result);
        setPreview(null);
        await queryClient.invalidateQueries({ queryKey: trpc.knowledge.pathKey() });
      }
      setPhase({ kind: "idle" });
    } catch (err) {
      setPhase({ kind: "error", message: err instanceof Error ? err.message : "The import failed" });
    }
  };
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    void run("preview");
  };
  const working = phase.kind === "working";
  const changes = preview ? preview.counts.create + preview.counts.merge : 0;

  return (
    <div className="stack">
      <form className="panel stack" onSubmit={onSubmit}>
        <p className="muted">
          Accepted: OpenAI chat fine-tuning JSONL (<code>{'{"messages": [...]}'}</code>; earlier turns are
          kept as context and consecutive lines with the same answer become variants), JSONL with{" "}
          <code>question</code>, <code>answer</code> and optional <code>product</code>, <code>tags</code>,{" "}
          <code>variants</code>, <code>status</code>, or CSV with a header row (<code>question,answer</code>{" "}
          plus optional <code>variants</code> one per line, <code>product</code>, <code>tags</code>,{" "}
          <code>status</code>). Nothing is imported unless the whole file is valid.
        </p>
        <div className="row">
          <label>
            File
            <input
              type="file"
              name="file"
              accept=".jsonl,.json,.csv,.txt"
              onChange={(e) => {
                setFile(e.target.files?.[0] ?? null);
                setPreview(null);
                setDone(null);
                setPhase({ kind: "idle" });
              }}
            />
          </label>
          <label>
            Format
            <select value={format} onChange={(e) => setFormat(e.target.value)}>
              <option value="auto">Detect from the file</option>
              <option value="openai">OpenAI chat JSONL</option>
              <option value="jsonl">Question/answer JSONL</option>
              <option value="csv">CSV</option>
            </select>
          </label>
        </div>
        <div className="row">
          <button type="submit" disabled={!file || working}>
            Preview
          </button>
          {working && (
            <span className="muted" role="status">
              {phase.what}
            </span>
          )}
        </div>
        {phase.kind === "error" && (
          <p role="alert" className="error">
            {phase.message}
          </p>
        )}
      </form>

      {preview && (
        <div className="panel stack" data-testid="import-preview">
          <h2>Preview of {file?.name}</h2>
          <p>
            {formatCountOf(preview.lines, "line")}, {formatCountOf(preview.records, "pair")}
            read ({preview.format}).
          </p>
          <ul className="kn-counts">
            <li>
              <strong>{preview.counts.create.toLocaleString("en-US")}</strong> to create
            </li>
            <li>
              <strong>{preview.counts.merge.toLocaleString("en-US")}</strong> to merge into existing pairs
            </li>
            <li>
              <strong>{preview.counts.skip.toLocaleString("en-US")}</strong> to skip (exact duplicates)
            </li>
          </ul>
          {preview.errorCount > 0 ? (
            <div role="alert" className="kn-errors" data-testid="import-errors">
              <p className="error">
                <strong>
                  {preview.errorCount} problem{preview.errorCount === 1 ? "" : "s"}: nothing will be imported.
                </strong>{" "}
                Fix the lines below and choose the file again.
              </p>
              <ul>
                {preview.errors.map((e) => (
                  <li key={`${e.line}-${e.field}-${e.message}`}>
                    {e.line > 0 ? `Line ${e.line}` : "File"}
                    {e.field ? ` (${e.field})` : ""}: {e.message}
                  </li>
                ))}
              </ul>
              {preview.errorCount > preview.errors.length && (
                <p className="muted">…and {preview.errorCount - preview.errors.length} more.</p>
              )}
            </div>
          ) : (
            <div className="row">
              <button type="button" disabled={working || changes === 0} onClick={() => void run("commit")}>
                Import {changes.toLocaleString("en-US")} pair{changes === 1 ? "" : "s"}
              </button>
              {changes === 0 && <span className="muted">Everything in this file is already here.</span>}
            </div>
          )}
          <Samples
            title={`Pairs to create (first ${preview.samples.create.length})`}
            rows={preview.samples.create}
          />
          <Samples
            title={`Pairs to merge (first ${preview.samples.merge.length})`}
            rows={preview.samples.merge}
          />
          <Samples
            title={`Pairs to skip (first ${preview.samples.skip.length})`}
            rows={preview.samples.skip}
          />
        </div>
      )}

      {done && (
        <p role="status" className="notice panel" data-testid="import-done">
          Imported: {done.counts.create.toLocaleString("en-US")} created,{" "}
          {done.counts.merge.toLocaleString("en-US")} merged, {done.counts.skip.toLocaleString("en-US")}{" "}
          skipped. <Link href="/console/knowledge?source=import">See imported pairs</Link>
        </p>
      )}
    </div>
  );
}

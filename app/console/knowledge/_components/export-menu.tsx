"use client";

import { useState } from "react";
import { exportQuery, type ListState } from "./filters";

const formats = [
  { value: "jsonl", label: "JSONL (question, answer, variants…)" },
  { value: "csv", label: "CSV" },
  { value: "openai", label: "OpenAI chat JSONL" },
  { value: "training", label: "Training view (approved, variants expanded)" },
];

/** Download links: the route streams the file, so even 100,000 pairs never sit in the page. */
export function ExportMenu({ state }: { state: ListState }) {
  const [format, setFormat] = useState("jsonl");
  return (
    <div className="row kn-export">
      <label className="kn-inline">
        <span>Export as</span>
        <select value={format} onChange={(e) => setFormat(e.target.value)}>
          {formats.map((f) => (
            <option key={f.value} value={f.value}>
              {f.label}
            </option>
          ))}
        </select>
      </label>
      <a
        className="button secondary"
        href={`/api/knowledge/export?${exportQuery(state, format, false)}`}
        download
      >
        Export this list
      </a>
      <a
        className="button secondary"
        href={`/api/knowledge/export?${exportQuery(state, format, true)}`}
        download
      >
        Export everything
      </a>
    </div>
  );
}

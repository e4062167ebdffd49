import { Readable } from "node:stream";
import Papa from "papaparse";
import type { SourceLine } from "./lines";
import { csvRowRecord, type ImportProblem, type ImportRecord } from "./records";

export const CSV_REQUIRED = ["question", "answer"] as const;
export const CSV_OPTIONAL = ["variants", "product", "tags", "status", "context"] as const;

function newlines(row: Record<string, unknown>): number {
  let n = 0;
  for (const value of Object.values(row)) {
    const texts = Array.isArray(value) ? value : [value];
    for (const t of texts) if (typeof t === "string") n += t.split("\n").length - 1;
  }
  return n;
}

/**
 * Reads CSV rows with a header, streaming through papaparse. Each record keeps the line its row
 * starts on (a quoted cell may span lines). A missing required column stops at the header.
 */
export function parseCsv(
  lines: AsyncIterable<SourceLine>,
  onRecord: (record: ImportRecord) => void,
  onProblem: (problem: ImportProblem) => void,
): Promise<{ lineCount: number }> {
  let lineCount = 0;
  async function* text() {
    for await (const l of lines) {
      lineCount = l.line;
      if (l.invalidUtf8)
        onProblem({ line: l.line, message: "not valid UTF-8 text; save the file as UTF-8 and try again" });
      if (l.tooLong) onProblem({ line: l.line, message: "the line is longer than 1 MB" });
      yield `${l.text}\n`;
    }
  }
  return new Promise((resolve, reject) => {
    let nextLine = 2;
    let headerChecked = false;
    const checkHeader = (fields: string[] | undefined, parser?: Papa.Parser): boolean => {
      headerChecked = true;
      const missing = CSV_REQUIRED.filter((c) => !fields?.includes(c));
      if (!missing.length) return true;
      onProblem({
        line: 1,
        field: missing[0],
        message: `the CSV header is missing the ${missing.map((m) => `"${m}"`).join(" and ")} column; expected columns: ${[...CSV_REQUIRED, ...CSV_OPTIONAL].join(", ")} (only question and answer are required)`,
      });
      parser?.abort();
      return false;
    };
    Papa.parse<Record<string, string>>(Readable.from(text()), {
      header: true,
      delimitersToGuess: [",", ";", "\t"],
      transformHeader: (h) => h.trim().toLowerCase(),
      step(results, parser) {
        if (!headerChecked && !checkHeader(results.meta.fields, parser)) return;
        const row = results.data;
        const line = nextLine;
        nextLine += 1 + newlines(row);
        const values = Object.values(row).flat();
        if (values.every((v) => typeof v !== "string" || v.trim() === "")) return;
        const error = results.errors[0];
        if (error) {
          const message =
            error.code === "TooFewFields" || error.code === "TooManyFields"
              ? `expected ${results.meta.fields?.length ?? "?"} columns as in the header, found ${values.length}`
              : error.code === "MissingQuotes"
                ? "a quoted cell is not closed"
                : error.message;
          onProblem({ line, message });
          return;
        }
        const record = csvRowRecord(line, row);
        if (Array.isArray(record)) for (const p of record) onProblem(p);
        else onRecord(record);
      },
      complete(results) {
        if (!headerChecked && lineCount > 0) checkHeader(results?.meta?.fields);
        resolve({ lineCount });
      },
      error: (err: Error) => reject(err),
    });
  });
}

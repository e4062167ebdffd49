import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, it } from "vitest";
import { continuableRetriever } from "@/server/training/retriever-tuning";

function retrieverDir(dir: string, meta: Record<string, unknown>): string {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "retriever.json"), JSON.stringify(meta));
  return dir;
}

it("continues from production's retriever only when it descends from today's general base", () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "tunedesk-continue-"));
  const general = retrieverDir(path.join(root, "retriever-base"), {
    kind: "general",
    created_at: "2026-12-03T09:38:22Z",
  });
  const same = path.join(root, "same");
  retrieverDir(path.join(same, "retriever"), { kind: "tuned", general_base: "2026-12-03T09:38:22Z" });
  const older = path.join(root, "older");
  retrieverDir(path.join(older, "retriever"), { kind: "tuned", general_base: "2026-11-01T00:00:00Z" });
  const scratch = path.join(root, "scratch");
  retrieverDir(path.join(scratch, "retriever"), { kind: "tuned", general_base: null });

  expect(continuableRetriever(same, general)).toBe(path.join(same, "retriever"));
  // A rebuilt general base starts runs afresh; so does a production model tuned without one.
  expect(continuableRetriever(older, general)).toBeNull();
  expect(continuableRetriever(scratch, general)).toBeNull();
  // Without a general base, a production retriever tuned from scratch is continued.
  expect(continuableRetriever(scratch, null)).toBe(path.join(scratch, "retriever"));
  // A bundle without a retriever (older bundles) is no starting point.
  expect(continuableRetriever(path.join(root, "none"), general)).toBeNull();
});

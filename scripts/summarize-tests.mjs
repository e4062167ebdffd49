// Adds up the test runners' reports into the one closing line CI reads: "tests: N passed, N failed".
import fs from "node:fs";
import path from "node:path";

const [dir, ...failedSteps] = process.argv.slice(2);
let passed = 0;
let failed = 0;
let skipped = 0;

for (const name of ["vitest.json", "e2e.json"]) {
  const file = path.join(dir, name);
  if (!fs.existsSync(file)) continue;
  const report = JSON.parse(fs.readFileSync(file, "utf8"));
  passed += report.numPassedTests;
  failed += report.numFailedTests;
  skipped += report.numPendingTests + report.numTodoTests;
}

const junit = path.join(dir, "pytest.xml");
if (fs.existsSync(junit)) {
  const xml = fs.readFileSync(junit, "utf8");
  const suite = xml.match(/<testsuite\b[^>]*>/)?.[0] ?? "";
  const attr = (n) => Number(suite.match(new RegExp(`\\b${n}="(\\d+)"`))?.[1] ?? 0);
  const bad = attr("failures") + attr("errors");
  passed += attr("tests") - bad - attr("skipped");
  failed += bad;
  skipped += attr("skipped");
}

// A step that failed without a report (lint, types, a crash) still counts as a failure.
failed += failedSteps.filter((s) => !["unit", "trainer", "browser"].includes(s)).length;
if (failedSteps.length) console.log(`failed steps: ${failedSteps.join(", ")}`);
console.log(`tests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);

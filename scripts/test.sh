#!/usr/bin/env bash
# The whole test suite: lint, types, unit + integration tests on PGlite and PostgreSQL,
# the trainer's pytest suite, and the browser tests. Ends with one "N passed, N failed" line.
set -uo pipefail
cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1

results=.cache/test-results
rm -rf "$results" && mkdir -p "$results"
failed_steps=()

step() {
  local name=$1
  shift
  echo "=== $name: $*"
  if ! "$@"; then
    echo "=== $name FAILED"
    failed_steps+=("$name")
  fi
}

step lint npx biome check .
step typecheck npx tsc --noEmit
step unit npx vitest run --reporter=default --reporter=json --outputFile.json="$results/vitest.json"
step trainer bash scripts/test-python.sh --junitxml="$results/pytest.xml"
step build npx next build
step browser npx vitest run --config vitest.e2e.config.ts --reporter=default --reporter=json \
  --outputFile.json="$results/e2e.json"

node scripts/summarize-tests.mjs "$results" "${failed_steps[@]}"
[ ${#failed_steps[@]} -eq 0 ]

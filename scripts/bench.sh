#!/usr/bin/env bash
# Every benchmark, one after another; each prints its own numbers. Slow (tens of minutes on 2 cores).
# Run one with `npm run bench:<name>` (knowledge, trainer, inference, served, pipeline, quality, answers,
# feedback, fuzz, load);
# served measures the built app, so this script builds it first.
set -uo pipefail
cd "$(dirname "$0")/.."
status=0
npx next build >/dev/null || { echo "=== next build FAILED"; exit 1; }
for name in knowledge trainer inference served pipeline quality answers feedback fuzz load; do
  echo "=== bench:$name"
  npm run --silent "bench:$name" || { echo "=== bench:$name FAILED"; status=1; }
done
exit $status

#!/usr/bin/env bash
# First look: install everything, build, and start Tunedesk on http://localhost:3000
# with the embedded database (data in ./.tunedesk). Set DATABASE_URL to use PostgreSQL instead.
set -euo pipefail
cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1

if command -v apt-get >/dev/null 2>&1; then
  bash scripts/install-system.sh || echo "warning: could not install Debian packages (training and browser tests need them)" >&2
fi
ONNXRUNTIME_NODE_INSTALL=skip npm install --no-audit --no-fund
npm run build
exec npm start

#!/usr/bin/env bash
# The trainer's tests run on Debian's Python, which has torch (the python3 on PATH may not).
set -euo pipefail
cd "$(dirname "$0")/.."
exec /usr/bin/python3 -m pytest test/trainer -q "$@"

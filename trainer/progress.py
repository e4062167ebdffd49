"""Progress protocol: one JSON object per line on stdout, nothing else there (DESIGN.md).

Only rank 0 of a distributed run reports, so the worker sees one stream whatever the world size.
"""

import json
import math
import os
import sys
import time

_enabled = int(os.environ.get("RANK", "0")) == 0
_stdout = sys.stdout


def _clean(value):
    # NaN/inf are not JSON; the worker would choke on the whole line, so they become null.
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    return value


def emit(event: str, **fields) -> None:
    if not _enabled:
        return
    record = {"event": event, **_clean(fields)}
    _stdout.write(json.dumps(record, separators=(",", ":"), allow_nan=False) + "\n")
    _stdout.flush()


def log(message: str) -> None:
    if _enabled:
        sys.stderr.write(f"[trainer {time.strftime('%H:%M:%S')}] {message}\n")
        sys.stderr.flush()


def guard_stdout() -> None:
    """Route stray prints (from libraries) to stderr so stdout stays pure JSON lines."""
    global _stdout
    _stdout = sys.stdout
    sys.stdout = sys.stderr

"""Writing a command's output file, shared by `python -m course` (course/cli.py) and the
learning-platform commands it adds (course/lms/cli.py), which would otherwise import each other.
"""

from __future__ import annotations

import sys
from pathlib import Path


def write_output(out: Path, data: bytes) -> int:
    """Write a command's file, making its folder; print its path (0), or say why not (1): a
    part of the path that is a file, or the system's reason."""
    blocking = next((p for p in reversed(out.parents) if p.exists() and not p.is_dir()), None)
    if blocking is not None:
        print(f"error: cannot write {out}: {blocking} is a file, not a folder", file=sys.stderr)
        return 1
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(data)
    except OSError as exc:
        print(f"error: cannot write {out}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    print(out)
    return 0

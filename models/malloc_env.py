"""glibc malloc settings that make CPU training ~10x faster on our VMs (../shared/FACTS.md, measured).

With the defaults, every large tensor is a fresh mmap that is unmapped on free, so each training step
page-faults its activations back in. Raising the mmap and trim thresholds keeps freed memory in the
process. glibc reads these variables only at start-up, so a script re-executes itself with them set.
"""
from __future__ import annotations

import os
import sys
from typing import Dict

MALLOC_ENV: Dict[str, str] = {
    "MALLOC_MMAP_THRESHOLD_": "17179869184",   # 16 GiB: no tensor gets its own mmap
    "MALLOC_TRIM_THRESHOLD_": "17179869184",   # never give freed heap back to the OS
    "MALLOC_TOP_PAD_": "1073741824",           # grow the heap 1 GiB at a time
}


def needs_reexec(environ: Dict[str, str]) -> bool:
    if environ.get("DASHSEG_KEEP_MALLOC") == "1":
        return False
    return any(environ.get(k) != v for k, v in MALLOC_ENV.items())


def reexec_with_malloc_env() -> None:
    """Replace this process with the same command line, the malloc variables set (once)."""
    if not needs_reexec(dict(os.environ)):
        return
    env = dict(os.environ, **MALLOC_ENV)
    env["DASHSEG_KEEP_MALLOC"] = "1"  # never loop, even if a variable does not stick
    sys.stdout.flush()
    # sys.orig_argv (Python 3.10+) keeps the interpreter's own options, e.g. `python3 -u`.
    argv = list(getattr(sys, "orig_argv", [sys.executable] + sys.argv))
    os.execve(sys.executable, [sys.executable] + argv[1:], env)

"""Process memory settings for large scoring runs: keep freed memory for reuse.

Scoring thousands of portfolios allocates and frees hundreds of megabytes of arrays on
every run. By default the allocators hand freed memory back to the kernel, which must
zero it again when it is next touched, often as whole 2 MB huge pages for a small array.
In a ``perf`` profile of the 10,000-portfolio benchmark that zeroing (the kernel's
``clear_page_erms``) took 13-15% of the run's CPU. :func:`keep_freed_memory` makes the
process keep freed memory for reuse instead:

- glibc's malloc (numpy, pandas): up to 512 MB of free heap is kept rather than trimmed,
  and blocks up to 32 MB (glibc's largest setting) come from the heap, not from fresh
  mappings;
- Arrow: its jemalloc pool, which returns unused pages 10 s after they are freed rather
  than at once (Arrow's default pool, mimalloc, has no setting for this at run time);
- no transparent huge pages for this process.

The app, the CLI (``python -m vetting``) and ``scripts/bench.py`` call it at start-up;
the figures are in docs/benchmarks.md. Each setting is skipped where the platform lacks
it, so the call is safe anywhere::

    >>> applied = keep_freed_memory()
    >>> sorted(applied)
    ['arrow_jemalloc', 'glibc_malloc', 'no_huge_pages']
"""

from __future__ import annotations

import ctypes
import sys
import threading

import pyarrow as pa

_M_TRIM_THRESHOLD = -1  # glibc mallopt parameters (malloc.h)
_M_MMAP_THRESHOLD = -3
_PR_SET_THP_DISABLE = 41  # linux/prctl.h
_KEEP_FREE_HEAP_BYTES = 512 * 2**20
_LARGEST_HEAP_BLOCK_BYTES = 32 * 2**20  # glibc's upper bound for the mmap threshold
_ARROW_DECAY_MS = 10_000

_lock = threading.Lock()
_applied: dict[str, bool] | None = None


def keep_freed_memory() -> dict[str, bool]:
    """Apply the settings of the module docstring, once per process (later calls, such as
    the app's on every rerun, change nothing). Returns which of them took effect."""
    global _applied
    with _lock:
        if _applied is None:
            libc = _libc()
            _applied = {
                "glibc_malloc": _keep_heap(libc),
                "arrow_jemalloc": _arrow_jemalloc(),
                "no_huge_pages": _no_huge_pages(libc),
            }
        return dict(_applied)


def _libc() -> ctypes.CDLL | None:
    try:
        return ctypes.CDLL(None)  # the C library the interpreter already uses
    except OSError:
        return None


def _keep_heap(libc: ctypes.CDLL | None) -> bool:
    mallopt = getattr(libc, "mallopt", None)  # glibc only
    if mallopt is None:
        return False
    # mallopt returns 1 on success; other C libraries may accept and ignore it (0).
    trim = mallopt(_M_TRIM_THRESHOLD, _KEEP_FREE_HEAP_BYTES)
    mmap = mallopt(_M_MMAP_THRESHOLD, _LARGEST_HEAP_BLOCK_BYTES)
    return trim == 1 and mmap == 1


def _arrow_jemalloc() -> bool:
    try:
        pool = pa.jemalloc_memory_pool()
    except NotImplementedError:  # a pyarrow built without jemalloc
        return False
    pa.jemalloc_set_decay_ms(_ARROW_DECAY_MS)  # before the pool's arenas exist
    pa.set_memory_pool(pool)
    return True


def _no_huge_pages(libc: ctypes.CDLL | None) -> bool:
    prctl = getattr(libc, "prctl", None)
    if prctl is None or not sys.platform.startswith("linux"):
        return False
    return prctl(_PR_SET_THP_DISABLE, 1, 0, 0, 0) == 0

"""The process memory settings, checked in a fresh interpreter (they are per process)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

_PROBE = """
import ctypes, json, sys
sys.path.insert(0, sys.argv[1])
import pyarrow as pa
from vetting.memory import keep_freed_memory
before = pa.default_memory_pool().backend_name
first = keep_freed_memory()
pool = pa.default_memory_pool().backend_name
second = keep_freed_memory()
libc = ctypes.CDLL(None)
thp_disabled = libc.prctl(42, 0, 0, 0, 0) if sys.platform.startswith("linux") else None
print(json.dumps({"before": before, "first": first, "pool": pool, "second": second,
                  "pool_after_second": pa.default_memory_pool().backend_name,
                  "thp_disabled": thp_disabled}))
"""


def _probe() -> dict[str, object]:
    done = subprocess.run([sys.executable, "-c", _PROBE, str(ROOT)], capture_output=True,
                          text=True, check=True)
    return json.loads(done.stdout)


def test_settings_apply_once_and_report_what_took_effect() -> None:
    result = _probe()
    assert set(result["first"]) == {"glibc_malloc", "arrow_jemalloc", "no_huge_pages"}
    assert result["second"] == result["first"]  # a second call changes nothing
    if result["first"]["arrow_jemalloc"]:
        assert result["pool"] == result["pool_after_second"] == "jemalloc"
    else:
        assert result["pool"] == result["before"]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux and glibc settings")
def test_on_linux_every_setting_takes_effect() -> None:
    result = _probe()
    assert result["first"] == {"glibc_malloc": True, "arrow_jemalloc": True,
                               "no_huge_pages": True}
    assert result["thp_disabled"] == 1  # PR_GET_THP_DISABLE

"""Speed of the follower audit on synthetic rows (target: 100,000 rows scored in < 1 s).

    .venv/bin/python scripts/bench_followers_audit.py [--rows 100000]

Prints rows per second for scoring (features + logistic model) and for the whole
estimate (scoring + Monte Carlo interval), and for reading the same rows from a CSV.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from vetting.followers_audit import (
    estimate_fake_share,
    load_model,
    read_follower_sample,
    score_followers,
    synthetic_followers,
)


def timed(label: str, rows: int, action: Callable[[], object]) -> None:
    start = time.perf_counter()
    action()
    seconds = time.perf_counter() - start
    print(f"{label:<28} {rows:>9,} rows in {seconds:6.3f} s = {rows / seconds:>12,.0f} rows/s")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    rows = parser.parse_args().rows
    sample = synthetic_followers(rows, fake_share=0.2).drop(columns="true_fake")
    load_model()  # the JSON is read once per process; keep it out of the timing
    score_followers(sample.head(10))
    timed("score_followers", rows, lambda: score_followers(sample))
    timed("estimate_fake_share", rows, lambda: estimate_fake_share(sample))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "followers.csv"
        sample.to_csv(path, index=False)
        timed("read_follower_sample (CSV)", rows, lambda: read_follower_sample(path))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

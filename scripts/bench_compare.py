"""Compare the 10,000-portfolio scoring time of an older commit with the working tree.

Usage: .venv/bin/python scripts/bench_compare.py OLD_COMMIT [--rounds 6] [--runs 3]

The machine's speed drifts by a fifth or more within an hour, so figures taken at
different times do not compare (see docs/benchmarks.md). This checks out OLD_COMMIT into
a temporary git worktree and runs the two trees in turns, each round one fresh process
per tree timing ``--runs`` full runs (analyse + score, as ``scripts/bench.py`` times
them), then prints the fastest run, the first quartile and the median of each tree, and
the median of the rounds' differences (each round's two processes ran close together).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Runs inside each tree: only the API every commit since 2026-12-01 has.
_TIMED_RUNS = r"""
import sys, time
from dataclasses import fields
from datetime import date
from pathlib import Path
root = Path(sys.argv[1])
sys.path.insert(0, str(root))
from vetting.evidence import analyse
from vetting.frames import PortfolioFrames
from vetting.loading import load_brief, load_portfolios
from vetting.rubrics import load_rubric
from vetting.scoring import score_table
from vetting.signals import SignalContext
from vetting.synthetic import synthetic_frames
try:  # each tree runs with the memory settings its own entry points apply
    from vetting.memory import keep_freed_memory
except ImportError:  # trees from before vetting/memory.py
    pass
else:
    keep_freed_memory()
today = date(2026, 11, 22)
rubric = load_rubric(root / "rubrics" / "agency.yaml")
context = SignalContext(today=today, brief=load_brief(root / "sample_portfolios" / "brief.yaml"))
answers = [text for p in load_portfolios(root / "sample_portfolios", today).portfolios
           for text in p.strategy_answers.values()]
frames = synthetic_frames(10_000, answers, seed=7)
def fresh():
    return PortfolioFrames(**{f.name: getattr(frames, f.name).copy(deep=True)
                              for f in fields(PortfolioFrames)})
analyse(fresh(), context)  # warm the caches, as the bench does
for _ in range(int(sys.argv[2])):
    tables = fresh()
    start = time.perf_counter()
    score_table(analyse(tables, context), tables.candidates, rubric)
    print(time.perf_counter() - start)
"""


def _timed_runs(tree: Path, runs: int) -> list[float]:
    done = subprocess.run([sys.executable, "-c", _TIMED_RUNS, str(tree), str(runs)],
                          capture_output=True, text=True, check=True)
    return [float(line) for line in done.stdout.split()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("old_commit")
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        old_tree = Path(scratch) / "old"
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", "-q",
                        str(old_tree), args.old_commit], check=True)
        try:
            times: dict[str, list[float]] = {args.old_commit: [], "working tree": []}
            # Each round's fastest run of the working tree minus that of the old commit:
            # the two ran minutes apart at most, so the machine's drift mostly cancels.
            differences: list[float] = []
            for _ in range(args.rounds):
                old = _timed_runs(old_tree, args.runs)
                new = _timed_runs(ROOT, args.runs)
                times[args.old_commit] += old
                times["working tree"] += new
                differences.append(min(new) - min(old))
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force",
                            str(old_tree)], check=True)
    for name, values in times.items():
        values.sort()
        print(f"{name:<14} {len(values)} runs: fastest {values[0]:.3f} s, "
              f"first quartile {values[len(values) // 4]:.3f} s, "
              f"median {statistics.median(values):.3f} s")
    faster = sum(difference < 0 for difference in differences)
    print(f"paired by round: the working tree's fastest run minus the old commit's, median "
          f"{statistics.median(differences):+.3f} s; faster in {faster} of {len(differences)}"
          " rounds")


if __name__ == "__main__":
    main()

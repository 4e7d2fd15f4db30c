"""The evidence engine: every signal analyser over every candidate, then scorecards.

This is the one entry point the CLI, the app and the benchmark share::

    result = load_portfolios(Path("sample_portfolios"))
    evaluation = evaluate(result, rubric, brief=brief)
    evaluation.scorecards[0].total
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from types import ModuleType

import pandas as pd

from vetting.frames import PortfolioFrames, build_frames, empty_findings
from vetting.loading import LoadResult
from vetting.models import Brief, Rubric, Scorecard
from vetting.scoring import Overrides, score_candidates
from vetting.signals import SignalContext, combine_findings
from vetting.signals.strategy import answer_analysis

# One module per rubric area (vetting/signals/<name>.py), run in this order.
ANALYSERS: tuple[str, ...] = (
    "engagement",
    "authenticity",
    "audience",
    "repeatability",
    "claims",
    "creative",
    "strategy",
    "measurement",
    "community",
    "paid",
    "learning",
    "commercial",
    "fit",
)

# The analysers that read the shared analysis of the written answers.
READS_ANSWERS: frozenset[str] = frozenset({"claims", "strategy", "measurement", "community"})

Analyser = Callable[[PortfolioFrames, SignalContext], pd.DataFrame]


def _module(name: str) -> ModuleType:
    return importlib.import_module(f"vetting.signals.{name}")


def analysers() -> list[tuple[str, Analyser]]:
    return [(name, _module(name).analyse) for name in ANALYSERS]


def analyse(frames: PortfolioFrames, context: SignalContext) -> pd.DataFrame:
    """All findings for all candidates, one table, in the order of :data:`ANALYSERS`.

    The shared analysis of the written answers runs on a second thread while the other
    analysers run on this one: it is mostly RE2 passes in Arrow, which release the GIL,
    so both cores work. While this thread waits for it, the analysers that read it do
    the part that needs no answers (their ``prepare``, when they have one). They are then
    shared between the two threads.
    """
    table = dict(analysers())
    reading = [name for name in ANALYSERS if name in READS_ANSWERS]
    # Strategy takes about as long as the other three together.
    on_second = [name for name in reading if name == "strategy"]
    on_first = [name for name in reading if name != "strategy"]

    def run(names: list[str]) -> dict[str, pd.DataFrame]:
        return {name: table[name](frames, context) for name in names}

    with ThreadPoolExecutor(max_workers=1) as pool:
        shared = pool.submit(answer_analysis, frames)
        later = pool.submit(run, on_second)  # after the shared analysis, on its thread
        found = run([name for name in ANALYSERS if name not in READS_ANSWERS])
        for name in reading:
            prepare = getattr(_module(name), "prepare", None)
            if prepare is not None:
                prepare(frames)
        shared.result()  # raises the thread's error, if any
        found |= run(on_first)
        found |= later.result()
    parts = [found[name] for name in ANALYSERS if len(found[name])]
    if not parts:
        return empty_findings()
    return combine_findings(parts)


@dataclass(frozen=True)
class Evaluation:
    frames: PortfolioFrames
    findings: pd.DataFrame
    scorecards: list[Scorecard]


def evaluate(
    loaded: LoadResult,
    rubric: Rubric,
    brief: Brief | None = None,
    today: date | None = None,
    overrides: Overrides | None = None,
) -> Evaluation:
    frames = build_frames(loaded.portfolios)
    context = SignalContext(
        today=today or date.today(), brief=brief, follower_samples=loaded.follower_samples
    )
    findings = analyse(frames, context)
    cards = score_candidates(findings, frames.candidates, rubric, overrides)
    return Evaluation(frames=frames, findings=findings, scorecards=cards)

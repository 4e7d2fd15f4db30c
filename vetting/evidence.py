"""The evidence engine: every signal analyser over every candidate, then scorecards.

This is the one entry point the CLI, the app and the benchmark share::

    result = load_portfolios(Path("sample_portfolios"))
    evaluation = evaluate(result, rubric, brief=brief)
    evaluation.scorecards[0].total
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from types import ModuleType

import pandas as pd

from vetting.frames import PortfolioFrames, build_frames, empty_findings
from vetting.loading import LoadResult
from vetting.models import Brief, Rubric, Scorecard
from vetting.scoring import Overrides, score_candidates
from vetting.signals import SignalContext, findings_frame

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

Analyser = Callable[[PortfolioFrames, SignalContext], pd.DataFrame]


def _module(name: str) -> ModuleType:
    return importlib.import_module(f"vetting.signals.{name}")


def analysers() -> list[tuple[str, Analyser]]:
    return [(name, _module(name).analyse) for name in ANALYSERS]


def analyse(frames: PortfolioFrames, context: SignalContext) -> pd.DataFrame:
    """All findings for all candidates, one table."""
    parts = [analyse_one(frames, context) for _, analyse_one in analysers()]
    parts = [part for part in parts if len(part)]
    if not parts:
        return empty_findings()
    return findings_frame(pd.concat(parts, ignore_index=True))


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

"""Several raters' levels → one panel level per criterion, and where the panel disagrees.

Raters score independently and the levels are combined by formula, not by discussion
(mechanical combination predicts better: Kuncel et al. 2013, in BENCHMARKS.md). Pure
functions over plain data; :meth:`vetting.store.Store.panel_levels` supplies the input
(submitted raters only, "not enough to judge" left out).

- Combined level per criterion: the rubric's aggregation (mean or median) of the raters'
  levels, rounded half up to a whole level for the scorecard.
- Spread per criterion: range (highest − lowest) and population standard deviation.
- Systematic rater deviation: for each rater, the mean signed difference between their
  level and the panel's median on that criterion, over every criterion at least three
  raters judged. Negative = harsher. Why the median of the whole panel and not a
  leave-one-out mean: with a mean, one harsh rater drags the reference down and makes the
  fair raters look lenient (with three raters at 4, 4 and 2, each 4 sits a full level
  above the mean of the other two); the median is not dragged. Why three raters: with
  two, a difference shows that they disagree, not which of them is off.

>>> levels = [RaterLevel("c1", "reach", "ana", 2), RaterLevel("c1", "reach", "ben", 5),
...           RaterLevel("c1", "reach", "eli", 3)]
>>> [(p.combined, p.level, p.spread) for p in combine(levels, "median")]
[(3.0, 3, 3)]
>>> panel_overrides(levels, "mean")
{'c1': {'reach': 3}}
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import pandas as pd
import yaml

from vetting.models import Aggregation

PANEL_SETTINGS = Path(__file__).resolve().parent / "data" / "panel.yaml"


def _settings() -> dict[str, Any]:
    """The thresholds of vetting/data/panel.yaml, each with its reason there."""
    with PANEL_SETTINGS.open(encoding="utf-8") as handle:
        settings: dict[str, Any] = yaml.safe_load(handle)
    return settings


_SETTINGS = _settings()
DEVIATION_THRESHOLD: float = float(_SETTINGS["deviation"]["threshold"])
MIN_SHARED_CRITERIA: int = int(_SETTINGS["deviation"]["min_shared_criteria"])
MIN_RATERS_TO_COMPARE: int = int(_SETTINGS["deviation"]["min_raters_per_criterion"])
DISAGREEMENT_RANGE: int = int(_SETTINGS["disagreement"]["min_range"])

Direction = Literal["harsher", "more lenient", "in line"]


@dataclass(frozen=True)
class RaterLevel:
    """One submitted rater's level on one criterion of one candidate."""

    candidate_id: str
    criterion_id: str
    rater: str
    level: int


@dataclass(frozen=True)
class CriterionPanel:
    candidate_id: str
    criterion_id: str
    combined: float  # mean or median of the raters' levels, unrounded
    level: int  # combined, rounded half up: what the scorecard uses
    raters: int
    lowest: int
    highest: int
    spread: int  # highest − lowest
    std: float  # population standard deviation of the raters' levels
    disagreement: bool  # spread ≥ DISAGREEMENT_RANGE
    levels: dict[str, int]  # rater → level


@dataclass(frozen=True)
class RaterDeviation:
    rater: str
    shared_criteria: int  # criteria this rater judged with at least two others
    mean_difference: float  # signed, in levels: negative = harsher than the panel
    flagged: bool
    direction: Direction


def round_half_up(value: float) -> int:
    """2.5 → 3 (Python's round() would give 2).

    >>> round_half_up(2.5), round_half_up(3.49)
    (3, 3)
    """
    return math.floor(value + 0.5)


def _aggregate(values: list[int], aggregation: Aggregation) -> float:
    if aggregation == "mean":
        return statistics.fmean(values)
    if aggregation == "median":
        return float(statistics.median(values))
    raise ValueError(f"unknown aggregation {aggregation!r}: use 'mean' or 'median'")


def _by_criterion(levels: Iterable[RaterLevel]) -> dict[tuple[str, str], dict[str, int]]:
    grouped: dict[tuple[str, str], dict[str, int]] = defaultdict(dict)
    for item in levels:
        key = (item.candidate_id, item.criterion_id)
        if item.rater in grouped[key]:
            raise ValueError(
                f"{item.rater} has two levels for {item.criterion_id} of {item.candidate_id}"
            )
        grouped[key][item.rater] = item.level
    return grouped


def combine(levels: Iterable[RaterLevel], aggregation: Aggregation) -> list[CriterionPanel]:
    """The panel per (candidate, criterion) that at least one rater judged."""
    panels = []
    for (candidate_id, criterion_id), by_rater in sorted(_by_criterion(levels).items()):
        values = list(by_rater.values())
        combined = _aggregate(values, aggregation)
        spread = max(values) - min(values)
        panels.append(
            CriterionPanel(
                candidate_id=candidate_id,
                criterion_id=criterion_id,
                combined=combined,
                level=round_half_up(combined),
                raters=len(values),
                lowest=min(values),
                highest=max(values),
                spread=spread,
                std=statistics.pstdev(values),
                disagreement=spread >= DISAGREEMENT_RANGE,
                levels=dict(sorted(by_rater.items())),
            )
        )
    return panels


def panel_overrides(
    levels: Iterable[RaterLevel], aggregation: Aggregation
) -> dict[str, dict[str, int]]:
    """``overrides`` for :func:`vetting.scoring.score_candidates`: the panel's levels.

    A criterion no rater judged is absent, so it keeps the evidence's suggested level.
    """
    overrides: dict[str, dict[str, int]] = defaultdict(dict)
    for panel in combine(levels, aggregation):
        overrides[panel.candidate_id][panel.criterion_id] = panel.level
    return dict(overrides)


def rater_deviations(
    levels: Iterable[RaterLevel],
    threshold: float = DEVIATION_THRESHOLD,
    min_shared: int = MIN_SHARED_CRITERIA,
) -> list[RaterDeviation]:
    """How far each rater sits from the panel's median, across every comparable criterion.

    Flagged when ``|mean difference| ≥ threshold`` over at least ``min_shared`` criteria
    (each judged by at least MIN_RATERS_TO_COMPARE raters). Most deviant first.
    """
    differences: dict[str, list[float]] = defaultdict(list)
    for by_rater in _by_criterion(levels).values():
        if len(by_rater) < MIN_RATERS_TO_COMPARE:
            continue
        median = statistics.median(by_rater.values())
        for rater, level in by_rater.items():
            differences[rater].append(level - median)
    deviations = []
    for rater, diffs in differences.items():
        mean = statistics.fmean(diffs)
        flagged = len(diffs) >= min_shared and abs(mean) >= threshold
        direction: Direction = (
            "in line" if not flagged else ("harsher" if mean < 0 else "more lenient")
        )
        deviations.append(RaterDeviation(rater, len(diffs), round(mean, 6), flagged, direction))
    return sorted(deviations, key=lambda d: (-abs(d.mean_difference), d.rater))


def level_distribution(levels: Iterable[RaterLevel]) -> dict[str, dict[int, int]]:
    """How often each rater gives each level 1–5: the calibration view of a panel."""
    counts: dict[str, dict[int, int]] = {}
    for item in levels:
        per_rater = counts.setdefault(item.rater, dict.fromkeys(range(1, 6), 0))
        per_rater[item.level] += 1
    return dict(sorted(counts.items()))


def panel_table(levels: Iterable[RaterLevel], aggregation: Aggregation) -> pd.DataFrame:
    """One row per (candidate, criterion) for comparisons and exports; a column per rater."""
    panels = combine(levels, aggregation)
    columns = [
        "candidate_id",
        "criterion_id",
        "combined",
        "level",
        "raters",
        "lowest",
        "highest",
        "spread",
        "std",
        "disagreement",
    ]
    table = pd.DataFrame([{c: getattr(p, c) for c in columns} for p in panels], columns=columns)
    raters = sorted({rater for p in panels for rater in p.levels})
    for rater in raters:
        table[f"rater:{rater}"] = [p.levels.get(rater) for p in panels]
    return table

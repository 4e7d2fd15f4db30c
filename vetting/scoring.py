"""Findings + rubric (+ raters' levels) → scorecards.

The arithmetic is mechanical on purpose: combining evidence by formula beats combining
it by discussion (Kuncel et al. 2013, in BENCHMARKS.md). The rules, in one place:

- A criterion's suggested level is the confidence-weighted mean of the suggested levels
  of the findings in its area, rounded half up. A finding whose level a summary finding
  already combines (``summarised_by``) shows its level but does not count again.
- A red flag caps the suggested level of the criteria of its area (caution → at most 4,
  serious → at most 2, knockout → 1). A serious or knockout flag alone, with no
  level-bearing finding, is itself evidence and sets the level to its cap; a caution
  alone does not (a 4 resting only on a caution would be a guess).
- No level-bearing finding and no flag: the criterion is "not enough data to judge"
  (level None). It is never filled with a middle score.
- A rater's or the panel's level (``overrides``) replaces the suggested one.
- Points = (level − 1) / 4 × 100; the total is the weighted mean of points over judged
  criteria; confidence is the judged share of the total weight.
- A knockout flag caps the total at ``rubric.knockout_cap``.

>>> level_points(5), level_points(1)
(100.0, 0.0)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from vetting.models import (
    SEVERITIES,
    CriterionScore,
    RaisedFlag,
    Rubric,
    Scorecard,
    Severity,
)
from vetting.signals import to_findings

SEVERITY_LEVEL_CAP: dict[str, int] = {"caution": 4, "serious": 2, "knockout": 1}
_SEVERITY_RANK = {severity: rank for rank, severity in enumerate(SEVERITIES)}

Overrides = Mapping[str, Mapping[str, int | None]]


def level_points(level: float) -> float:
    """A 1–5 level on the 0–100 scale."""
    return (float(level) - 1.0) / 4.0 * 100.0


def weighted_total(
    levels: Sequence[float | None], weights: Sequence[float]
) -> tuple[float | None, float]:
    """(total 0–100 over judged criteria or None, judged share of the weight).

    >>> weighted_total([5, None, 1], [2, 1, 2])
    (50.0, 0.8)
    """
    judged = [(level, w) for level, w in zip(levels, weights, strict=True) if level is not None]
    all_weight = float(sum(weights))
    judged_weight = float(sum(w for _, w in judged))
    if not judged or judged_weight == 0:
        return None, 0.0
    total = sum(level_points(level) * w for level, w in judged) / judged_weight
    return round(total, 6), round(judged_weight / all_weight, 6)


def apply_knockout_cap(total: float | None, knockout: bool, cap: float | None) -> float | None:
    if total is None or not knockout or cap is None:
        return total
    return min(total, cap)


def _round_half_up(values: pd.Series) -> pd.Series:
    return np.floor(values + 0.5)


# The columns the arithmetic needs; long text columns stay behind (copying them on every
# filter is what would make scoring slow on 10,000 candidates).
_SCORING_COLUMNS = [
    "candidate_id", "area", "suggested_level", "flag", "severity", "confidence", "summarised_by"
]


def _with_severity(findings: pd.DataFrame, rubric: Rubric) -> pd.DataFrame:
    """Flags take the rubric's severity when the rubric defines them (a manager's edit)."""
    rubric_severity = {
        flag.id: flag.severity for criterion in rubric.criteria for flag in criterion.red_flags
    }
    flagged = findings["flag"].notna().to_numpy()
    raised = findings.loc[flagged, ["flag", "severity"]]  # few rows: map only these
    chosen = raised["flag"].map(rubric_severity).astype(object)
    chosen = chosen.fillna(raised["severity"]).fillna("caution")
    severity = np.full(len(findings), None, dtype=object)
    severity[flagged] = chosen.to_numpy(dtype=object)
    return findings.assign(severity=severity)


def suggest_levels(findings: pd.DataFrame, rubric: Rubric) -> pd.DataFrame:
    """Suggested level and confidence per (candidate, criterion), vectorised.

    Returns columns candidate_id, criterion_id, suggested_level (float, NaN = not
    enough data), confidence.
    """
    areas = {criterion.area for criterion in rubric.criteria}
    lean = findings[_SCORING_COLUMNS]
    relevant = _with_severity(lean[lean["area"].isin(areas)], rubric)
    keys = ["candidate_id", "area"]

    leveled = relevant[relevant["suggested_level"].notna() & relevant["summarised_by"].isna()]
    weight = leveled["confidence"].clip(lower=0.05)
    by_area = (
        leveled.assign(_weighted=leveled["suggested_level"] * weight, _weight=weight)
        .groupby(keys)[["_weighted", "_weight"]]
        .sum()
    )
    by_area["mean_level"] = by_area["_weighted"] / by_area["_weight"]
    by_area["level_confidence"] = (
        leveled.groupby(keys)["confidence"].mean().reindex(by_area.index)
    )

    flagged = relevant[relevant["flag"].notna()]
    caps = flagged.assign(cap=flagged["severity"].map(SEVERITY_LEVEL_CAP)).groupby(keys).agg(
        cap=("cap", "min"), flag_confidence=("confidence", "max")
    )
    combined = by_area[["mean_level", "level_confidence"]].join(caps, how="outer")
    rounded = _round_half_up(combined["mean_level"])
    cap = combined["cap"].astype(float)
    level = pd.concat([rounded.astype(float), cap], axis=1).min(axis=1, skipna=True)
    caution_only = rounded.isna() & (cap >= SEVERITY_LEVEL_CAP["caution"])
    level = level.where(~caution_only)
    confidence = combined["level_confidence"].fillna(combined["flag_confidence"])
    per_area = pd.DataFrame(
        {"suggested_level": level, "confidence": confidence}, index=combined.index
    ).reset_index()

    criteria = pd.DataFrame(
        [{"criterion_id": c.id, "area": c.area} for c in rubric.criteria]
    )
    return per_area.merge(criteria, on="area")[
        ["candidate_id", "criterion_id", "suggested_level", "confidence"]
    ]


def score_table(
    findings: pd.DataFrame,
    candidates: pd.DataFrame,
    rubric: Rubric,
    overrides: Overrides | None = None,
) -> pd.DataFrame:
    """One row per candidate: level per criterion, total, confidence, knockout.

    The vectorised core of :func:`score_candidates`, used directly by the benchmark and
    the comparison. Level columns are named ``level:<criterion_id>``.
    """
    criterion_ids = [c.id for c in rubric.criteria]
    weights = np.array([c.weight for c in rubric.criteria], dtype=float)
    suggested = suggest_levels(findings, rubric)
    levels = (
        suggested.pivot_table(
            index="candidate_id", columns="criterion_id", values="suggested_level",
            aggfunc="first", dropna=False,
        )
        .reindex(index=candidates["candidate_id"], columns=criterion_ids)
        .astype(float)
    )
    for candidate_id, by_criterion in (overrides or {}).items():
        for criterion_id, level in by_criterion.items():
            if candidate_id in levels.index and criterion_id in levels.columns:
                levels.loc[candidate_id, criterion_id] = np.nan if level is None else level

    values = levels.to_numpy()
    judged = ~np.isnan(values)
    judged_weight = judged @ weights
    points = np.where(judged, (values - 1.0) / 4.0 * 100.0, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        uncapped = np.where(judged_weight > 0, (points @ weights) / judged_weight, np.nan)

    knockout_flags = _with_severity(findings[_SCORING_COLUMNS], rubric)
    knockout_ids = set(
        knockout_flags.loc[knockout_flags["severity"] == "knockout", "candidate_id"]
    )
    knockout = levels.index.isin(list(knockout_ids))
    total = uncapped.copy()
    if rubric.knockout_cap is not None:
        total = np.where(knockout, np.fmin(uncapped, rubric.knockout_cap), uncapped)

    table = pd.DataFrame(
        {
            "candidate_id": levels.index,
            "total": total,
            "uncapped_total": uncapped,
            "confidence": judged_weight / weights.sum(),
            "knockout": knockout,
        }
    )
    for i, criterion_id in enumerate(criterion_ids):
        table[f"level:{criterion_id}"] = values[:, i]
    return table.reset_index(drop=True)


def score_candidates(
    findings: pd.DataFrame,
    candidates: pd.DataFrame,
    rubric: Rubric,
    overrides: Overrides | None = None,
) -> list[Scorecard]:
    """Scorecards, best total first (candidates with no judged criterion last)."""
    table = score_table(findings, candidates, rubric, overrides)
    suggested = suggest_levels(findings, rubric).set_index(["candidate_id", "criterion_id"])
    findings = _with_severity(findings, rubric)
    by_candidate = dict(tuple(findings.groupby("candidate_id")))
    info = candidates.set_index("candidate_id")
    area_criteria: dict[str, list[str]] = {}
    for criterion in rubric.criteria:
        area_criteria.setdefault(criterion.area, []).append(criterion.id)

    levels_by_candidate = table.set_index("candidate_id").to_dict("index")
    cards = []
    for row in table.itertuples(index=False):
        cid = row.candidate_id
        own = by_candidate.get(cid, findings.iloc[0:0])
        models = to_findings(own)
        flags = [
            RaisedFlag(
                flag=f.flag,
                severity=_severity(f.severity),
                area=f.area,
                criterion_id=(area_criteria.get(f.area) or [None])[0],
                detail=f.detail,
                sources=f.sources,
            )
            for f in models
            if f.flag is not None
        ]
        flags.sort(key=lambda flag: -_SEVERITY_RANK[flag.severity])
        criteria = []
        for criterion in rubric.criteria:
            level = levels_by_candidate[cid][f"level:{criterion.id}"]
            key = (cid, criterion.id)
            suggested_level = (
                suggested.loc[key, "suggested_level"] if key in suggested.index else np.nan
            )
            confidence = suggested.loc[key, "confidence"] if key in suggested.index else 0.0
            criteria.append(
                CriterionScore(
                    criterion_id=criterion.id,
                    title=criterion.title,
                    area=criterion.area,
                    weight=criterion.weight,
                    suggested_level=None if pd.isna(suggested_level) else int(suggested_level),
                    level=None if pd.isna(level) else int(level),
                    confidence=0.0 if pd.isna(confidence) else float(confidence),
                    findings=[f for f in models if f.area == criterion.area],
                    flags=[flag for flag in flags if flag.area == criterion.area],
                )
            )
        cards.append(
            Scorecard(
                candidate_id=cid,
                candidate_name=str(info.loc[cid, "name"]),
                candidate_kind=info.loc[cid, "kind"],
                rubric_id=rubric.id,
                total=None if pd.isna(row.total) else round(float(row.total), 1),
                uncapped_total=(
                    None if pd.isna(row.uncapped_total) else round(float(row.uncapped_total), 1)
                ),
                confidence=round(float(row.confidence), 3),
                knockout=bool(row.knockout),
                criteria=criteria,
                flags=flags,
            )
        )
    cards.sort(key=lambda card: (card.total is None, -(card.total or 0.0)))
    return cards


def _severity(value: str | None) -> Severity:
    return value if value in _SEVERITY_RANK else "caution"  # type: ignore[return-value]

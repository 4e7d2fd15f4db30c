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
from dataclasses import dataclass

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


def _flag_severity(flags: np.ndarray, severities: np.ndarray, rubric: Rubric) -> np.ndarray:
    """Per raised flag: the rubric's severity when the rubric defines the flag (a manager's
    edit), else the finding's own, else caution. Flags repeat: each is looked up once."""
    rubric_severity = {
        flag.id: flag.severity for criterion in rubric.criteria for flag in criterion.red_flags
    }
    codes, distinct = pd.factorize(flags)
    by_flag = np.array([rubric_severity.get(flag) for flag in distinct] + [None], dtype=object)
    chosen = by_flag[codes]  # a code of -1 (no flag) picks the None at the end
    unset = pd.isna(chosen)
    chosen[unset] = severities[unset]
    chosen[pd.isna(chosen)] = "caution"
    return chosen


def _with_severity(findings: pd.DataFrame, rubric: Rubric) -> pd.DataFrame:
    """Flags take the rubric's severity when the rubric defines them (a manager's edit)."""
    flagged = findings["flag"].notna().to_numpy()
    severity = np.full(len(findings), None, dtype=object)
    severity[flagged] = _flag_severity(
        findings["flag"].to_numpy(dtype=object)[flagged],
        findings["severity"].to_numpy(dtype=object)[flagged],
        rubric,
    )
    return findings.assign(severity=severity)


@dataclass(frozen=True)
class _AreaLevels:
    """Suggested level and confidence per (candidate, area) with any evidence.

    One entry per pair, sorted by candidate then area (the order of a groupby on both);
    ``candidate`` and ``area`` are positions in the sorted ``candidate_ids`` and ``areas``.
    ``knockout_ids`` are the candidates with a knockout flag, in any area.
    """

    candidate_ids: pd.Index
    areas: pd.Index
    candidate: np.ndarray
    area: np.ndarray
    level: np.ndarray
    confidence: np.ndarray
    knockout_ids: np.ndarray


def _area_levels(findings: pd.DataFrame, rubric: Rubric) -> _AreaLevels:
    """The rules of the module docstring, per (candidate, area), on integer codes.

    Only findings with a level or a flag can count, so the work is on those rows (a third
    of the table). Candidate and area become sorted integer codes and one int key
    ``candidate × n_areas + area`` indexes flat per-pair arrays. Sums and means still go
    through pandas' groupby: its compensated summation gives exactly the figures it always
    gave, and rounding half up is sensitive to the last bit. Minima and maxima do not
    depend on the order, so plain numpy does them.
    """
    has_level = findings["suggested_level"].notna().to_numpy()
    flagged = findings["flag"].notna().to_numpy()
    rows = np.flatnonzero(has_level | flagged)
    has_level, flagged = has_level[rows], flagged[rows]
    flag_rows = rows[flagged]
    severity = _flag_severity(
        findings["flag"].to_numpy(dtype=object)[flag_rows],
        findings["severity"].to_numpy(dtype=object)[flag_rows],
        rubric,
    )
    cap = np.full(len(rows), np.nan)
    cap[flagged] = _level_caps(severity)
    knockout = np.zeros(len(rows), dtype=bool)
    knockout[flagged] = severity == "knockout"

    # Factorised as stored (Arrow-backed text is not turned into Python strings first);
    # the few distinct ids become Python strings afterwards.
    candidate_codes, distinct_ids = pd.factorize(findings["candidate_id"].array.take(rows),
                                                 sort=True)
    candidate_ids = np.asarray(distinct_ids, dtype=object)
    knockout_ids = candidate_ids[np.unique(candidate_codes[knockout & (candidate_codes >= 0)])]
    area_codes, areas = pd.factorize(findings["area"], sort=True)
    area_codes = area_codes[rows]
    # A finding without an area (code -1) picks the False appended at the end.
    in_rubric = np.append(areas.isin({criterion.area for criterion in rubric.criteria}), False)
    counts = in_rubric[area_codes] & (candidate_codes >= 0)  # no candidate id, no group
    leveled = has_level & counts
    summarised = findings["summarised_by"].to_numpy(dtype=object)[rows[leveled]]
    leveled[leveled] = pd.isna(summarised)
    raised = flagged & counts
    n_pairs = len(candidate_ids) * len(areas)
    key = candidate_codes.astype(np.int64) * len(areas) + area_codes

    confidence = findings["confidence"].to_numpy(dtype=float)[rows]
    level_confidence = confidence[leveled]
    weight = np.maximum(level_confidence, 0.05)  # NaN stays NaN, as with Series.clip
    by_pair = pd.DataFrame(
        {
            "weighted": findings["suggested_level"].to_numpy(dtype=float)[rows[leveled]] * weight,
            "weight": weight,
            "confidence": level_confidence,
        }
    ).groupby(key[leveled], sort=False)
    sums = by_pair[["weighted", "weight"]].sum()
    mean_level = _spread(n_pairs, sums.index, (sums["weighted"] / sums["weight"]).to_numpy())
    mean_confidence = by_pair["confidence"].mean()
    from_levels = _spread(n_pairs, mean_confidence.index, mean_confidence.to_numpy())

    lowest_cap = np.full(n_pairs, np.nan)
    np.fmin.at(lowest_cap, key[raised], cap[raised])  # fmin/fmax skip NaN, as groupby does
    from_flags = np.full(n_pairs, np.nan)
    np.fmax.at(from_flags, key[raised], confidence[raised])

    present = np.zeros(n_pairs, dtype=bool)
    present[key[leveled | raised]] = True
    pairs = np.flatnonzero(present)
    rounded = np.floor(mean_level[pairs] + 0.5)
    cap = lowest_cap[pairs]
    level = np.fmin(rounded, cap)  # the lower of the two; NaN only when both are
    level[np.isnan(rounded) & (cap >= SEVERITY_LEVEL_CAP["caution"])] = np.nan
    from_levels, from_flags = from_levels[pairs], from_flags[pairs]
    candidate, area = np.divmod(pairs, max(len(areas), 1))
    return _AreaLevels(
        candidate_ids=pd.Index(candidate_ids),
        areas=areas,
        candidate=candidate,
        area=area,
        level=level,
        confidence=np.where(np.isnan(from_levels), from_flags, from_levels),
        knockout_ids=knockout_ids,
    )


def _level_caps(severity: np.ndarray) -> np.ndarray:
    """The level cap of each severity (NaN for one the caps do not know)."""
    codes, distinct = pd.factorize(severity)
    caps = [SEVERITY_LEVEL_CAP.get(name, np.nan) for name in distinct] + [np.nan]
    return np.array(caps, dtype=float)[codes]


def _spread(n_pairs: int, keys: pd.Index, values: np.ndarray) -> np.ndarray:
    """``values`` (one per key in ``keys``) laid out flat over every pair key, NaN elsewhere."""
    out = np.full(n_pairs, np.nan)
    out[keys.to_numpy()] = values
    return out


def suggest_levels(findings: pd.DataFrame, rubric: Rubric) -> pd.DataFrame:
    """Suggested level and confidence per (candidate, criterion), vectorised.

    Returns columns candidate_id, criterion_id, suggested_level (float, NaN = not
    enough data), confidence.
    """
    levels = _area_levels(findings, rubric)
    per_area = pd.DataFrame(
        {
            "candidate_id": levels.candidate_ids.take(levels.candidate),
            "area": levels.areas.take(levels.area),
            "suggested_level": levels.level,
            "confidence": levels.confidence,
        }
    )
    if findings.empty:  # no rows at all: the columns keep the findings' types, as they did
        per_area = per_area.astype(
            {
                "candidate_id": findings["candidate_id"].dtype,
                "confidence": findings["confidence"].dtype,
            }
        )
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
    by_area = _area_levels(findings, rubric)
    # Levels as a (candidate × area) grid with a spare all-NaN last row and column, so
    # that a candidate without evidence or an area without findings (position -1) is NaN.
    grid = np.full((len(by_area.candidate_ids) + 1, len(by_area.areas) + 1), np.nan)
    grid[by_area.candidate, by_area.area] = by_area.level
    candidate_ids = pd.Index(candidates["candidate_id"])
    rows = by_area.candidate_ids.get_indexer(candidate_ids)
    columns = by_area.areas.get_indexer([c.area for c in rubric.criteria])
    levels = pd.DataFrame(grid[rows][:, columns], index=candidate_ids, columns=criterion_ids)
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

    knockout = levels.index.isin(by_area.knockout_ids)
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

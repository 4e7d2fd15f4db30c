"""Paid social: budgets run, and whether their return was measured.

003 §8: social is a paid channel, the manager must run and optimise budgets, and "ROI is
decisive"; 002 §3: measuring ROI is among the hardest challenges; 003 §3 puts planning
sponsored investment in the manager's job. Evidence: case studies with a paid budget and
whether they report a return-type KPI (names matched by the multilingual patterns in
``vetting/data/signal_thresholds.yaml``), paid posts among recent posts, an ad buyer in
the team.
"""

from __future__ import annotations

import re
from functools import cache

import numpy as np
import pandas as pd

from vetting.frames import PortfolioFrames
from vetting.signals import SignalContext, findings_frame
from vetting.signals._thresholds import (
    candidate_positions,
    candidate_runs,
    count_per_candidate,
    count_texts,
    flag_columns,
    level_from_table,
    matching_rows,
    settings,
    sum_runs_per_candidate,
)

AREA = "paid_social"
_CID = "candidate_id"
_CAPTURING_GROUP = re.compile(r"(?<!\\)\((?!\?)")





@cache
def return_kpi_pattern() -> re.Pattern[str]:
    """One case-insensitive pattern matching any return-type KPI name in the data file.

    Groups in the data file are made non-capturing, so matching never extracts anything.
    """
    patterns = settings()["paid"]["return_kpi_patterns"]["patterns"]
    plain = (_CAPTURING_GROUP.sub("(?:", p) for p in patterns)
    return re.compile("|".join(f"(?:{p})" for p in plain), re.IGNORECASE)


def is_return_kpi(names: pd.Series) -> pd.Series:
    """Whether each KPI name is return-type (ROAS, CPA, cost per lead, conversions, revenue)."""
    codes, uniques = pd.factorize(names.fillna("").astype(str))
    matched = pd.Series(uniques).str.contains(return_kpi_pattern(), regex=True).to_numpy(bool)
    return pd.Series(matched[codes] if len(uniques) else codes > 0, index=names.index)


def _per_candidate(frames: PortfolioFrames) -> pd.DataFrame:
    """Case studies, paid ones, paid ones reporting a return, posts and team, per candidate."""
    n_candidates = len(frames.candidates)
    cases, team = frames.cases, frames.team
    # A case reports a return when any of its KPIs has a return-type name.
    return_kpis = is_return_kpi(frames.kpis["name"]).to_numpy(dtype=bool)
    case_rows = matching_rows(frames.kpis, cases, "case", frames.candidates)
    has_return = (
        np.bincount(case_rows[return_kpis & (case_rows >= 0)], minlength=len(cases)) > 0
    )
    paid = np.nan_to_num(cases["paid_budget"].to_numpy(dtype=float, na_value=np.nan)) > 0
    case_positions = candidate_positions(cases, frames.candidates)
    team_positions = candidate_positions(team, frames.candidates)
    buyers = (team["role"] == "paid_ads_buyer").to_numpy(dtype=bool)
    # Posts are many: count them run by run of the same candidate.
    post_runs = candidate_runs(frames.posts, frames.candidates)
    paid_posts = frames.posts["paid"].fillna(False).astype(bool).to_numpy(dtype=bool)
    return pd.DataFrame(
        {
            _CID: frames.candidates[_CID].array,
            "n_cases": count_per_candidate(case_positions, n_candidates),
            "n_paid_cases": count_per_candidate(case_positions, n_candidates, paid),
            "n_paid_with_return": count_per_candidate(
                case_positions, n_candidates, paid & has_return
            ),
            "n_posts": sum_runs_per_candidate(post_runs, n_candidates),
            "n_paid_posts": sum_runs_per_candidate(post_runs, n_candidates, paid_posts),
            "has_buyer": count_per_candidate(team_positions[buyers], n_candidates) > 0,
            "has_team": count_per_candidate(team_positions, n_candidates) > 0,
        }
    )


def analyse(frames: PortfolioFrames, context: SignalContext) -> pd.DataFrame:
    """Findings on paid social for every candidate in ``frames``."""
    del context  # paid social needs neither the brief nor the date
    config = settings()["paid"]
    table = _per_candidate(frames)
    has_evidence = (table["n_cases"] > 0) | (table["n_posts"] > 0) | table["has_team"]
    any_paid = (table["n_paid_cases"] > 0) | (table["n_paid_posts"] > 0) | table["has_buyer"]
    level = level_from_table(table["n_paid_with_return"].astype(float), config["paid_case_levels"])
    level = level.where(any_paid, float(config["no_paid_level"]["value"])).where(has_evidence)
    detail = (
        count_texts(table["n_paid_cases"]) + " of "
        + count_texts(table["n_cases"]) + " case studies had a paid budget ("
        + count_texts(table["n_paid_with_return"])
        + " report a return-type KPI such as ROAS, CPA, cost per lead, conversions or"
        " revenue); " + count_texts(table["n_paid_posts"]) + " of "
        + count_texts(table["n_posts"]) + " recent posts were paid; ad buyer in"
        " the team: " + np.where(table["has_buyer"], "yes", "no").astype(object)
        + "."
    )
    self_declared = settings()["confidence"]["self_declared"]["value"]
    findings = pd.DataFrame(
        {
            _CID: table[_CID],
            "area": AREA,
            "signal": "paid_cases_with_return",
            "subject": "portfolio",
            "value": table["n_paid_with_return"].astype(float).where(has_evidence),
            "unit": "paid case studies with a return-type KPI",
            "comparison": (
                "level 1 with no paid work, 2 with paid work but no measured return, then up"
                " with each paid case reporting a return"
            ),
            "suggested_level": level,
            "confidence": np.where(
                has_evidence, self_declared, settings()["confidence"]["missing_data"]["value"]
            ),
            "sources": "003 §8; 002 §3",
            "detail": np.where(
                has_evidence,
                detail,
                "No case studies, recent posts or team roles to show paid social work: ask for"
                " a paid campaign, its budget and how its return was measured (003 §8).",
            ).astype(object),
        }
    )
    no_paid = (has_evidence & ~any_paid).to_numpy()
    no_paid_rows = findings[no_paid].assign(
        suggested_level=np.nan,
        detail=(
            "No case study with a paid budget, no paid post and no ad buyer in the team:"
            " social is a paid channel and the best editorial plan has little reach"
            " without budget (003 §8)."
        ),
        **flag_columns("no_paid_experience"),
    )
    min_share = config["min_return_kpi_share"]["value"]
    share = table["n_paid_with_return"] / table["n_paid_cases"].replace(0, np.nan)
    unmeasured = (share < min_share).to_numpy()
    unmeasured_rows = findings[unmeasured].assign(
        value=share[unmeasured],
        unit="share of paid case studies",
        comparison=f"at least {min_share:.0%} of paid case studies report a return",
        suggested_level=np.nan,
        detail=(
            table.loc[unmeasured, "n_paid_with_return"].astype(int).astype(str) + " of "
            + table.loc[unmeasured, "n_paid_cases"].astype(int).astype(str)
            + " paid case studies report a return-type KPI: ROI is decisive (003 §8) and"
            " spend without it cannot be judged."
        ),
        **flag_columns("roi_not_measured"),
    )
    return findings_frame(
        pd.concat([findings, no_paid_rows, unmeasured_rows], ignore_index=True)
    )

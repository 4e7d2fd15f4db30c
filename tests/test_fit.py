"""Fit signal: platforms, languages, scope and industry against the hiring brief."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from vetting.frames import FINDING_COLUMNS, PortfolioFrames
from vetting.models import Brief
from vetting.signals import SignalContext, to_findings
from vetting.signals.fit import analyse

TODAY = date(2026, 11, 22)
BRIEF = Brief(
    title="Albanian food delivery launch",
    platforms=["instagram", "tiktok"],
    languages=["sq", "en"],
    scope=["strategist", "videographer", "community_manager"],
    industry="Food delivery",
)


def candidate(cid: str, languages: str = "sq;en") -> dict[str, object]:
    return {"candidate_id": cid, "name": cid, "kind": "agency", "languages": languages}


def account(cid: str, index: int, platform: str) -> dict[str, object]:
    return {"candidate_id": cid, "account": index, "platform": platform, "handle": "h",
            "ownership": "client"}


def case(cid: str, index: int, platforms: str, industry: str = "Fashion") -> dict[str, object]:
    return {"candidate_id": cid, "case": index, "client": "X", "industry": industry,
            "platforms": platforms, "period_days": 120}


def staff(cid: str, role: str, employment: str = "in_house") -> dict[str, object]:
    return {"candidate_id": cid, "role": role, "headcount": 1.0, "employment": employment}


def analyse_rows(rows: dict[str, list[dict[str, object]]], brief: Brief | None = BRIEF):
    return analyse(PortfolioFrames.from_rows(rows), SignalContext(today=TODAY, brief=brief))


def finding(findings: pd.DataFrame, cid: str, signal: str) -> pd.Series:
    rows = findings[(findings["candidate_id"] == cid) & (findings["signal"] == signal)]
    return rows[rows["flag"].isna()].iloc[0]


def flags_of(findings: pd.DataFrame, cid: str) -> set[str]:
    return set(findings.loc[findings["candidate_id"] == cid, "flag"].dropna())


FULL = {
    "candidates": [candidate("full")],
    "accounts": [account("full", 0, "instagram")],
    "cases": [case("full", 0, "tiktok;facebook", "Food & beverage"),
              case("full", 1, "tiktok", "food delivery apps")],
    "team": [staff("full", "strategist"), staff("full", "videographer", "contracted"),
             staff("full", "community_manager")],
}


def test_contract_columns_and_valid_findings() -> None:
    findings = analyse_rows(FULL)
    assert tuple(findings.columns) == FINDING_COLUMNS
    assert set(findings["area"]) == {"fit"}
    assert len(to_findings(findings)) == len(findings)


def test_full_coverage_scores_five_and_raises_nothing() -> None:
    findings = analyse_rows(FULL)
    for signal in ("brief_platform_coverage", "brief_language_coverage", "brief_scope_coverage"):
        assert finding(findings, "full", signal)["suggested_level"] == 5
    assert finding(findings, "full", "brief_industry_cases")["value"] == 2
    assert not flags_of(findings, "full")


def test_gaps_raise_their_flags_with_what_is_missing() -> None:
    findings = analyse_rows(
        {
            "candidates": [candidate("gappy", "en")],
            "accounts": [account("gappy", 0, "instagram"), account("gappy", 1, "linkedin")],
            "cases": [case("gappy", 0, "instagram")],
            "team": [staff("gappy", "strategist")],
        }
    )
    assert flags_of(findings, "gappy") == {"platform_gap", "language_gap", "scope_gap"}
    platform = findings[findings["flag"] == "platform_gap"].iloc[0]
    assert "tiktok" in platform["detail"] and "instagram" not in platform["detail"]
    assert platform["severity"] == "serious"
    language = findings[findings["flag"] == "language_gap"].iloc[0]
    assert "sq" in language["detail"]
    scope = findings[findings["flag"] == "scope_gap"].iloc[0]
    assert scope["severity"] == "caution" and "videographer" in scope["detail"]
    assert finding(findings, "gappy", "brief_platform_coverage")["value"] == pytest.approx(0.5)
    assert finding(findings, "gappy", "brief_industry_cases")["value"] == 0
    assert finding(findings, "gappy", "brief_industry_cases")["suggested_level"] == 2


def test_missing_languages_team_and_evidence_are_explicit_not_flags() -> None:
    findings = analyse_rows({"candidates": [candidate("blank", "")]})
    for signal in ("brief_platform_coverage", "brief_language_coverage", "brief_scope_coverage",
                   "brief_industry_cases"):
        row = finding(findings, "blank", signal)
        assert np.isnan(row["suggested_level"]) and np.isnan(row["value"])
    assert not flags_of(findings, "blank")


def test_no_brief_gives_one_explicit_finding_per_candidate() -> None:
    findings = analyse_rows(FULL, brief=None)
    assert list(findings["signal"]) == ["brief_missing"]
    assert np.isnan(findings["suggested_level"].iloc[0])
    assert tuple(findings.columns) == FINDING_COLUMNS


def test_brief_without_industry_or_scope_skips_those_signals() -> None:
    brief = Brief(title="Any", platforms=["tiktok"])
    findings = analyse_rows(FULL, brief=brief)
    assert set(findings["signal"]) == {"brief_platform_coverage"}


def test_ten_thousand_candidates_are_all_analysed() -> None:
    """At scale every candidate gets findings; the speed is measured by
    scripts/bench.py, not asserted here (timings on a shared machine vary)."""
    rng = np.random.default_rng(9)
    n = 10_000
    ids = np.array([f"c{i:05d}" for i in range(n)])
    candidates = pd.DataFrame(
        {"candidate_id": ids, "name": ids, "kind": "agency",
         "languages": rng.choice(["en", "sq;en", "ko", ""], n)}
    )
    accounts = pd.DataFrame(
        {"candidate_id": np.repeat(ids, 2), "account": np.tile([0, 1], n),
         "platform": rng.choice(["instagram", "tiktok", "linkedin", "x"], 2 * n)}
    )
    cases = pd.DataFrame(
        {"candidate_id": np.repeat(ids, 3), "case": np.tile([0, 1, 2], n), "client": "c",
         "industry": rng.choice(["food delivery", "fashion", "banking"], 3 * n),
         "platforms": rng.choice(["instagram", "tiktok;facebook", "youtube"], 3 * n)}
    )
    team = pd.DataFrame(
        {"candidate_id": np.repeat(ids, 2),
         "role": np.tile(["strategist", "videographer"], n), "headcount": 1.0,
         "employment": "in_house"}
    )
    tables = {"candidates": candidates, "accounts": accounts, "cases": cases, "team": team}
    frames = PortfolioFrames.from_rows({k: v.to_dict("records") for k, v in tables.items()})
    findings = analyse(frames, SignalContext(today=TODAY, brief=BRIEF))
    assert tuple(findings.columns) == FINDING_COLUMNS
    assert findings["candidate_id"].nunique() == n
    assert findings["suggested_level"].dropna().between(1, 5).all()

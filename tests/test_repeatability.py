"""Repeatability signal: evidenced cases, breadth, consistency and its four red flags."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from vetting.frames import FINDING_COLUMNS, PortfolioFrames, build_frames
from vetting.models import Portfolio
from vetting.signals import SignalContext, to_findings
from vetting.signals.repeatability import analyse

TODAY = date(2026, 11, 22)
CONTEXT = SignalContext(today=TODAY)


def candidate(cid: str, kind: str = "agency") -> dict[str, object]:
    return {"candidate_id": cid, "name": cid.title(), "kind": kind}


def case(cid: str, index: int, client: str, days: int = 180, **extra: object) -> dict[str, object]:
    row: dict[str, object] = {
        "candidate_id": cid, "case": index, "client": client, "industry": "retail",
        "platforms": "instagram", "n_platforms": 1, "period_days": days,
        "reference_contactable": False,
    }
    row.update(extra)
    return row


def kpi(cid: str, index: int, baseline: float | None, result: float | None,
        definition: str | None = "weekly average from the platform export") -> dict[str, object]:
    return {
        "candidate_id": cid, "case": index, "name": "engagement rate", "definition": definition,
        "baseline": baseline, "result": result,
    }


def rows_for(cid: str, table: pd.DataFrame) -> pd.DataFrame:
    return table[table["candidate_id"] == cid]


def flags_of(findings: pd.DataFrame, cid: str) -> set[str]:
    return set(rows_for(cid, findings)["flag"].dropna())


def level_of(findings: pd.DataFrame, cid: str) -> float:
    rows = rows_for(cid, findings)
    return float(rows.loc[rows["signal"] == "evidenced_case_studies", "suggested_level"].iloc[0])


def test_columns_are_the_findings_contract_and_rows_validate() -> None:
    frames = PortfolioFrames.from_rows(
        {
            "candidates": [candidate("a"), candidate("b")],
            "cases": [case("a", 0, "Bakery")],
            "kpis": [kpi("a", 0, 1.0, 2.0)],
        }
    )
    findings = analyse(frames, CONTEXT)
    assert tuple(findings.columns) == FINDING_COLUMNS
    assert set(findings["area"]) == {"repeatability"}
    assert len(to_findings(findings)) == len(findings)


def test_level_rises_with_evidenced_cases_across_clients() -> None:
    clients = ["Bakery", "Gym", "Hotel", "Florist", "Dentist"]
    frames = PortfolioFrames.from_rows(
        {
            "candidates": [candidate("five"), candidate("one"), candidate("short")],
            "cases": [case("five", i, c, reference_contactable=True) for i, c in enumerate(clients)]
            + [case("one", 0, "Bakery", reference_contactable=True)]
            + [case("short", i, c, days=30, reference_contactable=True)
               for i, c in enumerate(clients)],
            "kpis": [kpi("five", i, 100.0, 130.0 + i) for i in range(5)]
            + [kpi("one", 0, 100.0, 150.0)]
            + [kpi("short", i, 100.0, 130.0) for i in range(5)],
        }
    )
    findings = analyse(frames, CONTEXT)
    assert level_of(findings, "five") == 5
    assert level_of(findings, "one") == 2
    # Five cases of 30 days each: none ran long enough to count (004 §1).
    assert level_of(findings, "short") == 1
    assert not flags_of(findings, "five")


def test_level_is_capped_without_definitions_or_a_second_client() -> None:
    frames = PortfolioFrames.from_rows(
        {
            "candidates": [candidate("undefined"), candidate("same-client")],
            "cases": [case("undefined", i, f"Client {i}") for i in range(4)]
            + [case("same-client", i, "Bakery") for i in range(4)],
            "kpis": [kpi("undefined", i, 10.0, 12.0, definition=None) for i in range(4)]
            + [kpi("same-client", i, 10.0, 12.0) for i in range(4)],
        }
    )
    findings = analyse(frames, CONTEXT)
    assert level_of(findings, "undefined") == 3
    assert level_of(findings, "same-client") == 3
    detail = rows_for("same-client", findings)
    assert detail["detail"].str.contains("same client").any()


def test_no_case_studies_is_explicit_missing_data() -> None:
    frames = PortfolioFrames.from_rows({"candidates": [candidate("empty")]})
    findings = analyse(frames, CONTEXT)
    evidence = findings[findings["signal"] == "evidenced_case_studies"]
    assert len(evidence) == 1
    assert np.isnan(evidence["suggested_level"].iloc[0])
    assert np.isnan(evidence["value"].iloc[0])
    assert "No case studies" in evidence["detail"].iloc[0]
    assert flags_of(findings, "empty") == set()


def test_results_without_baseline_fires_only_when_most_results_lack_one() -> None:
    frames = PortfolioFrames.from_rows(
        {
            "candidates": [candidate("most"), candidate("few")],
            "cases": [case("most", 0, "A"), case("few", 0, "B")],
            "kpis": [kpi("most", 0, None, 500.0), kpi("most", 0, None, 40.0),
                     kpi("most", 0, 1.0, 2.0),
                     kpi("few", 0, None, 500.0), kpi("few", 0, 1.0, 2.0), kpi("few", 0, 3.0, 4.0)],
        }
    )
    findings = analyse(frames, CONTEXT)
    assert "results_without_baseline" in flags_of(findings, "most")
    assert "results_without_baseline" not in flags_of(findings, "few")
    flag = findings[findings["flag"] == "results_without_baseline"]
    assert flag["value"].iloc[0] == pytest.approx(2 / 3)
    assert flag["severity"].iloc[0] == "caution"
    assert np.isnan(flag["suggested_level"].iloc[0])


def test_no_contactable_reference() -> None:
    frames = PortfolioFrames.from_rows(
        {
            "candidates": [candidate("none"), candidate("one")],
            "cases": [case("none", 0, "A"), case("none", 1, "B"),
                      case("one", 0, "A"), case("one", 1, "B", reference_contactable=True)],
        }
    )
    findings = analyse(frames, CONTEXT)
    assert "no_contactable_reference" in flags_of(findings, "none")
    assert "no_contactable_reference" not in flags_of(findings, "one")


def _posts(cid: str, likes: list[int]) -> list[dict[str, object]]:
    return [
        {"candidate_id": cid, "account": i % 2, "date": "2026-10-01", "format": "reel",
         "likes": value, "comments": 0, "paid": False}
        for i, value in enumerate(likes)
    ]


def _accounts(cid: str, ownership: str = "client") -> list[dict[str, object]]:
    return [
        {"candidate_id": cid, "account": i, "platform": platform, "handle": f"{cid}_{platform}",
         "ownership": ownership, "period_start": "2025-01-01", "followers": 5000}
        for i, platform in enumerate(("instagram", "tiktok"))
    ]


def test_single_viral_hit_needs_one_dominant_post_and_thin_case_evidence() -> None:
    viral = [20_000] + [100] * 11
    even = [900, 1100] * 6
    frames = PortfolioFrames.from_rows(
        {
            "candidates": [candidate("viral"), candidate("even"), candidate("viral-but-proven"),
                           candidate("few-posts")],
            "accounts": _accounts("viral") + _accounts("even") + _accounts("viral-but-proven")
            + _accounts("few-posts"),
            "posts": _posts("viral", viral) + _posts("even", even)
            + _posts("viral-but-proven", viral) + _posts("few-posts", [5000, 10, 10]),
            "cases": [case("viral-but-proven", i, f"Client {i}") for i in range(3)],
            "kpis": [kpi("viral-but-proven", i, 10.0, 13.0) for i in range(3)],
        }
    )
    findings = analyse(frames, CONTEXT)
    assert "single_viral_hit" in flags_of(findings, "viral")
    assert "single_viral_hit" not in flags_of(findings, "even")
    assert "single_viral_hit" not in flags_of(findings, "viral-but-proven")
    assert "single_viral_hit" not in flags_of(findings, "few-posts")
    hit = findings[findings["flag"] == "single_viral_hit"].iloc[0]
    assert hit["subject"] == "@viral_instagram on instagram"
    assert hit["value"] == pytest.approx(20_000 / (20_000 + 1100))
    assert hit["severity"] == "serious"


def test_own_following_only_proof() -> None:
    frames = PortfolioFrames.from_rows(
        {
            "candidates": [candidate("influencer"), candidate("mixed"), candidate("proven")],
            "accounts": _accounts("influencer", "own") + _accounts("mixed", "own")[:1]
            + _accounts("mixed", "client")[1:] + _accounts("proven", "own"),
            "cases": [case("influencer", 0, "Self"), case("proven", 0, "Bakery")],
            "kpis": [kpi("proven", 0, 1.0, 2.0)],
        }
    )
    findings = analyse(frames, CONTEXT)
    assert "own_following_only_proof" in flags_of(findings, "influencer")
    assert "own_following_only_proof" not in flags_of(findings, "mixed")
    assert "own_following_only_proof" not in flags_of(findings, "proven")


def test_uplift_consistency_is_reported_across_cases() -> None:
    frames = PortfolioFrames.from_rows(
        {
            "candidates": [candidate("steady"), candidate("spiky")],
            "cases": [case("steady", i, f"C{i}") for i in range(3)]
            + [case("spiky", i, f"C{i}") for i in range(3)],
            "kpis": [kpi("steady", 0, 100.0, 120.0), kpi("steady", 1, 100.0, 130.0),
                     kpi("steady", 2, 100.0, 125.0),
                     kpi("spiky", 0, 100.0, 102.0), kpi("spiky", 1, 100.0, 105.0),
                     kpi("spiky", 2, 100.0, 900.0)],
        }
    )
    findings = analyse(frames, CONTEXT)
    spread = findings[findings["signal"] == "uplift_spread_ratio"].set_index("candidate_id")
    assert spread.loc["steady", "value"] == pytest.approx(0.30 / 0.20)
    assert spread.loc["spiky", "value"] == pytest.approx(8.0 / 0.02)
    assert "One case carries the record" in spread.loc["spiky", "detail"]


def test_runs_on_frames_built_from_portfolio_models() -> None:
    portfolio = Portfolio.model_validate(
        {
            "id": "studio-hana",
            "identity": {"name": "스튜디오 하나", "kind": "agency"},
            "accounts": [
                {"platform": "instagram", "handle": "hana", "ownership": "own",
                 "period_start": "2024-01-01", "followers": 1200}
            ],
            "case_studies": [
                {"client": "Cafe", "industry": "food", "platforms": ["instagram", "tiktok"],
                 "period_start": "2025-01-01", "period_end": "2025-06-30",
                 "objective": "Grow local footfall", "reference_contactable": True,
                 "kpis": [{"name": "store visits", "definition": "POS count per week",
                           "baseline": 120, "result": 180}]}
            ],
        },
        context={"today": TODAY},
    )
    findings = analyse(build_frames([portfolio]), CONTEXT)
    assert level_of(findings, "studio-hana") == 2
    breadth = findings[findings["signal"] == "case_study_breadth"].iloc[0]
    assert "2 platform(s)" in breadth["detail"]
    assert flags_of(findings, "studio-hana") == set()


def synthetic_frames(n: int, seed: int = 7) -> PortfolioFrames:
    """n candidates with 0-5 cases, 1-3 KPIs a case, 2 accounts and 12 posts each."""
    rng = np.random.default_rng(seed)
    ids = np.array([f"c{i:05d}" for i in range(n)])
    n_cases = rng.integers(0, 6, n)
    case_owner = np.repeat(ids, n_cases)
    case_index = np.concatenate([np.arange(k) for k in n_cases])
    cases = pd.DataFrame(
        {
            "candidate_id": case_owner, "case": case_index,
            "client": rng.choice(["A", "B", "C", "D"], case_owner.size),
            "industry": rng.choice(["food", "retail", "travel"], case_owner.size),
            "platforms": rng.choice(["instagram", "instagram;tiktok", "linkedin"], case_owner.size),
            "period_days": rng.integers(20, 400, case_owner.size),
            "reference_contactable": rng.random(case_owner.size) < 0.5,
        }
    )
    per_case = rng.integers(1, 4, len(cases))
    kpis = pd.DataFrame(
        {
            "candidate_id": np.repeat(cases["candidate_id"].to_numpy(), per_case),
            "case": np.repeat(cases["case"].to_numpy(), per_case),
            "name": "reach",
            "definition": np.where(rng.random(per_case.sum()) < 0.6, "defined", None),
            "baseline": np.where(rng.random(per_case.sum()) < 0.7, 100.0, np.nan),
            "result": rng.uniform(50, 400, per_case.sum()),
        }
    )
    accounts = pd.DataFrame(
        {
            "candidate_id": np.repeat(ids, 2), "account": np.tile([0, 1], n),
            "platform": np.tile(["instagram", "tiktok"], n), "handle": "h",
            "ownership": rng.choice(["own", "client"], 2 * n),
        }
    )
    posts = pd.DataFrame(
        {
            "candidate_id": np.repeat(ids, 12), "account": np.tile(np.arange(12) % 2, n),
            "likes": rng.pareto(1.5, 12 * n) * 100, "comments": rng.integers(0, 50, 12 * n),
            "shares": np.nan, "saves": np.nan,
        }
    )
    rows = {
        "candidates": pd.DataFrame({"candidate_id": ids, "name": ids, "kind": "agency"}),
        "cases": cases, "kpis": kpis, "accounts": accounts, "posts": posts,
    }
    return PortfolioFrames.from_rows({k: v.to_dict("records") for k, v in rows.items()})


def test_ten_thousand_candidates_are_all_analysed() -> None:
    """At scale every candidate gets findings; the speed is measured by
    scripts/bench.py, not asserted here (timings on a shared machine vary)."""
    frames = synthetic_frames(10_000)
    findings = analyse(frames, CONTEXT)
    assert findings["candidate_id"].nunique() == 10_000
    assert tuple(findings.columns) == FINDING_COLUMNS
    levels = findings["suggested_level"].dropna()
    assert levels.between(1, 5).all()


def test_follower_counts_alone_are_not_evidenced_results() -> None:
    """004 §3: a growing following is not success, so it does not evidence a case."""
    clients = ["Bakery", "Gym", "Hotel"]
    followers_only = [
        dict(kpi("growth", i, 1_000.0, 9_000.0), name="Followers") for i in range(3)
    ]
    frames = PortfolioFrames.from_rows(
        {
            "candidates": [candidate("growth"), candidate("sales")],
            "cases": [case("growth", i, c) for i, c in enumerate(clients)]
            + [case("sales", i, c) for i, c in enumerate(clients)],
            "kpis": followers_only
            + [dict(kpi("sales", i, 100.0, 140.0), name="Online orders") for i in range(3)],
        }
    )
    findings = analyse(frames, CONTEXT)
    assert level_of(findings, "growth") == 1
    assert level_of(findings, "sales") > level_of(findings, "growth")

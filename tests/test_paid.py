"""Paid social signal: paid budgets, return-type KPIs, paid posts, the ad buyer role."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from vetting.frames import FINDING_COLUMNS, PortfolioFrames, build_frames
from vetting.models import Portfolio
from vetting.signals import SignalContext, to_findings
from vetting.signals.paid import analyse, is_return_kpi

TODAY = date(2026, 11, 22)
CONTEXT = SignalContext(today=TODAY)


def candidate(cid: str) -> dict[str, object]:
    return {"candidate_id": cid, "name": cid, "kind": "agency"}


def case(cid: str, index: int, budget: float | None) -> dict[str, object]:
    return {"candidate_id": cid, "case": index, "client": "X", "industry": "retail",
            "platforms": "instagram", "period_days": 120, "paid_budget": budget,
            "paid_currency": "EUR" if budget else None}


def kpi(cid: str, index: int, name: str) -> dict[str, object]:
    return {"candidate_id": cid, "case": index, "name": name, "baseline": 1.0, "result": 2.0}


def post(cid: str, paid: bool) -> dict[str, object]:
    return {"candidate_id": cid, "account": 0, "date": "2026-10-01", "format": "reel",
            "likes": 10, "comments": 1, "paid": paid}


def main_row(findings: pd.DataFrame, cid: str) -> pd.Series:
    rows = findings[(findings["candidate_id"] == cid) & findings["flag"].isna()]
    return rows.iloc[0]


def flags_of(findings: pd.DataFrame, cid: str) -> set[str]:
    return set(findings.loc[findings["candidate_id"] == cid, "flag"].dropna())


@pytest.mark.parametrize(
    "name",
    ["ROAS", "Return on ad spend", "CPA (cost per acquisition)", "Cost per lead", "CPL",
     "Conversion rate", "Revenue", "Online sales", "Kosto për lead", "Kthimi i investimit",
     "광고 수익률", "전환율", "리드당 비용", "อัตราการแปลง", "ยอดขาย", "العائد على الإنفاق الإعلاني",
     "معدل التحويل", "Taux de conversion", "Umsatz", "Retorno de la inversión", "Ingresos"],
)
def test_return_kpi_names_in_several_languages_match(name: str) -> None:
    assert is_return_kpi(pd.Series([name])).iloc[0]


@pytest.mark.parametrize(
    "name", ["Followers", "Reach", "Impressions", "Conversation volume", "Engagement rate",
             "Saves", "Escape rate", None]
)
def test_non_return_kpi_names_do_not_match(name: str | None) -> None:
    assert not is_return_kpi(pd.Series([name])).iloc[0]


def test_contract_columns_and_valid_findings() -> None:
    frames = PortfolioFrames.from_rows(
        {"candidates": [candidate("a"), candidate("b")], "cases": [case("a", 0, 500.0)],
         "kpis": [kpi("a", 0, "ROAS")]}
    )
    findings = analyse(frames, CONTEXT)
    assert tuple(findings.columns) == FINDING_COLUMNS
    assert set(findings["area"]) == {"paid_social"}
    assert len(to_findings(findings)) == len(findings)


def test_levels_and_roi_not_measured() -> None:
    frames = PortfolioFrames.from_rows(
        {
            "candidates": [candidate(c) for c in ("measured", "unmeasured", "half")],
            "cases": [case("measured", i, 1000.0) for i in range(3)]
            + [case("unmeasured", i, 1000.0) for i in range(2)]
            + [case("half", i, 1000.0) for i in range(2)] + [case("half", 2, None)],
            "kpis": [kpi("measured", 0, "ROAS"), kpi("measured", 1, "Cost per lead"),
                     kpi("measured", 2, "Revenue"),
                     kpi("unmeasured", 0, "Reach"), kpi("unmeasured", 1, "Followers"),
                     kpi("half", 0, "Conversions"), kpi("half", 1, "Impressions"),
                     kpi("half", 2, "Revenue")],
        }
    )
    findings = analyse(frames, CONTEXT)
    assert main_row(findings, "measured")["suggested_level"] == 5
    assert main_row(findings, "unmeasured")["suggested_level"] == 2
    assert main_row(findings, "half")["suggested_level"] == 3
    assert "roi_not_measured" in flags_of(findings, "unmeasured")
    # One of two paid cases measures return: not below the 50% line.
    assert "roi_not_measured" not in flags_of(findings, "half")
    assert not flags_of(findings, "measured")
    flag = findings[findings["flag"] == "roi_not_measured"].iloc[0]
    assert flag["value"] == 0 and flag["severity"] == "caution"


def test_no_paid_experience_and_its_alternatives() -> None:
    frames = PortfolioFrames.from_rows(
        {
            "candidates": [candidate(c) for c in ("organic", "paid-posts", "buyer", "nothing")],
            "cases": [case("organic", 0, None)],
            "posts": [post("organic", False), post("paid-posts", True), post("paid-posts", False)],
            "team": [{"candidate_id": "buyer", "role": "paid_ads_buyer", "headcount": 1,
                      "employment": "contracted"}],
        }
    )
    findings = analyse(frames, CONTEXT)
    assert "no_paid_experience" in flags_of(findings, "organic")
    assert main_row(findings, "organic")["suggested_level"] == 1
    assert not flags_of(findings, "paid-posts")
    assert main_row(findings, "paid-posts")["suggested_level"] == 2
    assert not flags_of(findings, "buyer")
    nothing = main_row(findings, "nothing")
    assert np.isnan(nothing["suggested_level"]) and np.isnan(nothing["value"])
    assert "No case studies, recent posts or team roles" in nothing["detail"]
    assert not flags_of(findings, "nothing")


def test_runs_on_frames_built_from_portfolio_models() -> None:
    portfolio = Portfolio.model_validate(
        {
            "id": "bangkok-social",
            "identity": {"name": "บางกอก โซเชียล", "kind": "agency"},
            "case_studies": [
                {"client": "Spa", "industry": "wellness", "platforms": ["facebook"],
                 "period_start": "2025-01-01", "period_end": "2025-05-01",
                 "objective": "Bookings", "paid_budget": {"amount": 90000, "currency": "THB"},
                 "kpis": [{"name": "ต้นทุนต่อการจอง", "baseline": 450, "result": 310}]}
            ],
        },
        context={"today": TODAY},
    )
    findings = analyse(build_frames([portfolio]), CONTEXT)
    assert main_row(findings, "bangkok-social")["suggested_level"] == 3
    assert not flags_of(findings, "bangkok-social")


def test_ten_thousand_candidates_are_all_analysed() -> None:
    """At scale every candidate gets findings; the speed is measured by
    scripts/bench.py, not asserted here (timings on a shared machine vary)."""
    rng = np.random.default_rng(4)
    n = 10_000
    ids = np.array([f"c{i:05d}" for i in range(n)])
    cases = pd.DataFrame(
        {"candidate_id": np.repeat(ids, 3), "case": np.tile([0, 1, 2], n), "client": "c",
         "industry": "x", "platforms": "instagram",
         "paid_budget": np.where(rng.random(3 * n) < 0.4, 1000.0, np.nan)}
    )
    kpis = pd.DataFrame(
        {"candidate_id": np.repeat(ids, 6), "case": np.tile([0, 0, 1, 1, 2, 2], n),
         "name": rng.choice(["ROAS", "Reach", "전환율", "Followers", "CPA"], 6 * n)}
    )
    posts = pd.DataFrame(
        {"candidate_id": np.repeat(ids, 10), "account": 0, "likes": 1, "comments": 0,
         "paid": rng.random(10 * n) < 0.1}
    )
    tables = {"candidates": pd.DataFrame({"candidate_id": ids, "name": ids, "kind": "agency"}),
              "cases": cases, "kpis": kpis, "posts": posts}
    frames = PortfolioFrames.from_rows({k: v.to_dict("records") for k, v in tables.items()})
    findings = analyse(frames, CONTEXT)
    assert tuple(findings.columns) == FINDING_COLUMNS
    assert findings["candidate_id"].nunique() == n

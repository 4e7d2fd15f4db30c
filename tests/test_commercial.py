"""Commercial signal: price against the pool and the budget, accounts per manager."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from vetting.frames import FINDING_COLUMNS, PortfolioFrames
from vetting.models import Brief
from vetting.signals import SignalContext, to_findings
from vetting.signals.commercial import analyse

TODAY = date(2026, 11, 22)


def candidate(
    cid: str,
    amount: float | None = None,
    currency: str = "EUR",
    unit: str = "monthly_retainer",
    accounts_per_manager: float | None = None,
) -> dict[str, object]:
    priced = amount is not None
    return {
        "candidate_id": cid, "name": cid, "kind": "agency",
        "price_amount": amount, "price_currency": currency if priced else None,
        "price_unit": unit if priced else None, "accounts_per_manager": accounts_per_manager,
    }


def brief(**budget: object) -> Brief:
    defaults: dict[str, object] = {
        "low": 800, "high": 1500, "currency": "EUR", "unit": "monthly_retainer"
    }
    defaults.update(budget)
    return Brief(title="Social for a bakery chain", budget=defaults, exchange_rates={"USD": 0.9})


def findings_for(rows: list[dict[str, object]], the_brief: Brief | None = None) -> pd.DataFrame:
    frames = PortfolioFrames.from_rows({"candidates": rows})
    return analyse(frames, SignalContext(today=TODAY, brief=the_brief))


def row(findings: pd.DataFrame, cid: str, signal: str, flagged: bool = False) -> pd.Series:
    rows = findings[(findings["candidate_id"] == cid) & (findings["signal"] == signal)]
    return rows[rows["flag"].notna() == flagged].iloc[0]


def flags_of(findings: pd.DataFrame, cid: str) -> set[str]:
    return set(findings.loc[findings["candidate_id"] == cid, "flag"].dropna())


def test_contract_columns_and_valid_findings() -> None:
    findings = findings_for([candidate("a", 1000), candidate("b")], brief())
    assert tuple(findings.columns) == FINDING_COLUMNS
    assert set(findings["area"]) == {"commercial"}
    assert len(to_findings(findings)) == len(findings)


def test_price_far_below_market_uses_the_median_of_the_others() -> None:
    pool = [candidate("a", 1000), candidate("b", 1200), candidate("c", 1100, "USD"),
            candidate("cheap", 300)]
    findings = findings_for(pool, brief())
    cheap = row(findings, "cheap", "price_vs_market")
    # Others: 1000, 1200 and 1100 USD = 990 EUR; median 1000 EUR.
    assert cheap["value"] == pytest.approx(0.3)
    assert cheap["suggested_level"] == 1
    assert "price_far_below_market" in flags_of(findings, "cheap")
    flag = row(findings, "cheap", "price_vs_market", flagged=True)
    assert flag["severity"] == "serious" and np.isnan(flag["suggested_level"])
    assert "40%" in flag["detail"]
    assert row(findings, "c", "price_vs_market")["value"] == pytest.approx(990 / 1000)
    assert "price_far_below_market" not in flags_of(findings, "a")


def test_leave_one_out_median_matches_a_direct_computation() -> None:
    rng = np.random.default_rng(3)
    amounts = rng.uniform(200, 3000, 9).round(0)
    units = ["hourly", "monthly_retainer", "monthly_retainer"] * 3
    priced = list(zip(amounts, units, strict=True))
    pool = [candidate(f"p{i}", float(a), unit=u) for i, (a, u) in enumerate(priced)]
    findings = findings_for(pool)
    for i, (amount, unit) in enumerate(priced):
        others = [a for j, (a, u) in enumerate(priced) if u == unit and j != i]
        got = row(findings, f"p{i}", "price_vs_market")
        if len(others) >= 3:
            assert got["value"] == pytest.approx(amount / np.median(others))
        else:
            assert np.isnan(got["value"])


def test_not_enough_comparable_prices_and_unconvertible_currency_are_explicit() -> None:
    findings = findings_for(
        [candidate("a", 1000), candidate("b", 900), candidate("pound", 800, "GBP"),
         candidate("hourly", 50, unit="hourly"), candidate("free")],
        brief(),
    )
    few = row(findings, "a", "price_vs_market")
    assert np.isnan(few["suggested_level"]) and "not enough comparable prices" in few["detail"]
    pound = row(findings, "pound", "price_vs_market")
    assert np.isnan(pound["value"]) and "no exchange rate from GBP" in pound["detail"]
    missing = row(findings, "free", "price_vs_market")
    assert np.isnan(missing["suggested_level"]) and "No price given" in missing["detail"]
    assert not findings["flag"].isin(["price_far_below_market"]).any()


def test_price_outside_budget_both_directions_and_only_same_unit() -> None:
    findings = findings_for(
        [candidate("low", 500), candidate("high", 2000, "USD"), candidate("inside", 1000),
         candidate("hourly", 60, unit="hourly")],
        brief(),
    )
    assert "price_outside_budget" in flags_of(findings, "low")
    assert "price_outside_budget" in flags_of(findings, "high")
    assert row(findings, "high", "price_vs_budget")["value"] == pytest.approx(1800)
    assert "price_outside_budget" not in flags_of(findings, "inside")
    assert row(findings, "inside", "price_vs_budget")["suggested_level"] == 4
    hourly = row(findings, "hourly", "price_vs_budget")
    assert np.isnan(hourly["suggested_level"]) and "different unit" in hourly["detail"]
    assert "price_outside_budget" not in flags_of(findings, "hourly")


def test_no_brief_means_no_budget_finding_and_same_currency_comparison() -> None:
    pool = [candidate(f"e{i}", 1000 + 100 * i) for i in range(4)] + [candidate("usd", 100, "USD")]
    findings = findings_for(pool)
    assert "price_vs_budget" not in set(findings["signal"])
    # Without a budget currency a USD price is compared only with other USD prices.
    assert np.isnan(row(findings, "usd", "price_vs_market")["value"])
    assert row(findings, "e0", "price_vs_market")["value"] == pytest.approx(1000 / 1200)


def test_accounts_per_manager_overload() -> None:
    findings = findings_for(
        [candidate("over", accounts_per_manager=22), candidate("edge", accounts_per_manager=15),
         candidate("light", accounts_per_manager=6), candidate("unknown")]
    )
    assert "accounts_per_manager_overload" in flags_of(findings, "over")
    assert "accounts_per_manager_overload" not in flags_of(findings, "edge")
    assert row(findings, "over", "accounts_per_manager")["suggested_level"] == 2
    assert row(findings, "edge", "accounts_per_manager")["suggested_level"] == 4
    assert row(findings, "light", "accounts_per_manager")["suggested_level"] == 5
    unknown = row(findings, "unknown", "accounts_per_manager")
    assert np.isnan(unknown["suggested_level"]) and "not stated" in unknown["detail"]


def test_ten_thousand_candidates_are_all_analysed() -> None:
    """At scale every candidate gets findings; the speed is measured by
    scripts/bench.py, not asserted here (timings on a shared machine vary)."""
    rng = np.random.default_rng(5)
    n = 10_000
    candidates = pd.DataFrame(
        {
            "candidate_id": [f"c{i:05d}" for i in range(n)], "name": "x", "kind": "agency",
            "price_amount": np.where(rng.random(n) < 0.9, rng.uniform(100, 5000, n), np.nan),
            "price_currency": rng.choice(["EUR", "USD", "GBP"], n),
            "price_unit": rng.choice(["hourly", "monthly_retainer", "per_project"], n),
            "accounts_per_manager": rng.integers(1, 40, n).astype(float),
        }
    )
    frames = PortfolioFrames.from_rows({"candidates": candidates.to_dict("records")})
    context = SignalContext(today=TODAY, brief=brief())
    findings = analyse(frames, context)
    assert tuple(findings.columns) == FINDING_COLUMNS
    assert findings["candidate_id"].nunique() == n
    assert findings["suggested_level"].dropna().between(1, 5).all()

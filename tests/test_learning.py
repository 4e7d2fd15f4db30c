"""Learning signal: training in the last 24 months, and the 000 §1 context note."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from vetting.frames import FINDING_COLUMNS, PortfolioFrames, build_frames
from vetting.models import Portfolio
from vetting.signals import SignalContext, to_findings
from vetting.signals.learning import analyse

TODAY = date(2026, 11, 22)
CONTEXT = SignalContext(today=TODAY)


def candidate(cid: str, *completed: str) -> dict[str, object]:
    return {"candidate_id": cid, "name": cid, "kind": "freelancer",
            "n_certifications": len(completed),
            "latest_certification": max(completed, default=None), "completed": completed}


def findings_for(*rows: dict[str, object]) -> pd.DataFrame:
    learning = [
        {"candidate_id": row["candidate_id"], "name": "course", "completed": day}
        for row in rows for day in row["completed"]  # type: ignore[attr-defined]
    ]
    candidates = [{k: v for k, v in row.items() if k != "completed"} for row in rows]
    return analyse(
        PortfolioFrames.from_rows({"candidates": candidates, "learning": learning}), CONTEXT
    )


def count_row(findings: pd.DataFrame, cid: str) -> pd.Series:
    mine = findings[findings["candidate_id"] == cid]
    rows = mine[mine["signal"] == "recent_training_count"]
    return rows[rows["flag"].isna()].iloc[0]


def flags_of(findings: pd.DataFrame, cid: str) -> set[str]:
    return set(findings.loc[findings["candidate_id"] == cid, "flag"].dropna())


def test_contract_columns_and_valid_findings() -> None:
    findings = findings_for(candidate("a", "2026-01-01"), candidate("b"))
    assert tuple(findings.columns) == FINDING_COLUMNS
    assert set(findings["area"]) == {"learning"}
    assert len(to_findings(findings)) == len(findings)


def test_no_recent_training_fires_outside_the_window_only() -> None:
    findings = findings_for(
        candidate("recent", "2025-06-01", "2019-03-01"),
        candidate("edge", "2024-11-22"),
        candidate("stale", "2024-11-21", "2023-01-01", "2022-05-05"),
    )
    assert "no_recent_training" not in flags_of(findings, "recent")
    assert "no_recent_training" not in flags_of(findings, "edge")
    assert "no_recent_training" in flags_of(findings, "stale")
    assert count_row(findings, "stale")["suggested_level"] == 1
    assert count_row(findings, "recent")["suggested_level"] == 3
    flag = findings[findings["flag"] == "no_recent_training"].iloc[0]
    assert flag["severity"] == "caution" and np.isnan(flag["suggested_level"])
    assert "2024-11-21" in flag["detail"]


def test_nothing_listed_is_flagged_with_less_confidence() -> None:
    findings = findings_for(candidate("none"))
    row = count_row(findings, "none")
    assert "No certifications or training listed" in row["detail"]
    assert row["confidence"] < 0.7
    assert "no_recent_training" in flags_of(findings, "none")


def test_training_before_2019_adds_context_only() -> None:
    findings = findings_for(
        candidate("old", "2018-03-01", "2017-01-01"), candidate("new", "2019-02-01")
    )
    context = findings[findings["signal"] == "training_predates_tiktok"]
    assert list(context["candidate_id"]) == ["old"]
    assert context["flag"].isna().all() and context["suggested_level"].isna().all()
    assert context["sources"].iloc[0] == "000 §1"


def test_counts_every_certification_in_the_window() -> None:
    findings = findings_for(
        candidate("busy", "2026-09-01", "2026-02-01", "2025-07-01", "2021-01-01"),
        candidate("idle", "2020-01-01"),
    )
    busy = count_row(findings, "busy")
    assert busy["value"] == 3 and busy["suggested_level"] == 5
    assert "no_recent_training" in flags_of(findings, "idle")


def test_runs_on_frames_built_from_portfolio_models() -> None:
    portfolio = Portfolio.model_validate(
        {
            "id": "ana",
            "identity": {"name": "Ana Krasniqi", "kind": "freelancer"},
            "learning": [
                {"name": "Meta Certified Media Buying", "completed": "2026-03-10"},
                {"name": "Digital marketing diploma", "completed": "2016-06-30"},
            ],
        },
        context={"today": TODAY},
    )
    findings = analyse(build_frames([portfolio]), CONTEXT)
    row = count_row(findings, "ana")
    assert row["value"] == 1 and "2026-03-10" in row["detail"]
    assert not flags_of(findings, "ana")


def test_ten_thousand_candidates_are_all_analysed() -> None:
    """At scale every candidate gets findings; the speed is measured by
    scripts/bench.py, not asserted here (timings on a shared machine vary)."""
    rng = np.random.default_rng(1)
    n = 10_000
    n_certs = rng.integers(0, 5, n)
    latest = pd.Timestamp("2026-11-01") - pd.to_timedelta(rng.integers(0, 3000, n), unit="D")
    candidates = pd.DataFrame(
        {"candidate_id": [f"c{i:05d}" for i in range(n)], "name": "x", "kind": "agency",
         "n_certifications": n_certs,
         "latest_certification": pd.Series(latest).where(n_certs > 0)}
    )
    frames = PortfolioFrames.from_rows({"candidates": candidates.to_dict("records")})
    findings = analyse(frames, CONTEXT)
    assert tuple(findings.columns) == FINDING_COLUMNS
    assert findings["candidate_id"].nunique() == n

"""Creative capacity signal: role coverage, many hats, output load, adaptation per channel."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from vetting.frames import FINDING_COLUMNS, PortfolioFrames
from vetting.signals import SignalContext, to_findings
from vetting.signals.creative import analyse

CONTEXT = SignalContext(today=date(2026, 11, 22))


def candidate(cid: str, kind: str, monthly_output: int | None = None) -> dict[str, object]:
    return {"candidate_id": cid, "name": cid, "kind": kind, "monthly_output": monthly_output}


def staff(cid: str, role: str, headcount: float = 1.0, employment: str = "in_house") -> dict:
    return {"candidate_id": cid, "role": role, "headcount": headcount, "employment": employment}


def accounts(cid: str, platforms: tuple[str, ...]) -> list[dict[str, object]]:
    return [
        {"candidate_id": cid, "account": i, "platform": p, "handle": f"{cid}_{p}"}
        for i, p in enumerate(platforms)
    ]


def posts(cid: str, account: int, formats: list[str]) -> list[dict[str, object]]:
    return [
        {"candidate_id": cid, "account": account, "date": "2026-10-01", "format": f,
         "likes": 10, "comments": 1, "paid": False}
        for f in formats
    ]


def signal_rows(findings: pd.DataFrame, cid: str, signal: str) -> pd.DataFrame:
    return findings[(findings["candidate_id"] == cid) & (findings["signal"] == signal)]


def flags_of(findings: pd.DataFrame, cid: str) -> set[str]:
    return set(findings.loc[findings["candidate_id"] == cid, "flag"].dropna())


def coverage(findings: pd.DataFrame, cid: str) -> pd.Series:
    rows = signal_rows(findings, cid, "creative_role_coverage")
    return rows[rows["flag"].isna()].iloc[0]


def test_contract_columns_and_valid_findings() -> None:
    frames = PortfolioFrames.from_rows(
        {"candidates": [candidate("a", "agency")], "team": [staff("a", "graphic_designer")]}
    )
    findings = analyse(frames, CONTEXT)
    assert tuple(findings.columns) == FINDING_COLUMNS
    assert set(findings["area"]) == {"creative_capacity"}
    assert len(to_findings(findings)) == len(findings)


def test_contracted_roles_count_fully_for_freelancers_and_half_for_agencies() -> None:
    team = [
        ("content_creator", "in_house"),
        ("graphic_designer", "contracted"),
        ("videographer", "contracted"),
    ]
    frames = PortfolioFrames.from_rows(
        {
            "candidates": [candidate("free", "freelancer"), candidate("agency", "agency")],
            "team": [
                staff(cid, role, employment=e) for cid in ("free", "agency") for role, e in team
            ],
        }
    )
    findings = analyse(frames, CONTEXT)
    assert coverage(findings, "free")["value"] == pytest.approx(3.0)
    assert coverage(findings, "agency")["value"] == pytest.approx(2.0)
    assert coverage(findings, "free")["suggested_level"] == 4
    assert coverage(findings, "agency")["suggested_level"] == 3
    assert not flags_of(findings, "free")


def test_no_creative_bench_fires_only_without_any_creative_role() -> None:
    frames = PortfolioFrames.from_rows(
        {
            "candidates": [candidate("bare", "agency"), candidate("contracted", "agency")],
            "team": [staff("bare", "strategist", 2), staff("bare", "community_manager", 3),
                     staff("contracted", "strategist"),
                     staff("contracted", "copywriter", 0.5, "contracted")],
        }
    )
    findings = analyse(frames, CONTEXT)
    assert "no_creative_bench" in flags_of(findings, "bare")
    assert coverage(findings, "bare")["suggested_level"] == 1
    assert "no_creative_bench" not in flags_of(findings, "contracted")


def test_one_person_many_hats() -> None:
    hats = ["strategist", "community_manager", "data_analyst", "copywriter", "photographer"]
    frames = PortfolioFrames.from_rows(
        {
            "candidates": [candidate("solo", "freelancer"), candidate("helped", "freelancer"),
                           candidate("team", "agency")],
            "team": [staff("solo", role) for role in hats]
            + [staff("helped", role) for role in hats[:3]]
            + [staff("helped", "copywriter", 0.5, "contracted"),
               staff("helped", "photographer", 0.5, "contracted")]
            + [staff("team", role, 2.0) for role in hats],
        }
    )
    findings = analyse(frames, CONTEXT)
    assert "one_person_many_hats" in flags_of(findings, "solo")
    assert "one_person_many_hats" not in flags_of(findings, "helped")
    # Ten in-house people across five roles is a team, not one person with many hats.
    assert "one_person_many_hats" not in flags_of(findings, "team")
    flag = findings[findings["flag"] == "one_person_many_hats"].iloc[0]
    assert flag["value"] == 5
    assert flag["severity"] == "caution"


def test_missing_team_is_explicit() -> None:
    frames = PortfolioFrames.from_rows({"candidates": [candidate("quiet", "agency", 40)]})
    findings = analyse(frames, CONTEXT)
    row = coverage(findings, "quiet")
    assert np.isnan(row["suggested_level"]) and np.isnan(row["value"])
    assert "No team roles listed" in row["detail"]
    assert not flags_of(findings, "quiet")


def test_output_per_creative_person() -> None:
    frames = PortfolioFrames.from_rows(
        {
            "candidates": [candidate("busy", "agency", 600), candidate("calm", "agency", 60)],
            "team": [staff("busy", "graphic_designer", 2), staff("busy", "strategist", 4),
                     staff("calm", "graphic_designer", 1),
                     staff("calm", "videographer", 1, "contracted")],
        }
    )
    findings = analyse(frames, CONTEXT)
    busy = signal_rows(findings, "busy", "output_per_creative_person").iloc[0]
    calm = signal_rows(findings, "calm", "output_per_creative_person").iloc[0]
    assert busy["value"] == pytest.approx(300.0)
    assert "above 100" in busy["detail"]
    assert calm["value"] == pytest.approx(30.0)


def test_no_channel_adaptation_when_every_platform_gets_the_same_mix() -> None:
    same = ["reel"] * 6 + ["carousel"] * 4
    frames = PortfolioFrames.from_rows(
        {
            "candidates": [candidate(c, "agency") for c in ("same", "adapted", "thin", "single")],
            "accounts": accounts("same", ("instagram", "facebook", "tiktok"))
            + accounts("adapted", ("instagram", "linkedin"))
            + accounts("thin", ("instagram", "linkedin"))
            + accounts("single", ("instagram",)),
            "posts": posts("same", 0, same) + posts("same", 1, same)
            + posts("same", 2, ["reel"] * 5 + ["carousel"] * 5)
            + posts("adapted", 0, ["reel"] * 8 + ["story"] * 2)
            + posts("adapted", 1, ["text"] * 6 + ["carousel"] * 4)
            + posts("thin", 0, same) + posts("thin", 1, ["reel", "carousel"])
            + posts("single", 0, same),
        }
    )
    findings = analyse(frames, CONTEXT)
    assert "no_channel_adaptation" in flags_of(findings, "same")
    assert "no_channel_adaptation" not in flags_of(findings, "adapted")
    adapted = signal_rows(findings, "adapted", "channel_format_distance").iloc[0]
    assert adapted["value"] == pytest.approx(1.0)
    same_row = signal_rows(findings, "same", "channel_format_distance").iloc[0]
    assert same_row["value"] == pytest.approx(0.1)
    thin = signal_rows(findings, "thin", "channel_format_distance").iloc[0]
    assert np.isnan(thin["value"]) and "cannot be judged" in thin["detail"]
    assert signal_rows(findings, "single", "channel_format_distance").empty
    formats = signal_rows(findings, "adapted", "content_formats").iloc[0]
    assert formats["value"] == 4


def synthetic_frames(n: int, seed: int = 11) -> PortfolioFrames:
    """n candidates with 0-6 team roles, 2 accounts and 20 posts each."""
    rng = np.random.default_rng(seed)
    ids = np.array([f"c{i:05d}" for i in range(n)])
    roles = np.array(
        ["strategist", "content_creator", "community_manager", "graphic_designer",
         "videographer", "copywriter", "photographer", "paid_ads_buyer"]
    )
    k = rng.integers(0, 7, n)
    owner = np.repeat(ids, k)
    role = np.concatenate([rng.choice(roles, size, replace=False) for size in k])
    team = pd.DataFrame(
        {"candidate_id": owner, "role": role, "headcount": rng.choice([0.5, 1.0, 2.0], owner.size),
         "employment": rng.choice(["in_house", "contracted"], owner.size)}
    )
    accounts_frame = pd.DataFrame(
        {"candidate_id": np.repeat(ids, 2), "account": np.tile([0, 1], n),
         "platform": np.tile(["instagram", "linkedin"], n), "handle": "h"}
    )
    posts_frame = pd.DataFrame(
        {"candidate_id": np.repeat(ids, 20), "account": np.tile(np.arange(20) % 2, n),
         "format": rng.choice(["reel", "image", "carousel", "text"], 20 * n),
         "likes": 10, "comments": 1}
    )
    candidates = pd.DataFrame(
        {"candidate_id": ids, "name": ids, "kind": rng.choice(["agency", "freelancer"], n),
         "monthly_output": rng.integers(10, 400, n)}
    )
    tables = {"candidates": candidates, "team": team, "accounts": accounts_frame,
              "posts": posts_frame}
    return PortfolioFrames.from_rows({k: v.to_dict("records") for k, v in tables.items()})


def test_ten_thousand_candidates_are_all_analysed() -> None:
    """At scale every candidate gets findings; the speed is measured by
    scripts/bench.py, not asserted here (timings on a shared machine vary)."""
    frames = synthetic_frames(10_000)
    findings = analyse(frames, CONTEXT)
    assert tuple(findings.columns) == FINDING_COLUMNS
    assert findings["candidate_id"].nunique() == 10_000
    assert findings["suggested_level"].dropna().between(1, 5).all()

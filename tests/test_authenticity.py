"""Fake-follower and fake-engagement traces: bursts, seesaws, uniform likes, ratios."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest

from vetting.benchmarks import load_benchmarks
from vetting.frames import FINDING_COLUMNS, PortfolioFrames
from vetting.signals import SignalContext, authenticity, to_findings

CONTEXT = SignalContext(today=date(2026, 11, 22))
START = date(2026, 5, 1)


def account(cid: str, followers: int = 30_000, platform: str = "instagram") -> dict[str, object]:
    return {"candidate_id": cid, "account": 0, "platform": platform, "handle": cid,
            "followers": followers}


def history(cid: str, daily: float = 40, points: int = 26, jump_at: int | None = None,
            jump: int = 0, gaps: list[int] | None = None, following: list[int] | None = None,
            seed: int = 0) -> list[dict[str, object]]:
    """Weekly (or ``gaps``-spaced) counts growing ``daily`` a day with mild noise."""
    rng = np.random.default_rng(seed)
    gaps = gaps or [7] * (points - 1)
    rows, day, followers = [], 0, 20_000.0
    for i in range(points):
        if i:
            day += gaps[i - 1]
            followers += daily * gaps[i - 1] + rng.normal(0, 8 * np.sqrt(gaps[i - 1]))
            followers += jump if i == jump_at else 0
        rows.append({"candidate_id": cid, "account": 0,
                     "date": (START + timedelta(days=day)).isoformat(),
                     "followers": int(followers),
                     "following": following[i] if following else 800})
    return rows


def posts(cid: str, likes: list[int], comments: list[int]) -> list[dict[str, object]]:
    return [{"candidate_id": cid, "account": 0,
             "date": (START + timedelta(days=6 * i)).isoformat(), "likes": lk, "comments": cm}
            for i, (lk, cm) in enumerate(zip(likes, comments, strict=True))]


def genuine_likes(n: int = 30, seed: int = 1, scale: float = 500) -> tuple[list[int], list[int]]:
    rng = np.random.default_rng(seed)
    likes = (scale * rng.lognormal(0, 0.35, n)).astype(int)
    return likes.tolist(), rng.poisson(likes * 0.02).tolist()


def run(rows: dict[str, list[dict[str, object]]]) -> pd.DataFrame:
    return authenticity.analyse(PortfolioFrames.from_rows(rows), CONTEXT)


def pick(findings: pd.DataFrame, cid: str, signal: str) -> pd.Series:
    rows = findings[(findings["candidate_id"] == cid) & (findings["signal"] == signal)]
    assert len(rows) == 1, rows
    return rows.iloc[0]


def flags(findings: pd.DataFrame, cid: str) -> set[str]:
    return set(findings.loc[findings["candidate_id"] == cid, "flag"].dropna())


def test_a_burst_of_known_size_is_caught_and_a_clean_series_is_not() -> None:
    findings = run({
        "accounts": [account("clean"), account("bought")],
        "history": history("clean") + history("bought", jump_at=13, jump=3_000),
    })
    assert "follower_burst" not in flags(findings, "clean")
    burst = pick(findings, "bought", "follower_growth_burst")
    assert burst["flag"] == "follower_burst" and burst["severity"] == "serious"
    assert burst["value"] > 5
    assert "about 3,0" in burst["detail"] or "about 2,9" in burst["detail"]
    assert "own baseline of +40/day" in burst["detail"]


def test_irregular_spacing_is_normalised() -> None:
    # A 21-day gap gains three weeks of ordinary growth: not a burst.
    gaps = [7] * 10 + [21] + [7] * 14
    findings = run({"accounts": [account("gap")], "history": history("gap", gaps=gaps)})
    assert "follower_burst" not in flags(findings, "gap")


def test_ad_ceiling_is_cited_for_very_fast_bursts() -> None:
    findings = run({"accounts": [account("ads")],
                    "history": history("ads", jump_at=10, jump=60_000)})
    burst = pick(findings, "ads", "follower_growth_burst")
    assert "rarely bring more than 5,000 a day" in burst["detail"]
    assert burst["benchmark_source"] == load_benchmarks().source_name("hypeauditor_help")


def test_round_number_jump() -> None:
    findings = run({"accounts": [account("round"), account("odd")],
                    "history": history("round", jump_at=8, jump=5_000)
                    + history("odd", jump_at=8, jump=5_437)})
    assert "round_number_jump" in flags(findings, "round")
    assert "round_number_jump" not in flags(findings, "odd")


def test_spike_then_taper_is_reported() -> None:
    rows = history("taper", jump_at=8, jump=4_000)
    for row in rows[9:12]:
        row["followers"] -= 1_500 * (rows.index(row) - 8)
    for row in rows[12:]:
        row["followers"] -= 4_500
    findings = run({"accounts": [account("taper")], "history": rows})
    taper = pick(findings, "taper", "spike_then_taper")
    assert taper["value"] > 50


def test_follow_unfollow_seesaw() -> None:
    seesaw = [800 + (1_200 if i % 4 == 1 else 0) for i in range(26)]
    drifting = [800 + 3 * i for i in range(26)]
    findings = run({"accounts": [account("see"), account("calm")],
                    "history": history("see", following=seesaw)
                    + history("calm", following=drifting)})
    assert pick(findings, "see", "following_seesaw")["flag"] == "follow_unfollow_seesaw"
    calm = pick(findings, "calm", "following_seesaw")
    assert pd.isna(calm["flag"]) and calm["value"] == 0


def test_uniform_likes_caught_and_genuine_posts_pass() -> None:
    likes, comments = genuine_likes()
    flat = [500 + (i % 3) for i in range(30)]
    findings = run({"accounts": [account("real"), account("pod")],
                    "posts": posts("real", likes, comments)
                    + posts("pod", flat, [10] * 30)})
    real = pick(findings, "real", "likes_uniformity")
    assert pd.isna(real["flag"]) and real["value"] == pytest.approx(
        np.std(likes, ddof=1) / np.mean(likes))
    pod = pick(findings, "pod", "likes_uniformity")
    assert pod["flag"] == "uniform_likes" and pod["severity"] == "serious"
    assert flags(findings, "real") == set()


def test_comment_like_ratio_outside_the_genuine_band() -> None:
    likes, comments = genuine_likes(seed=2)
    findings = run({"accounts": [account("ok"), account("pod"), account("bought")],
                    "posts": posts("ok", likes, comments)
                    + posts("pod", likes, [int(lk * 0.2) for lk in likes])
                    + posts("bought", likes, [0] * 30)})
    ok = pick(findings, "ok", "comment_like_ratio")
    assert ok["value"] == pytest.approx(sum(comments) / sum(likes)) and pd.isna(ok["flag"])
    for cid in ("pod", "bought"):
        assert pick(findings, cid, "comment_like_ratio")["flag"] == "comment_like_ratio_abnormal"


def test_comment_ratio_is_only_judged_where_calibrated() -> None:
    likes, comments = genuine_likes()
    findings = run({"accounts": [account("tt", platform="tiktok")],
                    "posts": posts("tt", likes, comments)})
    assert "comment_like_ratio" not in set(findings["signal"])


def test_growth_without_engagement() -> None:
    likes, comments = genuine_likes(seed=4)
    growing_likes = [int(lk * (1 + i / 20)) for i, lk in enumerate(likes)]
    rows = {"accounts": [account("flat"), account("real")],
            "history": history("flat", daily=200) + history("real", daily=200),
            "posts": posts("flat", likes, comments) + posts("real", growing_likes, comments)}
    findings = run(rows)
    flat = pick(findings, "flat", "growth_without_engagement")
    assert flat["flag"] == "growth_without_engagement"
    assert pd.isna(pick(findings, "real", "growth_without_engagement")["flag"])


def test_missing_history_and_posts_are_explicit() -> None:
    findings = run({"candidates": [{"candidate_id": "nothing"}, {"candidate_id": "bare"}],
                    "accounts": [account("bare")],
                    "history": history("bare", points=3)})
    for signal in ("follower_growth_burst", "following_seesaw", "likes_uniformity",
                   "comment_like_ratio", "growth_without_engagement"):
        row = pick(findings, "bare", signal)
        assert np.isnan(row["value"]) and np.isnan(row["suggested_level"]), signal
        assert row["detail"].startswith("Not enough data"), signal
        assert pd.isna(row["flag"])
    summary = pick(findings, "bare", "authenticity_checks")
    assert np.isnan(summary["suggested_level"])
    assert "No managed accounts" in pick(findings, "nothing", "authenticity_checks")["detail"]


def test_summary_level_follows_the_flags() -> None:
    likes, comments = genuine_likes()
    levels = load_benchmarks().thresholds["authenticity_levels"]
    findings = run({
        "accounts": [account("clean"), account("bought")],
        "history": history("clean") + history("bought", jump_at=13, jump=3_217),
        "posts": posts("clean", likes, comments) + posts("bought", likes, comments),
    })
    assert pick(findings, "clean", "authenticity_checks")["suggested_level"] == levels["clean"]
    assert pick(findings, "bought", "authenticity_checks")["suggested_level"] <= levels[
        "one_serious"]


def test_output_has_exactly_the_finding_columns_and_validates() -> None:
    likes, comments = genuine_likes()
    findings = run({"accounts": [account("a")],
                    "history": history("a", jump_at=5, jump=5_000),
                    "posts": posts("a", likes, comments)})
    assert tuple(findings.columns) == FINDING_COLUMNS
    models = to_findings(findings)
    assert {m.area for m in models} == {"authenticity"}
    assert all(m.sources == ["004 §3"] for m in models)


def test_a_burst_right_after_a_viral_post_is_explained_not_flagged() -> None:
    """Organic virality brings followers after a hit; bought followers arrive from nowhere."""
    from tests.test_sample_conclusions import evaluation

    findings = evaluation("agency").findings
    chloe = findings[findings["candidate_id"] == "chloe-bennett"]
    assert "follower_burst" not in set(chloe["flag"].dropna())
    spike = chloe[chloe["signal"] == "growth_spike_after_viral_post"]
    assert len(spike) == 1 and "within days of a post on 2026-08-14" in spike["detail"].iloc[0]
    tyler = findings[findings["candidate_id"] == "tyler-brooks"]
    assert "follower_burst" in set(tyler["flag"].dropna())

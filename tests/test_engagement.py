"""Followers-versus-engagement findings: formulas, tier comparison, flags, missing data."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest

from vetting.benchmarks import engagement_range, load_benchmarks
from vetting.frames import FINDING_COLUMNS, PortfolioFrames
from vetting.signals import SignalContext, authenticity, engagement, to_findings

TODAY = date(2026, 11, 22)
CONTEXT = SignalContext(today=TODAY)


def account(cid: str, followers: int, platform: str = "instagram", index: int = 0,
            period_end: str | None = None) -> dict[str, object]:
    return {"candidate_id": cid, "account": index, "platform": platform, "handle": f"{cid}{index}",
            "followers": followers, "period_end": period_end}


def posts(cid: str, counts: list[tuple[int, int]], index: int = 0,
          **extra: object) -> list[dict[str, object]]:
    first = date(2026, 11, 1)
    return [
        {"candidate_id": cid, "account": index, "date": (first - timedelta(days=3 * i)).isoformat(),
         "likes": likes, "comments": comments, **extra}
        for i, (likes, comments) in enumerate(counts)
    ]


def run(rows: dict[str, list[dict[str, object]]]) -> pd.DataFrame:
    return engagement.analyse(PortfolioFrames.from_rows(rows), CONTEXT)


def pick(findings: pd.DataFrame, cid: str, signal: str) -> pd.Series:
    rows = findings[(findings["candidate_id"] == cid) & (findings["signal"] == signal)]
    assert len(rows) == 1, rows
    return rows.iloc[0]


def test_per_follower_rate_is_hand_computed() -> None:
    # (likes + comments) / followers per post: 1.1%, 2.2%, 3.3%, 9.9% -> median 2.75%, mean 4.125%
    counts = [(100, 10), (200, 20), (300, 30), (900, 90)]
    findings = run({"candidates": [{"candidate_id": "a"}], "accounts": [account("a", 10_000)],
                    "posts": posts("a", counts)})
    rate = pick(findings, "a", "engagement_rate_median")
    assert rate["value"] == pytest.approx(2.75)
    assert "mean 4.12%" in rate["detail"] or "mean 4.13%" in rate["detail"]
    assert "(likes + comments) / followers" in rate["detail"]
    micro = engagement_range("instagram", 10_000)
    assert rate["comparison"] == micro.comparison()
    assert rate["benchmark_source"] == micro.reference_source
    audience = pick(findings, "a", "engaged_audience")
    assert audience["value"] == pytest.approx(275)  # median of 110, 220, 330, 990
    assert "10,000 followers" in audience["detail"]


def test_per_view_rate_on_video_platforms() -> None:
    counts = [(100, 10), (300, 30), (200, 20)]
    rows = posts("t", counts, shares=5, saves=5, views=1_000)
    findings = run({"accounts": [account("t", 20_000, "tiktok")], "posts": rows})
    view = pick(findings, "t", "engagement_rate_per_view_median")
    assert view["value"] == pytest.approx((200 + 20 + 10) / 1_000 * 100)
    assert np.isnan(view["suggested_level"])  # nobody publishes a TikTok per-view tier
    assert (findings["signal"] == "engagement_rate_per_view_median").sum() == 1


def test_level_anchors_map_exactly() -> None:
    anchors = load_benchmarks().thresholds["engagement"]["level_anchors"]
    low, high = np.array([0.01] * 6), np.array([0.04] * 6)
    rates = np.array([0.001, 0.005, 0.01, 0.02, 0.04, 0.5])
    levels = engagement.engagement_level(rates, low, high, anchors)
    assert levels[[0, 1, 2, 4, 5]] == pytest.approx([1, 1, 2, 4, 5])
    assert 2 < levels[3] < 4
    assert np.all(np.diff(levels) >= 0)
    assert np.isnan(engagement.engagement_level(np.array([0.02]), np.array([np.nan]),
                                                np.array([np.nan]), anchors)[0])


def test_low_engagement_for_tier_is_flagged_only_far_below_the_floor() -> None:
    floor = engagement_range("instagram", 60_000).reference
    low_count = int(60_000 * floor * 0.3)
    fine_count = int(60_000 * floor * 1.5)
    findings = run({
        "accounts": [account("low", 60_000), account("fine", 60_000)],
        "posts": posts("low", [(low_count, 0)] * 10) + posts("fine", [(fine_count, 0)] * 10),
    })
    low, fine = pick(findings, "low", "engagement_rate_median"), pick(
        findings, "fine", "engagement_rate_median")
    assert low["flag"] == "low_engagement_for_tier" and low["severity"] == "serious"
    assert low["suggested_level"] == pytest.approx(1)
    assert fine["flag"] is None or pd.isna(fine["flag"])
    assert fine["suggested_level"] > 2


def test_one_post_carrying_the_average_is_flagged() -> None:
    viral = [(5_000, 100)] + [(100, 5)] * 9
    even = [(100 + 5 * i, 5) for i in range(10)]
    findings = run({"accounts": [account("v", 50_000), account("e", 50_000)],
                    "posts": posts("v", viral) + posts("e", even)})
    carried = pick(findings, "v", "engagement_top_post_share")
    assert carried["flag"] == "engagement_carried_by_one_post"
    assert carried["value"] == pytest.approx(5_100 / (5_100 + 9 * 105) * 100)
    spread = pick(findings, "e", "engagement_top_post_share")
    assert pd.isna(spread["flag"])


def test_missing_data_gives_explicit_findings_without_level() -> None:
    findings = run({
        "candidates": [{"candidate_id": "none"}, {"candidate_id": "thin"}],
        "accounts": [account("thin", 5_000)],
        "posts": posts("thin", [(50, 2)]),
    })
    rate = pick(findings, "thin", "engagement_rate_median")
    assert np.isnan(rate["value"]) and np.isnan(rate["suggested_level"])
    assert rate["detail"].startswith("Not enough data")
    assert rate["confidence"] == 0
    empty = pick(findings, "none", "engagement_portfolio")
    assert np.isnan(empty["suggested_level"]) and "No managed accounts" in empty["detail"]
    thin = pick(findings, "thin", "engagement_portfolio")
    assert np.isnan(thin["suggested_level"]) and thin["detail"].startswith("Not enough data")


def test_platform_without_published_tier_gets_no_level() -> None:
    findings = run({"accounts": [account("l", 20_000, "linkedin")],
                    "posts": posts("l", [(200, 10)] * 5)})
    rate = pick(findings, "l", "engagement_rate_median")
    assert rate["value"] == pytest.approx(1.05)
    assert np.isnan(rate["suggested_level"]) and "no published linkedin" in rate["comparison"]


def test_portfolio_weighs_recent_accounts_more() -> None:
    floor = engagement_range("instagram", 20_000).reference
    weak, strong = int(20_000 * floor * 0.4), int(20_000 * floor * 3)
    rows = {
        "accounts": [account("p", 20_000, index=0), account("p", 20_000, index=1,
                                                           period_end="2018-01-01")],
        "posts": posts("p", [(strong, 0)] * 20, index=0) + posts("p", [(weak, 0)] * 20, index=1),
    }
    findings = run(rows)
    levels = findings[(findings["signal"] == "engagement_rate_median")]["suggested_level"]
    portfolio = pick(findings, "p", "engagement_portfolio")["suggested_level"]
    assert portfolio > levels.mean()  # the current, strong account counts more


def test_output_has_exactly_the_finding_columns_and_validates() -> None:
    findings = run({"candidates": [{"candidate_id": "z"}],
                    "accounts": [account("a", 10_000), account("b", 2_000_000, "tiktok")],
                    "posts": posts("a", [(100, 3)] * 6) + posts("b", [(1000, 9)] * 6, views=9_000)})
    assert tuple(findings.columns) == FINDING_COLUMNS
    models = to_findings(findings)
    assert {m.area for m in models} == {"followers_engagement"}
    assert all(m.sources == ["004 §3", "000 §5", "003 §9"] for m in models)


def many_candidates(n: int, seed: int = 5) -> dict[str, list[dict[str, object]]]:
    rng = np.random.default_rng(seed)
    rows: dict[str, list[dict[str, object]]] = {"candidates": [], "accounts": [], "posts": [],
                                                "history": []}
    start = date(2026, 5, 1)
    for c in range(n):
        cid = f"c{c:04d}"
        rows["candidates"].append({"candidate_id": cid})
        for a in range(2):
            followers = int(10 ** rng.uniform(3, 6))
            platform = str(rng.choice(["instagram", "tiktok"]))
            rows["accounts"].append(account(cid, followers, platform, a))
            likes = (followers * 0.01 * rng.lognormal(0, 0.4, 30)).astype(int)
            rows["posts"] += posts(cid, [(int(x), int(x) // 40) for x in likes], index=a)
            level = followers * 0.8
            for i in range(26):
                level += followers * 0.002 * 7 * (1 + 0.2 * rng.standard_normal())
                rows["history"].append({"candidate_id": cid, "account": a,
                                        "date": (start + timedelta(days=7 * i)).isoformat(),
                                        "followers": int(level), "following": 400})
    return rows


def test_vectorised_results_equal_one_candidate_at_a_time() -> None:
    rows = many_candidates(40)
    together = run(rows)
    for cid in ("c0000", "c0017", "c0039"):
        alone_rows = {name: [r for r in table if r["candidate_id"] == cid]
                      for name, table in rows.items()}
        alone = run(alone_rows)
        mine = together[together["candidate_id"] == cid].reset_index(drop=True)
        pd.testing.assert_frame_equal(mine, alone.reset_index(drop=True))


def test_both_analysers_cover_many_candidates() -> None:
    """Every candidate gets findings; the speed is measured by scripts/bench.py,
    not asserted here (timings on a shared machine vary)."""
    frames = PortfolioFrames.from_rows(many_candidates(1_000))
    found = pd.concat([engagement.analyse(frames, CONTEXT), authenticity.analyse(frames, CONTEXT)])
    assert found["candidate_id"].nunique() == 1_000


def test_run_medians_are_pandas_medians_for_any_layout() -> None:
    """Runs.medians takes a fast padded-matrix path for keys in runs and the general sort
    for scattered keys; both must give groupby's medians, NaN values skipped."""
    rng = np.random.default_rng(1)
    for _ in range(300):
        n, size = int(rng.integers(0, 60)), int(rng.integers(1, 8))
        keys = rng.integers(0, size, n)
        if rng.random() < 0.5:
            keys = np.sort(keys)  # runs: the padded-matrix path
        values = rng.normal(size=n)
        values[rng.random(n) < 0.2] = np.nan
        expected = np.full(size, np.nan)
        by_key = pd.Series(values).groupby(keys).median()
        expected[by_key.index.to_numpy()] = by_key.to_numpy()
        medians = engagement.Runs.of(keys, size).medians(values)
        assert np.array_equal(medians, expected, equal_nan=True)


def test_assembled_text_columns_are_what_pandas_makes_of_them() -> None:
    """Text goes to Arrow directly; values that are not text still convert as pandas
    converts them, and None and NaN are missing either way."""
    details = np.array(["a", None, np.nan, "ë 한 ไทย عربي"], dtype=object)
    mixed = np.array(["a", 5, None, 2.5], dtype=object)
    part = {"candidate_id": np.array(["c1"] * 4, dtype=object), "area": "engagement",
            "signal": "s", "subject": "x", "unit": mixed, "detail": details}
    table = engagement.assemble_findings([part])
    for column, values in (("detail", details), ("unit", mixed)):
        expected = pd.Series(pd.array(values, dtype="str"), name=column)
        pd.testing.assert_series_equal(table[column], expected, check_exact=True)

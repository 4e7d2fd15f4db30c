"""Benchmark file: tiers, ranges across sources, and the re-measured InstaFake figures."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import yaml

from vetting.benchmarks import (
    BENCHMARKS_PATH,
    PER_FOLLOWER,
    PER_VIEW,
    engagement_range,
    load_benchmarks,
    measure_genuine_baselines,
    parse_benchmarks,
)
from vetting.models import PLATFORMS

INSTAFAKE = (Path(__file__).resolve().parents[2] / "shared" / "data" / "instafake"
             / "nonautomatedAccountData.json")


def raw() -> dict:
    return yaml.safe_load(BENCHMARKS_PATH.read_text(encoding="utf-8"))


def test_tiers_have_the_stated_bounds() -> None:
    tiers = {t.id: (t.min_followers, t.max_followers) for t in load_benchmarks().tiers}
    assert tiers == {
        "nano": (1_000, 10_000), "micro": (10_000, 50_000), "mid": (50_000, 500_000),
        "macro": (500_000, 1_000_000), "mega": (1_000_000, None),
    }


@pytest.mark.parametrize(
    ("followers", "tier"),
    [(999, None), (1_000, "nano"), (9_999, "nano"), (10_000, "micro"), (49_999, "micro"),
     (50_000, "mid"), (499_999, "mid"), (500_000, "macro"), (999_999, "macro"),
     (1_000_000, "mega"), (50_000_000, "mega")],
)
def test_tier_edges(followers: int, tier: str | None) -> None:
    found = load_benchmarks().tier_of(followers)
    assert (found.id if found else None) == tier


def test_range_is_min_and_max_of_overlapping_figures() -> None:
    data = raw()
    figures = [f for f in data["engagement_rates"]
               if f["platform"] == "instagram" and f["formula"] == PER_FOLLOWER
               and f.get("in_range", True)]

    def overlaps(f: dict) -> bool:
        top = f["followers_max"] if f["followers_max"] is not None else np.inf
        return f["scope"] == "all_tiers" or (f["followers_min"] < 50_000 and top > 10_000)

    chosen = [f for f in figures if overlaps(f)]
    lows = [f.get("low", f.get("value")) for f in chosen]
    highs = [f.get("high", f.get("value")) for f in chosen]
    found = engagement_range("instagram", 20_000)
    assert found is not None and found.tier == "micro"
    assert found.low == pytest.approx(min(lows))
    assert found.high == pytest.approx(max(highs))
    assert found.reference == found.low  # the stated rule: lowest in range
    assert found.low_source in found.comparison() and found.high_source in found.comparison()
    lowest = chosen[int(np.argmin(lows))]
    assert found.low_source.startswith(data["sources"][lowest["source"]]["name"])


def test_ranges_span_several_times_and_judgements_are_excluded() -> None:
    mega = engagement_range("instagram", 2_000_000)
    assert mega is not None and mega.high / mega.low > 5  # sources disagree a lot
    tool = next(f for f in load_benchmarks().figures if f.id == "ig_ha_tool_good")
    assert not tool.in_range
    nano = engagement_range("instagram", 5_000)
    assert tool not in nano.figures


def test_below_smallest_tier_uses_nano_and_says_so() -> None:
    small = engagement_range("instagram", 300)
    assert small is not None and small.tier == "nano" and small.extrapolated
    assert "below the smallest tier" in small.comparison()


def test_no_range_where_nobody_publishes_one() -> None:
    assert engagement_range("linkedin", 20_000) is None
    assert engagement_range("tiktok", 20_000, PER_VIEW) is None
    youtube = engagement_range("youtube", 2_000_000, PER_VIEW)
    assert youtube is not None and youtube.n_sources == 1


def test_vectorised_ranges_match_scalar_lookup() -> None:
    b = load_benchmarks()
    rng = np.random.default_rng(3)
    followers = np.round(10 ** rng.uniform(2, 7.5, 200))
    platforms = rng.choice(["instagram", "tiktok", "x"], 200)
    table = b.engagement_ranges(platforms, followers)
    for platform, count, row in zip(platforms, followers, table.itertuples(), strict=True):
        single = b.engagement_range(platform, count)
        if single is None:
            assert np.isnan(row.low)
        else:
            assert (row.low, row.high, row.tier) == (single.low, single.high, single.tier)
            assert row.comparison == single.comparison()


def test_every_figure_is_attributed_and_well_formed() -> None:
    b = load_benchmarks()
    for figure in b.figures:
        assert figure.platform in PLATFORMS
        assert figure.formula in b.formulas
        assert figure.source in b.sources and figure.source_name
        assert 0 < figure.low <= figure.high < 1
        assert figure.note


def test_parse_rejects_an_inverted_band() -> None:
    data = raw()
    data["engagement_rates"][0] = {**data["engagement_rates"][0], "low": 0.05, "high": 0.01}
    data["engagement_rates"][0].pop("value", None)
    with pytest.raises(ValueError, match="low <= high"):
        parse_benchmarks(data)


@pytest.mark.skipif(not INSTAFAKE.exists(), reason="InstaFake data not present")
def test_derived_figures_match_a_fresh_measurement() -> None:
    stored = load_benchmarks().derived["instafake_nonautomated"]
    measured = measure_genuine_baselines(INSTAFAKE)
    for group, figures in measured.items():
        for name, value in figures.items():
            assert stored[group][name] == pytest.approx(value, abs=1e-4), (group, name)
    ratio = stored["comments_per_like"]
    assert 0.005 < ratio["p10"] < ratio["median"] < ratio["p90"] < 0.08  # ~1-8 per 100 likes

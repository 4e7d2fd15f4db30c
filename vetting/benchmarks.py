"""Published engagement figures with their source, year and formula, as ranges per tier.

Figures disagree by up to 10x, so a tier is never reduced to one number: a
:class:`TierRange` carries the lowest and highest figure across sources (and who
publishes each) plus a reference value chosen by a stated rule. The figures live in
``vetting/data/benchmarks.yaml``; this module only reads and indexes them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

BENCHMARKS_PATH = Path(__file__).with_name("data") / "benchmarks.yaml"
PER_FOLLOWER = "per_follower_per_post"
PER_VIEW = "per_view"


@dataclass(frozen=True)
class Tier:
    id: str
    min_followers: int
    max_followers: int | None  # exclusive; None = open-ended

    @property
    def label(self) -> str:
        top = f"{self.max_followers:,}" if self.max_followers else "+"
        return f"{self.id} ({self.min_followers:,}–{top} followers)".replace("–+", "+")


@dataclass(frozen=True)
class Figure:
    """One published engagement figure (a point value, or a low–high band)."""

    id: str
    source: str
    source_name: str
    year: int | None
    platform: str
    formula: str
    scope: str
    followers_min: int
    followers_max: int | None
    low: float
    high: float
    in_range: bool
    note: str

    @property
    def citation(self) -> str:
        year = f" {self.year}" if self.year and str(self.year) not in self.source_name else ""
        return f"{self.source_name}{year}"


@dataclass(frozen=True)
class TierRange:
    """The spread of published figures for one platform, formula and tier."""

    platform: str
    formula: str
    tier: str
    tier_min: int
    tier_max: int | None
    low: float
    low_source: str
    low_year: int | None
    high: float
    high_source: str
    high_year: int | None
    reference: float
    reference_source: str
    reference_year: int | None
    reference_reason: str
    extrapolated: bool = False
    figures: tuple[Figure, ...] = field(default=(), repr=False)

    @property
    def n_sources(self) -> int:
        return len({f.source for f in self.figures})

    def comparison(self) -> str:
        """What a rate was compared with, in the words a finding uses."""
        below = " (account below the smallest tier; nano figures used)" if self.extrapolated else ""
        return (
            f"{self.reference_source} {self.tier} tier {self.reference:.2%} "
            f"(range {self.low:.2%}–{self.high:.2%} across {self.n_sources} "
            f"source{'s' if self.n_sources != 1 else ''}: "
            f"lowest {self.low_source}, highest {self.high_source}){below}"
        )


@dataclass(frozen=True, eq=False)
class Benchmarks:
    tiers: tuple[Tier, ...]
    figures: tuple[Figure, ...]
    sources: dict[str, dict[str, Any]]
    formulas: dict[str, dict[str, Any]]
    reference_reason: str
    below_smallest_tier: str
    authenticity: dict[str, Any]
    derived: dict[str, Any]
    thresholds: dict[str, dict[str, Any]]

    def source_name(self, source_id: str) -> str:
        return str(self.sources[source_id]["name"])

    def source_year(self, source_id: str) -> int | None:
        year = self.sources[source_id].get("year")
        return int(year) if year is not None else None

    def tier_index(self, followers: np.ndarray | pd.Series | float) -> np.ndarray:
        """Position of each follower count in :attr:`tiers`; -1 below the smallest tier."""
        bounds = np.array([t.min_followers for t in self.tiers], dtype=float)
        values = np.asarray(followers, dtype=float)
        return np.searchsorted(bounds, values, side="right") - 1

    def tier_of(self, followers: float) -> Tier | None:
        index = int(self.tier_index(np.array([followers]))[0])
        return self.tiers[index] if index >= 0 else None

    def engagement_range(
        self, platform: str, followers: float, formula: str = PER_FOLLOWER
    ) -> TierRange | None:
        """The published range for an account of this size, or None when nobody publishes one."""
        index = int(self.tier_index(np.array([followers]))[0])
        extrapolated = index < 0
        tier_id = self.below_smallest_tier if extrapolated else self.tiers[index].id
        found = _ranges(self).get((platform, formula, tier_id))
        if found is None:
            return None
        if extrapolated:
            return replace(found, extrapolated=True)
        return found

    def range_table(self) -> pd.DataFrame:
        """Every (platform, formula, tier) range as rows, for vectorised merges."""
        rows = [
            {
                "platform": r.platform, "formula": r.formula, "tier": r.tier,
                "low": r.low, "high": r.high, "reference": r.reference,
                "reference_source": r.reference_source, "reference_year": r.reference_year,
                "comparison": r.comparison(),
                "comparison_extrapolated": replace(r, extrapolated=True).comparison(),
            }
            for r in _ranges(self).values()
        ]
        return pd.DataFrame(rows)

    def engagement_ranges(
        self, platforms: pd.Series | np.ndarray, followers: pd.Series | np.ndarray,
        formula: str = PER_FOLLOWER,
    ) -> pd.DataFrame:
        """Vectorised :meth:`engagement_range`: one row per input, NaN where none is published.

        Columns: tier, extrapolated, low, high, reference, reference_source,
        reference_year, comparison.
        """
        index = self.tier_index(np.asarray(followers, dtype=float))
        tier_ids = np.array([t.id for t in self.tiers] + [self.below_smallest_tier])
        keys = pd.DataFrame(
            {
                "platform": np.asarray(platforms, dtype=object),
                "formula": formula,
                "tier": tier_ids[index],  # index -1 picks the fallback tier
                "extrapolated": index < 0,
            }
        )
        merged = keys.merge(self.range_table(), on=["platform", "formula", "tier"], how="left")
        merged["comparison"] = merged["comparison"].where(
            ~merged["extrapolated"], merged["comparison_extrapolated"]
        )
        return merged.drop(columns=["platform", "formula", "comparison_extrapolated"])

    def threshold(self, group: str, name: str) -> Any:
        return self.thresholds[group][name]


@cache
def _ranges(benchmarks: Benchmarks) -> dict[tuple[str, str, str], TierRange]:
    """Group figures into tier ranges: a figure joins every tier its follower band overlaps."""
    ranges: dict[tuple[str, str, str], TierRange] = {}
    usable = [f for f in benchmarks.figures if f.in_range]
    for platform, formula in sorted({(f.platform, f.formula) for f in usable}):
        for tier in benchmarks.tiers:
            figures = tuple(
                f for f in usable
                if f.platform == platform and f.formula == formula and _overlaps(f, tier)
            )
            if not figures:
                continue
            lowest = min(figures, key=lambda f: f.low)
            highest = max(figures, key=lambda f: f.high)
            ranges[(platform, formula, tier.id)] = TierRange(
                platform=platform, formula=formula, tier=tier.id,
                tier_min=tier.min_followers, tier_max=tier.max_followers,
                low=lowest.low, low_source=lowest.citation, low_year=lowest.year,
                high=highest.high, high_source=highest.citation, high_year=highest.year,
                reference=lowest.low, reference_source=lowest.citation,
                reference_year=lowest.year, reference_reason=benchmarks.reference_reason,
                figures=figures,
            )
    return ranges


def _overlaps(figure: Figure, tier: Tier) -> bool:
    if figure.scope == "all_tiers":
        return True
    figure_top = figure.followers_max if figure.followers_max is not None else np.inf
    tier_top = tier.max_followers if tier.max_followers is not None else np.inf
    return figure.followers_min < tier_top and tier.min_followers < figure_top


def parse_benchmarks(data: dict[str, Any]) -> Benchmarks:
    """Build :class:`Benchmarks` from the YAML structure (see benchmarks.yaml)."""
    sources = data["sources"]
    tiers = tuple(Tier(t["id"], int(t["min"]), t.get("max")) for t in data["tiers"])
    if [t.min_followers for t in tiers] != sorted(t.min_followers for t in tiers):
        raise ValueError("benchmarks.yaml: tiers must be listed from smallest to largest")
    figures = []
    for raw in data["engagement_rates"]:
        low = raw.get("low", raw.get("value"))
        high = raw.get("high", raw.get("value"))
        if low is None or high is None or low > high:
            raise ValueError(f"benchmarks.yaml: figure {raw['id']} needs value or low <= high")
        source = sources[raw["source"]]
        figures.append(
            Figure(
                id=raw["id"], source=raw["source"], source_name=source["name"],
                year=source.get("year"), platform=raw["platform"], formula=raw["formula"],
                scope=raw["scope"], followers_min=int(raw["followers_min"]),
                followers_max=raw.get("followers_max"), low=float(low), high=float(high),
                in_range=bool(raw.get("in_range", True)), note=str(raw.get("note", "")),
            )
        )
    return Benchmarks(
        tiers=tiers, figures=tuple(figures), sources=sources, formulas=data["formulas"],
        reference_reason=data["reference_rule"]["reason"],
        below_smallest_tier=data["below_smallest_tier"]["use"],
        authenticity=data["authenticity"], derived=data["derived"],
        thresholds=data["thresholds"],
    )


@cache
def load_benchmarks(path: Path = BENCHMARKS_PATH) -> Benchmarks:
    """The benchmark file, parsed once per process."""
    with open(path, encoding="utf-8") as handle:
        return parse_benchmarks(yaml.safe_load(handle))


def engagement_range(
    platform: str, followers: float, formula: str = PER_FOLLOWER
) -> TierRange | None:
    """Shortcut for ``load_benchmarks().engagement_range(...)``."""
    return load_benchmarks().engagement_range(platform, followers, formula)


# --------------------------------------------------------------------------- calibration


def genuine_account_metrics(accounts: list[dict[str, Any]], recent_posts: int) -> pd.DataFrame:
    """Per-account engagement metrics of genuine accounts (InstaFake's per-post lists).

    Columns: followers, n_posts, likes_total, comments_ratio, er_median, likes_cv.
    Posts are listed newest first in InstaFake, so the first ``recent_posts`` are kept.
    """
    rows = []
    for account in accounts:
        likes = np.asarray(account["mediaLikeNumbers"][:recent_posts], dtype=float)
        comments = np.asarray(account["mediaCommentNumbers"][:recent_posts], dtype=float)
        disabled = np.asarray(
            account.get("mediaCommentsAreDisabled", [0] * len(likes))[:recent_posts], dtype=bool
        )
        followers = float(account["userFollowerCount"])
        enabled_likes = likes[~disabled].sum()
        rows.append(
            {
                "followers": followers,
                "n_posts": len(likes),
                "likes_total": enabled_likes,
                "comments_ratio": comments[~disabled].sum() / enabled_likes
                if enabled_likes > 0 else np.nan,
                "er_median": float(np.median((likes + comments) / followers))
                if followers > 0 and len(likes) else np.nan,
                "likes_cv": likes.std(ddof=1) / likes.mean()
                if len(likes) > 1 and likes.mean() > 0 else np.nan,
            }
        )
    return pd.DataFrame(rows)


def summarise_genuine_metrics(
    metrics: pd.DataFrame, min_likes: int, min_posts_ratio: int, min_posts_cv: int,
    min_posts_er: int,
) -> dict[str, dict[str, float]]:
    """The derived figures stored under ``derived.instafake_nonautomated``."""
    enough_likes = (metrics["likes_total"] >= min_likes) & (metrics["n_posts"] >= min_posts_ratio)
    ratio = metrics.loc[enough_likes, "comments_ratio"].dropna()
    er = metrics.loc[metrics["n_posts"] >= min_posts_er, "er_median"].dropna()
    cv = metrics.loc[metrics["n_posts"] >= min_posts_cv, "likes_cv"].dropna()

    def pct(series: pd.Series, q: float) -> float:
        return round(float(np.percentile(series, q)), 4)

    return {
        "comments_per_like": {
            "accounts": len(ratio), "median": pct(ratio, 50), "p01": pct(ratio, 1),
            "p025": pct(ratio, 2.5), "p10": pct(ratio, 10), "p90": pct(ratio, 90),
            "p975": pct(ratio, 97.5), "p99": pct(ratio, 99),
        },
        "engagement_per_follower": {
            "accounts": len(er), "median": pct(er, 50), "p10": pct(er, 10), "p90": pct(er, 90),
            "median_followers": int(metrics.loc[er.index, "followers"].median()),
        },
        "likes_cv": {
            "accounts": len(cv), "median": pct(cv, 50), "p01": pct(cv, 1), "p05": pct(cv, 5),
            "p10": pct(cv, 10),
        },
    }


def measure_genuine_baselines(path: Path, benchmarks: Benchmarks | None = None) -> dict[str, Any]:
    """Re-measure the InstaFake-derived figures from the dataset file."""
    benchmarks = benchmarks or load_benchmarks()
    stored = benchmarks.derived["instafake_nonautomated"]
    with open(path, encoding="utf-8") as handle:
        accounts = json.load(handle)
    metrics = genuine_account_metrics(accounts, int(stored["recent_posts"]))
    return summarise_genuine_metrics(
        metrics,
        min_likes=int(stored["comments_per_like"]["min_likes"]),
        min_posts_ratio=int(stored["comments_per_like"]["min_posts"]),
        min_posts_cv=int(stored["likes_cv"]["min_posts"]),
        min_posts_er=int(stored["engagement_per_follower"]["min_posts"]),
    )

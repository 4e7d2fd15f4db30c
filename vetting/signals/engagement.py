"""Followers versus real engagement (004 §3, 000 §5, 003 §9).

"What is more valuable: 50,000 followers, or 5,000 who actually engage?" (004 §3). Per
account this measures the engagement rate with its formula stated, compares it with the
published range for the platform and follower tier (benchmarks.yaml), checks whether one
post carries the average, and shows the engaged audience beside the follower count. A
portfolio finding weighs the accounts by size and recency.

Formulas (from benchmarks.yaml):
- per follower per post: (likes + comments) / followers, median over recent posts;
- per view, where views exist on video platforms: (likes + comments + shares + saves) /
  views (shares and saves counted where given).
"""

from __future__ import annotations

from datetime import date
from itertools import pairwise

import numpy as np
import pandas as pd

from vetting.benchmarks import PER_VIEW, Benchmarks, load_benchmarks
from vetting.frames import FINDING_COLUMNS, PortfolioFrames
from vetting.signals import SignalContext, findings_frame

AREA = "followers_engagement"
SOURCES = "004 §3; 000 §5; 003 §9"
GROUP = ["candidate_id", "account"]
NUMBER_COLUMNS = ("value", "benchmark_year", "suggested_level", "confidence")
# Text columns where None means "none" (no flag, no benchmark) and may stay None.
OPTIONAL_TEXT_COLUMNS = ("benchmark_source", "flag", "severity")


# --------------------------------------------------------------------------- shared helpers


def account_index(accounts: pd.DataFrame, rows: pd.DataFrame) -> np.ndarray:
    """Position in ``accounts`` of each row's (candidate_id, account); -1 when unknown.

    Rows come in runs of one account (posts, history), so only the first row of each run
    is looked up; matching every row's text key was the slow part.
    """
    if rows.empty:
        return np.zeros(0, dtype=np.intp)
    candidate = rows["candidate_id"]
    account = rows["account"].to_numpy()
    new_candidate = candidate.ne(candidate.shift()).to_numpy(dtype=bool, na_value=True)
    run_starts = np.flatnonzero(new_candidate | np.r_[True, account[1:] != account[:-1]])
    keys = pd.MultiIndex.from_arrays([accounts["candidate_id"], accounts["account"]])
    run_heads = pd.MultiIndex.from_arrays([candidate.iloc[run_starts], account[run_starts]])
    run_lengths = np.diff(np.r_[run_starts, len(rows)])
    return np.repeat(keys.get_indexer(run_heads), run_lengths)


def lists(*columns: object) -> zip[tuple[object, ...]]:
    """Columns as plain Python lists zipped row-wise: formatting text from them is fast."""
    return zip(*(np.asarray(c).tolist() for c in columns), strict=True)


def subjects(accounts: pd.DataFrame) -> list[str]:
    """'@handle on platform' for each account row."""
    return [
        f"@{str(handle).lstrip('@')} on {platform}"
        for handle, platform in lists(accounts["handle"], accounts["platform"])
    ]


def group_starts(sorted_keys: np.ndarray) -> np.ndarray:
    """For keys sorted into runs, the index where each element's run starts."""
    if not len(sorted_keys):
        return np.zeros(0, dtype=np.int64)
    starts = np.r_[0, np.flatnonzero(sorted_keys[1:] != sorted_keys[:-1]) + 1]
    return np.repeat(starts, np.diff(np.r_[starts, len(sorted_keys)]))


def _already_sorted(pos: np.ndarray, then_by: np.ndarray) -> bool:
    """Whether rows already run by account position, ``then_by`` ascending within each."""
    same = pos[1:] == pos[:-1]
    return bool(np.all((pos[1:] > pos[:-1]) | (same & (then_by[1:] >= then_by[:-1]))))


def recent_posts(posts: pd.DataFrame, accounts: pd.DataFrame, limit: int) -> pd.DataFrame:
    """The ``limit`` newest posts of each account, sorted by account then date (newest first).

    Only the dated counts are kept, with ``pos`` = the account's row in ``accounts``.
    """
    pos = account_index(accounts, posts)
    dates = posts["date"].to_numpy(dtype="datetime64[ns]").astype(np.int64)
    if _already_sorted(pos, -dates):  # the usual case: skip the sort
        order = np.flatnonzero(pos >= 0)
    else:
        order = np.lexsort((-dates, pos))
        order = order[pos[order] >= 0]
    sorted_pos = pos[order]
    rank = np.arange(len(order)) - group_starts(sorted_pos)
    keep = order[rank < limit]
    numeric = ["date", "likes", "comments", "shares", "saves", "views"]
    frame = pd.DataFrame({c: posts[c].to_numpy()[keep] for c in numeric})
    frame["pos"] = pos[keep]
    return frame


def per_account_table(values: dict[str, pd.Series | np.ndarray], positions: np.ndarray,
                      size: int, how: str) -> dict[str, np.ndarray]:
    """Aggregate several columns by account position in one groupby; NaN where none."""
    frame = pd.DataFrame({k: np.asarray(v, dtype=float) for k, v in values.items()})
    grouped = frame.groupby(np.asarray(positions)).agg(how)
    out = {}
    for name in values:
        column = np.full(size, np.nan)
        column[grouped.index.to_numpy()] = grouped[name].to_numpy(dtype=float)
        out[name] = column
    return out


def per_account_max(values: np.ndarray, positions: np.ndarray, size: int) -> np.ndarray:
    """Maximum per account for values sorted by account position (NaN where none)."""
    out = np.full(size, np.nan)
    if len(values):
        starts = np.r_[0, np.flatnonzero(positions[1:] != positions[:-1]) + 1]
        out[positions[starts]] = np.maximum.reduceat(values, starts)
    return out


def per_account(values: pd.Series | np.ndarray, positions: pd.Series | np.ndarray, size: int,
                how: str) -> np.ndarray:
    """Aggregate one column by account position into an array of length ``size``."""
    return per_account_table({"v": values}, np.asarray(positions), size, how)["v"]


def recency_weight(period_end: pd.Series, today: date, half_life_years: float) -> np.ndarray:
    """1 for accounts still managed, halving every ``half_life_years`` since the end."""
    ended = pd.to_datetime(period_end)
    years = ((pd.Timestamp(today) - ended).dt.days / 365.25).clip(lower=0).fillna(0.0)
    return np.power(0.5, years.to_numpy(dtype=float) / half_life_years)


def post_confidence(n_posts: np.ndarray, full_confidence_posts: float) -> np.ndarray:
    """More posts, more certainty: linear up to ``full_confidence_posts``."""
    return np.clip(np.asarray(n_posts, dtype=float) / full_confidence_posts, 0.0, 1.0)


def _fmt_int(value: float) -> str:
    return f"{value:,.0f}" if value == value else "unknown"


# --------------------------------------------------------------------------- assembly


Part = dict[str, object]


def rows_in(part: Part) -> int:
    """Number of findings in a part (columns as arrays, or one value for every row)."""
    return len(part["candidate_id"])  # type: ignore[arg-type]


def _numbers(part: Part, column: str) -> np.ndarray:
    """A number column of a part as a float array (NaN where the part lacks it)."""
    value = part.get(column, np.nan)
    return np.broadcast_to(np.asarray(value, dtype=float), (rows_in(part),))


def _optional_text(part: Part, column: str) -> np.ndarray:
    """A text column whose missing values are None (no flag) or NaN, as an object array."""
    n = rows_in(part)
    value = part.get(column, np.nan)
    if np.ndim(value) == 0:
        values = np.empty(n, dtype=object)
        values[:] = value
        return values
    values = np.asarray(value, dtype=object)
    # As when each part was its own table: pandas typed a column holding any text as str,
    # whose missing value is NaN, while a column of only None kept None.
    missing = pd.isna(values)
    if not missing.all():
        values = np.where(missing, np.nan, values)
    return values


def _text(part: Part, column: str) -> pd.Series:
    """A text column of a part as pandas' str type; one value for all rows is cheap to make."""
    value = part.get(column, np.nan)
    if np.ndim(value) == 0:
        return pd.Series(value, index=pd.RangeIndex(rows_in(part)), dtype="str")
    if isinstance(value, pd.Series):
        return value.astype("str").reset_index(drop=True)
    return pd.Series(np.asarray(value, dtype=object), dtype="str")


def assemble_findings(parts: list[Part]) -> pd.DataFrame:
    """One findings table from parts given as plain columns.

    Building the table once from arrays is much faster than filling one table per part
    column by column and concatenating them: each text column is converted to pandas' str
    type once per part, and columns with one value for all rows cost almost nothing.
    """
    parts = [part for part in parts if rows_in(part)]
    if not parts:
        return findings_frame([])
    data: dict[str, object] = {}
    for column in FINDING_COLUMNS:
        if not any(column in part for part in parts):
            continue
        if column in NUMBER_COLUMNS:
            data[column] = np.concatenate([_numbers(part, column) for part in parts])
        elif column in OPTIONAL_TEXT_COLUMNS:
            values = np.concatenate([_optional_text(part, column) for part in parts])
            data[column] = pd.Series(values, dtype=object)
        else:
            data[column] = pd.concat([_text(part, column) for part in parts], ignore_index=True)
    return findings_frame(pd.DataFrame(data))


# --------------------------------------------------------------------------- levels


def engagement_level(rate: np.ndarray, low: np.ndarray, high: np.ndarray,
                     anchors: list[dict[str, float]]) -> np.ndarray:
    """Suggested level 1–5, piecewise-linear in log(rate) between anchors on the range.

    Anchors say e.g. "half the lowest published figure is level 1, the lowest is 2, the
    highest is 4, twice the highest is 5"; NaN where rate or range is missing.
    """
    rate = np.asarray(rate, dtype=float)
    points = [
        (np.log(np.where(a["of"] == "low", low, high) * a["times"]), float(a["level"]))
        for a in anchors
    ]
    with np.errstate(divide="ignore", invalid="ignore"):
        x = np.log(rate)
        level = np.full(rate.shape, points[0][1])
        for (x0, l0), (x1, l1) in pairwise(points):
            width = x1 - x0
            share = np.where(width > 0, (x - x0) / np.where(width > 0, width, 1.0), 1.0)
            inside = x >= x0
            level = np.where(inside, l0 + np.clip(share, 0.0, 1.0) * (l1 - l0), level)
    valid = np.isfinite(x) & np.isfinite(low) & np.isfinite(high) & (rate > 0)
    level = np.where(rate == 0, points[0][1], level)
    return np.where(valid | ((rate == 0) & np.isfinite(low)), level, np.nan)


# --------------------------------------------------------------------------- analysis


def account_engagement(
    frames: PortfolioFrames, benchmarks: Benchmarks | None = None
) -> pd.DataFrame:
    """One row per account with the measured figures and its tier range (no text)."""
    b = benchmarks or load_benchmarks()
    t = b.thresholds["engagement"]
    accounts = frames.accounts.reset_index(drop=True)
    size = len(accounts)
    followers = accounts["followers"].to_numpy(dtype=float)

    posts = recent_posts(frames.posts, accounts, int(t["recent_posts"]))
    pos = posts["pos"].to_numpy()
    likes = posts["likes"].to_numpy(dtype=float)
    engagement = likes + posts["comments"].to_numpy(dtype=float)
    counted = np.isfinite(engagement)
    engagement = np.where(counted, engagement, 0.0)
    post_followers = followers[pos]
    per_follower = np.where(counted & (post_followers > 0),
                            engagement / np.where(post_followers > 0, post_followers, 1.0), np.nan)

    view_platforms = list(b.formulas[PER_VIEW]["platforms"])
    views = posts["views"].to_numpy(dtype=float)
    on_view_platform = accounts["platform"].isin(view_platforms).to_numpy()[pos]
    has_views = on_view_platform & (np.nan_to_num(views) > 0) & counted
    full = (engagement + np.nan_to_num(posts["shares"].to_numpy(dtype=float))
            + np.nan_to_num(posts["saves"].to_numpy(dtype=float)))
    per_view = np.where(has_views, full / np.where(has_views, views, 1.0), np.nan)

    keep = ["candidate_id", "account", "platform", "handle", "followers", "period_end"]
    out = accounts[keep].copy()
    n_posts = np.bincount(pos, weights=counted, minlength=size)
    total = np.bincount(pos, weights=engagement, minlength=size)
    medians = per_account_table(
        {"rate": per_follower, "engaged": np.where(counted, engagement, np.nan),
         "view": per_view}, pos, size, "median",
    )
    rate_sum = np.bincount(pos, weights=np.nan_to_num(per_follower), minlength=size)
    rate_n = np.bincount(pos, weights=np.isfinite(per_follower), minlength=size)
    with np.errstate(divide="ignore", invalid="ignore"):
        out["rate_mean"] = rate_sum / rate_n
    out["n_posts"] = n_posts
    out["rate_median"] = medians["rate"]
    out["engaged_median"] = medians["engaged"]
    out["engagement_total"] = np.where(n_posts > 0, total, np.nan)
    out["engagement_top"] = per_account_max(engagement, pos, size)
    out["n_view_posts"] = np.bincount(pos, weights=has_views, minlength=size)
    out["view_rate_median"] = medians["view"]

    follower_ranges = b.engagement_ranges(accounts["platform"], followers)
    view_ranges = b.engagement_ranges(accounts["platform"], followers, formula=PER_VIEW)
    for prefix, ranges in (("", follower_ranges), ("view_", view_ranges)):
        for column in ("tier", "extrapolated", "low", "high", "reference", "reference_source",
                       "reference_year", "comparison"):
            out[f"{prefix}{column}"] = ranges[column].to_numpy()
    anchors = t["level_anchors"]
    enough = (out["n_posts"] >= t["min_posts"]) & (out["followers"] > 0)
    out["level"] = np.where(
        enough, engagement_level(out["rate_median"], out["low"], out["high"], anchors), np.nan
    )
    enough_views = out["n_view_posts"] >= t["min_posts"]
    out["view_level"] = np.where(
        enough_views,
        engagement_level(out["view_rate_median"], out["view_low"], out["view_high"], anchors),
        np.nan,
    )
    below_tier = np.where(out["extrapolated"].fillna(False).astype(bool),
                          t["below_tier_confidence"], 1.0)
    out["confidence"] = post_confidence(out["n_posts"], t["full_confidence_posts"]) * below_tier
    out["view_confidence"] = post_confidence(out["n_view_posts"], t["full_confidence_posts"])
    out["subject"] = subjects(accounts)
    return out


def analyse(frames: PortfolioFrames, context: SignalContext) -> pd.DataFrame:
    """Engagement findings per account, and one portfolio finding per candidate."""
    b = load_benchmarks()
    t = b.thresholds["engagement"]
    acc = account_engagement(frames, b)
    return assemble_findings([
        _rate_findings(acc, b),
        _view_rate_findings(acc, b),
        _concentration_findings(acc, t),
        _engaged_audience_findings(acc, t),
        _portfolio_findings(acc, frames, context, t),
    ])


def account_part(acc: pd.DataFrame, area: str, signal: str, sources: str) -> Part:
    """The columns every per-account finding of an area starts from."""
    return {
        "candidate_id": acc["candidate_id"].to_numpy(),
        "area": area,
        "signal": signal,
        "subject": acc["subject"].to_numpy(),
        "sources": sources,
    }


def _base(acc: pd.DataFrame, signal: str) -> Part:
    return account_part(acc, AREA, signal, SOURCES)


def _rate_findings(acc: pd.DataFrame, b: Benchmarks) -> Part:
    t = b.thresholds["engagement"]
    formula = b.formulas["per_follower_per_post"]["text"]
    rows = _base(acc, "engagement_rate_median")
    enough = ((acc["n_posts"] >= t["min_posts"]) & (acc["followers"] > 0)).to_numpy()
    has_range = acc["low"].notna().to_numpy()
    rate = acc["rate_median"].to_numpy()
    low_line = acc["reference"].to_numpy() * t["low_for_tier_factor"]
    low_flag = enough & has_range & (rate < low_line)
    rows["value"] = np.where(enough, rate * 100, np.nan)
    rows["unit"] = "% of followers per post"
    no_figure = "no published " + acc["platform"] + " tier figure in benchmarks.yaml"
    rows["comparison"] = acc["comparison"].fillna("").where(has_range, no_figure)
    rows["benchmark_source"] = acc["reference_source"].where(has_range, None).to_numpy()
    rows["benchmark_year"] = acc["reference_year"].to_numpy(dtype=float)
    rows["suggested_level"] = acc["level"].to_numpy()
    # The portfolio summary combines the accounts' levels; it alone counts in the score.
    rows["summarised_by"] = "engagement_portfolio"
    rows["flag"] = np.where(low_flag, "low_engagement_for_tier", None)
    rows["severity"] = np.where(low_flag, "serious", None)
    rows["confidence"] = np.where(enough, acc["confidence"], 0.0)
    extreme = enough & has_range & (rate > acc["high"].to_numpy() * t["extreme_high_factor"])
    rows["detail"] = [
        _rate_detail(ok, n, f, med, mean, ref, src, tier, is_low, is_extreme, formula, rng,
                     int(t["min_posts"]))
        for ok, n, f, med, mean, ref, src, tier, is_low, is_extreme, rng in lists(
            enough, acc["n_posts"], acc["followers"], rate, acc["rate_mean"], acc["reference"],
            acc["reference_source"], acc["tier"], low_flag, extreme, has_range)
    ]
    return rows


def _rate_detail(enough: bool, n_posts: float, followers: float, median: float, mean: float,
                 reference: float, source: object, tier: object, low: bool, extreme: bool,
                 formula: str, has_range: bool, min_posts: int) -> str:
    if not enough:
        why = "no follower count" if not followers > 0 else f"only {n_posts:.0f} posts"
        return (f"Not enough data: {why} given; the engagement rate needs the follower count "
                f"and at least {min_posts} recent posts with likes and comments.")
    text = (f"Median engagement {median:.2%} of {followers:,.0f} followers per post over "
            f"{n_posts:.0f} recent posts (mean {mean:.2%}); formula {formula}.")
    if not has_range:
        return text + " No published tier figure exists for this platform, so no level."
    if low:
        return text + (f" That is under half the lowest published {tier}-tier figure "
                       f"({reference:.2%}, {source}): low under every source.")
    if extreme:
        return text + (" That is far above every published figure for the tier; extreme "
                       "engagement can also come from engagement pods.")
    return text + f" Lowest published {tier}-tier figure: {reference:.2%} ({source})."


def _view_rate_findings(acc: pd.DataFrame, b: Benchmarks) -> Part:
    t = b.thresholds["engagement"]
    on_view_platform = acc["platform"].isin(b.formulas[PER_VIEW]["platforms"]).to_numpy()
    subset = acc[on_view_platform].reset_index(drop=True)
    formula = b.formulas[PER_VIEW]["text"]
    definer = b.source_name(b.formulas[PER_VIEW]["source"])
    rows = _base(subset, "engagement_rate_per_view_median")
    enough = (subset["n_view_posts"] >= t["min_posts"]).to_numpy()
    has_range = subset["view_low"].notna().to_numpy()
    rate = subset["view_rate_median"].to_numpy()
    rows["value"] = np.where(enough, rate * 100, np.nan)
    rows["unit"] = "% of views per post"
    rows["comparison"] = np.where(
        has_range, subset["view_comparison"].fillna(""),
        f"no published per-view tier figure; formula as {definer} defines it",
    )
    rows["benchmark_source"] = np.where(has_range, subset["view_reference_source"], definer)
    rows["benchmark_year"] = subset["view_reference_year"].to_numpy(dtype=float)
    rows["suggested_level"] = subset["view_level"].to_numpy()
    rows["summarised_by"] = "engagement_portfolio"
    rows["flag"] = None
    rows["severity"] = None
    rows["confidence"] = np.where(enough, subset["view_confidence"], 0.0)
    rows["detail"] = [
        (f"Median {r:.2%} of views engaged per post over {n:.0f} posts with views; formula "
         f"{formula}." if ok else
         f"Not enough data: {n:.0f} posts with views given; at least {t['min_posts']} are needed "
         f"for a per-view rate.")
        for ok, r, n in lists(enough, rate, subset["n_view_posts"])
    ]
    return rows


def _concentration_findings(acc: pd.DataFrame, t: dict[str, float]) -> Part:
    rows = _base(acc, "engagement_top_post_share")
    n = acc["n_posts"].to_numpy()
    total = acc["engagement_total"].to_numpy()
    top = acc["engagement_top"].to_numpy()
    enough = (n >= t["carried_min_posts"]) & (total > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = top / total
        mean_all = total / n
        mean_rest = (total - top) / (n - 1)
        drop = mean_rest / mean_all
    carried = enough & (drop < t["carried_by_one_post_drop"])
    rows["value"] = np.where(enough, share * 100, np.nan)
    rows["unit"] = "% of recent engagement from the top post"
    rows["comparison"] = [
        f"an even spread over {k:.0f} posts would give {100 / k:.1f}%" if k > 0 else ""
        for k in n
    ]
    rows["benchmark_source"] = None
    rows["benchmark_year"] = np.nan
    rows["suggested_level"] = np.nan
    rows["flag"] = np.where(carried, "engagement_carried_by_one_post", None)
    rows["severity"] = np.where(carried, "caution", None)
    rows["confidence"] = np.where(enough, post_confidence(n, t["full_confidence_posts"]), 0.0)
    rows["detail"] = [
        (f"Not enough data: {k:.0f} posts given; at least {t['carried_min_posts']} are needed "
         f"to see whether one post carries the average." if not ok else
         f"The top post brings {s:.0%} of the engagement of {k:.0f} recent posts; without it "
         f"the mean per post falls from {ma:,.0f} to {mr:,.0f} ({d - 1:+.0%})."
         + (" One post carries the average." if c else ""))
        for ok, s, k, ma, mr, d, c in lists(enough, share, n, mean_all, mean_rest, drop, carried)
    ]
    return rows


def _engaged_audience_findings(acc: pd.DataFrame, t: dict[str, float]) -> Part:
    rows = _base(acc, "engaged_audience")
    enough = (acc["n_posts"] >= t["min_posts"]).to_numpy()
    engaged = acc["engaged_median"].to_numpy()
    followers = acc["followers"].to_numpy(dtype=float)
    rows["value"] = np.where(enough, engaged, np.nan)
    rows["unit"] = "engagements per post (median)"
    rows["comparison"] = [f"{_fmt_int(f)} followers" for f in followers]
    rows["benchmark_source"] = None
    rows["benchmark_year"] = np.nan
    rows["suggested_level"] = np.nan
    rows["flag"] = None
    rows["severity"] = None
    rows["confidence"] = np.where(enough, post_confidence(acc["n_posts"],
                                                          t["full_confidence_posts"]), 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = engaged / followers
    rows["detail"] = [
        (f"{_fmt_int(f)} followers, of whom about {e:,.0f} engage with a typical post "
         f"({s:.1%}): followers are not the engaged audience." if ok and f > 0 else
         f"About {e:,.0f} engagements on a typical post; no follower count to compare." if ok
         else f"Not enough data: fewer than {t['min_posts']} recent posts, so the engaged "
              "audience is unknown.")
        for ok, f, e, s in lists(enough, followers, engaged, share)
    ]
    return rows


def _portfolio_findings(acc: pd.DataFrame, frames: PortfolioFrames, context: SignalContext,
                        t: dict[str, float]) -> Part:
    candidates = pd.Index(frames.candidates["candidate_id"]).union(
        pd.Index(acc["candidate_id"].unique())
    )
    level = acc["level"].to_numpy()
    level = np.where(np.isfinite(level), level, acc["view_level"].to_numpy())
    confidence = np.where(np.isfinite(acc["level"]), acc["confidence"], acc["view_confidence"])
    weight = np.log10(1.0 + acc["followers"].to_numpy(dtype=float)) * recency_weight(
        acc["period_end"], context.today, t["recency_half_life_years"]
    )
    has_level = np.isfinite(level)
    has_posts = acc["n_posts"].to_numpy() >= t["min_posts"]
    w = np.where(has_level, weight, 0.0)
    parts = pd.DataFrame(
        {
            "candidate_id": acc["candidate_id"].to_numpy(),
            "w": w,
            "wl": w * np.nan_to_num(level),
            "wc": w * np.nan_to_num(confidence),
            "levelled": has_level.astype(int),
            "accounts": 1,
            "engaged": np.where(has_posts, acc["engaged_median"].fillna(0), 0.0),
            "followers": np.where(has_posts, acc["followers"].astype(float), 0.0),
            "low_flags": (has_level & (acc["rate_median"].to_numpy()
                          < acc["reference"].to_numpy() * t["low_for_tier_factor"])).astype(int),
        }
    )
    sums = parts.groupby("candidate_id").sum().reindex(candidates, fill_value=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        portfolio_level = np.where(sums["w"] > 0, sums["wl"] / sums["w"], np.nan)
        portfolio_conf = np.where(sums["w"] > 0, sums["wc"] / sums["w"], 0.0)
        engaged_share = np.where(sums["followers"] > 0, sums["engaged"] / sums["followers"], np.nan)
    rows: Part = {
        "candidate_id": sums.index.to_numpy(),
        "area": AREA,
        "signal": "engagement_portfolio",
        "subject": "portfolio",
        "value": engaged_share * 100,
        "unit": "% of followers engaging per post (all accounts)",
        "comparison": "accounts' engagement against their tier ranges, weighted by "
                      "log(followers) and recency",
        "benchmark_source": "benchmarks.yaml (tier ranges)",
        "benchmark_year": np.nan,
        "suggested_level": portfolio_level,
        "flag": None,
        "severity": None,
        "confidence": portfolio_conf,
        "sources": SOURCES,
    }
    rows["detail"] = [
        (f"{lv:.1f} of 5 across {k} of {a} accounts judged against their tier: about "
         f"{e:,.0f} engaged per post out of {f:,.0f} followers ({s:.1%})"
         + (f"; {low} of them under half the lowest published figure for their tier."
            if low else ".")) if np.isfinite(lv) else
        ("No managed accounts in the portfolio, so engagement cannot be judged." if a == 0 else
         f"Not enough data: none of {a} accounts has both a published tier range and enough "
         f"recent posts to judge engagement.")
        for lv, k, a, e, f, s, low in lists(
            portfolio_level, sums["levelled"], sums["accounts"], sums["engaged"],
            sums["followers"], engaged_share, sums["low_flags"])
    ]
    return rows

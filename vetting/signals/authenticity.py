"""Fake followers and fake engagement in the accounts a candidate ran (004 §3).

004 §3 warns that a fast-growing following often means money poured into ads, or into
fake followers and fake engagement. This module looks for the traces vendors describe
(BENCHMARKS.md): growth bursts far above the account's own baseline, round-number jumps,
spikes that taper away, follow/unfollow seesaws, followers growing while engagement stays
flat, comment-to-like ratios outside the genuine range and likes implausibly uniform
across posts. Genuine ranges come from InstaFake's non-automated accounts (derived
figures in benchmarks.yaml). Engagement far below the tier is engagement.py's flag.

Follower history is irregularly spaced, so growth is a daily rate per interval and its
deviation from the account's median daily rate is scaled by sqrt(days): with independent
daily noise of spread s, an interval of d days has spread s*sqrt(d). The spread s is
1.4826 x the MAD of those scaled deviations, so bursts do not inflate their own yardstick.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
from pandas.api.extensions import ExtensionArray

from vetting.benchmarks import Benchmarks, load_benchmarks
from vetting.frames import PortfolioFrames
from vetting.signals import SignalContext
from vetting.signals._thresholds import (
    formatted_text,
    join_arrays,
    select_text,
    take_text,
    texts_by_case,
)
from vetting.signals.engagement import (
    Columns,
    Part,
    Runs,
    account_index,
    account_part,
    already_sorted,
    assemble_findings,
    lists,
    post_confidence,
    rows_in,
    shared_inputs,
    text_per_combination,
    zero_if_missing,
)

AREA = "authenticity"
SOURCES = "004 §3"
MAD_TO_SD = 1.4826


@dataclass(frozen=True)
class Accounts:
    """The account columns findings repeat, converted once: ids and subjects as pandas'
    str arrays, the platform as a Series (for ``isin``)."""

    candidate_id: ExtensionArray
    subject: ExtensionArray
    platform: pd.Series


# --------------------------------------------------------------------------- history


def sorted_history(history: pd.DataFrame, accounts: pd.DataFrame) -> Columns:
    """History points sorted by account then date, one per (account, day), as arrays.

    Keys: pos (account row position), day (days since epoch), followers, following.
    """
    pos = account_index(accounts, history)
    days = history["date"].to_numpy(dtype="datetime64[D]")
    followers = history["followers"].to_numpy(dtype=float)
    usable = (pos >= 0) & ~np.isnat(days) & np.isfinite(followers)
    day_numbers = days.view(np.int64)
    columns = {"pos": pos, "day": day_numbers, "followers": followers,
               "following": history["following"].to_numpy(dtype=float)}
    if not (usable.all() and already_sorted(pos, day_numbers)):  # usually nothing to do
        order = np.flatnonzero(usable)
        if not already_sorted(pos[order], day_numbers[order]):
            order = np.lexsort((day_numbers, pos))
            order = order[usable[order]]
        columns = {name: values[order] for name, values in columns.items()}
    p, d = columns["pos"], columns["day"]
    last_of_day = np.r_[(p[1:] != p[:-1]) | (d[1:] != d[:-1]), True] if len(p) else p > 0
    if not last_of_day.all():
        columns = {name: values[last_of_day] for name, values in columns.items()}
    return columns


def _group_median(values: np.ndarray, runs: Runs) -> np.ndarray:
    """Median of ``values`` within each key (an account position), back on every element."""
    return runs.medians(values)[runs.keys]


def _account_runs(pos: np.ndarray) -> Runs:
    """Runs of rows sorted by account position."""
    return Runs.of(pos, int(pos.max()) + 1 if len(pos) else 0)


def _shifted(values: np.ndarray, keys: np.ndarray, k: int) -> np.ndarray:
    """values[i + k] when it belongs to the same key run, else NaN (keys sorted in runs)."""
    out = np.full(len(values), np.nan)
    if k < len(values):
        same = keys[k:] == keys[:-k]
        out[:-k] = np.where(same, values[k:], np.nan)
    return out


def _later_excess(excess: np.ndarray, keys: np.ndarray, rows: np.ndarray,
                  window: int) -> np.ndarray:
    """For each of ``rows``, the sum of the excess of the next ``window`` intervals of the
    same account (keys sorted in runs); only bursts need it, and they are few."""
    total = np.zeros(len(rows))
    for k in range(1, window + 1):
        later = np.minimum(rows + k, len(keys) - 1)
        same = (rows + k < len(keys)) & (keys[later] == keys[rows])
        total = total + np.nan_to_num(np.where(same, excess[later], np.nan))
    return total


def interval_columns(h: Columns, benchmarks: Benchmarks) -> Columns:
    """One entry per interval between consecutive history points of an account, with
    robust burst scores, as arrays: pos, start_day, end_day (days since the epoch), days,
    before, gained, rate, baseline, sigma, z, excess, burst, round_jump, taper_loss,
    d_following, following, swing. :func:`history_intervals` gives the same as a table,
    with dates."""
    t = benchmarks.thresholds["history"]
    p = h["pos"]
    # An interval joins each point to the next one of the same account.
    same = p[1:] == p[:-1]

    def start(values: np.ndarray) -> np.ndarray:
        return values[:-1][same]

    def end(values: np.ndarray) -> np.ndarray:
        return values[1:][same]

    pos = end(p)
    start_day, end_day = start(h["day"]), end(h["day"])
    days = (end_day - start_day).astype(float)
    before = start(h["followers"])
    gained = end(h["followers"]) - before
    rate = gained / days
    runs = _account_runs(pos)
    baseline = _group_median(rate, runs)
    sqrt_days = np.sqrt(days)
    scaled = (rate - baseline) * sqrt_days
    abs_dev = np.abs(scaled - _group_median(scaled, runs))
    mad = _group_median(abs_dev, runs)
    floor = np.maximum(t["sigma_floor_per_day"],
                       t["sigma_floor_share_of_median_growth"] * np.abs(baseline))
    sigma = np.maximum(MAD_TO_SD * mad, floor)
    z = scaled / sigma
    excess = (rate - baseline) * days
    big_enough = excess >= np.maximum(t["burst_min_followers"],
                                      t["burst_min_share_of_followers"] * before)
    burst = (z >= t["burst_z"]) & big_enough

    # Round jumps and tapers are only looked for among the (few) bursts.
    bursts = np.flatnonzero(burst)
    step = float(t["round_step"])
    tolerance = np.maximum(t["round_tolerance_min"],
                           t["round_tolerance_spreads"] * sigma[bursts] * sqrt_days[bursts])
    judgeable = tolerance <= t["round_tolerance_max_share"] * step
    burst_excess = excess[bursts]
    off_round = np.abs(burst_excess - np.round(burst_excess / step) * step)
    round_jump = np.zeros(len(pos), dtype=bool)
    round_jump[bursts] = judgeable & (burst_excess >= step) & (off_round <= tolerance)

    taper_loss = np.full(len(pos), np.nan)
    taper_loss[bursts] = -_later_excess(excess, pos, bursts, int(t["taper_window"]))

    following = end(h["following"])
    d_following = following - start(h["following"])
    median_following = _group_median(following, runs)
    swing_size = np.maximum(t["seesaw_min_swing"],
                            t["seesaw_min_share_of_following"] * np.nan_to_num(median_following))
    next_change = _shifted(d_following, pos, 1)
    swing = (d_following >= swing_size) & (next_change <= -0.5 * d_following)
    return {
        "pos": pos, "start_day": start_day, "end_day": end_day,
        "days": days, "before": before, "gained": gained, "rate": rate,
        "baseline": baseline, "sigma": sigma, "z": z, "excess": excess, "burst": burst,
        "round_jump": round_jump, "taper_loss": taper_loss, "d_following": d_following,
        "following": following, "swing": swing,
    }


def history_intervals(h: Columns, benchmarks: Benchmarks) -> pd.DataFrame:
    """One row per interval between consecutive history points, with robust burst scores.

    Columns: pos, start, end, days, before, gained, rate, baseline, sigma, z, excess,
    burst, round_jump, taper_loss, d_following, following, swing.
    """
    columns = interval_columns(h, benchmarks)
    epoch = np.datetime64("1970-01-01", "D")
    table: dict[str, np.ndarray] = {}
    for name, values in columns.items():
        if name in ("start_day", "end_day"):
            table[name.removesuffix("_day")] = epoch + values
        else:
            table[name] = values
    return pd.DataFrame(table)


def viral_post_days(iv: Columns, posts: Columns, benchmarks: Benchmarks) -> np.ndarray:
    """For each burst interval, the day (since epoch) of the earliest outsized post that
    explains it; NaN for other intervals.

    An outsized post has ``viral_post_engagement_factor`` times its account's median
    engagement; it explains a burst it precedes by at most ``viral_post_days_before`` days.
    """
    t = benchmarks.thresholds["history"]
    explained = np.full(len(iv["pos"]), np.nan)
    bursts = np.flatnonzero(iv["burst"])
    post_pos = posts["pos"]
    if not len(bursts) or not len(post_pos):
        return explained
    # Only the posts of accounts with a burst matter (an account's median is its own).
    burst_account = np.zeros(int(max(post_pos.max(), iv["pos"].max())) + 1, dtype=bool)
    burst_account[iv["pos"][bursts]] = True
    rows = np.flatnonzero(burst_account[post_pos])
    engagement = (zero_if_missing(posts["likes"][rows])
                  + zero_if_missing(posts["comments"][rows]))
    median = _group_median(engagement, _account_runs(post_pos[rows]))
    outsized = rows[(engagement >= t["viral_post_engagement_factor"] * median) & (median > 0)]
    # Pair each burst with the outsized posts of its account (posts run by account).
    first = np.searchsorted(post_pos[outsized], iv["pos"][bursts], side="left")
    last = np.searchsorted(post_pos[outsized], iv["pos"][bursts], side="right")
    count = last - first
    pair_burst = np.repeat(bursts, count)
    pair_post = outsized[np.repeat(first - group_offsets(count), count) + np.arange(count.sum())]
    post_day = posts["date"][pair_post].astype("datetime64[D]").astype(np.int64)
    lead = int(t["viral_post_days_before"])
    inside = ((post_day >= iv["start_day"][pair_burst] - lead)
              & (post_day <= iv["end_day"][pair_burst]))
    earliest = np.full(len(iv["pos"]), np.inf)
    np.minimum.at(earliest, pair_burst[inside], post_day[inside].astype(float))
    return np.where(np.isfinite(earliest), earliest, np.nan)


def group_offsets(count: np.ndarray) -> np.ndarray:
    """Where each group starts when groups of ``count`` elements are laid end to end."""
    return np.cumsum(count) - count


def _last_of_each(keys: np.ndarray, score: np.ndarray) -> np.ndarray:
    """Row index of the highest ``score`` within each run of (sorted) keys."""
    if not len(keys):
        return np.zeros(0, dtype=np.int64)
    starts = np.r_[0, np.flatnonzero(keys[1:] != keys[:-1]) + 1]
    lengths = np.diff(np.r_[starts, len(keys)])
    best = np.repeat(np.maximum.reduceat(score, starts), lengths)
    hits = np.flatnonzero(score == best)
    first_hit = np.r_[True, keys[hits[1:]] != keys[hits[:-1]]]
    return hits[first_hit]


def _largest_per_account(iv: Columns, rows: np.ndarray) -> np.ndarray:
    """Of the interval ``rows``, the one with the largest excess in each account, in order
    of excess. These rows are few, so pandas picks them as it always did (ties included)."""
    few = pd.DataFrame({"pos": iv["pos"][rows], "excess": iv["excess"][rows]}, index=rows)
    return few.sort_values("excess").groupby("pos").tail(1).index.to_numpy()


def _day_strings(days: np.ndarray) -> np.ndarray:
    """ISO dates of day numbers ('unknown' for NaN), each distinct day formatted once."""
    days = np.asarray(days, dtype=float)
    known = np.isfinite(days)
    unique, inverse = np.unique(np.where(known, days, 0.0), return_inverse=True)
    texts = np.datetime_as_string(unique.astype(np.int64).astype("datetime64[D]")).astype(object)
    return np.where(known, texts[inverse], "unknown")


def _day_text(days: np.ndarray) -> pa.Array:
    """:func:`_day_strings` as an Arrow text column."""
    return pa.array(_day_strings(days), type=pa.large_string())


def _per_account(values: np.ndarray, positions: np.ndarray, size: int) -> np.ndarray:
    """``values`` placed at their account positions; NaN for the other accounts."""
    out = np.full(size, np.nan)
    out[positions] = values
    return out


def _viral_spikes(iv: Columns, acc: Accounts, b: Benchmarks) -> Part:
    """Growth spikes explained by an outsized post: reported, not flagged."""
    spikes = _largest_per_account(iv, np.flatnonzero(np.isfinite(iv["viral_day"])))
    rows = _base(acc, "growth_spike_after_viral_post", iv["pos"][spikes])
    excess = iv["excess"][spikes]
    rows["value"] = excess
    rows["unit"] = "followers above the account's own baseline"
    rows["comparison"] = "the account's own median daily growth and its median post"
    rows["benchmark_source"] = None
    rows["benchmark_year"] = np.nan
    rows["suggested_level"] = np.nan
    rows["flag"] = None
    rows["severity"] = None
    rows["confidence"] = 0.6
    factor = float(b.thresholds["history"]["viral_post_engagement_factor"])
    rows["detail"] = [
        f"+{x:,.0f} followers above baseline between {s} and {e}, within days of a post on {p} "
        f"with at least {factor:g} times the account's median engagement: what organic "
        "virality looks like, not a bought burst. Ask what made that post travel and "
        "whether it was repeated."
        for x, s, e, p in lists(excess, _day_strings(iv["start_day"][spikes]),
                                _day_strings(iv["end_day"][spikes]),
                                _day_strings(iv["viral_day"][spikes]))
    ]
    return rows


def _history_findings(iv: Columns, acc: Accounts, b: Benchmarks) -> list[Part]:
    t = b.thresholds["history"]
    size = len(acc.candidate_id)
    ceiling = float(b.authenticity["ad_growth_ceiling_per_day"]["value"])
    ceiling_source = b.source_name(b.authenticity["ad_growth_ceiling_per_day"]["source"])
    full_points = float(t["full_confidence_points"])
    pos = iv["pos"]
    n_intervals = np.bincount(pos, minlength=size).astype(float)
    enough = n_intervals >= t["min_points"] - 1
    confidence = np.where(enough, np.clip(n_intervals / full_points, 0.2, 1.0), 0.0)
    # The largest burst (or, if none, the largest deviation) of each account.
    key = np.where(iv["burst"], 1e12, 0.0) + np.nan_to_num(iv["z"], nan=-1e12)
    top_rows = _last_of_each(pos, key)
    top = {column: _per_account(iv[column][top_rows], pos[top_rows], size)
           for column in ("z", "baseline", "sigma", "gained", "excess", "rate", "start_day",
                          "end_day")}
    n_bursts = np.bincount(pos, weights=iv["burst"], minlength=size)
    n_round = np.bincount(pos, weights=iv["round_jump"], minlength=size)
    burst = enough & (n_bursts > 0)

    rows = _base(acc, "follower_growth_burst")
    rows["value"] = np.where(enough, top["z"], np.nan)
    rows["unit"] = "robust z (spreads above own median daily growth)"
    baseline = formatted_text(top["baseline"], "+,.0f")
    rows["comparison"] = texts_by_case(
        size, "the account's own median daily growth",
        (enough, join_arrays(
            "the account's own median daily growth (", select_text(baseline, enough),
            "/day, spread ", formatted_text(top["sigma"][enough], ",.0f"),
            f"/day); burst at z >= {t['burst_z']:g}",
        )),
    )
    over_ceiling = burst & (top["rate"] > ceiling)
    rows["benchmark_source"] = np.where(over_ceiling, ceiling_source, None)
    rows["benchmark_year"] = np.nan
    rows["suggested_level"] = np.nan
    rows["flag"] = np.where(burst, "follower_burst", None)
    rows["severity"] = np.where(burst, "serious", None)
    rows["confidence"] = confidence

    few = ~enough & (n_intervals > 0)
    quiet = enough & ~burst
    over = over_ceiling[burst]
    rows["detail"] = texts_by_case(
        size,
        "Not enough data: no follower history given, so growth bursts cannot be checked.",
        (few, join_arrays(
            "Not enough data: ", formatted_text(n_intervals[few] + 1, ".0f"),
            f" dated follower counts given; at least {t['min_points']} are needed to judge "
            "growth bursts.",
        )),
        (quiet, join_arrays(
            "No growth burst in ", formatted_text(n_intervals[quiet], ".0f"),
            " intervals: the largest deviation is z = ", formatted_text(top["z"][quiet], ".1f"),
            " against the account's own median growth of ", select_text(baseline, quiet), "/day.",
        )),
        (burst, join_arrays(
            formatted_text(n_bursts[burst], ".0f"), " burst(s); the largest: +",
            formatted_text(top["gained"][burst], ",.0f"), " followers between ",
            _day_text(top["start_day"][burst]), " and ", _day_text(top["end_day"][burst]),
            ", about ", formatted_text(top["excess"][burst], ",.0f"),
            " above the account's own baseline of ", select_text(baseline, burst), "/day (z = ",
            formatted_text(top["z"][burst], ".0f"), ").",
            texts_by_case(len(over), "", (over, join_arrays(
                " That is ", formatted_text(top["rate"][burst][over], ",.0f"),
                f"/day; {ceiling_source} notes ads rarely bring more than "
                f"{ceiling:,.0f} a day.",
            ))),
        )),
    )
    out = [rows]

    step = float(t["round_step"])
    rounded = _largest_per_account(iv, np.flatnonzero(iv["round_jump"]))
    if len(rounded):
        at = iv["pos"][rounded]
        excess = iv["excess"][rounded]
        rr = _base(acc, "round_number_jump", at)
        rr["value"] = excess
        rr["unit"] = "followers above baseline"
        rr["comparison"] = f"multiples of {t['round_step']:,} (packages of bought followers)"
        rr["benchmark_source"] = None
        rr["benchmark_year"] = np.nan
        rr["suggested_level"] = np.nan
        rr["flag"] = "round_number_jump"
        rr["severity"] = "caution"
        rr["confidence"] = confidence[at] * 0.8
        rr["detail"] = [
            f"Between {s} and {e} the account gained {x:,.0f} followers above its baseline, "
            f"within {tol:,.0f} of a round {round(x / step) * step:,.0f} ({n:.0f} such "
            f"jump(s)); bought followers come in round packages."
            for s, e, x, tol, n in lists(
                _day_strings(iv["start_day"][rounded]), _day_strings(iv["end_day"][rounded]),
                excess,
                np.maximum(t["round_tolerance_min"], t["round_tolerance_spreads"]
                           * iv["sigma"][rounded] * np.sqrt(iv["days"][rounded])),
                n_round[at])
        ]
        out.append(rr)

    tapers = iv["burst"] & (iv["taper_loss"] >= t["taper_loss_share"] * iv["excess"])
    tapered = _largest_per_account(iv, np.flatnonzero(tapers))
    if len(tapered):
        at = iv["pos"][tapered]
        tr = _base(acc, "spike_then_taper", at)
        tr["value"] = (iv["taper_loss"][tapered] / iv["excess"][tapered]) * 100
        tr["unit"] = "% of the burst lost afterwards"
        tr["comparison"] = (f"growth below the account's baseline over the next "
                            f"{t['taper_window']} intervals")
        tr["benchmark_source"] = None
        tr["benchmark_year"] = np.nan
        tr["suggested_level"] = np.nan
        tr["flag"] = None
        tr["severity"] = None
        tr["confidence"] = confidence[at]
        tr["detail"] = [
            f"After the burst ending {e} (+{x:,.0f} above baseline) the account fell "
            f"{loss:,.0f} below its baseline over the next intervals: a spike that tapers away, "
            f"as purged bought followers do."
            for e, x, loss in lists(_day_strings(iv["end_day"][tapered]), iv["excess"][tapered],
                                    iv["taper_loss"][tapered])
        ]
        out.append(tr)

    n_following = np.bincount(pos, weights=~np.isnan(iv["d_following"]), minlength=size)
    enough_following = n_following >= t["min_points"] - 1
    swings = np.bincount(pos, weights=iv["swing"], minlength=size)
    seesaw = enough_following & (swings >= t["seesaw_min_swings"])
    sr = _base(acc, "following_seesaw")
    sr["value"] = np.where(enough_following, swings, np.nan)
    sr["unit"] = "follow-then-unfollow swings"
    sr["comparison"] = (f"{t['seesaw_min_swings']} or more swings of at least "
                        f"{t['seesaw_min_swing']:,} accounts or "
                        f"{t['seesaw_min_share_of_following']:.0%} of the following")
    sr["benchmark_source"] = b.source_name("hypeauditor_help")
    sr["benchmark_year"] = np.nan
    sr["suggested_level"] = np.nan
    sr["flag"] = np.where(seesaw, "follow_unfollow_seesaw", None)
    sr["severity"] = np.where(seesaw, "serious", None)
    sr["confidence"] = np.where(enough_following,
                                np.clip(n_following / full_points, 0.2, 1.0), 0.0)
    sr["detail"] = text_per_combination(
        lambda ok, flag, k, m: (
            (f"The following count rose sharply and fell back {k:.0f} times in {m:.0f} "
             f"intervals: a follow/unfollow seesaw, a way of buying attention." if flag else
             f"{k:.0f} follow-then-unfollow swing(s) in {m:.0f} intervals; no seesaw.")
            if ok else
            f"Not enough data: {m:.0f} intervals with a following count; at least "
            f"{t['min_points'] - 1} are needed to check for follow/unfollow seesaws."
        ),
        enough_following, seesaw, swings, n_following,
    )
    out.append(sr)
    return out


# --------------------------------------------------------------------------- posts


def _post_findings(acc: Accounts, posts: Columns, b: Benchmarks) -> list[Part]:
    t = b.thresholds["posts"]
    genuine = b.derived["instafake_nonautomated"]
    cv_stats = genuine["likes_cv"]
    ratio_stats = genuine["comments_per_like"]
    genuine_name = b.source_name(genuine["source"])
    genuine_year = b.source_year(genuine["source"])
    size = len(acc.candidate_id)
    pos = posts["pos"]
    likes = posts["likes"]
    counted = np.isfinite(likes)
    every_post = counted.all()  # usual: skip masking what nothing is missing from
    if not every_post:
        likes = np.where(counted, likes, 0.0)
    n_posts = np.bincount(pos, weights=counted, minlength=size)
    likes_total = np.bincount(pos, weights=likes, minlength=size)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = likes_total / n_posts
        deviation = (likes - mean[pos]) ** 2
        squares = np.bincount(pos, weights=deviation if every_post else deviation * counted,
                              minlength=size)
        sd = np.sqrt(squares / (n_posts - 1))
        cv = np.where(mean > 0, sd / mean, np.nan)
    enough = (n_posts >= t["uniform_min_posts"]) & np.isfinite(cv)
    line = t["uniform_cv_factor"] * cv_stats["p05"]
    uniform = enough & (cv < line)
    ur = _base(acc, "likes_uniformity")
    ur["value"] = np.where(enough, cv, np.nan)
    ur["unit"] = "coefficient of variation of likes"
    ur["comparison"] = (f"genuine accounts: median {cv_stats['median']:.2f}, 5th percentile "
                        f"{cv_stats['p05']:.2f} ({cv_stats['accounts']} accounts); flag under "
                        f"{line:.2f}")
    ur["benchmark_source"] = genuine_name
    ur["benchmark_year"] = genuine_year
    ur["suggested_level"] = np.nan
    ur["flag"] = np.where(uniform, "uniform_likes", None)
    ur["severity"] = np.where(uniform, "serious", None)
    ur["confidence"] = np.where(enough, post_confidence(n_posts, t["full_confidence_posts"]), 0.0)
    n_text = formatted_text(n_posts, ".0f")
    flagged, judged = uniform, enough & ~uniform
    ur["detail"] = texts_by_case(
        size, "",
        (~enough, join_arrays(
            "Not enough data: ", select_text(n_text, ~enough),
            f" posts with likes; at least {t['uniform_min_posts']} are needed to judge how "
            "uniform likes are.",
        )),
        (flagged, join_arrays(
            "Likes vary by only ", formatted_text(cv[flagged], ".0%"), " of their mean (about ",
            formatted_text(mean[flagged], ",.0f"), ") across ", select_text(n_text, flagged),
            f" posts; genuine accounts vary by {cv_stats['median']:.0%} (rarely under "
            f"{cv_stats['p05']:.0%}). Likes this uniform suggest bought likes or a pod.",
        )),
        (judged, join_arrays(
            "Likes vary by ", formatted_text(cv[judged], ".0%"), " of their mean (about ",
            formatted_text(mean[judged], ",.0f"), ") across ", select_text(n_text, judged),
            " posts, within what genuine accounts show.",
        )),
    )
    out = [ur]

    keep = acc.platform.isin(t["comment_ratio_platforms"]).to_numpy()
    comments = zero_if_missing(posts["comments"])
    comments_total = np.bincount(pos, weights=comments if every_post else comments * counted,
                                 minlength=size)
    enough_ratio = ((likes_total >= t["comment_ratio_min_likes"])
                    & (n_posts >= t["comment_ratio_min_posts"]))
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(likes_total > 0, comments_total / likes_total, np.nan)
    low, high = ratio_stats["p025"], ratio_stats["p975"]
    abnormal = enough_ratio & ((ratio < low) | (ratio > high))
    cr = _base(acc, "comment_like_ratio", np.flatnonzero(keep))
    cr["value"] = np.where(enough_ratio, ratio, np.nan)[keep]
    cr["unit"] = "comments per like"
    cr["comparison"] = (f"genuine accounts: median {ratio_stats['median']:.3f}, 2.5th–97.5th "
                        f"percentile {low:.3f}–{high:.3f} ({ratio_stats['accounts']} accounts)")
    cr["benchmark_source"] = genuine_name
    cr["benchmark_year"] = genuine_year
    cr["suggested_level"] = np.nan
    cr["flag"] = np.where(abnormal, "comment_like_ratio_abnormal", None)[keep]
    cr["severity"] = np.where(abnormal, "caution", None)[keep]
    cr["confidence"] = np.where(enough_ratio,
                                post_confidence(n_posts, t["full_confidence_posts"]), 0.0)[keep]
    band = f"{low * 100:.1f}–{high * 100:.1f}"
    # Per kept account: not enough data, flagged (too few or too many comments), or fine.
    kept_enough, kept_abnormal = enough_ratio[keep], abnormal[keep]
    per_100 = formatted_text(ratio[keep] * 100, ".1f")
    kept_posts = select_text(n_text, keep)
    likes_text = formatted_text(likes_total[keep], ",.0f")
    flagged, fine = kept_enough & kept_abnormal, kept_enough & ~kept_abnormal
    reasons = pa.array(["So many comments suggest a comment pod or giveaway traffic.",
                        "So few comments suggest bought likes."], type=pa.large_string())
    cr["detail"] = texts_by_case(
        len(kept_enough), "",
        (~kept_enough, join_arrays(
            "Not enough data: ", select_text(likes_text, ~kept_enough), " likes on ",
            select_text(kept_posts, ~kept_enough),
            f" posts; at least {t['comment_ratio_min_likes']} likes on "
            f"{t['comment_ratio_min_posts']} posts are needed for a comment-to-like ratio.",
        )),
        (flagged, join_arrays(
            select_text(per_100, flagged), " comments per 100 likes over ",
            select_text(kept_posts, flagged), " posts (",
            formatted_text(comments_total[keep][flagged], ",.0f"), " comments, ",
            select_text(likes_text, flagged), f" likes); genuine accounts show {band}. ",
            take_text(reasons, (ratio[keep][flagged] < low).astype(np.int64)),
        )),
        (fine, join_arrays(
            select_text(per_100, fine), " comments per 100 likes over ",
            select_text(kept_posts, fine), f" posts, within the genuine range {band}.",
        )),
    )
    out.append(cr)
    return out


def _growth_engagement_findings(acc: Accounts, posts: Columns, h: Columns,
                                b: Benchmarks) -> Part:
    """Followers at each post's date (last history point on or before it) versus engagement,
    compared between the earlier and the later half of the posts."""
    t = b.thresholds["growth_engagement"]
    size = len(acc.candidate_id)
    post_pos = posts["pos"]
    post_day = posts["date"].astype("datetime64[D]").astype(np.int64)
    # One sortable number per (account, day): history is sorted by it already.
    stride = np.int64(1) << 32
    history_key = h["pos"].astype(np.int64) * stride + h["day"]
    post_key = post_pos.astype(np.int64) * stride + post_day
    followers = np.full(len(post_pos), np.nan)
    if len(history_key):
        at = np.clip(np.searchsorted(history_key, post_key, side="right") - 1, 0, None)
        found = (history_key[at] <= post_key) & (h["pos"][at] == post_pos)
        followers = np.where(found, h["followers"][at], np.nan)
    engagement = posts["likes"] + zero_if_missing(posts["comments"])
    keep = np.isfinite(followers) & np.isfinite(engagement)
    pos = post_pos
    if not keep.all():
        pos, followers, engagement = post_pos[keep], followers[keep], engagement[keep]
    # Posts arrive newest first within each account: the newer half of an account's posts
    # comes first, the older half last (the middle post of an odd count is left out).
    starts = np.flatnonzero(np.r_[True, pos[1:] != pos[:-1]]) if len(pos) else pos[:0]
    lengths = np.diff(np.r_[starts, len(pos)])
    half = lengths // 2
    newest_rank = np.arange(len(pos)) - np.repeat(starts, lengths)
    newer = newest_rank < np.repeat(half, lengths)
    older = newest_rank >= np.repeat(lengths - half, lengths)
    used = newer | older
    # Cell 2 * account + 1 for the newer half, 2 * account for the older: each one run.
    cell = pos[used] * 2 + newer[used]
    runs = Runs.of(cell, size * 2)
    engagement_median = runs.medians(engagement[used])
    followers_median = runs.medians(followers[used])
    n_half = np.zeros(size)
    n_half[pos[starts]] = half
    e0, e1 = engagement_median[0::2], engagement_median[1::2]
    f0, f1 = followers_median[0::2], followers_median[1::2]
    enough = (n_half >= t["min_posts_per_half"]) & (f0 > 0) & (e0 > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        follower_growth = f1 / f0 - 1
        engagement_growth = e1 / e0 - 1
    judged = enough & (follower_growth >= t["min_follower_growth"])
    flat = judged & (engagement_growth < t["max_engagement_share_of_growth"] * follower_growth)
    rows = _base(acc, "growth_without_engagement")
    rows["value"] = np.where(enough, engagement_growth * 100, np.nan)
    rows["unit"] = "% change in median engagement per post"
    growth_text = formatted_text(follower_growth[enough], "+.0%")
    rows["comparison"] = texts_by_case(
        size, "follower growth over the same posts",
        (enough, join_arrays("followers ", growth_text, " over the same posts")),
    )
    rows["benchmark_source"] = None
    rows["benchmark_year"] = np.nan
    rows["suggested_level"] = np.nan
    rows["flag"] = np.where(flat, "growth_without_engagement", None)
    rows["severity"] = np.where(flat, "serious", None)
    rows["confidence"] = np.where(enough, np.clip(n_half / 10.0, 0.2, 1.0), 0.0)
    verdicts = pa.array(["the new followers do not engage.",
                         "engagement kept pace with the audience.",
                         "followers grew too little to test."], type=pa.large_string())
    verdict = take_text(verdicts, np.select([flat, judged], [0, 1], 2)[enough])
    rows["detail"] = texts_by_case(
        size,
        "Not enough data: needs follower history covering at least "
        f"{2 * t['min_posts_per_half']} dated posts to compare growth with engagement.",
        (enough, join_arrays(
            "Followers went from about ", formatted_text(f0[enough], ",.0f"), " to ",
            formatted_text(f1[enough], ",.0f"), " (", growth_text,
            ") while median engagement per post went from ",
            formatted_text(e0[enough], ",.0f"), " to ", formatted_text(e1[enough], ",.0f"),
            " (", formatted_text(engagement_growth[enough], "+.0%"), "): ", verdict,
        )),
    )
    return rows


# --------------------------------------------------------------------------- assembly


def _base(acc: Accounts, signal: str, rows: np.ndarray | None = None) -> Part:
    """The columns every finding of one account starts from: all accounts, or ``rows``."""
    columns = {"candidate_id": acc.candidate_id, "subject": acc.subject}
    if rows is not None:
        columns = {name: values[rows] for name, values in columns.items()}
    return account_part(columns, AREA, signal, SOURCES)


def _count_per_candidate(parts: list[Part], candidates: pd.Index) -> dict[str, np.ndarray]:
    """Per candidate: checks made, checks that ran (had a value), serious and caution flags."""
    counts = {name: np.zeros(len(candidates), dtype=np.int64)
              for name in ("checks", "ran", "serious", "caution")}
    # Most parts share one array of every account's candidate: look it up once.
    looked_up: dict[int, np.ndarray] = {}
    for part in parts:
        n = rows_in(part)
        if not n:
            continue
        ids = part["candidate_id"]
        if id(ids) not in looked_up:
            looked_up[id(ids)] = candidates.get_indexer(ids)
        row_candidate = looked_up[id(ids)]
        core = part["signal"] not in ("round_number_jump", "spike_then_taper")
        value = np.broadcast_to(np.asarray(part["value"], dtype=float), (n,))
        severity = np.broadcast_to(np.asarray(part["severity"], dtype=object), (n,))
        flags = {"checks": np.full(n, core), "ran": core & np.isfinite(value),
                 "serious": severity == "serious", "caution": severity == "caution"}
        for name, hit in flags.items():
            counts[name] += np.bincount(row_candidate[hit], minlength=len(candidates))
    return counts


def _summary(parts: list[Part], candidates: pd.Index, b: Benchmarks) -> Part:
    """One portfolio finding: a level from how many flags the checks that ran raised."""
    levels = b.thresholds["authenticity_levels"]
    counts = _count_per_candidate(parts, candidates)
    serious, caution, ran_n, checks = (counts[c] for c in
                                       ("serious", "caution", "ran", "checks"))
    level = np.select(
        [serious >= 2, serious == 1, caution >= 2, caution == 1],
        [levels["several_serious"], levels["one_serious"], levels["several_cautions"],
         levels["one_caution"]],
        default=levels["clean"],
    ).astype(float)
    level = np.where(ran_n > 0, level, np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        coverage = np.where(checks > 0, ran_n / checks, 0.0)
    return {
        "candidate_id": candidates.to_numpy(),
        "area": AREA,
        "signal": "authenticity_checks",
        "subject": "portfolio",
        "value": np.where(ran_n > 0, serious + caution, np.nan).astype(float),
        "unit": "red flags raised",
        "comparison": "growth, following, likes and comment checks on every account",
        "benchmark_source": None,
        "benchmark_year": np.nan,
        "suggested_level": level,
        "flag": None,
        "severity": None,
        "confidence": coverage,
        "sources": SOURCES,
        "detail": text_per_combination(
            lambda r, c, s, w: (
                (f"{r:.0f} of {c:.0f} checks could run; {s:.0f} serious and {w:.0f} caution "
                 "flag(s)."
                 + (" No sign of bought followers or engagement in what was given."
                    if s + w == 0 else ""))
                if r > 0 else
                ("No managed accounts in the portfolio, so authenticity cannot be checked."
                 if c == 0 else
                 "Not enough data: no account has the history or posts the checks need.")
            ),
            ran_n, checks, serious, caution,
        ),
    }


def analyse(frames: PortfolioFrames, context: SignalContext) -> pd.DataFrame:
    """Authenticity findings per account, and one summary finding per candidate."""
    b = load_benchmarks()
    accounts = frames.accounts.reset_index(drop=True)
    shared = shared_inputs(frames, int(b.thresholds["engagement"]["recent_posts"]))
    acc = Accounts(candidate_id=accounts["candidate_id"].array,
                   subject=shared.subject, platform=accounts["platform"])
    posts = shared.posts
    history = sorted_history(frames.history, accounts)
    iv = interval_columns(history, b)
    iv["viral_day"] = viral_post_days(iv, posts, b)
    iv["burst"] = iv["burst"] & np.isnan(iv["viral_day"])
    iv["round_jump"] = iv["round_jump"] & iv["burst"]
    parts = [
        _viral_spikes(iv, acc, b),
        *_history_findings(iv, acc, b),
        *_post_findings(acc, posts, b),
        _growth_engagement_findings(acc, posts, history, b),
    ]
    candidates = pd.Index(frames.candidates["candidate_id"]).union(
        pd.Index(accounts["candidate_id"].unique())
    )
    return assemble_findings([*parts, _summary(parts, candidates, b)])

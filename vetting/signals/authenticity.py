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

import numpy as np
import pandas as pd

from vetting.benchmarks import Benchmarks, load_benchmarks
from vetting.frames import PortfolioFrames
from vetting.signals import SignalContext
from vetting.signals.engagement import (
    Part,
    account_index,
    account_part,
    assemble_findings,
    group_starts,
    lists,
    post_confidence,
    recent_posts,
    rows_in,
    subjects,
)

AREA = "authenticity"
SOURCES = "004 §3"
MAD_TO_SD = 1.4826


# --------------------------------------------------------------------------- history


def sorted_history(history: pd.DataFrame, accounts: pd.DataFrame) -> dict[str, np.ndarray]:
    """History points sorted by account then date, one per (account, day), as arrays.

    Keys: pos (account row position), day (days since epoch), followers, following.
    """
    pos = account_index(accounts, history)
    days = history["date"].to_numpy(dtype="datetime64[D]")
    followers = history["followers"].to_numpy(dtype=float)
    usable = (pos >= 0) & ~np.isnat(days) & np.isfinite(followers)
    day_numbers = days.astype(np.int64)
    order = np.lexsort((day_numbers, pos))
    order = order[usable[order]]
    p, d = pos[order], day_numbers[order]
    last_of_day = np.r_[(p[1:] != p[:-1]) | (d[1:] != d[:-1]), True] if len(p) else p > 0
    order = order[last_of_day]
    return {
        "pos": pos[order],
        "day": day_numbers[order],
        "followers": followers[order],
        "following": history["following"].to_numpy(dtype=float)[order],
    }


def _group_median(values: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """Median of ``values`` within each key (an account position), back on every element."""
    medians = pd.Series(values).groupby(keys).median()
    by_key = np.full(int(keys.max()) + 1 if len(keys) else 0, np.nan)
    by_key[medians.index.to_numpy()] = medians.to_numpy(dtype=float)
    return by_key[keys]


def _shifted(values: np.ndarray, keys: np.ndarray, k: int) -> np.ndarray:
    """values[i + k] when it belongs to the same key run, else NaN (keys sorted in runs)."""
    out = np.full(len(values), np.nan)
    if k < len(values):
        same = keys[k:] == keys[:-k]
        out[:-k] = np.where(same, values[k:], np.nan)
    return out


def history_intervals(h: dict[str, np.ndarray], benchmarks: Benchmarks) -> pd.DataFrame:
    """One row per interval between consecutive history points, with robust burst scores.

    Columns: pos, start, end, days, before, gained, rate, baseline, sigma, z, excess,
    burst, round_jump, taper_loss, d_following, following, swing.
    """
    t = benchmarks.thresholds["history"]
    p = h["pos"]
    follows = np.r_[False, p[1:] == p[:-1]] if len(p) else np.zeros(0, dtype=bool)
    cur = np.flatnonzero(follows)
    prev = cur - 1
    pos = p[cur]
    days = (h["day"][cur] - h["day"][prev]).astype(float)
    before = h["followers"][prev]
    gained = h["followers"][cur] - before
    rate = gained / days
    baseline = _group_median(rate, pos)
    sqrt_days = np.sqrt(days)
    scaled = (rate - baseline) * sqrt_days
    abs_dev = np.abs(scaled - _group_median(scaled, pos))
    mad = _group_median(abs_dev, pos)
    floor = np.maximum(t["sigma_floor_per_day"],
                       t["sigma_floor_share_of_median_growth"] * np.abs(baseline))
    sigma = np.maximum(MAD_TO_SD * mad, floor)
    z = scaled / sigma
    excess = (rate - baseline) * days
    big_enough = excess >= np.maximum(t["burst_min_followers"],
                                      t["burst_min_share_of_followers"] * before)
    burst = (z >= t["burst_z"]) & big_enough

    step = float(t["round_step"])
    tolerance = np.maximum(t["round_tolerance_min"],
                           t["round_tolerance_spreads"] * sigma * sqrt_days)
    judgeable = tolerance <= t["round_tolerance_max_share"] * step
    off_round = np.abs(excess - np.round(excess / step) * step)
    round_jump = burst & judgeable & (excess >= step) & (off_round <= tolerance)

    later_loss = sum(
        np.nan_to_num(_shifted(excess, pos, k)) for k in range(1, int(t["taper_window"]) + 1)
    )
    taper_loss = np.where(burst, -later_loss, np.nan)

    following = h["following"][cur]
    d_following = following - h["following"][prev]
    median_following = _group_median(following, pos)
    swing_size = np.maximum(t["seesaw_min_swing"],
                            t["seesaw_min_share_of_following"] * np.nan_to_num(median_following))
    next_change = _shifted(d_following, pos, 1)
    swing = (d_following >= swing_size) & (next_change <= -0.5 * d_following)
    epoch = np.datetime64("1970-01-01", "D")
    return pd.DataFrame(
        {
            "pos": pos, "start": epoch + h["day"][prev], "end": epoch + h["day"][cur],
            "days": days, "before": before, "gained": gained, "rate": rate,
            "baseline": baseline, "sigma": sigma, "z": z, "excess": excess, "burst": burst,
            "round_jump": round_jump, "taper_loss": taper_loss, "d_following": d_following,
            "following": following, "swing": swing,
        }
    )


def explained_by_viral_post(iv: pd.DataFrame, posts: pd.DataFrame,
                            benchmarks: Benchmarks) -> pd.Series:
    """For each burst interval, the date of an outsized post that explains it (else NaT).

    An outsized post has ``viral_post_engagement_factor`` times its account's median
    engagement; it explains a burst it precedes by at most ``viral_post_days_before`` days.
    """
    t = benchmarks.thresholds["history"]
    explained = pd.Series(pd.NaT, index=iv.index, dtype="datetime64[ns]")
    bursts = iv[iv["burst"]]
    if bursts.empty or posts.empty:
        return explained
    engagement = posts["likes"].fillna(0) + posts["comments"].fillna(0)
    median = engagement.groupby(posts["pos"]).transform("median")
    outsized = posts.loc[
        (engagement >= t["viral_post_engagement_factor"] * median) & (median > 0),
        ["pos", "date"],
    ]
    pairs = bursts[["pos", "start", "end"]].reset_index().merge(outsized, on="pos")
    post_day = pd.to_datetime(pairs["date"]).dt.normalize()
    lead = pd.Timedelta(days=int(t["viral_post_days_before"]))
    inside = (post_day >= pairs["start"] - lead) & (post_day <= pairs["end"])
    hits = pairs[inside.to_numpy()].groupby("index")["date"].min()
    explained.loc[hits.index] = pd.to_datetime(hits)
    return explained


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


def _day_strings(dates: pd.Series) -> list[str]:
    """ISO dates (or 'unknown'), formatted in one numpy call."""
    values = dates.to_numpy(dtype="datetime64[D]")
    return np.where(np.isnat(values), "unknown", np.datetime_as_string(values)).tolist()


def _viral_spikes(iv: pd.DataFrame, acc: pd.DataFrame, b: Benchmarks) -> Part:
    """Growth spikes explained by an outsized post: reported, not flagged."""
    spikes = iv[iv["viral_post"].notna()].sort_values("excess").groupby("pos").tail(1)
    sub = acc.iloc[spikes["pos"].to_numpy()].reset_index(drop=True)
    rows = _base(sub, "growth_spike_after_viral_post")
    rows["value"] = spikes["excess"].to_numpy()
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
        for x, s, e, p in lists(spikes["excess"], _day_strings(spikes["start"]),
                                _day_strings(spikes["end"]), _day_strings(spikes["viral_post"]))
    ]
    return rows


def _history_findings(iv: pd.DataFrame, acc: pd.DataFrame,
                      b: Benchmarks) -> list[Part]:
    t = b.thresholds["history"]
    size = len(acc)
    ceiling = float(b.authenticity["ad_growth_ceiling_per_day"]["value"])
    ceiling_source = b.source_name(b.authenticity["ad_growth_ceiling_per_day"]["source"])
    full_points = float(t["full_confidence_points"])
    pos = iv["pos"].to_numpy()
    n_intervals = np.bincount(pos, minlength=size).astype(float)
    enough = n_intervals >= t["min_points"] - 1
    confidence = np.where(enough, np.clip(n_intervals / full_points, 0.2, 1.0), 0.0)
    # The largest burst (or, if none, the largest deviation) of each account.
    key = np.where(iv["burst"], 1e12, 0.0) + np.nan_to_num(iv["z"].to_numpy(), nan=-1e12)
    top = iv.iloc[_last_of_each(pos, key)].set_index("pos").reindex(range(size))
    top_start = _day_strings(top["start"])
    top_end = _day_strings(top["end"])
    n_bursts = np.bincount(pos, weights=iv["burst"], minlength=size)
    n_round = np.bincount(pos, weights=iv["round_jump"], minlength=size)
    burst = enough & (n_bursts > 0)

    rows = _base(acc, "follower_growth_burst")
    rows["value"] = np.where(enough, top["z"], np.nan)
    rows["unit"] = "robust z (spreads above own median daily growth)"
    rows["comparison"] = [
        f"the account's own median daily growth ({b_:+,.0f}/day, spread {s:,.0f}/day); "
        f"burst at z >= {t['burst_z']:g}" if ok else "the account's own median daily growth"
        for ok, b_, s in lists(enough, top["baseline"], top["sigma"])
    ]
    over_ceiling = burst & (top["rate"].to_numpy() > ceiling)
    rows["benchmark_source"] = np.where(over_ceiling, ceiling_source, None)
    rows["benchmark_year"] = np.nan
    rows["suggested_level"] = np.nan
    rows["flag"] = np.where(burst, "follower_burst", None)
    rows["severity"] = np.where(burst, "serious", None)
    rows["confidence"] = confidence
    rows["detail"] = [
        (f"Not enough data: {k + 1:.0f} dated follower counts given; at least "
         f"{t['min_points']} are needed to judge growth bursts." if k > 0 else
         "Not enough data: no follower history given, so growth bursts cannot be checked.")
        if not ok else
        (f"{nb:.0f} burst(s); the largest: +{g:,.0f} followers between {s} and "
         f"{e}, about {x:,.0f} above the account's own baseline of {bl:+,.0f}/day "
         f"(z = {z:.0f})."
         + (f" That is {r:,.0f}/day; {ceiling_source} notes ads rarely bring more than "
            f"{ceiling:,.0f} a day." if over else ""))
        if is_burst else
        f"No growth burst in {k:.0f} intervals: the largest deviation is z = {z:.1f} against "
        f"the account's own median growth of {bl:+,.0f}/day."
        for ok, k, is_burst, nb, g, s, e, x, bl, z, r, over in lists(
            enough, n_intervals, burst, n_bursts, top["gained"], top_start, top_end,
            top["excess"], top["baseline"], top["z"], top["rate"], over_ceiling)
    ]
    out = [rows]

    step = float(t["round_step"])
    rounded = iv[iv["round_jump"]].sort_values("excess").groupby("pos").tail(1)
    if len(rounded):
        sub = acc.iloc[rounded["pos"].to_numpy()].reset_index(drop=True)
        rr = _base(sub, "round_number_jump")
        rr["value"] = rounded["excess"].to_numpy()
        rr["unit"] = "followers above baseline"
        rr["comparison"] = f"multiples of {t['round_step']:,} (packages of bought followers)"
        rr["benchmark_source"] = None
        rr["benchmark_year"] = np.nan
        rr["suggested_level"] = np.nan
        rr["flag"] = "round_number_jump"
        rr["severity"] = "caution"
        rr["confidence"] = confidence[rounded["pos"].to_numpy()] * 0.8
        rr["detail"] = [
            f"Between {s} and {e} the account gained {x:,.0f} followers above its baseline, "
            f"within {tol:,.0f} of a round {round(x / step) * step:,.0f} ({n:.0f} such "
            f"jump(s)); bought followers come in round packages."
            for s, e, x, tol, n in lists(
                _day_strings(rounded["start"]), _day_strings(rounded["end"]), rounded["excess"],
                np.maximum(t["round_tolerance_min"], t["round_tolerance_spreads"]
                           * rounded["sigma"] * np.sqrt(rounded["days"])),
                n_round[rounded["pos"].to_numpy()])
        ]
        out.append(rr)

    tapered = iv[iv["burst"] & (iv["taper_loss"] >= t["taper_loss_share"] * iv["excess"])]
    tapered = tapered.sort_values("excess").groupby("pos").tail(1)
    if len(tapered):
        sub = acc.iloc[tapered["pos"].to_numpy()].reset_index(drop=True)
        tr = _base(sub, "spike_then_taper")
        tr["value"] = (tapered["taper_loss"] / tapered["excess"]).to_numpy() * 100
        tr["unit"] = "% of the burst lost afterwards"
        tr["comparison"] = (f"growth below the account's baseline over the next "
                            f"{t['taper_window']} intervals")
        tr["benchmark_source"] = None
        tr["benchmark_year"] = np.nan
        tr["suggested_level"] = np.nan
        tr["flag"] = None
        tr["severity"] = None
        tr["confidence"] = confidence[tapered["pos"].to_numpy()]
        tr["detail"] = [
            f"After the burst ending {e} (+{x:,.0f} above baseline) the account fell "
            f"{loss:,.0f} below its baseline over the next intervals: a spike that tapers away, "
            f"as purged bought followers do."
            for e, x, loss in lists(_day_strings(tapered["end"]), tapered["excess"],
                                    tapered["taper_loss"])
        ]
        out.append(tr)

    n_following = np.bincount(pos, weights=iv["d_following"].notna(), minlength=size)
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
    sr["detail"] = [
        (f"The following count rose sharply and fell back {k:.0f} times in {m:.0f} intervals: "
         f"a follow/unfollow seesaw, a way of buying attention." if flag else
         f"{k:.0f} follow-then-unfollow swing(s) in {m:.0f} intervals; no seesaw.")
        if ok else
        f"Not enough data: {m:.0f} intervals with a following count; at least "
        f"{t['min_points'] - 1} are needed to check for follow/unfollow seesaws."
        for ok, flag, k, m in lists(enough_following, seesaw, swings, n_following)
    ]
    out.append(sr)
    return out


# --------------------------------------------------------------------------- posts


def _post_findings(acc: pd.DataFrame, posts: pd.DataFrame, b: Benchmarks) -> list[Part]:
    t = b.thresholds["posts"]
    genuine = b.derived["instafake_nonautomated"]
    cv_stats = genuine["likes_cv"]
    ratio_stats = genuine["comments_per_like"]
    genuine_name = b.source_name(genuine["source"])
    genuine_year = b.source_year(genuine["source"])
    size = len(acc)
    pos = posts["pos"].to_numpy()
    likes = posts["likes"].to_numpy(dtype=float)
    counted = np.isfinite(likes)
    likes = np.where(counted, likes, 0.0)
    n_posts = np.bincount(pos, weights=counted, minlength=size)
    likes_total = np.bincount(pos, weights=likes, minlength=size)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = likes_total / n_posts
        squares = np.bincount(pos, weights=(likes - mean[pos]) ** 2 * counted, minlength=size)
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
    ur["detail"] = [
        (f"Likes vary by only {c:.0%} of their mean (about {m:,.0f}) across {n:.0f} posts; "
         f"genuine accounts vary by {cv_stats['median']:.0%} (rarely under "
         f"{cv_stats['p05']:.0%}). Likes this uniform suggest bought likes or a pod."
         if flag else
         f"Likes vary by {c:.0%} of their mean (about {m:,.0f}) across {n:.0f} posts, within "
         f"what genuine accounts show.")
        if ok else
        f"Not enough data: {n:.0f} posts with likes; at least {t['uniform_min_posts']} are "
        f"needed to judge how uniform likes are."
        for ok, flag, c, m, n in lists(enough, uniform, cv, mean, n_posts)
    ]
    out = [ur]

    on_platform = acc["platform"].isin(t["comment_ratio_platforms"]).to_numpy()
    comments = np.nan_to_num(posts["comments"].to_numpy(dtype=float))
    comments_total = np.bincount(pos, weights=comments * counted, minlength=size)
    enough_ratio = ((likes_total >= t["comment_ratio_min_likes"])
                    & (n_posts >= t["comment_ratio_min_posts"]))
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(likes_total > 0, comments_total / likes_total, np.nan)
    low, high = ratio_stats["p025"], ratio_stats["p975"]
    abnormal = enough_ratio & ((ratio < low) | (ratio > high))
    sub = acc[on_platform].reset_index(drop=True)
    keep = on_platform
    cr = _base(sub, "comment_like_ratio")
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
    cr["detail"] = [
        (f"{r * 100:.1f} comments per 100 likes over {n:.0f} posts ({c:,.0f} comments, "
         f"{lk:,.0f} likes); genuine accounts show {low * 100:.1f}–{high * 100:.1f}. "
         + ("So few comments suggest bought likes." if r < low else
            "So many comments suggest a comment pod or giveaway traffic.")
         if flag else
         f"{r * 100:.1f} comments per 100 likes over {n:.0f} posts, within the genuine range "
         f"{low * 100:.1f}–{high * 100:.1f}.")
        if ok else
        f"Not enough data: {lk:,.0f} likes on {n:.0f} posts; at least "
        f"{t['comment_ratio_min_likes']} likes on {t['comment_ratio_min_posts']} posts are "
        f"needed for a comment-to-like ratio."
        for ok, flag, r, n, c, lk in lists(
            enough_ratio[keep], abnormal[keep], ratio[keep], n_posts[keep],
            comments_total[keep], likes_total[keep])
    ]
    out.append(cr)
    return out


def _growth_engagement_findings(acc: pd.DataFrame, posts: pd.DataFrame,
                                h: dict[str, np.ndarray], b: Benchmarks) -> Part:
    """Followers at each post's date (last history point on or before it) versus engagement,
    compared between the earlier and the later half of the posts."""
    t = b.thresholds["growth_engagement"]
    size = len(acc)
    post_pos = posts["pos"].to_numpy()
    post_day = posts["date"].to_numpy(dtype="datetime64[D]").astype(np.int64)
    # One sortable number per (account, day): history is sorted by it already.
    stride = np.int64(1) << 32
    history_key = h["pos"].astype(np.int64) * stride + h["day"]
    post_key = post_pos.astype(np.int64) * stride + post_day
    followers = np.full(len(post_pos), np.nan)
    if len(history_key):
        at = np.clip(np.searchsorted(history_key, post_key, side="right") - 1, 0, None)
        found = (history_key[at] <= post_key) & (h["pos"][at] == post_pos)
        followers = np.where(found, h["followers"][at], np.nan)
    engagement = (posts["likes"].to_numpy(dtype=float)
                  + np.nan_to_num(posts["comments"].to_numpy(dtype=float)))
    keep = np.isfinite(followers) & np.isfinite(engagement)
    pos, followers, engagement = post_pos[keep], followers[keep], engagement[keep]
    # Posts arrive newest first within each account.
    newest_rank = np.arange(len(pos)) - group_starts(pos)
    count = np.bincount(pos, minlength=size)[pos]
    oldest_rank = count - 1 - newest_rank
    half = count // 2
    which = np.where(oldest_rank < half, 0, np.where(oldest_rank >= count - half, 1, -1))
    used = which >= 0
    cell = pos[used] * 2 + which[used]
    medians = pd.DataFrame({"engagement": engagement[used], "followers": followers[used]}) \
        .groupby(cell).median()
    grid = np.full((size * 2, 2), np.nan)
    grid[medians.index.to_numpy()] = medians[["engagement", "followers"]].to_numpy()
    n_half = np.bincount(pos[used & (which == 0)], minlength=size).astype(float) \
        if len(pos) else np.zeros(size)
    e0, e1 = grid[0::2, 0], grid[1::2, 0]
    f0, f1 = grid[0::2, 1], grid[1::2, 1]
    enough = (n_half >= t["min_posts_per_half"]) & (f0 > 0) & (e0 > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        follower_growth = f1 / f0 - 1
        engagement_growth = e1 / e0 - 1
    judged = enough & (follower_growth >= t["min_follower_growth"])
    flat = judged & (engagement_growth < t["max_engagement_share_of_growth"] * follower_growth)
    rows = _base(acc, "growth_without_engagement")
    rows["value"] = np.where(enough, engagement_growth * 100, np.nan)
    rows["unit"] = "% change in median engagement per post"
    rows["comparison"] = [
        f"followers {fg:+.0%} over the same posts" if ok else "follower growth over the same posts"
        for ok, fg in lists(enough, follower_growth)
    ]
    rows["benchmark_source"] = None
    rows["benchmark_year"] = np.nan
    rows["suggested_level"] = np.nan
    rows["flag"] = np.where(flat, "growth_without_engagement", None)
    rows["severity"] = np.where(flat, "serious", None)
    rows["confidence"] = np.where(enough, np.clip(n_half / 10.0, 0.2, 1.0), 0.0)
    rows["detail"] = [
        (f"Followers went from about {a:,.0f} to {c:,.0f} ({fg:+.0%}) while median engagement "
         f"per post went from {x:,.0f} to {y:,.0f} ({eg:+.0%}): "
         + ("the new followers do not engage." if flag else
            "engagement kept pace with the audience." if j else
            "followers grew too little to test."))
        if ok else
        "Not enough data: needs follower history covering at least "
        f"{2 * t['min_posts_per_half']} dated posts to compare growth with engagement."
        for ok, j, flag, a, c, fg, x, y, eg in lists(
            enough, judged, flat, f0, f1, follower_growth, e0, e1, engagement_growth)
    ]
    return rows


# --------------------------------------------------------------------------- assembly


def _base(acc: pd.DataFrame, signal: str) -> Part:
    return account_part(acc, AREA, signal, SOURCES)


def _count_per_candidate(parts: list[Part], candidates: pd.Index) -> dict[str, np.ndarray]:
    """Per candidate: checks made, checks that ran (had a value), serious and caution flags."""
    counts = {name: np.zeros(len(candidates), dtype=np.int64)
              for name in ("checks", "ran", "serious", "caution")}
    for part in parts:
        n = rows_in(part)
        if not n:
            continue
        row_candidate = candidates.get_indexer(part["candidate_id"])
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
        "detail": [
            (f"{r} of {c} checks could run; {s} serious and {w} caution flag(s)."
             + (" No sign of bought followers or engagement in what was given." if s + w == 0
                else ""))
            if r > 0 else
            ("No managed accounts in the portfolio, so authenticity cannot be checked."
             if c == 0 else
             "Not enough data: no account has the history or posts the checks need.")
            for r, c, s, w in lists(ran_n, checks, serious, caution)
        ],
    }


def analyse(frames: PortfolioFrames, context: SignalContext) -> pd.DataFrame:
    """Authenticity findings per account, and one summary finding per candidate."""
    b = load_benchmarks()
    acc = frames.accounts.reset_index(drop=True).copy()
    acc["subject"] = subjects(acc)
    posts = recent_posts(frames.posts, acc, int(b.thresholds["engagement"]["recent_posts"]))
    history = sorted_history(frames.history, acc)
    iv = history_intervals(history, b)
    viral_post = explained_by_viral_post(iv, posts, b)
    iv["viral_post"] = viral_post
    iv["burst"] = iv["burst"] & viral_post.isna()
    iv["round_jump"] = iv["round_jump"] & iv["burst"]
    parts = [
        _viral_spikes(iv, acc, b),
        *_history_findings(iv, acc, b),
        *_post_findings(acc, posts, b),
        _growth_engagement_findings(acc, posts, history, b),
    ]
    candidates = pd.Index(frames.candidates["candidate_id"]).union(
        pd.Index(acc["candidate_id"].unique())
    )
    return assemble_findings([*parts, _summary(parts, candidates, b)])

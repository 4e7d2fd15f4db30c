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

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from itertools import pairwise

import numpy as np
import pandas as pd
import pyarrow as pa
from pandas.api.extensions import ExtensionArray

from vetting.benchmarks import PER_FOLLOWER, PER_VIEW, Benchmarks, load_benchmarks
from vetting.frames import FINDING_COLUMNS, PortfolioFrames
from vetting.signals import SignalContext, findings_frame
from vetting.signals._memo import remember_last
from vetting.signals._thresholds import (
    distinct_members,
    formatted,
    formatted_text,
    join_arrays,
    median_per_candidate,
    place_in_run,
    select_text,
    take_text,
    texts_by_case,
)

AREA = "followers_engagement"
SOURCES = "004 §3; 000 §5; 003 §9"
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
    run_lengths = np.diff(np.r_[run_starts, len(rows)])
    head_candidates = candidate.iloc[run_starts]
    if _same_keys(head_candidates, account[run_starts], accounts):
        # The usual case: one run per account, in the accounts' order.
        return np.repeat(np.arange(len(accounts)), run_lengths)
    keys = pd.MultiIndex.from_arrays([accounts["candidate_id"], accounts["account"]])
    run_heads = pd.MultiIndex.from_arrays([head_candidates, account[run_starts]])
    return np.repeat(keys.get_indexer(run_heads), run_lengths)


def _same_keys(candidates: pd.Series, account: np.ndarray, accounts: pd.DataFrame) -> bool:
    """Whether (candidates, account) are exactly the accounts' keys, row for row."""
    if len(account) != len(accounts):
        return False
    if not np.array_equal(account, accounts["account"].to_numpy()):
        return False
    same = candidates.reset_index(drop=True) == accounts["candidate_id"].reset_index(drop=True)
    return bool(same.all())


def lists(*columns: object) -> zip[tuple[object, ...]]:
    """Columns as plain Python lists zipped row-wise: formatting text from them is fast."""
    return zip(*(np.asarray(c).tolist() for c in columns), strict=True)


def subjects(accounts: pd.DataFrame) -> ExtensionArray:
    """'@handle on platform' for each account row, as pandas' str array."""
    handle, platform = accounts["handle"], accounts["platform"]
    if (handle.dtype == "str" and platform.dtype == "str"
            and not (handle.isna().any() or platform.isna().any())):
        # The usual case, joined by pyarrow without a Python string per row.
        return ("@" + handle.str.lstrip("@") + " on " + platform).array
    texts = [f"@{str(h).lstrip('@')} on {p}" for h, p in lists(handle, platform)]
    return pd.array(np.array(texts, dtype=object), dtype="str")


def already_sorted(pos: np.ndarray, then_by: np.ndarray) -> bool:
    """Whether rows already run by account position, ``then_by`` ascending within each."""
    same = pos[1:] == pos[:-1]
    return bool(np.all((pos[1:] > pos[:-1]) | (same & (then_by[1:] >= then_by[:-1]))))


# Columns of a table as plain arrays (read-only; they may be views of the input tables).
Columns = dict[str, np.ndarray]


def recent_posts(posts: pd.DataFrame, accounts: pd.DataFrame, limit: int) -> Columns:
    """The ``limit`` newest posts of each account, sorted by account then date (newest first).

    Only the date and the counts (as floats, NaN where missing) are kept, as arrays, with
    ``pos`` = the account's row in ``accounts``. Plain arrays rather than a table: building
    one cost more than the rest.
    """
    pos = account_index(accounts, posts)
    date = posts["date"].to_numpy(dtype="datetime64[ns]")
    newest_first = -date.view(np.int64)
    # ``order`` lists the rows to keep, in order; None: all of them, as they are.
    order: np.ndarray | None
    if already_sorted(pos, newest_first):  # the usual case: skip the sort
        order = np.flatnonzero(pos >= 0) if (pos < 0).any() else None
    else:
        order = np.lexsort((newest_first, pos))
        order = order[pos[order] >= 0]
    sorted_pos = pos if order is None else pos[order]
    run_lengths = np.diff(np.flatnonzero(np.r_[True, sorted_pos[1:] != sorted_pos[:-1], True]))
    if len(sorted_pos) and run_lengths.max() > limit:
        rank = place_in_run(sorted_pos)
        order = np.flatnonzero(rank < limit) if order is None else order[rank < limit]
    out = {"date": date if order is None else date[order]}
    for column in ("likes", "comments", "shares", "saves", "views"):
        values = posts[column].to_numpy(dtype=float)  # as every reader needs them
        out[column] = values if order is None else values[order]
    out["pos"] = sorted_pos if order is None else pos[order]
    return out


@dataclass(frozen=True)
class SharedInputs:
    """What the engagement and authenticity signals both derive from the same frames."""

    subject: ExtensionArray  # '@handle on platform' per row of ``frames.accounts``
    posts: Columns  # :func:`recent_posts` against ``frames.accounts``


def shared_inputs(frames: PortfolioFrames, limit: int) -> SharedInputs:
    """Subjects and recent posts, computed once for both signals. Positions are rows of
    ``frames.accounts``; read-only."""
    return _shared_inputs(frames.accounts, frames.posts, limit)


@remember_last
def _shared_inputs(accounts: pd.DataFrame, posts: pd.DataFrame, limit: int) -> SharedInputs:
    accounts = accounts.reset_index(drop=True)
    return SharedInputs(subject=subjects(accounts), posts=recent_posts(posts, accounts, limit))


@dataclass(frozen=True)
class Runs:
    """Rows whose keys come in runs (equal keys adjacent), such as the account positions of
    rows sorted by account, ready for per-key medians without pandas' groupby.

    The runs become the rows of a NaN-padded matrix, sorted in one call; the medians are
    pandas' figures (the middle value, or the mean of the two middle values), much faster.
    Build once with :meth:`of` and take the medians of several columns.
    """

    keys: np.ndarray  # the key of every row
    size: int  # keys lie in range(size)
    run_keys: np.ndarray  # the key of each run
    lengths: np.ndarray  # the rows in each run
    width: int  # the longest run
    slots: np.ndarray | None  # each row's place in the padded matrix; None: no padding
    scattered: bool  # a key in several runs, or too much padding: sorted the general way

    @classmethod
    def of(cls, keys: np.ndarray, size: int) -> Runs:
        keys = np.asarray(keys)
        n = len(keys)
        starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]]) if n else keys[:0]
        lengths = np.diff(np.r_[starts, n])
        width = int(lengths.max()) if n else 0
        run_keys = keys[starts]
        scattered = bool(n) and (np.bincount(run_keys, minlength=size).max() > 1
                                 or len(starts) * width > 4 * n + 4096)
        slots = None
        if not scattered and np.any(lengths != width):
            slots = np.arange(n) + np.repeat(np.arange(len(starts)) * width - starts, lengths)
        return cls(keys, size, run_keys, lengths, width, slots, scattered)

    def medians(self, values: np.ndarray) -> np.ndarray:
        """Median of the non-NaN values of each key in ``range(size)`` (NaN where none)."""
        values = np.asarray(values, dtype=float)
        out = np.full(self.size, np.nan)
        if not len(values):
            return out
        if self.scattered:  # the general way: sort every value by key
            return median_per_candidate(self.keys, values, self.size)
        if self.slots is None:
            padded = values
        else:
            padded = np.full(len(self.run_keys) * self.width, np.nan)
            padded[self.slots] = values
        padded = np.sort(padded.reshape(len(self.run_keys), self.width), axis=1)  # NaN last
        counts = self.lengths
        if np.isnan(values).any():  # count the values left (the padding is NaN too)
            counts = self.width - np.isnan(padded).sum(axis=1)
        rows = np.flatnonzero(counts > 0)
        n = counts[rows]
        flat = padded.ravel()
        lower = flat[rows * self.width + (n - 1) // 2]
        upper = flat[rows * self.width + n // 2]
        out[self.run_keys[rows]] = np.where(n % 2 == 1, lower, (lower + upper) / 2)
        return out


def per_account_max(values: np.ndarray, positions: np.ndarray, size: int) -> np.ndarray:
    """Maximum per account for values sorted by account position (NaN where none)."""
    out = np.full(size, np.nan)
    if len(values):
        starts = np.r_[0, np.flatnonzero(positions[1:] != positions[:-1]) + 1]
        out[positions[starts]] = np.maximum.reduceat(values, starts)
    return out


def recency_weight(period_end: pd.Series, today: date, half_life_years: float) -> np.ndarray:
    """1 for accounts still managed, halving every ``half_life_years`` since the end."""
    ended = pd.to_datetime(period_end)
    years = ((pd.Timestamp(today) - ended).dt.days / 365.25).clip(lower=0).fillna(0.0)
    return np.power(0.5, years.to_numpy(dtype=float) / half_life_years)


def zero_if_missing(values: np.ndarray) -> np.ndarray:
    """Counts with missing ones as 0: ``np.nan_to_num``, without its copies when nothing
    is missing (the usual case). The result may be ``values`` itself: do not modify it."""
    if np.isfinite(values).all():
        return values
    return np.nan_to_num(values)


def post_confidence(n_posts: np.ndarray, full_confidence_posts: float) -> np.ndarray:
    """More posts, more certainty: linear up to ``full_confidence_posts``."""
    return np.clip(np.asarray(n_posts, dtype=float) / full_confidence_posts, 0.0, 1.0)


def text_per_value(values: np.ndarray | pd.Series,
                   make: Callable[[float], str]) -> pa.Array:
    """``make(value)`` for each value as an Arrow text column, called once per distinct
    value (bit for bit, so -0.0 keeps its sign): counts and ranges repeat across accounts."""
    values = np.array(values, dtype=float)
    members, inverse = distinct_members(values, values)
    return take_text(pa.array([make(value) for value in members], type=pa.large_string()),
                     inverse)


def text_per_combination(make: Callable[..., str], *columns: np.ndarray) -> pa.Array:
    """``make(*row)`` for each row of the columns (handed over as floats), as an Arrow text
    column, called once per distinct row: flags and small counts repeat across accounts.
    Values count as equal bit for bit, so -0.0 keeps its sign."""
    arrays = [np.asarray(c, dtype=float) for c in columns]
    # Number the distinct values of each column, then the distinct rows of those numbers.
    row_key = np.zeros(len(arrays[0]), dtype=np.int64)
    combinations = 1
    for values in arrays:
        distinct, inverse = np.unique(values.view(np.int64), return_inverse=True)
        combinations *= max(len(distinct), 1)
        row_key = row_key * len(distinct) + inverse
    if combinations >= 2**62:  # too many to number: one call per row
        return pa.array([make(*row) for row in lists(*arrays)], type=pa.large_string())
    members, inverse = distinct_members(np.arange(len(row_key)), row_key)
    rows = lists(*(values[members] for values in arrays))
    return take_text(pa.array([make(*row) for row in rows], type=pa.large_string()), inverse)


def account_followers_text(followers: pd.Series) -> pa.Array:
    """Each account's follower count as text ('unknown' where missing)."""
    values = followers.to_numpy(dtype=float)
    known = ~np.isnan(values)
    return texts_by_case(len(values), "unknown", (known, formatted_text(values[known], ",.0f")))


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


def _text(part: Part, column: str) -> ExtensionArray:
    """A text column of a part as pandas' str array.

    One value for all rows is converted once and repeated, and arrays of that type already
    (candidate ids, subjects) are used as they are: converting text is the costly part.
    """
    value = part.get(column, np.nan)
    if isinstance(value, pd.Series):
        value = value.array
    if isinstance(value, str):
        return pd.array(pa.repeat(pa.scalar(value, pa.large_string()), rows_in(part)),
                        dtype="str")
    if isinstance(value, float) or value is None:
        return pd.array([value], dtype="str").take(np.zeros(rows_in(part), dtype=np.intp))
    if isinstance(value, ExtensionArray) and value.dtype == "str":
        return value
    if isinstance(value, pa.Array):  # joined in Arrow already
        return pd.array(value, dtype="str")
    values = np.asarray(value, dtype=object)
    try:
        # Straight to Arrow (None and NaN become missing): about twice as fast as
        # pandas' own conversion, which first checks and copies every element.
        arrow = pa.array(values, type=pa.large_string(), from_pandas=True)
    except (pa.ArrowTypeError, pa.ArrowInvalid):  # not all text: pandas converts it
        return pd.array(values, dtype="str")
    return pd.array(arrow, dtype="str")


def assemble_findings(parts: list[Part]) -> pd.DataFrame:
    """One findings table from parts given as plain columns.

    Building the table once from arrays is much faster than filling one table per part
    column by column and concatenating them: each text column is converted to pandas' str
    type at most once per part, and columns with one value for all rows cost almost nothing.
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
            data[column] = pd.concat([pd.Series(_text(part, column)) for part in parts],
                                     ignore_index=True)
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


def _values(column: pd.Series) -> ExtensionArray | np.ndarray:
    """A column's values; text stays pandas' str array (no round trip through Python)."""
    return column.array if column.dtype == "str" else column.to_numpy()


RANGE_COLUMNS = ("tier", "extrapolated", "low", "high", "reference", "reference_source",
                 "reference_year", "comparison")


def tier_ranges(b: Benchmarks, platforms: pd.Series, followers: np.ndarray,
                formula: str) -> dict[str, ExtensionArray | np.ndarray]:
    """``b.engagement_ranges`` for every account, looked up once per distinct platform and
    tier (a range depends on nothing else; accounts share a few dozen of them)."""
    tier = b.tier_index(followers).astype(np.int64)
    platform, _ = pd.factorize(platforms)
    pair = (platform.astype(np.int64) + 1) * (len(b.tiers) + 2) + (tier + 1)
    _, first, inverse = np.unique(pair, return_index=True, return_inverse=True)
    ranges = b.engagement_ranges(platforms.iloc[first], followers[first], formula=formula)
    return {column: _values(ranges[column])[inverse] for column in RANGE_COLUMNS}


def account_engagement(
    frames: PortfolioFrames, benchmarks: Benchmarks | None = None
) -> pd.DataFrame:
    """One row per account with the measured figures and its tier range (no text)."""
    b = benchmarks or load_benchmarks()
    t = b.thresholds["engagement"]
    accounts = frames.accounts.reset_index(drop=True)
    size = len(accounts)
    followers = accounts["followers"].to_numpy(dtype=float)
    shared = shared_inputs(frames, int(t["recent_posts"]))

    posts = shared.posts
    pos = posts["pos"]
    engagement = posts["likes"] + posts["comments"]
    counted = np.isfinite(engagement)
    everything_counted = counted.all()
    if not everything_counted:
        engagement = np.where(counted, engagement, 0.0)
    post_followers = followers[pos]
    per_follower = np.where(counted & (post_followers > 0),
                            engagement / np.where(post_followers > 0, post_followers, 1.0), np.nan)

    view_platforms = list(b.formulas[PER_VIEW]["platforms"])
    views = posts["views"]
    on_view_platform = accounts["platform"].isin(view_platforms).to_numpy()[pos]
    has_views = on_view_platform & (views > 0) & counted  # NaN views are not > 0
    full = (engagement + zero_if_missing(posts["shares"])
            + zero_if_missing(posts["saves"]))
    per_view = np.where(has_views, full / np.where(has_views, views, 1.0), np.nan)

    # Columns gathered first and made into a table once: adding them one by one was slow.
    keep = ["candidate_id", "account", "platform", "handle", "followers", "period_end"]
    out: dict[str, object] = {column: accounts[column] for column in keep}
    n_posts = np.bincount(pos, weights=counted, minlength=size)
    total = np.bincount(pos, weights=engagement, minlength=size)
    rate_sum = np.bincount(pos, weights=np.nan_to_num(per_follower), minlength=size)
    rate_n = np.bincount(pos, weights=np.isfinite(per_follower), minlength=size)
    with np.errstate(divide="ignore", invalid="ignore"):
        out["rate_mean"] = rate_sum / rate_n
    out["n_posts"] = n_posts
    runs = Runs.of(pos, size)
    rate_median = out["rate_median"] = runs.medians(per_follower)
    out["engaged_median"] = runs.medians(
        engagement if everything_counted else np.where(counted, engagement, np.nan))
    out["engagement_total"] = np.where(n_posts > 0, total, np.nan)
    out["engagement_top"] = per_account_max(engagement, pos, size)
    n_view_posts = np.bincount(pos, weights=has_views, minlength=size)
    out["n_view_posts"] = n_view_posts
    view_rate_median = out["view_rate_median"] = runs.medians(per_view)

    follower_ranges = tier_ranges(b, accounts["platform"], followers, PER_FOLLOWER)
    view_ranges = tier_ranges(b, accounts["platform"], followers, PER_VIEW)
    for prefix, ranges in (("", follower_ranges), ("view_", view_ranges)):
        for column, values in ranges.items():
            out[f"{prefix}{column}"] = values
    anchors = t["level_anchors"]
    enough = (n_posts >= t["min_posts"]) & (followers > 0)
    level = engagement_level(rate_median, follower_ranges["low"], follower_ranges["high"],
                             anchors)
    out["level"] = np.where(enough, level, np.nan)
    view_level = engagement_level(view_rate_median, view_ranges["low"], view_ranges["high"],
                                  anchors)
    out["view_level"] = np.where(n_view_posts >= t["min_posts"], view_level, np.nan)
    extrapolated = pd.Series(follower_ranges["extrapolated"]).fillna(False).astype(bool)
    below_tier = np.where(extrapolated, t["below_tier_confidence"], 1.0)
    out["confidence"] = post_confidence(n_posts, t["full_confidence_posts"]) * below_tier
    out["view_confidence"] = post_confidence(n_view_posts, t["full_confidence_posts"])
    out["subject"] = shared.subject
    return pd.DataFrame(out)


def analyse(frames: PortfolioFrames, context: SignalContext) -> pd.DataFrame:
    """Engagement findings per account, and one portfolio finding per candidate."""
    b = load_benchmarks()
    t = b.thresholds["engagement"]
    acc = account_engagement(frames, b)
    followers_text = account_followers_text(acc["followers"])
    return assemble_findings([
        _rate_findings(acc, b, followers_text),
        _view_rate_findings(acc, b),
        _concentration_findings(acc, t),
        _engaged_audience_findings(acc, t, followers_text),
        _portfolio_findings(acc, frames, context, t),
    ])


def _array(column: pd.Series | ExtensionArray | np.ndarray) -> ExtensionArray | np.ndarray:
    """A column's values without conversion (pandas' text stays its str type)."""
    return column.array if isinstance(column, pd.Series) else column


def account_part(acc: pd.DataFrame | Mapping[str, pd.Series | ExtensionArray | np.ndarray],
                 area: str, signal: str, sources: str) -> Part:
    """The columns every per-account finding of an area starts from."""
    return {
        "candidate_id": _array(acc["candidate_id"]),
        "area": area,
        "signal": signal,
        "subject": _array(acc["subject"]),
        "sources": sources,
    }


def _base(acc: pd.DataFrame, signal: str) -> Part:
    return account_part(acc, AREA, signal, SOURCES)


def _rate_findings(acc: pd.DataFrame, b: Benchmarks, followers_text: pa.Array) -> Part:
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
    n_posts = formatted_text(acc["n_posts"], ".0f")
    has_followers = acc["followers"].to_numpy(dtype=float) > 0
    needs = (f" given; the engagement rate needs the follower count and at least "
             f"{int(t['min_posts'])} recent posts with likes and comments.")
    few_posts = ~enough & has_followers
    # The closing sentence depends on the tier range and the low / extreme verdicts only:
    # made once per distinct combination.
    # Names are numbered; a missing one (numbered -1) reads "nan", as it always did.
    tiers, tier_names = pd.factorize(acc["tier"].array[enough])
    sources, source_names = pd.factorize(acc["reference_source"].array[enough])
    tier_names, source_names = [*tier_names, np.nan], [*source_names, np.nan]

    def closing(in_range: float, is_low: float, is_extreme: float, tier_code: float,
                reference: float, source_code: float) -> str:
        tier, source = tier_names[int(tier_code)], source_names[int(source_code)]
        if not in_range:
            return " No published tier figure exists for this platform, so no level."
        if is_low:
            return (f" That is under half the lowest published {tier}-tier figure "
                    f"({reference:.2%}, {source}): low under every source.")
        if is_extreme:
            return (" That is far above every published figure for the tier; extreme "
                    "engagement can also come from engagement pods.")
        return f" Lowest published {tier}-tier figure: {reference:.2%} ({source})."

    closings = text_per_combination(
        closing, has_range[enough], low_flag[enough], extreme[enough], tiers,
        acc["reference"].to_numpy()[enough], sources,
    )
    rows["detail"] = texts_by_case(
        len(acc), "Not enough data: no follower count" + needs,
        (few_posts, join_arrays(
            "Not enough data: only ", select_text(n_posts, few_posts), " posts", needs,
        )),
        (enough, join_arrays(
            "Median engagement ", formatted_text(rate[enough], ".2%"), " of ",
            select_text(followers_text, enough), " followers per post over ",
            select_text(n_posts, enough), " recent posts (mean ",
            formatted_text(acc["rate_mean"].to_numpy()[enough], ".2%"), "); formula ",
            f"{formula}.", closings,
        )),
    )
    return rows


def _view_rate_findings(acc: pd.DataFrame, b: Benchmarks) -> Part:
    t = b.thresholds["engagement"]
    on_view_platform = acc["platform"].isin(b.formulas[PER_VIEW]["platforms"]).to_numpy()
    used = ["candidate_id", "subject", "n_view_posts", "view_low", "view_rate_median",
            "view_comparison", "view_reference_source", "view_reference_year", "view_level",
            "view_confidence"]
    subset = acc.loc[on_view_platform, used].reset_index(drop=True)
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
        (f"Median {r} of views engaged per post over {n} posts with views; formula "
         f"{formula}." if ok else
         f"Not enough data: {n} posts with views given; at least {t['min_posts']} are needed "
         f"for a per-view rate.")
        for ok, r, n in lists(enough, formatted(rate, ".2%"),
                              formatted(subset["n_view_posts"], ".0f"))
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
    rows["comparison"] = text_per_value(
        n, lambda k: f"an even spread over {k:.0f} posts would give {100 / k:.1f}%" if k > 0
        else ""
    )
    rows["benchmark_source"] = None
    rows["benchmark_year"] = np.nan
    rows["suggested_level"] = np.nan
    rows["flag"] = np.where(carried, "engagement_carried_by_one_post", None)
    rows["severity"] = np.where(carried, "caution", None)
    rows["confidence"] = np.where(enough, post_confidence(n, t["full_confidence_posts"]), 0.0)
    n_posts = formatted_text(n, ".0f")
    verdicts = pa.array(["", " One post carries the average."], type=pa.large_string())
    rows["detail"] = texts_by_case(
        len(n), "",
        (~enough, join_arrays(
            "Not enough data: ", select_text(n_posts, ~enough),
            f" posts given; at least {t['carried_min_posts']} are needed to see whether one "
            "post carries the average.",
        )),
        (enough, join_arrays(
            "The top post brings ", formatted_text(share[enough], ".0%"),
            " of the engagement of ", select_text(n_posts, enough),
            " recent posts; without it the mean per post falls from ",
            formatted_text(mean_all[enough], ",.0f"), " to ",
            formatted_text(mean_rest[enough], ",.0f"), " (",
            formatted_text(drop[enough] - 1, "+.0%"), ").",
            take_text(verdicts, carried[enough].astype(np.int64)),
        )),
    )
    return rows


def _engaged_audience_findings(acc: pd.DataFrame, t: dict[str, float],
                               followers_text: pa.Array) -> Part:
    rows = _base(acc, "engaged_audience")
    enough = (acc["n_posts"] >= t["min_posts"]).to_numpy()
    engaged = acc["engaged_median"].to_numpy()
    followers = acc["followers"].to_numpy(dtype=float)
    rows["value"] = np.where(enough, engaged, np.nan)
    rows["unit"] = "engagements per post (median)"
    rows["comparison"] = join_arrays(followers_text, " followers")
    rows["benchmark_source"] = None
    rows["benchmark_year"] = np.nan
    rows["suggested_level"] = np.nan
    rows["flag"] = None
    rows["severity"] = None
    rows["confidence"] = np.where(enough, post_confidence(acc["n_posts"],
                                                          t["full_confidence_posts"]), 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = engaged / followers
    compared, alone = enough & (followers > 0), enough & ~(followers > 0)
    rows["detail"] = texts_by_case(
        len(acc),
        f"Not enough data: fewer than {t['min_posts']} recent posts, so the engaged audience "
        "is unknown.",
        (compared, join_arrays(
            select_text(followers_text, compared), " followers, of whom about ",
            formatted_text(engaged[compared], ",.0f"), " engage with a typical post (",
            formatted_text(share[compared], ".1%"),
            "): followers are not the engaged audience.",
        )),
        (alone, join_arrays(
            "About ", formatted_text(engaged[alone], ",.0f"),
            " engagements on a typical post; no follower count to compare.",
        )),
    )
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
    # Summed by the candidate's position in ``candidates`` (integers group faster than
    # text); accounts without a candidate id count for nobody, as before.
    ids = acc["candidate_id"]
    parts = pd.DataFrame(
        {
            "candidate": np.where(ids.isna(), -1, candidates.get_indexer(ids.array)),
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
    sums = parts.groupby("candidate").sum().reindex(range(len(candidates)), fill_value=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        portfolio_level = np.where(sums["w"] > 0, sums["wl"] / sums["w"], np.nan)
        portfolio_conf = np.where(sums["w"] > 0, sums["wc"] / sums["w"], 0.0)
        engaged_share = np.where(sums["followers"] > 0, sums["engaged"] / sums["followers"], np.nan)
    rows: Part = {
        "candidate_id": candidates.array,
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
    judged = np.isfinite(portfolio_level)
    accounts = sums["accounts"].to_numpy()
    detail = np.empty(len(sums), dtype=object)
    detail[~judged] = [
        "No managed accounts in the portfolio, so engagement cannot be judged." if a == 0 else
        f"Not enough data: none of {a} accounts has both a published tier range and enough "
        f"recent posts to judge engagement."
        for a in accounts[~judged].tolist()
    ]
    detail[judged] = [
        f"{lv} of 5 across {k} of {a} accounts judged against their tier: about {e} engaged "
        f"per post out of {f} followers ({s})"
        + (f"; {low} of them under half the lowest published figure for their tier."
           if low else ".")
        for lv, k, a, e, f, s, low in lists(
            formatted(portfolio_level[judged], ".1f"), sums["levelled"].to_numpy()[judged],
            accounts[judged], formatted(sums["engaged"].to_numpy()[judged], ",.0f"),
            formatted(sums["followers"].to_numpy()[judged], ",.0f"),
            formatted(engaged_share[judged], ".1%"), sums["low_flags"].to_numpy()[judged])
    ]
    rows["detail"] = detail
    return rows

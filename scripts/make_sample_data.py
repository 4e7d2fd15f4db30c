"""Write the CSVs behind the sample portfolios: recent posts, follower history and
follower samples for the audience audit.

The numbers are synthetic but aimed at the published ranges in ``/work/shared/
BENCHMARKS.md`` (listed in ``sample_portfolios/data/generator_spec.yaml``), except where a
pattern is planted on purpose (bought followers, an engagement pod, one viral post), so a
manager can learn what the toolkit should catch and what it should leave alone.

Deterministic: every series has its own generator seeded from the spec's seed and the
CRC32 of its file prefix, and the CSVs are written with fixed formatting, so two runs
give the same bytes. Usage (from the repository root)::

    .venv/bin/python scripts/make_sample_data.py [--out DIR] [--spec FILE]
    .venv/bin/python scripts/make_sample_data.py --inline PREFIX   # YAML for inline data
"""

from __future__ import annotations

import argparse
import sys
import zlib
from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = ROOT / "sample_portfolios" / "data"
SPEC_PATH = DATA_DIR / "generator_spec.yaml"

VIDEO_FORMATS = frozenset({"reel", "video", "short", "live"})
POST_COLUMNS = ("date", "format", "likes", "comments", "shares", "saves", "views", "paid")
HISTORY_COLUMNS = ("date", "followers", "following")
SAMPLE_COLUMNS = (
    "username", "full_name", "posts", "followers", "following", "has_profile_pic",
    "is_private", "biography", "external_url",
)
DAYS_PER_MONTH = 30.44
# Organic increments this close to a multiple of 1,000 are nudged, so that only the
# planted jumps look like round numbers.
ROUND_STEP, ROUND_MARGIN, ROUND_NUDGE = 1000, 30, 47

Spec = Mapping[str, Any]


def series_rng(seed: int, name: str) -> np.random.Generator:
    """One independent stream per series: editing one account leaves the others alone."""
    return np.random.default_rng([seed, zlib.crc32(name.encode("utf-8"))])


def _as_date(value: date | str) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


# --------------------------------------------------------------------------- posts


def _post_dates(rng: np.random.Generator, start: date, end: date, n: int) -> list[date]:
    span = (end - start).days + 1
    if n > span:
        raise ValueError(f"{n} posts do not fit in {span} days")
    offsets = np.sort(rng.choice(span, size=n, replace=False))
    offsets[-1] = span - 1  # the newest post is on the end date
    offsets = np.unique(offsets)
    return [start + timedelta(days=int(o)) for o in offsets]


def make_posts(
    spec: Spec, followers: int, defaults: Spec, rng: np.random.Generator
) -> pd.DataFrame:
    """Recent posts whose engagement per follower sits where the spec aims it."""
    start, end = _as_date(spec["start"]), _as_date(spec["end"])
    dates = _post_dates(rng, start, end, int(spec["n"]))
    n = len(dates)
    formats_spec: Mapping[str, float] = spec["formats"]
    names = np.array(list(formats_spec))
    weights = np.array(list(formats_spec.values()), dtype=float)
    formats = rng.choice(names, size=n, p=weights / weights.sum())
    pattern: Mapping[str, Any] = spec.get("pattern") or {}

    comments_rate = float(spec.get("comments_per_100", 2.5)) / 100
    share_rate = float(spec.get("share_rate", defaults["share_rate"]))
    save_rate = float(spec.get("save_rate", defaults["save_rate"]))
    views_per_like = float(spec.get("views_per_like", defaults["views_per_like"]))

    if "uniform" in pattern:
        pod = pattern["uniform"]
        likes = pod["likes"] * (1 + pod["cv"] * rng.standard_normal(n))
        ratio = pod["comments_per_100"] / 100 * (1 + pod["comments_cv"] * rng.standard_normal(n))
        share_rate, save_rate = share_rate * 0.08, save_rate * 0.05
    else:
        audience = float(spec.get("audience", followers))
        median_likes = float(spec["er"]) * audience / (1 + comments_rate)
        likes_sigma = float(spec.get("likes_sigma", 0.35))
        comments_sigma = float(spec.get("comments_sigma", 0.4))
        likes = median_likes * np.exp(likes_sigma * rng.standard_normal(n))
        ratio = comments_rate * np.exp(comments_sigma * rng.standard_normal(n))

    paid = rng.random(n) < float(spec.get("paid_share", 0.0))
    likes = np.where(paid, likes * float(spec.get("paid_boost", 1.6)), likes)

    shares = likes * share_rate * rng.lognormal(0.0, 0.5, n)
    save_boost = np.where(formats == "carousel", 1.8, 1.0)
    saves = likes * save_rate * save_boost * rng.lognormal(0.0, 0.5, n)
    views = likes * views_per_like * rng.lognormal(0.0, 0.3, n)

    if "viral" in pattern:
        viral = pattern["viral"]
        day = _as_date(viral["date"])
        index = int(np.argmin([abs((d - day).days) for d in dates]))
        dates[index] = day
        times = float(viral["multiplier"])
        likes[index] *= times
        ratio[index] *= 0.6  # a viral post draws more likes per comment
        shares[index] *= times * 2.5
        saves[index] *= times * 1.5
        views[index] = likes[index] * float(viral.get("views_per_like", views_per_like))
        formats[index] = "video" if "video" in formats_spec else "reel"

    likes_int = np.maximum(np.rint(likes), 0).astype(np.int64)
    comments = np.rint(likes_int * ratio).astype(np.int64)
    is_video = np.isin(formats, list(VIDEO_FORMATS))
    frame = pd.DataFrame(
        {
            "date": [d.isoformat() for d in dates],
            "format": formats,
            "likes": likes_int,
            "comments": np.maximum(comments, 0),
            "shares": np.rint(shares).astype(np.int64),
            "saves": np.rint(saves).astype(np.int64),
            "views": pd.array(
                np.where(is_video, np.rint(views), np.nan), dtype="Int64"
            ),
            "paid": np.where(paid, "true", "false"),
        }
    )
    return frame.loc[:, list(POST_COLUMNS)]


# --------------------------------------------------------------------------- history


def _history_dates(start: date, end: date, freq: str) -> list[date]:
    step = timedelta(days=7 if freq == "W" else 1)
    dates, current = [], end
    while current >= start:
        dates.append(current)
        current -= step
    return dates[::-1]


def _avoid_round(increments: np.ndarray) -> np.ndarray:
    remainder = np.abs(increments) % ROUND_STEP
    near = (np.abs(increments) >= ROUND_STEP - ROUND_MARGIN) & (
        (remainder <= ROUND_MARGIN) | (remainder >= ROUND_STEP - ROUND_MARGIN)
    )
    return np.where(near, increments + ROUND_NUDGE, increments)


def make_history(
    spec: Spec, followers: int, following: int, rng: np.random.Generator
) -> pd.DataFrame:
    """Follower and following counts that end at the portfolio's stated values.

    Built backwards from the end: organic growth with noise, plus exact integer events
    (bought batches, their purge, a viral spike), so a planted jump is exactly the
    number the spec names.
    """
    start, end = _as_date(spec["start"]), _as_date(spec["end"])
    freq = str(spec.get("freq", "W"))
    dates = _history_dates(start, end, freq)
    n = len(dates)
    events: Sequence[Mapping[str, Any]] = spec.get("events") or []
    index = {d: i for i, d in enumerate(dates)}

    planned_net = 0
    for event in events:
        if event["type"] in ("jump", "spike"):
            planned_net += int(sum(event["amounts"]))
        elif event["type"] == "taper":
            planned_net -= int(event["loss"])
    organic_end = followers - planned_net

    days_to_end = np.array([(end - d).days for d in dates], dtype=float)
    rate = np.log1p(float(spec["monthly_growth"])) / DAYS_PER_MONTH
    organic = organic_end * np.exp(-rate * days_to_end)
    increments = np.diff(organic)
    noise = float(spec.get("noise", 0.25))
    increments = increments * (1 + noise * rng.standard_normal(n - 1))
    increments = _avoid_round(np.rint(increments).astype(np.int64))

    for event in events:
        if event["type"] in ("jump", "spike"):
            first = index[_as_date(event["date"])]
            for offset, amount in enumerate(event["amounts"]):
                increments[first + offset - 1] = int(amount)
        elif event["type"] == "taper":
            first = index[_as_date(event["start"])]
            days = int(event["days"])
            weights = np.linspace(2.0, 0.5, days)
            losses = np.floor(weights / weights.sum() * int(event["loss"])).astype(np.int64)
            losses[0] += int(event["loss"]) - int(losses.sum())
            increments[first - 1 : first - 1 + days] -= losses

    after = np.concatenate([np.cumsum(increments[::-1])[::-1], [0]])
    follower_counts = followers - after

    step_sd = float(spec.get("following_step_sd", 2.0 if freq == "W" else 0.8))
    drift = float(spec.get("following_drift", 0.3))
    steps = np.rint(drift + step_sd * rng.standard_normal(n - 1)).astype(np.int64)
    following_after = np.concatenate([np.cumsum(steps[::-1])[::-1], [0]])
    following_counts = np.maximum(following - following_after, 0) if following else np.zeros(n)

    return pd.DataFrame(
        {
            "date": [d.isoformat() for d in dates],
            "followers": follower_counts.astype(np.int64),
            "following": following_counts.astype(np.int64),
        }
    )


# --------------------------------------------------------------------------- followers


def _native_name(first: str, last: str, order: str) -> str:
    if order == "last_first_joined":
        return f"{last}{first}"
    return f"{first} {last}"


def _genuine_username(rng: np.random.Generator, first: str, last: str) -> str:
    style = int(rng.integers(0, 5))
    if style == 0:
        name = f"{first}.{last}"
    elif style == 1:
        name = f"{first}_{last[0]}"
    elif style == 2:
        name = f"{first}{last}"
    elif style == 3:
        name = f"{last}.{first}"
    else:
        name = f"the.{first}"
    if rng.random() < 0.2:  # some genuine people add a birth year
        name += f"{int(rng.integers(80, 100)) % 100:02d}"
    return name


def _fake_username(rng: np.random.Generator, first: str) -> str:
    digits = "".join(str(d) for d in rng.integers(0, 10, int(rng.integers(4, 9))))
    style = int(rng.integers(0, 3))
    if style == 0:
        return f"{first}{digits}"
    if style == 1:
        letters = "".join(chr(c) for c in rng.integers(97, 123, 5))
        return f"{letters}_{digits}"
    return f"user{digits}"


def make_follower_sample(
    spec: Spec, pools: Mapping[str, Any], fake_bios: Sequence[str], rng: np.random.Generator
) -> pd.DataFrame:
    """Sampled followers: ordinary people, plus a share of accounts that look bought."""
    n = int(spec["n"])
    n_fake = round(n * float(spec["fake_share"]))
    pool = pools[spec["pool"]]
    firsts, lasts, bios = pool["first"], pool["last"], pool["bios"]
    order = pool.get("native_order", "first_last")
    rows: list[dict[str, object]] = []
    seen: set[str] = set()

    for i in range(n):
        fake = i < n_fake
        first = firsts[int(rng.integers(len(firsts)))]
        last = lasts[int(rng.integers(len(lasts)))]
        if fake:
            username = _fake_username(rng, first[0])
            blatant = rng.random() < 0.8
            posts = 0 if blatant else int(rng.integers(1, 6))
            followers = int(rng.integers(0, 60))
            following = int(rng.integers(900, 7500))
            has_pic = rng.random() < (0.08 if blatant else 0.6)
            full_name = "" if rng.random() < 0.55 else first[1]
            bio = fake_bios[int(rng.integers(len(fake_bios)))] if rng.random() < 0.1 else ""
            url = ""
            private = rng.random() < 0.08
        else:
            username = _genuine_username(rng, first[0], last[0])
            posts = 0 if rng.random() < 0.04 else int(rng.lognormal(np.log(140), 0.9))
            followers = max(int(rng.lognormal(np.log(420), 0.9)), 12)
            ratio = float(np.clip(rng.lognormal(np.log(0.95), 0.45), 0.3, 2.0))
            following = max(int(followers * ratio), 5)
            has_pic = rng.random() < 0.95
            full_name = _native_name(first[1], last[1], order)
            bio = bios[int(rng.integers(len(bios)))] if rng.random() < 0.7 else ""
            url = f"https://linktr.ee/{username}" if rng.random() < 0.08 else ""
            private = rng.random() < 0.35
        while username in seen:
            username += chr(int(rng.integers(97, 123)))
        seen.add(username)
        rows.append(
            {
                "username": username, "full_name": full_name, "posts": posts,
                "followers": followers, "following": following,
                "has_profile_pic": "true" if has_pic else "false",
                "is_private": "true" if private else "false",
                "biography": bio, "external_url": url,
            }
        )
    order_index = rng.permutation(n)
    return pd.DataFrame([rows[i] for i in order_index], columns=list(SAMPLE_COLUMNS))


# --------------------------------------------------------------------------- driver


def load_spec(path: Path = SPEC_PATH) -> dict[str, Any]:
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def account_frames(spec: Spec, account: Spec) -> dict[str, pd.DataFrame]:
    """Every table one account's spec asks for, keyed posts / history / followers."""
    seed, prefix = int(spec["seed"]), str(account["prefix"])
    defaults = spec["platform_defaults"][account["platform"]]
    frames: dict[str, pd.DataFrame] = {}
    if account.get("posts"):
        frames["posts"] = make_posts(
            account["posts"], int(account["followers"]), defaults,
            series_rng(seed, prefix + "/posts"),
        )
    if account.get("history"):
        frames["history"] = make_history(
            account["history"], int(account["followers"]), int(account["following"]),
            series_rng(seed, prefix + "/history"),
        )
    if account.get("sample"):
        frames["followers"] = make_follower_sample(
            account["sample"], spec["pools"], spec["fake_bios"],
            series_rng(seed, prefix + "/followers"),
        )
    return frames


def _inline_tables(account: Spec) -> set[str]:
    if account.get("inline"):
        return {"posts", "history"}
    tables = set()
    if account.get("inline_posts"):
        tables.add("posts")
    if account.get("inline_history"):
        tables.add("history")
    return tables


def write_all(spec: Spec, out: Path) -> list[Path]:
    """Write every CSV the spec names into ``out``; inline tables are not written."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for account in spec["accounts"]:
        skip = _inline_tables(account)
        for table, frame in account_frames(spec, account).items():
            if table in skip:
                continue
            path = out / f"{account['prefix']}_{table}.csv"
            frame.to_csv(path, index=False, lineterminator="\n")
            written.append(path)
    return written


def inline_yaml(spec: Spec, prefix: str) -> str:
    """The inline tables of one account as YAML flow lists, to paste into a portfolio."""
    account = next(a for a in spec["accounts"] if a["prefix"] == prefix)
    frames = account_frames(spec, account)
    lines = []
    for table in sorted(_inline_tables(account)):
        key = "recent_posts" if table == "posts" else "follower_history"
        lines.append(f"{key}:")
        for record in frames[table].to_dict("records"):
            cells = []
            for column, value in record.items():
                if pd.isna(value):
                    continue
                cells.append(f"{column}: {value}")
            lines.append("  - {" + ", ".join(cells) + "}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--spec", type=Path, default=SPEC_PATH)
    parser.add_argument("--out", type=Path, default=DATA_DIR)
    parser.add_argument("--inline", metavar="PREFIX", help="print one account's inline tables")
    args = parser.parse_args(argv)
    spec = load_spec(args.spec)
    if args.inline:
        print(inline_yaml(spec, args.inline))
        return 0
    written = write_all(spec, args.out)
    print(f"wrote {len(written)} CSV files to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

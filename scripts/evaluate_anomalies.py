"""Injected-anomaly evaluation of the authenticity checks, with a fixed seed.

Generates realistic clean follower series (trend + weekly pattern + noise, accounts of
2K to 2M followers, observed about weekly at irregular spacing), injects bursts and
follow/unfollow seesaws of known size, and runs them through the same code the app uses
(vetting.signals.authenticity). For likes and comments it uses real per-post counts of
InstaFake's non-automated accounts (read from ../shared/data, never copied) against
synthetic bought likes and comment pods. Prints tables of detection and false-alarm rates.

    .venv/bin/python scripts/evaluate_anomalies.py            # evaluation (< 60 s)
    .venv/bin/python scripts/evaluate_anomalies.py --calibrate  # re-measure derived figures
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from dataclasses import replace
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from vetting.benchmarks import (  # noqa: E402
    Benchmarks,
    genuine_account_metrics,
    load_benchmarks,
    measure_genuine_baselines,
    summarise_genuine_metrics,
)
from vetting.frames import PortfolioFrames  # noqa: E402
from vetting.signals import SignalContext, authenticity  # noqa: E402

INSTAFAKE = ROOT.parent / "shared" / "data" / "instafake" / "nonautomatedAccountData.json"
SEED = 20261122
DAYS = 182
START = np.datetime64("2026-05-01")
SIZES = (2_000, 20_000, 200_000, 2_000_000)
TODAY = date(2026, 11, 22)


# --------------------------------------------------------------------------- follower series


def clean_daily_gains(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Daily follower gains of ``n`` accounts: trend x weekly pattern x noise, plus unfollows."""
    start = rng.choice(SIZES, n) * rng.uniform(0.7, 1.4, n)
    trend = start * rng.uniform(0.0003, 0.003, n)  # 0.03%-0.3% a day
    day = np.arange(DAYS)
    weekly = 1 + 0.3 * np.sin(2 * np.pi * (day[None, :] + rng.integers(0, 7, (n, 1))) / 7)
    drift = 1 + rng.uniform(-0.4, 0.4, (n, 1)) * day[None, :] / DAYS
    noise = rng.lognormal(0.0, 0.35, (n, DAYS))
    gains = trend[:, None] * weekly * drift * noise
    gains = rng.poisson(gains) - rng.poisson(0.2 * trend[:, None], (n, DAYS))
    return start, gains.astype(float)


def observation_days(rng: np.random.Generator, n: int) -> list[np.ndarray]:
    """About weekly observation days, 5-9 days apart (irregular, as people record them)."""
    out = []
    for _ in range(n):
        steps = rng.integers(5, 10, 40)
        days = np.cumsum(np.r_[0, steps])
        out.append(days[days < DAYS])
    return out


def history_frame(start: np.ndarray, gains: np.ndarray, obs: list[np.ndarray],
                  following: np.ndarray | None = None) -> pd.DataFrame:
    """Observed history rows (candidate per series, account 0)."""
    cumulative = start[:, None] + np.cumsum(gains, axis=1)
    rows_c, rows_d, rows_f, rows_g = [], [], [], []
    for i, days in enumerate(obs):
        rows_c.append(np.full(len(days), f"s{i:05d}"))
        rows_d.append(START + days)
        rows_f.append(np.round(cumulative[i, days]))
        rows_g.append(following[i, days] if following is not None else np.full(len(days), 500.0))
    return pd.DataFrame(
        {
            "candidate_id": np.concatenate(rows_c), "account": 0,
            "date": np.concatenate(rows_d).astype("datetime64[ns]"),
            "followers": np.concatenate(rows_f), "following": np.concatenate(rows_g),
        }
    )


def accounts_frame(n: int, followers: np.ndarray | None = None,
                   platform: str = "instagram") -> pd.DataFrame:
    return pd.DataFrame(
        {
            "candidate_id": [f"s{i:05d}" for i in range(n)], "account": 0,
            "platform": platform, "handle": [f"h{i}" for i in range(n)],
            "followers": followers if followers is not None else np.full(n, 10_000),
            "period_end": pd.NaT,
        }
    )


def with_burst_z(z: float) -> Benchmarks:
    """The benchmark file with another burst threshold, for the sweep."""
    benchmarks = load_benchmarks()
    history = {**benchmarks.thresholds["history"], "burst_z": z}
    return replace(benchmarks, thresholds={**benchmarks.thresholds, "history": history})


def intervals_for(history: pd.DataFrame, n: int, benchmarks: Benchmarks | None = None
                  ) -> pd.DataFrame:
    benchmarks = benchmarks or load_benchmarks()
    accounts = accounts_frame(n)
    return authenticity.history_intervals(
        authenticity.sorted_history(history, accounts), benchmarks
    )


def mad_sigma(gains: np.ndarray) -> np.ndarray:
    median = np.median(gains, axis=1, keepdims=True)
    return 1.4826 * np.median(np.abs(gains - median), axis=1)


def evaluate_bursts(rng: np.random.Generator, n: int) -> list[dict[str, object]]:
    """Detection of one injected burst per series, by size; false alarms on clean series."""
    results = []
    start, gains = clean_daily_gains(rng, n)
    obs = observation_days(rng, n)
    iv = intervals_for(history_frame(start, gains, obs), n)
    flagged = np.bincount(iv["pos"], weights=iv["burst"], minlength=n) > 0
    results.append({"injected": "none (clean)", "series": n, "flagged": flagged.mean()})

    sigma = np.maximum(mad_sigma(gains), 1.0)
    baseline = np.median(gains, axis=1)
    burst_day = rng.integers(40, DAYS - 40, n)
    cases = [(f"{k}x daily MAD spread", sigma * k) for k in (3, 5, 10, 20, 50)]
    cases += [(f"{k}x median daily growth", np.maximum(baseline, 1) * k) for k in (5, 10, 30)]
    cases += [(f"+{size:,} in one day", np.full(n, float(size))) for size in (1_000, 5_000)]
    for label, size in cases:
        injected = gains.copy()
        injected[np.arange(n), burst_day] += size
        iv = intervals_for(history_frame(start, injected, obs), n)
        day_start = (iv["start"].to_numpy() - START).astype("timedelta64[D]").astype(int)
        day_end = (iv["end"].to_numpy() - START).astype("timedelta64[D]").astype(int)
        pos = iv["pos"].to_numpy()
        covers = (day_start < burst_day[pos]) & (burst_day[pos] <= day_end)
        caught = np.bincount(pos, weights=iv["burst"] & covers, minlength=n) > 0
        row: dict[str, object] = {"injected": label, "series": n, "flagged": caught.mean()}
        for tier in SIZES:
            mask = (start >= tier * 0.7) & (start <= tier * 1.4)
            row[f"at {tier:,}"] = caught[mask].mean()
        results.append(row)
    return results


def sweep_burst_threshold(rng: np.random.Generator, n: int) -> list[dict[str, object]]:
    """False alarms against detection for several burst thresholds, on the same series."""
    start, gains = clean_daily_gains(rng, n)
    obs = observation_days(rng, n)
    sigma = np.maximum(mad_sigma(gains), 1.0)
    day = rng.integers(40, DAYS - 40, n)
    clean = history_frame(start, gains, obs)
    injected = {}
    for k in (10, 20):
        bumped = gains.copy()
        bumped[np.arange(n), day] += k * sigma
        injected[k] = history_frame(start, bumped, obs)
    out = []
    for z in (4.0, 5.0, 6.0, 8.0):
        benchmarks = with_burst_z(z)
        row: dict[str, object] = {"burst z": z, "series": n}
        iv = intervals_for(clean, n, benchmarks)
        row["false alarms (clean)"] = (np.bincount(iv["pos"], weights=iv["burst"],
                                                   minlength=n) > 0).mean()
        for k, frame in injected.items():
            iv = intervals_for(frame, n, benchmarks)
            row[f"caught {k}x MAD"] = (np.bincount(iv["pos"], weights=iv["burst"],
                                                   minlength=n) > 0).mean()
        out.append(row)
    return out


def evaluate_round_jumps(rng: np.random.Generator, n: int) -> list[dict[str, object]]:
    """Round-number flag on injected round packages versus injected odd-sized bursts."""
    start, gains = clean_daily_gains(rng, n)
    start = np.minimum(start, 60_000)  # round jumps are only judgeable on quieter accounts
    gains = gains * (start / np.maximum(start, 1))[:, None]
    obs = observation_days(rng, n)
    day = rng.integers(40, DAYS - 40, n)
    out = []
    for label, size in (("round package (1,000-10,000)", rng.choice([1, 2, 5, 10], n) * 1000.0),
                        ("odd-sized burst", rng.uniform(1_100, 9_900, n))):
        injected = gains.copy()
        injected[np.arange(n), day] += size
        iv = intervals_for(history_frame(start, injected, obs), n)
        pos = iv["pos"].to_numpy()
        burst = np.bincount(pos, weights=iv["burst"], minlength=n) > 0
        rounded = np.bincount(pos, weights=iv["round_jump"], minlength=n) > 0
        out.append({"injected": label, "series": n, "burst flagged": burst.mean(),
                    "round flagged": rounded.mean()})
    return out


def evaluate_seesaws(rng: np.random.Generator, n: int) -> list[dict[str, object]]:
    """Follow/unfollow seesaws of several amplitudes versus a drifting clean following."""
    start, gains = clean_daily_gains(rng, n)
    obs = observation_days(rng, n)
    base = rng.uniform(200, 3000, n)
    drift = base[:, None] * (1 + np.cumsum(rng.normal(0.0005, 0.004, (n, DAYS)), axis=1))
    clean = np.round(drift)
    out = []
    swings_needed = load_benchmarks().thresholds["history"]["seesaw_min_swings"]

    def flagged(following: np.ndarray) -> np.ndarray:
        iv = intervals_for(history_frame(start, gains, obs, following), n)
        swings = np.bincount(iv["pos"], weights=iv["swing"], minlength=n)
        return swings >= swings_needed

    out.append({"injected": "none (clean following)", "series": n,
                "flagged": flagged(clean).mean()})
    for amplitude in (0.1, 0.25, 0.5, 1.0):
        for cycles in (2, 4):
            following = clean.copy()
            for i, days in enumerate(obs):
                # Follow a batch just before an observation, unfollow before the next one.
                chosen = rng.choice(np.arange(2, len(days) - 2, 3), cycles, replace=False)
                for j in chosen:
                    up_from, down_from = days[j] - 1, days[j + 1] - 1
                    following[i, up_from:down_from] += amplitude * base[i]
            out.append({"injected": f"{cycles} swings of {amplitude:.0%} of following",
                        "series": n, "flagged": flagged(following).mean()})
    return out


# --------------------------------------------------------------------------- likes and comments


def posts_frame(likes: list[np.ndarray], comments: list[np.ndarray]) -> PortfolioFrames:
    rows_c, rows_d, rows_l, rows_m = [], [], [], []
    for i, (lk, cm) in enumerate(zip(likes, comments, strict=True)):
        rows_c.append(np.full(len(lk), f"s{i:05d}"))
        rows_d.append(START - np.arange(len(lk)) * 4)
        rows_l.append(lk)
        rows_m.append(cm)
    posts = pd.DataFrame(
        {
            "candidate_id": np.concatenate(rows_c), "account": 0,
            "date": np.concatenate(rows_d).astype("datetime64[ns]"), "format": "image",
            "likes": np.concatenate(rows_l).astype(float),
            "comments": np.concatenate(rows_m).astype(float),
            "shares": np.nan, "saves": np.nan, "views": np.nan, "paid": False,
        }
    )
    empty = PortfolioFrames.from_rows({})
    accounts = accounts_frame(len(likes)).reindex(columns=empty.accounts.columns)
    accounts["account"] = 0
    return replace(empty, accounts=accounts, posts=posts)


def flag_rates(likes: list[np.ndarray], comments: list[np.ndarray]) -> dict[str, float]:
    findings = authenticity.analyse(posts_frame(likes, comments), SignalContext(today=TODAY))
    out = {}
    for signal, flag in (("likes_uniformity", "uniform_likes"),
                         ("comment_like_ratio", "comment_like_ratio_abnormal")):
        rows = findings[(findings["signal"] == signal) & findings["value"].notna()]
        out[flag] = float((rows["flag"] == flag).mean()) if len(rows) else float("nan")
        out[f"{flag} judged"] = len(rows)
    return out


def real_accounts() -> list[dict[str, object]]:
    with open(INSTAFAKE, encoding="utf-8") as handle:
        accounts = json.load(handle)
    recent = int(load_benchmarks().derived["instafake_nonautomated"]["recent_posts"])
    usable = []
    for account in accounts:
        likes = np.asarray(account["mediaLikeNumbers"][:recent], dtype=float)
        comments = np.asarray(account["mediaCommentNumbers"][:recent], dtype=float)
        disabled = np.asarray(account["mediaCommentsAreDisabled"][:recent], dtype=bool)
        likes, comments = likes[~disabled], comments[~disabled]
        if len(likes) >= 10 and likes.sum() > 0:
            usable.append({"likes": likes, "comments": comments, "raw": account})
    return usable


def evaluate_posts(rng: np.random.Generator) -> list[dict[str, object]]:
    accounts = real_accounts()
    likes = [a["likes"] for a in accounts]
    comments = [a["comments"] for a in accounts]
    out = [{"accounts": "InstaFake genuine (in-sample)", **flag_rates(likes, comments)}]

    # Two-fold: thresholds re-derived on one half, applied to the other.
    benchmarks = load_benchmarks()
    stored = benchmarks.derived["instafake_nonautomated"]
    t = benchmarks.thresholds["posts"]
    order = rng.permutation(len(accounts))
    halves = (order[: len(order) // 2], order[len(order) // 2:])
    misfires = {"uniform": [], "ratio": []}
    for fit, test in (halves, halves[::-1]):
        metrics = genuine_account_metrics([accounts[i]["raw"] for i in fit],
                                          int(stored["recent_posts"]))
        fitted = summarise_genuine_metrics(
            metrics, int(stored["comments_per_like"]["min_likes"]),
            int(stored["comments_per_like"]["min_posts"]), int(stored["likes_cv"]["min_posts"]),
            int(stored["engagement_per_follower"]["min_posts"]),
        )
        test_metrics = genuine_account_metrics([accounts[i]["raw"] for i in test],
                                               int(stored["recent_posts"]))
        cv = test_metrics.loc[test_metrics["n_posts"] >= t["uniform_min_posts"], "likes_cv"]
        misfires["uniform"].append(float((cv < t["uniform_cv_factor"]
                                          * fitted["likes_cv"]["p05"]).mean()))
        enough = ((test_metrics["likes_total"] >= t["comment_ratio_min_likes"])
                  & (test_metrics["n_posts"] >= t["comment_ratio_min_posts"]))
        ratio = test_metrics.loc[enough, "comments_ratio"]
        band = fitted["comments_per_like"]
        misfires["ratio"].append(float(((ratio < band["p025"]) | (ratio > band["p975"])).mean()))
    out.append({"accounts": "InstaFake genuine (2-fold held out)",
                "uniform_likes": np.mean(misfires["uniform"]),
                "comment_like_ratio_abnormal": np.mean(misfires["ratio"])})

    scale = [max(float(np.median(lk)), 20.0) for lk in likes]
    for jitter in (0.02, 0.05, 0.10, 0.20):
        bought = [np.round(s * 3 * (1 + rng.uniform(-jitter, jitter, len(lk))))
                  for s, lk in zip(scale, likes, strict=True)]
        out.append({"accounts": f"bought likes, flat +-{jitter:.0%}, 0.4 comments per 100",
                    **flag_rates(bought, [np.round(lk * 0.004) for lk in bought])})
    for factor in (3, 10):
        inflated = [lk + np.round(s * factor * rng.uniform(0.5, 1.5, len(lk)))
                    for s, lk in zip(scale, likes, strict=True)]
        out.append({"accounts": f"genuine + {factor}x bought likes (varied)",
                    **flag_rates(inflated, comments)})
    for pod in (10, 30):
        podded = [cm + rng.poisson(pod * 0.8, len(cm)) for cm in comments]
        out.append({"accounts": f"genuine + comment pod of {pod}", **flag_rates(likes, podded)})
    return out


# --------------------------------------------------------------------------- speed


def speed_frames(n_candidates: int, seed: int = SEED) -> PortfolioFrames:
    """Candidates x 2 accounts x 30 posts + 26 weekly history points, built as columns."""
    rng = np.random.default_rng(seed)
    ids = np.array([f"c{i:05d}" for i in range(n_candidates)])
    owner, index = np.repeat(ids, 2), np.tile([0, 1], n_candidates)
    n = len(owner)
    followers = np.round(10 ** rng.uniform(3, 6.5, n))
    empty = PortfolioFrames.from_rows({})
    accounts = pd.DataFrame({
        "candidate_id": owner, "account": index,
        "platform": rng.choice(["instagram", "tiktok"], n), "handle": [f"h{i}" for i in range(n)],
        "ownership": "client", "client": None, "period_start": pd.Timestamp("2024-01-01"),
        "period_end": pd.NaT, "followers": followers, "following": 500.0, "posts": 100.0,
    })
    end = pd.Timestamp("2026-11-15")
    likes = np.round(np.repeat(followers * 0.01, 30) * rng.lognormal(0, 0.35, n * 30))
    posts = pd.DataFrame({
        "candidate_id": np.repeat(owner, 30), "account": np.repeat(index, 30),
        "date": end - pd.to_timedelta(np.tile(np.arange(30) * 5, n), unit="D"),
        "format": "image", "likes": likes, "comments": rng.poisson(likes * 0.02).astype(float),
        "shares": np.nan, "saves": np.nan,
        "views": np.where(np.repeat(accounts["platform"] == "tiktok", 30), likes * 20, np.nan),
        "paid": False,
    })
    growth = np.repeat(followers * 0.014, 26) * (1 + 0.2 * rng.standard_normal(n * 26))
    level = np.repeat(followers * 0.8, 26) + np.cumsum(growth.reshape(n, 26), axis=1).ravel()
    history = pd.DataFrame({
        "candidate_id": np.repeat(owner, 26), "account": np.repeat(index, 26),
        "date": end - pd.to_timedelta(np.tile((25 - np.arange(26)) * 7, n), unit="D"),
        "followers": np.round(level), "following": 500.0,
    })
    candidates = pd.DataFrame({"candidate_id": ids}).reindex(columns=empty.candidates.columns)
    return replace(empty, candidates=candidates, accounts=accounts, posts=posts,
                   history=history)


def measure_speed(n_candidates: int, repeats: int = 5) -> None:
    """Best-of-``repeats`` wall time of each analyser (best: least disturbed by other load)."""
    from vetting.signals import engagement

    frames = speed_frames(n_candidates)
    context = SignalContext(today=TODAY)
    total = total_cpu = 0.0
    print(f"{n_candidates:,} candidates x 2 accounts x 30 posts + 26 history points")
    for module in (engagement, authenticity):
        module.analyse(frames, context)
        times, cpu = [], []
        for _ in range(repeats):
            began, began_cpu = time.perf_counter(), time.process_time()
            findings = module.analyse(frames, context)
            times.append(time.perf_counter() - began)
            cpu.append(time.process_time() - began_cpu)
        total += min(times)
        total_cpu += min(cpu)
        print(f"  {module.__name__}: best {min(times):.3f} s wall ({min(cpu):.3f} s CPU), "
              f"median {np.median(times):.3f} s, {len(findings):,} findings")
    print(f"  both analysers: {total:.3f} s wall, {total_cpu:.3f} s CPU (best runs; "
          f"{os.getloadavg()[0]:.1f} load average while measured)")


# --------------------------------------------------------------------------- output


def print_table(title: str, rows: list[dict[str, object]]) -> None:
    frame = pd.DataFrame(rows)
    for column in frame.columns:
        if column in ("series", "burst z") or column.endswith("judged"):
            frame[column] = frame[column].map(lambda v: "" if pd.isna(v) else f"{v:g}")
        elif frame[column].dtype == float:
            frame[column] = frame[column].map(lambda v: "" if pd.isna(v) else f"{v:.1%}")
    print(f"\n## {title}\n")
    print(frame.to_markdown(index=False) if _has_tabulate() else frame.to_string(index=False))


def _has_tabulate() -> bool:
    try:
        import tabulate  # noqa: F401
    except ImportError:
        return False
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calibrate", action="store_true",
                        help="re-measure the InstaFake-derived figures of benchmarks.yaml")
    parser.add_argument("--series", type=int, default=4000, help="follower series per case")
    parser.add_argument("--speed", type=int, metavar="N", default=0,
                        help="time both analysers on N synthetic candidates instead")
    args = parser.parse_args(argv)
    if args.speed:
        measure_speed(args.speed)
        return 0
    if args.calibrate:
        if not INSTAFAKE.exists():
            print(f"{INSTAFAKE} not found; nothing to calibrate", file=sys.stderr)
            return 1
        print(json.dumps(measure_genuine_baselines(INSTAFAKE), indent=2))
        return 0
    began = time.perf_counter()
    rng = np.random.default_rng(SEED)
    print(f"seed {SEED}; {args.series} series per case; {DAYS} days observed every 5-9 days")
    print_table("Follower bursts (follower_burst)", evaluate_bursts(rng, args.series))
    print_table("Burst threshold sweep (z in robust spreads)",
                sweep_burst_threshold(rng, args.series))
    print_table("Round-number jumps (round_number_jump)", evaluate_round_jumps(rng, args.series))
    print_table("Follow/unfollow seesaws (follow_unfollow_seesaw)",
                evaluate_seesaws(rng, args.series // 2))
    if INSTAFAKE.exists():
        print_table("Likes and comments (uniform_likes, comment_like_ratio_abnormal)",
                    evaluate_posts(rng))
    else:
        print(f"\n{INSTAFAKE} not found: likes and comments evaluation skipped")
    print(f"\nran in {time.perf_counter() - began:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

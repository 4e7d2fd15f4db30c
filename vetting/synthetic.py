"""Realistic synthetic candidates, built straight into frames, for the speed benchmark.

Counts follow the published ranges in BENCHMARKS.md (engagement per follower falls
with tier; about 1–8 comments per 100 likes); a share of candidates carries the planted
problems the engine looks for (bursts, uniform likes, thin records), so the benchmark
exercises every branch, not only the quiet path. Answer texts are drawn from a pool the
caller passes (the sample portfolios' answers, in five languages).

>>> frames = synthetic_frames(3, answers=["We target 25–34 year-olds in Tirana."], seed=1)
>>> len(frames.candidates), frames.posts["candidate_id"].nunique()
(3, 3)
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from vetting.frames import PortfolioFrames
from vetting.models import PLATFORMS, ROLES

POSTS_PER_ACCOUNT = 30
HISTORY_POINTS = 26  # weekly, six months
QUESTION_IDS = (
    "target_audience", "channels", "engagers", "stories_objective", "campaign_length",
    "share_of_voice", "data_reporting", "metric_definitions", "roi_paid", "crisis",
    "objectives_kpis", "keeping_current",
)
FORMATS = np.array(["image", "carousel", "reel", "video", "story", "short"])
KPI_NAMES = np.array(["engagement rate", "reach", "leads", "ROAS", "followers", "CTR"])


def _repeat_ids(ids: np.ndarray, counts: np.ndarray) -> np.ndarray:
    return np.repeat(ids, counts)


def _distinct_answers(pool: list[str], count: int, rng: np.random.Generator) -> list[str]:
    """``count`` answers stitched from pairs of pool answers sharing a language."""
    from vetting.text import detect_language  # the text module is heavy; load it only here

    by_language: dict[str, list[str]] = {}
    for text in pool or ["No answer given."]:
        by_language.setdefault(detect_language(text) or "unknown", []).append(text)
    groups = list(by_language.values())
    group_of = rng.integers(0, len(groups), count)
    starts = rng.uniform(0.3, 0.7, count)
    ends = rng.uniform(0.3, 0.7, count)
    texts = []
    for g, start, end in zip(group_of, starts, ends, strict=True):
        first, second = rng.choice(len(groups[g]), 2)
        head, tail = groups[g][first], groups[g][second]
        texts.append(f"{head[: int(len(head) * start)]} {tail[int(len(tail) * end):]}")
    return texts


def synthetic_frames(
    n: int, answers: Sequence[str], seed: int = 0, today: str = "2026-11-15"
) -> PortfolioFrames:
    """``n`` candidates with 1–4 accounts, 30 posts and 26 history points each."""
    rng = np.random.default_rng(seed)
    end = pd.Timestamp(today)
    ids = np.array([f"c{i:06d}" for i in range(n)])
    kind = np.where(rng.random(n) < 0.4, "freelancer", "agency")

    candidates = pd.DataFrame(
        {
            "candidate_id": ids, "name": ids, "kind": kind, "languages": "en",
            "price_amount": np.round(rng.lognormal(np.log(2500), 0.6, n), -1),
            "price_currency": "EUR", "price_unit": "monthly_retainer",
            "price_includes": rng.integers(0, 6, n),
            "accounts_per_manager": rng.integers(2, 25, n).astype(float),
            "monthly_output": rng.integers(10, 200, n),
            "n_accounts": 0, "n_case_studies": 0, "n_certifications": rng.integers(0, 4, n),
            "latest_certification": pd.NaT,
        }
    )

    # Accounts: followers log-uniform from 1K to 2M; platform at random.
    per_candidate = rng.integers(1, 5, n)
    candidates["n_accounts"] = per_candidate
    acc_cid = _repeat_ids(ids, per_candidate)
    acc_idx = np.concatenate([np.arange(k) for k in per_candidate])
    m = len(acc_cid)
    followers = np.exp(rng.uniform(np.log(1_000), np.log(2_000_000), m)).astype(np.int64)
    accounts = pd.DataFrame(
        {
            "candidate_id": acc_cid, "account": acc_idx,
            "platform": rng.choice(np.array(PLATFORMS[:3]), m),
            "handle": [f"@acct{i}" for i in range(m)],
            "ownership": np.where(rng.random(m) < 0.2, "own", "client"), "client": None,
            "period_start": end - pd.to_timedelta(rng.integers(200, 1500, m), unit="D"),
            "period_end": pd.NaT,
            "followers": followers,
            "following": (followers * rng.uniform(0.01, 0.5, m)).astype(np.int64),
            "posts": rng.integers(50, 2000, m),
        }
    )

    # Posts: engagement per follower falls with size (~4% at 1K to ~0.4% at 1M), with a
    # lognormal spread; 5% of accounts get near-uniform (bought) likes.
    post_acc = np.repeat(np.arange(m), POSTS_PER_ACCOUNT)
    base_rate = 0.04 * (followers / 1_000.0) ** -0.33
    bought = rng.random(m) < 0.05
    spread = np.where(bought[post_acc], 0.03, 0.6)
    likes = followers[post_acc] * base_rate[post_acc] * rng.lognormal(0, spread)
    comments = likes * rng.lognormal(np.log(0.025), 0.5, len(post_acc))
    is_video = np.isin(accounts["platform"].to_numpy()[post_acc], ["tiktok", "youtube"])
    posts = pd.DataFrame(
        {
            "candidate_id": acc_cid[post_acc], "account": acc_idx[post_acc],
            "date": end - pd.to_timedelta(np.tile(np.arange(POSTS_PER_ACCOUNT) * 3, m), unit="D"),
            "format": rng.choice(FORMATS, len(post_acc)),
            "likes": likes.astype(np.int64), "comments": comments.astype(np.int64),
            "shares": (likes * 0.05).astype(np.int64), "saves": (likes * 0.08).astype(np.int64),
            "views": np.where(is_video, (likes * 12).astype(np.int64), np.nan),
            "paid": rng.random(len(post_acc)) < 0.1,
        }
    )

    # History: weekly growth with noise; 5% of accounts get a bought burst.
    hist_acc = np.repeat(np.arange(m), HISTORY_POINTS)
    step = np.tile(np.arange(HISTORY_POINTS), m)
    weekly = followers[hist_acc] * 0.004 * rng.lognormal(0, 0.4, len(hist_acc))
    burst = (rng.random(m) < 0.05)[hist_acc] & (step == HISTORY_POINTS // 2)
    weekly = weekly + np.where(burst, np.maximum(5_000, followers[hist_acc] * 0.2), 0)
    growth = pd.Series(weekly).groupby(hist_acc).cumsum().to_numpy()
    start = followers[hist_acc] - pd.Series(weekly).groupby(hist_acc).transform("sum").to_numpy()
    history = pd.DataFrame(
        {
            "candidate_id": acc_cid[hist_acc], "account": acc_idx[hist_acc],
            "date": end - pd.to_timedelta((HISTORY_POINTS - 1 - step) * 7, unit="D"),
            "followers": np.maximum(start + growth, 0).astype(np.int64),
            "following": accounts["following"].to_numpy()[hist_acc],
        }
    )

    # Case studies and their KPIs.
    n_cases = rng.integers(0, 6, n)
    candidates["n_case_studies"] = n_cases
    case_cid = _repeat_ids(ids, n_cases)
    case_idx = np.concatenate([np.arange(k) for k in n_cases]) if n_cases.sum() else []
    c = len(case_cid)
    starts = end - pd.to_timedelta(rng.integers(120, 900, c), unit="D")
    lengths = rng.integers(20, 365, c)
    cases = pd.DataFrame(
        {
            "candidate_id": case_cid, "case": case_idx,
            "client": [f"Client {i % 997}" for i in range(c)],
            "industry": rng.choice(np.array(["retail", "food", "tourism", "tech", "health"]), c),
            "platforms": "instagram;tiktok", "n_platforms": 2,
            "period_start": starts, "period_end": starts + pd.to_timedelta(lengths, unit="D"),
            "period_days": lengths, "objective": "Grow qualified leads from Instagram.",
            "paid_budget": np.where(rng.random(c) < 0.5, rng.integers(500, 20_000, c), np.nan),
            "paid_currency": "EUR", "tactics": "creator collaborations\nweekly reels",
            "n_tactics": 2, "reference_contactable": rng.random(c) < 0.6,
        }
    )
    kpi_case = np.repeat(np.arange(c), 2)
    baseline = rng.uniform(100, 1000, len(kpi_case))
    kpis = pd.DataFrame(
        {
            "candidate_id": case_cid[kpi_case] if c else [],
            "case": np.asarray(case_idx)[kpi_case] if c else [],
            "name": rng.choice(KPI_NAMES, len(kpi_case)),
            "definition": np.where(rng.random(len(kpi_case)) < 0.7, "per 30 days", None),
            "baseline": np.where(rng.random(len(kpi_case)) < 0.8, baseline, np.nan),
            "result": baseline * rng.uniform(0.9, 2.5, len(kpi_case)),
            "unit": "count",
        }
    )

    # Team: 1–8 roles each.
    n_roles = rng.integers(1, 9, n)
    team_cid = _repeat_ids(ids, n_roles)
    roles = np.concatenate([rng.choice(np.array(ROLES), k, replace=False) for k in n_roles])
    team = pd.DataFrame(
        {
            "candidate_id": team_cid, "role": roles,
            "headcount": rng.choice(np.array([0.5, 1.0, 1.0, 2.0, 3.0]), len(team_cid)),
            "employment": np.where(rng.random(len(team_cid)) < 0.7, "in_house", "contracted"),
        }
    )

    # Answers: 8–12 of the questions. Each text joins the opening of one pool answer to
    # the ending of another in the same language, cut at random points, so that most
    # texts are distinct, as real candidates' answers are (83% of 99,873 with the sample
    # portfolios' answers as the pool; the repeats are stitched from the shortest ones).
    n_answers = rng.integers(8, len(QUESTION_IDS) + 1, n)
    answer_cid = _repeat_ids(ids, n_answers)
    answer_q = np.concatenate([np.array(QUESTION_IDS[:k]) for k in n_answers])
    answers_frame = pd.DataFrame(
        {"candidate_id": answer_cid, "question_id": answer_q,
         "text": _distinct_answers(list(answers), len(answer_cid), rng)}
    )
    certification_cid = _repeat_ids(ids, candidates["n_certifications"].to_numpy())
    completed = end - pd.to_timedelta(rng.integers(30, 1500, len(certification_cid)), unit="D")
    learning = pd.DataFrame(
        {
            "candidate_id": certification_cid, "name": "Meta Certified Media Buying",
            "issuer": "Meta", "completed": completed, "expires": pd.NaT,
        }
    )
    candidates["latest_certification"] = (
        learning.groupby("candidate_id")["completed"].max().reindex(ids).to_numpy()
    )
    return PortfolioFrames(
        candidates=candidates, accounts=accounts, posts=posts, history=history,
        cases=cases, kpis=kpis, team=team, answers=answers_frame, learning=learning,
    )

"""Audience authenticity from follower samples: the estimated fake share (004 §3).

A large following is not success if much of it is fake (004 §3). For every account with
a follower sample (``context.follower_samples``), the audit in
:mod:`vetting.followers_audit` estimates the fake share of the whole audience with a 95%
interval; this module turns that into one finding per account. Levels and flags are read
from the *interval*, not the point estimate, so a small or ambiguous sample never earns
a flag it cannot support. Thresholds and benchmark texts live in the ``audience``
section of ``vetting/data/follower_model.json``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from vetting.followers_audit import audit_samples, load_model
from vetting.frames import PortfolioFrames
from vetting.signals import SignalContext, findings_frame

AREA = "authenticity"
SIGNAL = "estimated_fake_share"


def _settings() -> dict[str, Any]:
    return dict(load_model().raw["audience"])


def _comparison(settings: dict[str, Any]) -> str:
    parts = []
    for benchmark in settings["benchmarks"]:
        name, year = benchmark["source"], benchmark.get("year")
        if year and str(year) not in name:
            name = f"{name} {year}"
        parts.append(f"{name}: {benchmark['text']}")
    return "; ".join(parts)


def _percent(values: pd.Series) -> pd.Series:
    return (100 * values).round(1).map("{:g}%".format)


def _levels(result: pd.DataFrame, settings: dict[str, Any], usable: np.ndarray) -> np.ndarray:
    width = (result["ci_high"] - result["ci_low"]).to_numpy()
    low, high = result["ci_low"].to_numpy(), result["ci_high"].to_numpy()
    conditions, choices = [], []
    for rule in settings["levels"]:
        if rule["when"] == "ci_low_above":
            conditions.append(low > rule["share"])
        elif rule["when"] == "ci_high_below":
            conditions.append(high < rule["share"])
        elif rule["when"] == "otherwise":
            conditions.append(width <= settings["max_interval_width_for_level"])
        else:
            raise ValueError(f"unknown level rule {rule['when']!r} in follower_model.json")
        choices.append(float(rule["level"]))
    levels = np.select(conditions, choices, default=np.nan)
    return np.where(usable, levels, np.nan)


def analyse(frames: PortfolioFrames, context: SignalContext) -> pd.DataFrame:
    """One finding per sampled account: estimated fake share, level, flag, confidence."""
    samples = dict(context.follower_samples)
    known = set(frames.candidates["candidate_id"]) if len(frames.candidates) else None
    if known is not None:
        samples = {key: frame for key, frame in samples.items() if key[0] in known}
    if not samples:
        return findings_frame([])
    settings = _settings()
    result = audit_samples(samples)
    accounts = frames.accounts[["candidate_id", "account", "handle", "platform"]]
    result = result.merge(accounts, on=["candidate_id", "account"], how="left")

    n = result["n"].to_numpy()
    usable = n >= settings["min_sample"]
    levels = _levels(result, settings, usable)

    flag = pd.Series([None] * len(result), dtype=object)
    severity = pd.Series([None] * len(result), dtype=object)
    flag_text = pd.Series("", index=result.index)
    for rule in reversed(settings["flags"]):  # later rules are milder; earlier overwrite
        raised = usable & (result["ci_low"].to_numpy() > rule["ci_low_above"])
        flag[raised] = rule["flag"]
        severity[raised] = rule["severity"]
        flag_text[raised] = f" Red flag {rule['flag']}: {rule['why']}."

    width = (result["ci_high"] - result["ci_low"]).fillna(1.0).to_numpy()
    tuning = settings["confidence"]
    confidence = np.clip(
        tuning["maximum"] * np.sqrt(np.minimum(1.0, n / tuning["full_sample"])) * (1 - width),
        tuning["minimum"], tuning["maximum"],
    )
    confidence = np.where(n > 0, confidence, 0.0)

    handle = result["handle"].astype("string").str.lstrip("@")
    subject = ("@" + handle + " on " + result["platform"].astype("string")).fillna(
        "account #" + result["account"].astype(str)
    )
    measured = (
        "Of " + result["n"].astype(str) + " sampled followers, "
        + result["n_flagged"].astype(str) + " (" + _percent(result["raw_flagged_share"])
        + ") were flagged as likely fake; corrected for the classifier's measured error"
        " rates, the estimated fake share of the audience is " + _percent(result["estimate"])
        + " (95% interval " + _percent(result["ci_low"]) + " to " + _percent(result["ci_high"])
        + "; model " + result["model"] + ")."
    )
    small = (
        " The sample is under " + str(settings["min_sample"])
        + " followers, too small to suggest a level or raise a flag."
    )
    wide = " The interval is too wide to suggest a level; audit a larger random sample."
    detail = np.where(
        n == 0,
        "The follower sample has no usable rows, so the audience could not be audited.",
        measured + np.where(~usable, small, np.where(np.isnan(levels), wide, "")) + flag_text,
    )
    rows = pd.DataFrame(
        {
            "candidate_id": result["candidate_id"],
            "area": AREA,
            "signal": SIGNAL,
            "subject": subject.astype(object),
            "value": np.where(n > 0, 100 * result["estimate"].to_numpy(dtype=float), np.nan),
            "unit": "%",
            "comparison": _comparison(settings),
            "benchmark_source": "; ".join(b["source"] for b in settings["benchmarks"]),
            "benchmark_year": np.nan,
            "suggested_level": levels,
            "flag": flag.to_numpy(),
            "severity": severity.to_numpy(),
            "confidence": np.round(confidence, 3),
            "sources": "; ".join(settings["sources"]),
            "detail": detail,
        }
    )
    return findings_frame(rows)

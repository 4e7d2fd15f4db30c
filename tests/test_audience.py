"""Audience signal: one authenticity finding per sampled account, flags from the interval."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from vetting.followers_audit import load_model, synthetic_followers
from vetting.frames import FINDING_COLUMNS, PortfolioFrames
from vetting.signals import SignalContext, to_findings
from vetting.signals.audience import analyse

TODAY = date(2026, 11, 22)


def frames_for(accounts: list[tuple[str, int, str]]) -> PortfolioFrames:
    candidates = sorted({cid for cid, _, _ in accounts})
    return PortfolioFrames.from_rows({
        "candidates": [{"candidate_id": cid, "name": cid, "kind": "freelancer"}
                       for cid in candidates],
        "accounts": [
            {"candidate_id": cid, "account": i, "platform": "instagram", "handle": handle,
             "ownership": "client", "followers": 12000}
            for cid, i, handle in accounts
        ],
    })


def run(samples: dict[tuple[str, int], pd.DataFrame]) -> pd.DataFrame:
    frames = frames_for([(cid, i, f"@{cid}_{i}") for cid, i in samples])
    return analyse(frames, SignalContext(today=TODAY, follower_samples=samples)).set_index(
        "candidate_id"
    )


def test_fake_heavy_sample_is_flagged_and_genuine_one_is_not() -> None:
    findings = run({
        ("bought", 0): synthetic_followers(300, 0.7, seed=21),
        ("honest", 0): synthetic_followers(300, 0.02, seed=22),
        ("mixed", 0): synthetic_followers(300, 0.35, seed=23),
    })
    assert list(findings.reset_index().columns) == list(FINDING_COLUMNS)
    bought, honest = findings.loc["bought"], findings.loc["honest"]
    assert bought["flag"] == "fake_audience_majority" and bought["severity"] == "knockout"
    assert bought["suggested_level"] == 1
    assert bought["value"] > 50 and "fake_audience_majority" in bought["detail"]
    assert pd.isna(honest["flag"]) and honest["suggested_level"] >= 4
    assert honest["value"] < 10
    assert findings.loc["mixed", "flag"] == "fake_audience_high"
    assert findings.loc["mixed", "severity"] == "serious"
    assert (findings["area"] == "authenticity").all()
    assert (findings["signal"] == "estimated_fake_share").all()
    assert (findings["sources"] == "004 §3").all()
    assert findings.loc["honest", "subject"] == "@honest_0 on instagram"
    assert "Modash" in honest["comparison"] and "IG Audit" in honest["comparison"]
    assert len(to_findings(findings.reset_index())) == 3  # valid Finding models


def test_flags_follow_the_lower_bound_in_the_data_file() -> None:
    settings = load_model().raw["audience"]
    findings = run({
        (f"c{i}", 0): synthetic_followers(400, share, seed=30 + i)
        for i, share in enumerate([0.0, 0.2, 0.4, 0.6, 0.9])
    })
    thresholds = {rule["flag"]: rule["ci_low_above"] for rule in settings["flags"]}
    for _, finding in findings.iterrows():
        low = float(finding["detail"].split("95% interval ")[1].split("%")[0]) / 100
        if low > thresholds["fake_audience_majority"]:
            assert finding["flag"] == "fake_audience_majority"
        elif low > thresholds["fake_audience_high"]:
            assert finding["flag"] == "fake_audience_high"
        else:
            assert pd.isna(finding["flag"])


def test_small_or_empty_samples_give_no_level_and_no_flag() -> None:
    minimum = load_model().raw["audience"]["min_sample"]
    findings = run({
        ("tiny", 0): synthetic_followers(minimum - 1, 0.9, seed=41),
        ("empty", 0): synthetic_followers(0, 0.0, seed=42),
    })
    for cid in ("tiny", "empty"):
        assert np.isnan(findings.loc[cid, "suggested_level"])
        assert pd.isna(findings.loc[cid, "flag"])
    assert "too small" in findings.loc["tiny", "detail"]
    assert np.isnan(findings.loc["empty", "value"]) and findings.loc["empty", "confidence"] == 0
    assert "no usable rows" in findings.loc["empty", "detail"]


def test_confidence_grows_with_sample_size() -> None:
    findings = run({
        ("small", 0): synthetic_followers(60, 0.1, seed=51),
        ("large", 0): synthetic_followers(1000, 0.1, seed=52),
    })
    assert findings.loc["large", "confidence"] > findings.loc["small", "confidence"]


def test_only_core_columns_still_gives_a_finding_with_the_model_named() -> None:
    sample = synthetic_followers(300, 0.1, seed=61)[["posts", "followers", "following"]]
    findings = run({("core", 0): sample})
    assert "model core)" in findings.loc["core", "detail"]


def test_no_samples_no_findings() -> None:
    frames = frames_for([("someone", 0, "@someone")])
    findings = analyse(frames, SignalContext(today=TODAY))
    assert len(findings) == 0 and list(findings.columns) == list(FINDING_COLUMNS)

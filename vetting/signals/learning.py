"""Keeping current: certifications and training completed recently.

004 §6: things change in a minute, and marketers must keep up to protect clients'
results; 000 §7 and 002 §7: the team must never stop learning. 000 §1 is context only:
formal schooling rarely covers social media, and anyone who graduated before 2019 had no
formal TikTok training, so recent self-directed learning is what shows. The window and
levels live in ``vetting/data/signal_thresholds.yaml``.

"""

from __future__ import annotations

import numpy as np
import pandas as pd

from vetting.frames import PortfolioFrames
from vetting.signals import SignalContext, findings_frame
from vetting.signals._thresholds import flag_columns, level_from_table, settings

AREA = "learning"
_CID = "candidate_id"





def _recent_counts(frames: PortfolioFrames, window_start: pd.Timestamp) -> pd.Series:
    """Certifications completed since ``window_start``, per candidate."""
    certifications = frames.learning
    completed = pd.to_datetime(certifications["completed"])
    recent = certifications.loc[completed >= window_start, _CID].value_counts()
    return frames.candidates[_CID].map(recent).fillna(0).astype(float)


def analyse(frames: PortfolioFrames, context: SignalContext) -> pd.DataFrame:
    """Findings on recent learning for every candidate in ``frames``."""
    config = settings()["learning"]
    months = int(config["recent_window_months"]["value"])
    today = pd.Timestamp(context.today)
    window_start = today - pd.DateOffset(months=months)
    candidates = frames.candidates
    recent = _recent_counts(frames, window_start)
    n_listed = candidates["n_certifications"].fillna(0).astype(int)
    latest = pd.to_datetime(candidates["latest_certification"])
    latest_text = latest.dt.strftime("%Y-%m-%d").fillna("none")
    listed = n_listed > 0
    self_declared = settings()["confidence"]["self_declared"]["value"]
    count_text = recent.astype(int).astype(str)
    detail = (
        count_text + " of " + n_listed.astype(str)
        + f" certifications or courses listed were completed in the last {months} months"
        " (most recent: " + latest_text + ")."
    )
    none_listed = (
        "No certifications or training listed: ask how the candidate keeps up with platform"
        " and algorithm changes (004 §6, 002 §7)."
    )
    findings = pd.DataFrame(
        {
            _CID: candidates[_CID],
            "area": AREA,
            "signal": "recent_training_count",
            "subject": "portfolio",
            "value": recent,
            "unit": f"certifications in {months} months",
            "comparison": (
                f"completed since {window_start:%Y-%m-%d} ({months} months before"
                f" {today:%Y-%m-%d})"
            ),
            "suggested_level": level_from_table(recent, config["recent_training_levels"]),
            "confidence": np.where(
                listed, self_declared, config["no_training_listed_confidence"]["value"]
            ),
            "sources": "004 §6; 000 §7; 002 §7",
            "detail": detail.where(listed, none_listed),
        }
    )
    stale = (recent == 0).to_numpy()
    flagged = findings[stale].assign(
        suggested_level=np.nan,
        detail=(
            pd.Series(
                np.where(listed, "Nothing completed in", "No training listed for"),
                index=candidates.index,
            )[stale]
            + f" the last {months} months (most recent: " + latest_text[stale]
            + "): platforms and algorithms change faster than that (004 §6)."
        ),
        **flag_columns("no_recent_training"),
    )
    tiktok_year = int(config["tiktok_training_year"]["value"])
    early = listed & (latest < pd.Timestamp(year=tiktok_year, month=1, day=1))
    context_rows = candidates.loc[early, [_CID]].assign(
        area=AREA,
        signal="training_predates_tiktok",
        subject="portfolio",
        value=np.nan,
        comparison=f"formal training before {tiktok_year}",
        confidence=self_declared,
        sources="000 §1",
        detail=(
            "All listed training predates " + str(tiktok_year)
            + ": context only (000 §1): formal courses then had no TikTok tactics or strategy,"
            " so ask how the candidate learned the newer platforms."
        ),
    )
    return findings_frame(pd.concat([findings, flagged, context_rows], ignore_index=True))

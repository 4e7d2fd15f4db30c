"""Signal analysers: portfolios in, findings out, one module per rubric area.

Every analyser has the same shape::

    def analyse(frames: PortfolioFrames, context: SignalContext) -> pd.DataFrame

and returns a table with exactly the columns of :data:`vetting.frames.FINDING_COLUMNS`,
one row per finding, computed vectorised across all candidates in ``frames``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from vetting.frames import FINDING_COLUMNS
from vetting.models import Brief, Finding


@dataclass(frozen=True)
class SignalContext:
    """What analysers need besides the portfolios themselves.

    ``follower_samples`` maps (candidate_id, account position) to the sampled followers
    read by :func:`vetting.followers_audit.read_follower_sample`.
    """

    today: date
    brief: Brief | None = None
    follower_samples: Mapping[tuple[str, int], pd.DataFrame] = field(default_factory=dict)


def findings_frame(rows: list[dict[str, object]] | pd.DataFrame) -> pd.DataFrame:
    """A findings table with the standard columns, in order, missing ones empty."""
    frame = pd.DataFrame(rows) if not isinstance(rows, pd.DataFrame) else rows
    frame = frame.reindex(columns=list(FINDING_COLUMNS))
    return frame.astype({"value": "float64", "suggested_level": "float64", "confidence": "float64"})


def to_findings(frame: pd.DataFrame) -> list[Finding]:
    """Findings tables as models, for display and storage (not for hot paths)."""
    records = frame.astype(object).where(frame.notna(), None).to_dict("records")
    findings = []
    for record in records:
        for text_field in ("unit", "comparison", "detail"):
            if record[text_field] is None:
                record[text_field] = ""
        record["sources"] = [s.strip() for s in str(record["sources"]).split(";") if s.strip()]
        if record["benchmark_year"] is not None:
            record["benchmark_year"] = int(record["benchmark_year"])
        findings.append(Finding.model_validate(record))
    return findings

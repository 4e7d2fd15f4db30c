"""Signal analysers: portfolios in, findings out, one module per rubric area.

Every analyser has the same shape::

    def analyse(frames: PortfolioFrames, context: SignalContext) -> pd.DataFrame

and returns a table with exactly the columns of :data:`vetting.frames.FINDING_COLUMNS`,
one row per finding, computed vectorised across all candidates in ``frames``.

An analyser that reads the shared analysis of the written answers may also have
``prepare(frames) -> None``: the part of its work that needs no answers, which
:func:`vetting.evidence.analyse` runs while the answers are still being analysed and
which ``analyse`` then finds remembered (:func:`vetting.signals._memo.remember_last`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd
from pandas.api.extensions import take

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
    # astype costs a frame rebuild even when nothing changes: convert only what needs it.
    to_type: dict[str, str] = {
        column: "float64"
        for column in ("value", "suggested_level", "confidence")
        if frame[column].dtype != np.float64
    }
    # Candidate ids and subjects are pandas' str in every table (most analysers make
    # them so anyway): one table of Python objects would make the combined column
    # objects, and combining would convert every other table's ids to objects.
    to_type |= {
        column: "str" for column in ("candidate_id", "subject") if frame[column].dtype != "str"
    }
    return frame.astype(to_type) if to_type else frame


def combine_findings(parts: Sequence[pd.DataFrame]) -> pd.DataFrame:
    """The analysers' tables as one: ``findings_frame(pd.concat(parts, ignore_index=True))``,
    value for value and type for type, but cheaper.

    When a column is text (``str``) in some parts and Python objects (or all-NaN floats) in
    others, pandas makes the combined column ``object`` and converts each text value on its
    own. Here the text parts of such a column are converted together, each distinct value
    once: candidate ids, subjects and flags repeat a lot.
    """
    columns = list(FINDING_COLUMNS)
    if not parts:
        return findings_frame([])
    if any(list(part.columns) != columns for part in parts):
        return findings_frame(pd.concat(parts, ignore_index=True))
    # pandas picks a combined column's type from the parts' types only: empty parts say it.
    combined_types = pd.concat([part.iloc[:0] for part in parts], ignore_index=True).dtypes
    mixed = [
        column
        for column in columns
        if combined_types[column] == np.dtype(object)
        and any(isinstance(part[column].dtype, pd.StringDtype) for part in parts)
    ]
    frame = pd.concat([part.drop(columns=mixed) for part in parts], ignore_index=True)
    for column in mixed:
        values = _as_objects([part[column] for part in parts])
        frame[column] = pd.Series(values, index=frame.index, dtype=object, copy=False)
    return findings_frame(frame)


def _as_objects(pieces: list[pd.Series]) -> np.ndarray:
    """The pieces end to end as one object array, as ``pd.concat`` converts them."""
    out = np.empty(sum(len(piece) for piece in pieces), dtype=object)
    starts = np.cumsum([0] + [len(piece) for piece in pieces])
    text_type = pd.StringDtype(na_value=np.nan)  # pandas' default "str"
    text = [i for i, piece in enumerate(pieces) if piece.dtype == text_type]
    if text:
        codes, distinct = pd.factorize(pd.concat([pieces[i] for i in text], ignore_index=True))
        values = take(
            distinct.to_numpy(dtype=object), codes, allow_fill=True, fill_value=np.nan
        )
        offset = 0
        for i in text:
            out[starts[i] : starts[i + 1]] = values[offset : offset + len(pieces[i])]
            offset += len(pieces[i])
    for i, piece in enumerate(pieces):
        if i in text:
            continue
        if piece.dtype == np.float64 and piece.isna().all():
            out[starts[i] : starts[i + 1]] = np.nan  # a column the analyser left empty
        else:
            out[starts[i] : starts[i + 1]] = piece.to_numpy(dtype=object)
    return out


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

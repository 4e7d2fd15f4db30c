"""What the structured signals share: the thresholds file and its level tables.

Every threshold a signal uses lives in ``vetting/data/signal_thresholds.yaml`` with its
reason and the warning it rests on; these helpers read it once and apply it.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

SETTINGS_FILE = Path(__file__).resolve().parents[1] / "data" / "signal_thresholds.yaml"


@cache
def settings() -> dict[str, Any]:
    """The shared thresholds file, read once."""
    return yaml.safe_load(SETTINGS_FILE.read_text(encoding="utf-8"))


def level_from_table(values: pd.Series, table: dict[str, Any]) -> pd.Series:
    """Look values up in a level table of the thresholds file; NaN stays NaN.

    >>> table = {"lower_bounds": [1, 3], "levels": [1, 3, 5]}
    >>> level_from_table(pd.Series([0, 2, 9, float("nan")]), table).tolist()
    [1.0, 3.0, 5.0, nan]
    """
    raw = values.to_numpy(dtype=float)
    if "upper_bounds" in table:
        index = np.searchsorted(np.asarray(table["upper_bounds"], float), raw, side="left")
    else:
        index = np.searchsorted(np.asarray(table["lower_bounds"], float), raw, side="right")
    levels = np.asarray(table["levels"], float)[np.minimum(index, len(table["levels"]) - 1)]
    return pd.Series(np.where(np.isnan(raw), np.nan, levels), index=values.index)


def flag_columns(flag_id: str) -> dict[str, str]:
    """The flag, its default severity and its sources, as findings columns."""
    flag = settings()["flags"][flag_id]
    return {"flag": flag_id, "severity": flag["severity"], "sources": "; ".join(flag["sources"])}


def fmt(values: pd.Series, spec: str) -> pd.Series:
    """Numbers formatted for a finding's detail text."""
    return values.map(lambda value: format(value, spec)).astype(str)

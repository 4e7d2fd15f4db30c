"""What the structured signals share: the thresholds file, its level tables, fast keys.

Every threshold a signal uses lives in ``vetting/data/signal_thresholds.yaml`` with its
reason and the warning it rests on; these helpers read it once and apply it.

The key helpers exist for speed: grouping large tables by the Arrow-backed
``candidate_id`` strings re-hashes every string on each groupby, so the analysers map each
row to its candidate's position once (cached per table) and count with numpy.
"""

from __future__ import annotations

import weakref
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from vetting.frames import PortfolioFrames

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
    """Numbers formatted for a finding's detail text (each distinct value formatted once)."""
    numbers = values.to_numpy(dtype=float)
    # Factorize the bit patterns, so that 0.0 and -0.0 stay apart as format() keeps them.
    codes, distinct = pd.factorize(numbers.view(np.int64))
    texts = np.array(
        [format(number, spec) for number in distinct.view(np.float64).tolist()], dtype=object
    )
    return pd.Series(texts[codes] if len(texts) else texts, index=values.index).astype(str)


# (id of the table, id of the candidates table) -> (weak references to both, positions)
_POSITIONS: dict[tuple[int, int], tuple[weakref.ref, weakref.ref, np.ndarray]] = {}


def candidate_positions(table: pd.DataFrame, candidates: pd.DataFrame) -> np.ndarray:
    """Row position in ``candidates`` of each row's candidate_id, -1 when it is not there.

    Cached per pair of tables (weakly, so that frames can be freed): several analysers
    group the same large tables (posts, cases, team) by candidate.
    """
    key = (id(table), id(candidates))
    cached = _POSITIONS.get(key)
    if cached is not None and cached[0]() is table and cached[1]() is candidates:
        return cached[2]
    codes, distinct = pd.factorize(table["candidate_id"])
    lookup = pd.Index(candidates["candidate_id"]).get_indexer(distinct)
    positions = np.where(codes >= 0, lookup[codes] if len(lookup) else codes, -1)
    for stale in [k for k, entry in _POSITIONS.items() if entry[0]() is None or entry[1]() is None]:
        del _POSITIONS[stale]
    _POSITIONS[key] = (weakref.ref(table), weakref.ref(candidates), positions)
    return positions


def count_per_candidate(
    positions: np.ndarray, n_candidates: int, weights: np.ndarray | None = None
) -> np.ndarray:
    """Rows (or the sum of ``weights``) per candidate position; rows at -1 are left out."""
    known = positions >= 0
    if weights is not None:
        weights = np.asarray(weights, dtype=float)[known]
    return np.bincount(positions[known], weights=weights, minlength=n_candidates)


def distinct_per_candidate(
    positions: np.ndarray, codes: np.ndarray, n_candidates: int
) -> np.ndarray:
    """How many distinct codes (>= 0) each candidate position has."""
    known = (positions >= 0) & (codes >= 0)
    if not known.any():
        return np.zeros(n_candidates, dtype=np.int64)
    n_codes = int(codes.max()) + 1
    pairs = np.unique(positions[known].astype(np.int64) * n_codes + codes[known])
    return np.bincount(pairs // n_codes, minlength=n_candidates)


def text_codes(values: pd.Series, normalise: Any = None) -> np.ndarray:
    """Integer codes of text values after ``normalise`` (run once per distinct value).

    Values that are missing, before or after ``normalise``, get -1.
    """
    codes, distinct = pd.factorize(values, use_na_sentinel=False)
    normalised = pd.Series(distinct)
    if normalise is not None:
        normalised = normalise(normalised)
    key_codes, _ = pd.factorize(normalised)
    return key_codes[codes] if len(key_codes) else codes


def platform_presence(frames: PortfolioFrames) -> tuple[list[str], np.ndarray]:
    """Platforms named in case studies (";"-joined) or by managed accounts, per candidate.

    Returns the platform names and a candidates × platforms boolean matrix; each distinct
    ``platforms`` text is split once.
    """
    n_candidates = len(frames.candidates)
    case_positions = candidate_positions(frames.cases, frames.candidates)
    account_positions = candidate_positions(frames.accounts, frames.candidates)
    case_codes, case_texts = pd.factorize(frames.cases["platforms"].fillna("").astype(str))
    account_codes, account_names = pd.factorize(
        frames.accounts["platform"].fillna("").astype(str)
    )
    case_names = [text.split(";") for text in case_texts.tolist()]
    names = sorted(
        ({name for split in case_names for name in split} | set(account_names.tolist())) - {""}
    )
    presence = np.zeros((n_candidates, len(names)), dtype=bool)
    account_lookup = {name: code for code, name in enumerate(account_names.tolist())}
    for column, name in enumerate(names):
        in_text = np.array([name in split for split in case_names], dtype=bool)
        if len(in_text):
            rows = in_text[case_codes]
            presence[:, column] |= count_per_candidate(case_positions[rows], n_candidates) > 0
        if name in account_lookup:
            rows = account_codes == account_lookup[name]
            presence[:, column] |= count_per_candidate(account_positions[rows], n_candidates) > 0
    return names, presence

"""What the signals share: the thresholds file, its level tables, fast keys, medians per
candidate, and figures formatted for detail text.

Every threshold a signal uses lives in ``vetting/data/signal_thresholds.yaml`` with its
reason and the warning it rests on; these helpers read it once and apply it.

The key helpers exist for speed: grouping large tables by the Arrow-backed
``candidate_id`` strings re-hashes every string on each groupby, so the analysers map each
row to its candidate's position once (cached per table) and count with numpy.
"""

from __future__ import annotations

import re
import threading
import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
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
    texts = number_texts(values.to_numpy(dtype=float), spec)
    return pd.Series(texts, index=values.index).astype(str)


def number_texts(values: np.ndarray, spec: str) -> np.ndarray:
    """Numbers formatted with ``spec`` as an object array, each distinct text made once.

    Integer arrays stay integers (so "d" works); anything else is formatted as floats
    (see :func:`formatted`).

    >>> number_texts(np.array([3, 1, 3]), "d").tolist()
    ['3', '1', '3']
    >>> number_texts(np.array([0.5, -0.0, 0.0]), ".1f").tolist()
    ['0.5', '-0.0', '0.0']
    """
    values = np.asarray(values)
    if values.dtype.kind not in "iu":
        return formatted(values, spec)
    distinct, codes = np.unique(values, return_inverse=True)
    texts = np.array([format(number, spec) for number in distinct.tolist()], dtype=object)
    return texts[codes.reshape(-1)] if len(texts) else np.array([], dtype=object)


def count_texts(values: np.ndarray | pd.Series) -> np.ndarray:
    """Counts as text ("3"), whatever numeric type they were summed in.

    >>> count_texts(np.array([3.0, 0.0, 3.0])).tolist()
    ['3', '0', '3']
    """
    return number_texts(np.asarray(values).astype(np.int64), "d")


def names_of_true(flags: np.ndarray, names: Sequence[str], empty: object = "none"
                  ) -> np.ndarray:
    """The names whose column is True, ", "-joined per row (``empty`` where none), as an
    object array; each distinct combination of columns is spelled out once.

    >>> names_of_true(np.array([[True, False], [True, True], [False, False]]), ["a", "b"]
    ...               ).tolist()
    ['a', 'a, b', 'none']
    """
    matrix = np.asarray(flags, dtype=bool).reshape(len(flags), len(names))
    if len(names) <= 62:  # each row's columns as the bits of one integer: fast to group
        bits = matrix.astype(np.int64) @ (np.int64(1) << np.arange(len(names), dtype=np.int64))
        distinct, codes = np.unique(bits, return_inverse=True)
        rows = [[bool(row >> column & 1) for column in range(len(names))]
                for row in distinct.tolist()]
    else:
        unique_rows, codes = np.unique(matrix, axis=0, return_inverse=True)
        rows = unique_rows.tolist()
    texts = [", ".join(name for name, on in zip(names, row, strict=True) if on) or empty
             for row in rows]
    return np.array(texts, dtype=object)[codes.reshape(-1)]


def id_rank(ids: pd.Index | pd.Series | np.ndarray) -> np.ndarray:
    """Each candidate's rank among the ids sorted as strings: sorting rows on it orders
    them as a groupby on the ids would list them.

    >>> id_rank(np.array(["b", "c", "a"], dtype=object)).tolist()
    [1, 2, 0]
    """
    order = np.argsort(np.asarray(ids, dtype=object), kind="stable")
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    return rank


def distinct_members(values: np.ndarray, keys: np.ndarray) -> tuple[list[float], np.ndarray]:
    """A value for each distinct key (bit for bit), and for each value its key's number."""
    distinct, inverse = np.unique(keys.view(np.int64), return_inverse=True)
    member = np.empty(len(distinct), dtype=np.intp)
    member[inverse] = np.arange(len(keys))  # some value with each key
    return values[member].tolist(), inverse


_FIXED_POINT = re.compile(r"\+?,?\.(\d+)([f%])")


def formatted(values: np.ndarray | pd.Series, spec: str) -> np.ndarray:
    """``format(value, spec)`` for each value, calling ``format`` once per distinct text.

    Figures shown to a few decimals repeat once rounded (rates to 0.01%, counts to whole
    numbers), so for a fixed-point spec values are grouped by the digits they show and one
    value per group is formatted. Those digits are found as ``format`` finds them: "%"
    first multiplies by 100 in floating point (as CPython does), then the value is rounded
    half to even at the last decimal. Scaling by 10**decimals may be off by half a unit in
    the last place, so a value that close to a rounding tie is grouped only with itself.

    >>> formatted(np.array([1234.4, 1234.2, 0.5]), ",.0f").tolist()
    ['1,234', '1,234', '0']
    """
    texts, codes = _formatted_distinct(values, spec)
    return np.array(texts, dtype=object)[codes] if texts else np.empty(0, dtype=object)


def formatted_text(values: np.ndarray | pd.Series, spec: str) -> pa.Array:
    """:func:`formatted` as an Arrow text column, for details joined in Arrow
    (:func:`join_arrays`): only the distinct texts are Python strings.

    >>> formatted_text(np.array([0.25, 0.25]), "+.0%").to_pylist()
    ['+25%', '+25%']
    """
    texts, codes = _formatted_distinct(values, spec)
    return take_text(pa.array(texts, type=pa.large_string()), codes)


def _formatted_distinct(values: np.ndarray | pd.Series, spec: str
                        ) -> tuple[list[str], np.ndarray]:
    """(the distinct texts, each value's position among them) of :func:`formatted`."""
    values = np.array(values, dtype=float)
    fixed = _FIXED_POINT.fullmatch(spec)
    if fixed is None:
        keys = values
    else:
        keys = _digits_shown(values, int(fixed[1]), percent=fixed[2] == "%")
    texts: list[str] = []
    codes = np.zeros(len(values), dtype=np.int64)
    # Values whose digits are sure are grouped by them; the rest by their own bits.
    sure = ~np.isnan(keys)
    unsure = ~sure
    if fixed is not None and fixed[1] == "0" and fixed[2] == "f":
        # Whole numbers: their digits as Python ints format faster than floats do (all but
        # a negative zero, which shows as "-0").
        whole = sure & (np.abs(keys) < 2**53) & ~((keys == 0) & np.signbit(keys))
        if whole.any():
            distinct, inverse = np.unique(keys[whole].astype(np.int64), return_inverse=True)
            int_spec = spec.removesuffix(".0f") + "d"
            codes[whole] = len(texts) + inverse.reshape(-1)
            texts += [format(value, int_spec) for value in distinct.tolist()]
        sure &= ~whole
    for group, group_keys in ((sure, keys), (unsure, values)):
        if group.any():
            members, inverse = distinct_members(values[group], group_keys[group])
            codes[group] = len(texts) + inverse.reshape(-1)
            texts += [format(value, spec) for value in members]
    return texts, codes


def take_text(distinct: pa.Array, codes: np.ndarray) -> pa.Array:
    """A text column taken from its few distinct values (null where the code is -1)."""
    missing = codes < 0
    indices = pa.array(codes, type=pa.int64(), mask=missing if missing.any() else None)
    return distinct.take(indices)


def texts_by_case(size: int, otherwise: str | None, *cases: tuple[np.ndarray, pa.Array]
                  ) -> pa.Array:
    """One Arrow text column of ``size`` rows: for each (mask, texts) case, ``texts`` (one
    per True row of ``mask``) in its rows; ``otherwise`` (None: null) in rows no case
    covers. The masks must not overlap.

    >>> texts_by_case(4, "-", (np.array([True, False, False, True]), pa.array(["a", "b"])),
    ...               (np.array([False, True, False, False]), pa.array(["c"]))).to_pylist()
    ['a', 'c', '-', 'b']
    """
    pieces = [pa.array([otherwise], type=pa.large_string())]
    index = np.zeros(size, dtype=np.int64)
    offset = 1
    for mask, texts in cases:
        assert not index[mask].any(), "the cases overlap"
        index[mask] = offset + np.arange(len(texts))
        pieces.append(texts.cast(pa.large_string()))
        offset += len(texts)
    return pa.concat_arrays(pieces).take(pa.array(index))


def select_text(texts: pa.Array, mask: np.ndarray) -> pa.Array:
    """The texts of the rows where ``mask`` is True."""
    return texts.filter(pa.array(mask, type=pa.bool_()))


def join_arrays(*parts: pa.Array | str) -> pa.Array:
    """Arrow text columns and literals concatenated row by row (null in, null out)."""
    arrays = [pa.scalar(part, pa.large_string()) if isinstance(part, str) else part
              for part in parts]
    return pc.binary_join_element_wise(*arrays, pa.scalar("", pa.large_string()))


def _digits_shown(values: np.ndarray, decimals: int, percent: bool) -> np.ndarray:
    """The digits ``format`` shows for each value as a signed whole number (-0.0 for a
    negative value shown as zero), NaN where they are not sure (see :func:`formatted`)."""
    with np.errstate(invalid="ignore", over="ignore"):
        shown = values * 100 if percent else values
        scaled = shown * 10.0 ** decimals
        sure = np.isfinite(scaled)
        if decimals:
            tie_distance = np.abs(scaled - np.floor(scaled) - 0.5)
            sure &= tie_distance > 4 * np.spacing(np.abs(scaled) + 1.0)
    return np.where(sure, np.copysign(np.rint(scaled), values), np.nan)


def run_starts(values: pd.Series | np.ndarray) -> np.ndarray:
    """True where a row's value differs from the row before (always on the first row).

    Missing values count as different from everything, so each starts its own run.
    Arrow-backed strings are compared in Arrow, which is much cheaper than hashing them.

    >>> run_starts(pd.Series(["a", "a", None, None, "b", "a"])).tolist()
    [True, False, True, True, True, True]
    """
    starts = np.ones(len(values), dtype=bool)
    if len(values) < 2:
        return starts
    if isinstance(values, pd.Series) and isinstance(values.array, pd.arrays.ArrowStringArray):
        array = pa.array(values.array)
        differs = pc.fill_null(pc.not_equal(array[1:], array[:-1]), True)
        starts[1:] = differs.to_numpy(zero_copy_only=False)
    elif values.dtype.kind in "iub":
        numbers = np.asarray(values)
        starts[1:] = numbers[1:] != numbers[:-1]
    else:
        codes, _ = pd.factorize(values)
        starts[1:] = (codes[1:] != codes[:-1]) | (codes[1:] < 0)
    return starts


def place_in_run(values: pd.Series | np.ndarray) -> np.ndarray:
    """Each row's place within its run of equal values (0 for the run's first row), for
    keeping the first k rows of each group of a sorted table.

    >>> place_in_run(np.array([4, 4, 4, 7, 2, 2])).tolist()
    [0, 1, 2, 0, 0, 1]
    """
    positions = np.arange(len(values))
    return positions - np.maximum.accumulate(np.where(run_starts(values), positions, 0))


@dataclass(frozen=True)
class CandidateRuns:
    """Where each table row's candidate sits in the candidates table, run by run.

    ``starts`` are the first rows of runs of equal candidate_id, ``run_positions`` the
    candidates-table row of each run (-1 when the id is missing or unknown) and
    ``positions`` the same spread over every row.
    """

    starts: np.ndarray
    run_positions: np.ndarray
    positions: np.ndarray


# (id of the table, id of the candidates table) -> (weak references to both, runs)
_RUNS: dict[tuple[int, int], tuple[weakref.ref, weakref.ref, CandidateRuns]] = {}
_RUNS_LOCK = threading.Lock()  # the app scores for several sessions on threads


def candidate_runs(table: pd.DataFrame, candidates: pd.DataFrame) -> CandidateRuns:
    """Row position in ``candidates`` of each row's candidate_id, looked up per run.

    Large tables list their rows candidate by candidate, so one lookup per run of equal
    ids is enough. Cached per pair of tables (weakly, so that frames can be freed):
    several analysers group the same large tables (posts, cases, team) by candidate.
    """
    key = (id(table), id(candidates))
    cached = _RUNS.get(key)
    if cached is not None and cached[0]() is table and cached[1]() is candidates:
        return cached[2]
    ids = table["candidate_id"]
    starts = np.flatnonzero(run_starts(ids))
    codes, distinct = pd.factorize(ids.iloc[starts])
    lookup = pd.Index(candidates["candidate_id"]).get_indexer(distinct)
    run_positions = np.where(codes >= 0, lookup[codes] if len(lookup) else codes, -1)
    positions = np.repeat(run_positions, np.diff(np.append(starts, len(ids))))
    runs = CandidateRuns(starts=starts, run_positions=run_positions, positions=positions)
    with _RUNS_LOCK:
        for stale in [k for k, entry in _RUNS.items()
                      if entry[0]() is None or entry[1]() is None]:
            del _RUNS[stale]
        _RUNS[key] = (weakref.ref(table), weakref.ref(candidates), runs)
    return runs


def candidate_positions(table: pd.DataFrame, candidates: pd.DataFrame) -> np.ndarray:
    """Row position in ``candidates`` of each row's candidate_id, -1 when it is not there."""
    return candidate_runs(table, candidates).positions


def matching_rows(
    table: pd.DataFrame, other: pd.DataFrame, column: str, candidates: pd.DataFrame
) -> np.ndarray:
    """Row position in ``other`` of the row with the same candidate and integer ``column``
    (e.g. a post's account, a KPI's case study) as each row of ``table``; -1 when none.

    ``table`` lists its rows in runs of the same candidate and key, so each run is looked
    up once.
    """
    n_candidates = max(len(candidates), 1)
    other_candidates = candidate_positions(other, candidates).astype(np.int64)
    other_keys = other_candidates + other[column].to_numpy(dtype=np.int64) * n_candidates
    # Rows of unknown candidates get distinct negative keys that nothing can match.
    other_keys = np.where(other_candidates >= 0, other_keys, -1 - np.arange(len(other_keys)))
    row_candidates = candidate_positions(table, candidates).astype(np.int64)
    values = table[column].to_numpy(dtype=np.int64)
    if not len(values):
        return np.zeros(0, dtype=np.int64)
    starts = np.ones(len(values), dtype=bool)
    starts[1:] = (row_candidates[1:] != row_candidates[:-1]) | (values[1:] != values[:-1])
    starts = np.flatnonzero(starts)
    run_candidates = row_candidates[starts]
    rows = pd.Index(other_keys).get_indexer(run_candidates + values[starts] * n_candidates)
    rows = np.where(run_candidates >= 0, rows, -1)
    return np.repeat(rows, np.diff(np.append(starts, len(values))))


def median_per_candidate(
    positions: np.ndarray, values: np.ndarray, n_candidates: int
) -> np.ndarray:
    """Median of the non-missing ``values`` per candidate position, NaN where there is none.

    The same numbers as ``groupby().median()``: the middle value, or the mean of the two
    middle values.

    >>> median_per_candidate(np.array([0, 0, 1, 1, 1, -1]), np.array([4, 1, 2, 9, 5, 7]), 3)
    array([2.5, 5. , nan])
    """
    values = np.asarray(values, dtype=float)
    keep = (positions >= 0) & ~np.isnan(values)
    groups, numbers = positions[keep], values[keep]
    order = np.lexsort((numbers, groups))
    groups, numbers = groups[order], numbers[order]
    counts = np.bincount(groups, minlength=n_candidates)
    begins = np.cumsum(counts) - counts
    has = np.flatnonzero(counts > 0)
    low = numbers[begins[has] + (counts[has] - 1) // 2]
    high = numbers[begins[has] + counts[has] // 2]
    median = np.full(n_candidates, np.nan)
    median[has] = np.where(counts[has] % 2 == 1, low, (low + high) / 2)
    return median


def count_per_candidate(
    positions: np.ndarray, n_candidates: int, weights: np.ndarray | None = None
) -> np.ndarray:
    """Rows (or the sum of ``weights``) per candidate position; rows at -1 are left out."""
    known = positions >= 0
    if weights is not None:
        weights = np.asarray(weights, dtype=float)[known]
    return np.bincount(positions[known], weights=weights, minlength=n_candidates)


def sum_runs_per_candidate(
    runs: CandidateRuns, n_candidates: int, values: np.ndarray | None = None
) -> np.ndarray:
    """Rows (or the sum of whole-number ``values``) per candidate, added run by run.

    Whole numbers add up exactly in any order, so this matches a row-by-row count while
    touching each long table only once; rows of unknown candidates are left out.
    """
    n_rows = len(runs.positions)
    if not n_rows:
        return np.zeros(n_candidates, dtype=np.int64)
    if values is None:
        per_run = np.diff(np.append(runs.starts, n_rows))
    else:
        per_run = np.add.reduceat(np.asarray(values).astype(np.int64), runs.starts)
    known = runs.run_positions >= 0
    return np.bincount(
        runs.run_positions[known], weights=per_run[known], minlength=n_candidates
    ).astype(np.int64)


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

"""The shared helpers of the signal analysers. Detail sentences quote figures through
``formatted``, which calls ``format`` once per distinct text: it must give exactly what
``format`` gives, rounding ties included."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from vetting.signals._thresholds import (
    fmt,
    formatted,
    formatted_text,
    names_of_true,
    number_texts,
    texts_by_case,
)

SPECS = [".0f", ",.0f", "+,.0f", "+.0f", ".1f", ".2f", ".0%", ".1%", "+.0%", ".2%", ".3g"]


def _awkward_values(seed: int) -> np.ndarray:
    """Ordinary figures, values on and next to rounding ties, and the special floats."""
    rng = np.random.default_rng(seed)
    ordinary = np.concatenate([
        rng.normal(0, 1, 2_000),
        rng.lognormal(5, 3, 2_000),
        -rng.lognormal(2, 2, 500),
        rng.integers(-10**6, 10**6, 1_000).astype(float),
    ])
    ties = np.concatenate([
        (rng.integers(-10**5, 10**5, 2_000) + 0.5) / 10.0 ** rng.integers(0, 4, 2_000),
        rng.integers(0, 10**4, 500) * 0.005,  # 0.005 steps: ties for ".2f" and ".0%"
    ])
    near_ties = np.concatenate([np.nextafter(ties, np.inf), np.nextafter(ties, -np.inf)])
    special = np.array([0.0, -0.0, np.nan, np.inf, -np.inf, 2.0**53, -(2.0**53) - 2, 1e300,
                        5e-324, 0.125, 0.375, 2.5, -2.5, 0.045, 0.0045])
    return np.concatenate([ordinary, ties, near_ties, special])


@pytest.mark.parametrize("spec", SPECS)
def test_formatted_is_format_for_every_value(spec: str) -> None:
    values = _awkward_values(seed=len(spec))
    expected = [format(float(value), spec) for value in values]
    assert formatted(values, spec).tolist() == expected
    assert formatted_text(values, spec).to_pylist() == expected  # the same, in Arrow


def test_cases_of_a_text_column_must_not_overlap() -> None:
    both = np.array([True, True])
    with pytest.raises(AssertionError, match="overlap"):
        texts_by_case(2, "", (both, pa.array(["a", "b"])), (both, pa.array(["c", "d"])))


def test_number_texts_keeps_integers_integers() -> None:
    assert number_texts(np.array([3, 1, 3, -7]), "d").tolist() == ["3", "1", "3", "-7"]
    assert number_texts(np.array([1500, 2]), ",d").tolist() == ["1,500", "2"]


def test_fmt_returns_text_aligned_with_its_input() -> None:
    values = pd.Series([0.5, -0.0, 12.345], index=[10, 20, 30])
    texts = fmt(values, ".1f")
    assert texts.tolist() == ["0.5", "-0.0", "12.3"]
    assert list(texts.index) == [10, 20, 30]


@pytest.mark.parametrize("n_columns", [3, 12, 70])
def test_names_of_true_spells_each_row(n_columns: int) -> None:
    """Up to 62 columns go through bit masks, wider tables through unique rows."""
    flags = np.random.default_rng(n_columns).random((200, n_columns)) < 0.2
    names = [f"role {i}" for i in range(n_columns)]
    expected = [", ".join(n for n, on in zip(names, row, strict=True) if on) or "none"
                for row in flags.tolist()]
    assert names_of_true(flags, names).tolist() == expected

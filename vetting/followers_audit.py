"""Follower-sample audit: how much of an audience is likely fake (004 §3).

A manager exports a random sample of an account's followers (one row per follower:
posts, followers, following and, when available, profile picture, private, username,
biography). Each follower is scored with a logistic model calibrated on two public
labelled datasets (see ``docs/follower-audit.md``); the share flagged is then corrected
for the classifier's *measured cross-dataset* error rates (Rogan–Gladen), because a raw
"% flagged" counts every false positive as a fake and misses every false negative.

The 95% interval propagates both the sampling error of the flagged share (the sample's
size) and the uncertainty of sensitivity and specificity (their test-set sizes), by
Monte Carlo over Jeffreys beta draws, and spans both test collections' error rates,
because a new audience may behave like either.

Coefficients, thresholds and error rates live in ``vetting/data/follower_model.json``,
written by ``scripts/calibrate_follower_model.py``; nothing here imports scikit-learn.
"""

from __future__ import annotations

import io
import json
import math
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, TextIO

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict

from vetting.errors import Problem

MODEL_PATH = Path(__file__).parent / "data" / "follower_model.json"
MAX_ROWS = 1_000_000
REQUIRED_COLUMNS: tuple[str, ...] = ("posts", "followers", "following")
COUNT_COLUMNS: tuple[str, ...] = ("posts", "followers", "following")
BOOLEAN_COLUMNS: tuple[str, ...] = ("has_profile_pic", "is_private")
TEXT_COLUMNS: tuple[str, ...] = ("username", "full_name", "biography", "external_url")
KNOWN_COLUMNS: tuple[str, ...] = (
    "username", "full_name", "posts", "followers", "following", "has_profile_pic",
    "is_private", "biography", "bio_length", "external_url",
)
_TRUE = frozenset({"true", "1", "yes"})
_FALSE = frozenset({"false", "0", "no"})
_MAX_PROBLEMS_SHOWN = 20


# --------------------------------------------------------------------------- model


@dataclass(frozen=True)
class SubModel:
    """One logistic model for one set of available columns, with its measured errors."""

    name: str
    groups: tuple[str, ...]
    features: tuple[str, ...]
    columns: tuple[str, ...]
    coefficients: np.ndarray
    intercept: float
    threshold: float
    # Per test collection (axis 0): fakes caught / fakes, genuine passed / genuine.
    true_positives: np.ndarray
    n_fake: np.ndarray
    true_negatives: np.ndarray
    n_genuine: np.ndarray

    @property
    def sensitivities(self) -> np.ndarray:
        return self.true_positives / self.n_fake

    @property
    def specificities(self) -> np.ndarray:
        return self.true_negatives / self.n_genuine

    @property
    def sensitivity(self) -> float:
        """Equal-weight mean over the test collections."""
        return float(self.sensitivities.mean())

    @property
    def specificity(self) -> float:
        return float(self.specificities.mean())


@dataclass(frozen=True)
class ModelBundle:
    """Every sub-model, richest first, plus the interval settings."""

    models: tuple[SubModel, ...]
    interval_draws: int
    interval_seed: int
    interval_level: float
    raw: Mapping[str, Any]


def _feature_values(name: str, inputs: pd.DataFrame) -> np.ndarray:
    """The named feature, from normalised inputs (see :func:`feature_inputs`)."""
    posts = inputs["posts"].to_numpy(dtype="float64", na_value=np.nan)
    followers = inputs["followers"].to_numpy(dtype="float64", na_value=np.nan)
    following = inputs["following"].to_numpy(dtype="float64", na_value=np.nan)
    if name == "log_posts":
        return np.log1p(posts)
    if name == "log_followers":
        return np.log1p(followers)
    if name == "log_following":
        return np.log1p(following)
    if name == "log_following_ratio":
        return np.log1p(following / (followers + 1.0))
    if name == "no_posts":
        return (posts == 0).astype("float64")
    if name == "has_profile_pic":
        return inputs["has_profile_pic"].to_numpy(dtype="float64", na_value=np.nan)
    if name == "is_private":
        return inputs["is_private"].to_numpy(dtype="float64", na_value=np.nan)
    if name == "username_digit_share":
        return inputs["username_digit_share"].to_numpy(dtype="float64", na_value=np.nan)
    if name == "has_bio":
        bio = inputs["bio_length"].to_numpy(dtype="float64", na_value=np.nan)
        return np.where(np.isnan(bio), np.nan, (bio > 0).astype("float64"))
    raise KeyError(f"unknown feature {name!r} in the follower model")


FEATURE_NAMES: tuple[str, ...] = (
    "log_posts", "log_followers", "log_following", "log_following_ratio", "no_posts",
    "has_profile_pic", "is_private", "username_digit_share", "has_bio",
)


def feature_matrix(inputs: pd.DataFrame, features: Sequence[str]) -> np.ndarray:
    """Rows × features, from a frame with the normalised input columns."""
    if not features:
        return np.empty((len(inputs), 0))
    return np.column_stack([_feature_values(name, inputs) for name in features])


def feature_inputs(frame: pd.DataFrame) -> pd.DataFrame:
    """The model's inputs from a sample frame: counts, 0/1 flags, digit share, bio length.

    Missing optional columns come back as all-NaN, so the model choice sees them absent.
    """
    n = len(frame)
    inputs = pd.DataFrame(index=frame.index)
    for column in COUNT_COLUMNS:
        inputs[column] = pd.to_numeric(frame[column], errors="coerce").to_numpy(
            dtype="float64", na_value=np.nan
        )
    for column in BOOLEAN_COLUMNS:
        inputs[column] = (
            pd.to_numeric(frame[column].astype("Float64"), errors="coerce").to_numpy(
                dtype="float64", na_value=np.nan
            )
            if column in frame.columns
            else np.full(n, np.nan)
        )
    if "username_digit_share" in frame.columns:
        inputs["username_digit_share"] = frame["username_digit_share"].astype("float64")
    elif "username" in frame.columns:
        names = frame["username"].astype("string").str.strip().str.lstrip("@")
        length = names.str.len().astype("Float64")
        digits = names.str.count(r"[0-9]").astype("Float64")
        share = (digits / length.where(length > 0)).astype("float64")
        inputs["username_digit_share"] = share
    else:
        inputs["username_digit_share"] = np.full(n, np.nan)
    if "bio_length" in frame.columns:
        inputs["bio_length"] = pd.to_numeric(frame["bio_length"], errors="coerce").to_numpy(
            dtype="float64", na_value=np.nan
        )
    elif "biography" in frame.columns:
        bio = frame["biography"].astype("string").fillna("").str.strip()
        inputs["bio_length"] = bio.str.len().astype("float64")
    else:
        inputs["bio_length"] = np.full(n, np.nan)
    return inputs


_GROUP_INPUTS: dict[str, tuple[str, ...]] = {
    "core": ("posts", "followers", "following"),
    "profile_pic": ("has_profile_pic",),
    "private": ("is_private",),
    "username": ("username_digit_share",),
    "bio": ("bio_length",),
}


def _load_bundle(path: Path) -> ModelBundle:
    raw = json.loads(path.read_text(encoding="utf-8"))
    models = []
    for entry in raw["models"]:
        unknown = set(entry["features"]) - set(FEATURE_NAMES)
        if unknown:
            raise ValueError(f"{path}: unknown features {sorted(unknown)}")
        collections = entry["error_rates"]["by_collection"]

        def counts(key: str, collections: list[dict[str, Any]] = collections) -> np.ndarray:
            return np.asarray([c[key] for c in collections], dtype="float64")

        models.append(
            SubModel(
                name=entry["name"],
                groups=tuple(entry["groups"]),
                features=tuple(entry["features"]),
                columns=tuple(entry["columns"]),
                coefficients=np.asarray(entry["coefficients"], dtype="float64"),
                intercept=float(entry["intercept"]),
                threshold=float(entry["threshold"]),
                true_positives=counts("true_positives"),
                n_fake=counts("n_fake"),
                true_negatives=counts("true_negatives"),
                n_genuine=counts("n_genuine"),
            )
        )
    models.sort(key=lambda m: len(m.groups), reverse=True)
    interval = raw["interval"]
    return ModelBundle(
        models=tuple(models),
        interval_draws=int(interval["draws"]),
        interval_seed=int(interval["seed"]),
        interval_level=float(interval["level"]),
        raw=raw,
    )


@lru_cache(maxsize=4)
def load_model(path: Path = MODEL_PATH) -> ModelBundle:
    """The calibrated models (cached: the file is read once per process)."""
    return _load_bundle(path)


def available_groups(inputs: pd.DataFrame) -> frozenset[str]:
    """Feature groups whose inputs every row has (a partly empty column is not used)."""
    if len(inputs) == 0:
        return frozenset({"core"})
    complete = inputs.notna().all()
    return frozenset(
        group for group, columns in _GROUP_INPUTS.items() if all(complete[c] for c in columns)
    )


def choose_model(inputs: pd.DataFrame, bundle: ModelBundle | None = None) -> SubModel:
    """The richest model whose feature groups the sample has for every row."""
    bundle = bundle or load_model()
    groups = available_groups(inputs)
    for model in bundle.models:  # richest first
        if set(model.groups) <= groups:
            return model
    raise ValueError("the follower model file has no 'core' model")


def _probabilities(inputs: pd.DataFrame, model: SubModel) -> np.ndarray:
    logits = feature_matrix(inputs, model.features) @ model.coefficients + model.intercept
    return 1.0 / (1.0 + np.exp(-np.clip(logits, -50.0, 50.0)))


def score_followers(frame: pd.DataFrame, model: SubModel | None = None) -> pd.DataFrame:
    """A copy of the sample with ``fake_probability`` and ``flagged`` columns.

    ``fake_probability`` is the model's score at even odds (the training data were
    weighted to 50% fake), not the chance for this audience; ``flagged`` is the score at
    or above the calibrated threshold. The chosen model's name is in ``.attrs``.
    """
    inputs = feature_inputs(frame)
    model = model or choose_model(inputs)
    probability = _probabilities(inputs, model)
    scored = frame.copy()
    scored["fake_probability"] = np.round(probability, 4)
    scored["flagged"] = probability >= model.threshold
    scored.attrs["follower_model"] = model.name
    return scored


# --------------------------------------------------------------------------- estimate


def rogan_gladen(
    flagged_share: np.ndarray | float,
    sensitivity: np.ndarray | float,
    specificity: np.ndarray | float,
) -> np.ndarray:
    """True share from the flagged share and the classifier's error rates, in [0, 1].

    flagged = share·sens + (1 − share)·(1 − spec), solved for share. When the classifier
    is no better than chance (sens + spec ≤ 1) the share cannot be recovered: NaN.
    """
    youden = np.asarray(sensitivity, dtype="float64") + np.asarray(specificity) - 1.0
    with np.errstate(divide="ignore", invalid="ignore"):
        share = (np.asarray(flagged_share, dtype="float64") + specificity - 1.0) / youden
    return np.where(youden > 0, np.clip(share, 0.0, 1.0), np.nan)


def fake_share_interval(
    n: np.ndarray | int,
    n_flagged: np.ndarray | int,
    true_positives: np.ndarray,
    n_fake: np.ndarray,
    true_negatives: np.ndarray,
    n_genuine: np.ndarray,
    draws: int = 4000,
    seed: int = 0,
    level: float = 0.95,
    chunk: int = 256,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Point estimate and interval of the fake share, for one or many samples.

    ``n``/``n_flagged`` have one entry per sample; the error-rate counts have shape
    (samples, collections) or (collections,): one column per test collection the
    classifier was measured on. The point estimate corrects the flagged share with the
    collections' mean sensitivity and specificity (Rogan–Gladen, clipped to [0, 1]).

    The interval is Monte Carlo: the flagged share and the error rates are drawn from
    Jeffreys beta posteriors (x + ½, n − x + ½; so the sample's size and the test sets'
    sizes both count), each draw is corrected and clipped, and the central ``level``
    range is taken. Because a new audience may behave like any of the collections, this
    is done for every pairing of one collection's sensitivity with one collection's
    specificity, and the interval spans them all (lowest low, highest high). With one
    collection it is the plain propagated interval. Vectorised over samples.
    """
    size = np.atleast_1d(np.asarray(n, dtype="float64"))
    flagged = np.atleast_1d(np.asarray(n_flagged, dtype="float64"))
    groups = size.shape[0]

    def per_sample(values: np.ndarray) -> np.ndarray:
        array = np.asarray(values, dtype="float64")
        array = array.reshape(1, -1) if array.ndim <= 1 else array
        return np.broadcast_to(array, (groups, array.shape[1]))

    tp, fakes, tn, genuine = (per_sample(v) for v in (true_positives, n_fake, true_negatives,
                                                       n_genuine))
    estimate = rogan_gladen(
        flagged / np.where(size > 0, size, np.nan),
        (tp / fakes).mean(axis=1), (tn / genuine).mean(axis=1),
    )
    low = np.full(groups, np.nan)
    high = np.full(groups, np.nan)
    rng = np.random.default_rng(seed)
    tail = (1.0 - level) / 2.0

    def beta(successes: np.ndarray, total: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
        a = np.clip(successes, 0, total) + 0.5
        b = np.clip(total - successes, 0, total) + 0.5
        return rng.beta(np.broadcast_to(a, shape), np.broadcast_to(b, shape))

    # Samples audited with the same model share its error-rate draws: drawn once per
    # distinct set of test counts, then indexed per sample.
    collections = tp.shape[1]
    counts = np.concatenate([tp, fakes, tn, genuine], axis=1)
    distinct, which = np.unique(counts, axis=0, return_inverse=True)
    which = which.reshape(-1)
    d_tp, d_fakes, d_tn, d_genuine = (
        distinct[:, i * collections:(i + 1) * collections, None] for i in range(4)
    )
    draw_shape = (len(distinct), collections, draws)
    sens_distinct = beta(d_tp, d_fakes, draw_shape)
    spec_distinct = beta(d_tn, d_genuine, draw_shape)

    for start in range(0, groups, chunk):
        part = slice(start, start + chunk)
        count = size[part].size
        shape = (count, draws)
        flagged_draws = beta(flagged[part, None], np.maximum(size[part], 0)[:, None], shape)
        sens_draws = [sens_distinct[which[part], c] for c in range(collections)]
        spec_draws = [spec_distinct[which[part], c] for c in range(collections)]
        lows, highs = [], []
        for sens in sens_draws:
            for spec in spec_draws:
                youden = sens + spec - 1.0
                informative = youden > 1e-6
                share = np.clip(
                    (flagged_draws + spec - 1.0) / np.where(informative, youden, 1.0), 0.0, 1.0
                )
                if not informative.all():
                    # A draw where the classifier looks no better than chance says nothing
                    # about the share: it counts as "anywhere in [0, 1]".
                    share = np.where(informative, share, rng.uniform(size=shape))
                quantiles = np.quantile(share, [tail, 1.0 - tail], axis=1)
                lows.append(quantiles[0])
                highs.append(quantiles[1])
        valid = size[part] > 0
        point = estimate[part]
        low[part] = np.where(valid, np.fmin(np.min(lows, axis=0), point), np.nan)
        high[part] = np.where(valid, np.fmax(np.max(highs, axis=0), point), np.nan)
    return estimate, low, high


class AuditSummary(BaseModel):
    """What the audit concludes about one sample; the CLI prints it, --json dumps it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    n: int
    n_flagged: int
    raw_flagged_share: float
    estimated_fake_share: float | None
    ci_low: float | None
    ci_high: float | None
    confidence_level: float
    model: str
    model_columns: list[str]
    threshold: float
    sensitivity: float
    specificity: float
    sensitivity_range: tuple[float, float]
    specificity_range: tuple[float, float]
    n_fake_test: int
    n_genuine_test: int
    method: str


METHOD = (
    "Rogan-Gladen correction of the flagged share with the classifier's cross-dataset"
    " sensitivity and specificity; 95% interval by Monte Carlo over Jeffreys beta draws of"
    " the flagged share (sample size) and of both error rates (test-set sizes), spanning"
    " every pairing of the two test collections' sensitivity and specificity"
)


def estimate_fake_share(frame: pd.DataFrame, model: SubModel | None = None) -> AuditSummary:
    """Fake share of the whole audience from a scored (or unscored) follower sample."""
    bundle = load_model()
    inputs = feature_inputs(frame)
    model = model or choose_model(inputs, bundle)
    scored = score_followers(frame, model)
    n = len(scored)
    n_flagged = int(scored["flagged"].sum())
    estimate, low, high = fake_share_interval(
        n, n_flagged, model.true_positives, model.n_fake, model.true_negatives,
        model.n_genuine,
        draws=bundle.interval_draws, seed=bundle.interval_seed, level=bundle.interval_level,
    )

    def number(values: np.ndarray) -> float | None:
        value = float(values[0])
        return None if math.isnan(value) else round(value, 4)

    return AuditSummary(
        n=n,
        n_flagged=n_flagged,
        raw_flagged_share=round(n_flagged / n, 4) if n else 0.0,
        estimated_fake_share=number(estimate),
        ci_low=number(low),
        ci_high=number(high),
        confidence_level=bundle.interval_level,
        model=model.name,
        model_columns=list(model.columns),
        threshold=round(model.threshold, 4),
        sensitivity=round(model.sensitivity, 4),
        specificity=round(model.specificity, 4),
        sensitivity_range=(round(float(model.sensitivities.min()), 4),
                           round(float(model.sensitivities.max()), 4)),
        specificity_range=(round(float(model.specificities.min()), 4),
                           round(float(model.specificities.max()), 4)),
        n_fake_test=int(model.n_fake.sum()),
        n_genuine_test=int(model.n_genuine.sum()),
        method=METHOD,
    )


def audit_samples(samples: Mapping[tuple[str, int], pd.DataFrame]) -> pd.DataFrame:
    """Estimates for many samples at once: one row per (candidate_id, account).

    Each sample gets the richest model its columns allow; rows are scored in one pass per
    model (at most 16), and every interval is computed in one vectorised call.
    """
    columns = [
        "candidate_id", "account", "n", "n_flagged", "raw_flagged_share", "model",
        "sensitivity", "specificity", "estimate", "ci_low", "ci_high",
    ]
    if not samples:
        return pd.DataFrame(columns=columns)
    bundle = load_model()
    keys = list(samples)
    positions = pd.RangeIndex(len(keys))
    # Samples with the same columns are stacked first and normalised in one pass (a
    # column absent from one sample must stay "unknown", not become an empty value).
    by_columns: dict[tuple[str, ...], list[int]] = {}
    for position, key in enumerate(keys):
        by_columns.setdefault(tuple(samples[key].columns), []).append(position)
    parts = []
    for members in by_columns.values():
        raw = pd.concat([samples[keys[i]] for i in members], ignore_index=True)
        part = feature_inputs(raw)
        part.insert(0, "sample", np.repeat(members, [len(samples[keys[i]]) for i in members]))
        parts.append(part)
    stacked = pd.concat(parts, ignore_index=True)
    sample_of_row = stacked.pop("sample").to_numpy(dtype=np.int64)
    complete = stacked.notna().groupby(sample_of_row).all().reindex(positions, fill_value=False)
    has_group = pd.DataFrame(
        {group: complete[list(cols)].all(axis=1) for group, cols in _GROUP_INPUTS.items()}
    )
    has_group["core"] = True  # empty samples fall back to the core model
    model_index = np.full(len(keys), -1)
    for index, model in enumerate(bundle.models):  # richest first: first fit wins
        fits = has_group[list(model.groups)].all(axis=1).to_numpy() & (model_index < 0)
        model_index[fits] = index
    row_model = model_index[sample_of_row] if len(stacked) else np.empty(0, dtype=int)
    flagged = np.zeros(len(stacked), dtype=bool)
    for index in np.unique(row_model):
        model = bundle.models[index]
        rows = row_model == index
        flagged[rows] = _probabilities(stacked.loc[rows], model) >= model.threshold
    sizes = np.bincount(sample_of_row, minlength=len(keys)) if len(stacked) else np.zeros(
        len(keys), dtype=int
    )
    n_flagged = np.bincount(sample_of_row, weights=flagged, minlength=len(keys)).astype(int)
    chosen = [bundle.models[i] for i in model_index]
    estimate, low, high = fake_share_interval(
        sizes, n_flagged,
        np.stack([m.true_positives for m in chosen]), np.stack([m.n_fake for m in chosen]),
        np.stack([m.true_negatives for m in chosen]), np.stack([m.n_genuine for m in chosen]),
        draws=bundle.interval_draws, seed=bundle.interval_seed, level=bundle.interval_level,
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        raw_share = np.where(sizes > 0, n_flagged / np.maximum(sizes, 1), np.nan)
    result = pd.DataFrame(
        {
            "candidate_id": [k[0] for k in keys],
            "account": [k[1] for k in keys],
            "n": sizes,
            "n_flagged": n_flagged,
            "raw_flagged_share": raw_share,
            "model": [m.name for m in chosen],
            "sensitivity": [m.sensitivity for m in chosen],
            "specificity": [m.specificity for m in chosen],
            "estimate": estimate,
            "ci_low": low,
            "ci_high": high,
        }
    )
    return result[columns]


# --------------------------------------------------------------------------- synthetic


def synthetic_followers(rows: int, fake_share: float, seed: int = 0) -> pd.DataFrame:
    """A made-up follower sample with a known fake share, for tests, demos and benchmarks.

    Genuine and fake followers are drawn from loose distributions shaped like the public
    collections' summaries (fakes: few or no posts, few followers, many followings, fewer
    profile pictures and bios, more digits in the name). ``true_fake`` holds the truth.
    """
    rng = np.random.default_rng(seed)
    fake = rng.random(rows) < fake_share

    def counts(median_genuine: float, median_fake: float, spread: float) -> np.ndarray:
        centre = np.where(fake, np.log(median_fake), np.log(median_genuine))
        return rng.poisson(rng.lognormal(centre, spread)).astype("int64")

    posts = np.where(fake & (rng.random(rows) < 0.7), 0, counts(60, 5, 1.0))
    digits = np.where(rng.random(rows) < np.where(fake, 0.5, 0.15),
                      rng.integers(1, 7, rows), 0)
    letters = rng.integers(4, 12, rows)
    return pd.DataFrame({
        "username": [
            "u" * int(n) + "7" * int(d) for n, d in zip(letters, digits, strict=True)
        ],
        "posts": posts,
        "followers": counts(400, 30, 1.0),
        "following": counts(300, 900, 0.7),
        "has_profile_pic": pd.array(rng.random(rows) < np.where(fake, 0.5, 0.98),
                                    dtype="boolean"),
        "is_private": pd.array(rng.random(rows) < np.where(fake, 0.3, 0.5), dtype="boolean"),
        "bio_length": np.where(rng.random(rows) < np.where(fake, 0.2, 0.65),
                               rng.integers(1, 150, rows), 0),
        "true_fake": fake,
    })


# --------------------------------------------------------------------------- reading


def _normalise_header(name: object) -> str:
    return str(name).strip().lower().replace(" ", "_").replace("-", "_")


def _parse_booleans(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(values as nullable booleans, mask of cells that are not a boolean at all)."""
    lowered = text.str.strip().str.lower()
    values = pd.Series(pd.NA, index=text.index, dtype="boolean")
    values[lowered.isin(_TRUE)] = True
    values[lowered.isin(_FALSE)] = False
    invalid = (lowered != "") & values.isna()
    return values, invalid


def _line_numbers(n_rows: int, skipped_lines: list[int]) -> np.ndarray:
    """File line of each parsed row (header is line 1), given lines the parser dropped."""
    lines = np.arange(2, 2 + n_rows + len(skipped_lines))
    if skipped_lines:
        lines = lines[~np.isin(lines, skipped_lines)]
    return lines[:n_rows]


def _parse_sample(name: str, source: Path | bytes) -> tuple[pd.DataFrame, list[Problem]]:
    """Shared reader for a path (streamed, row-limited) or bytes (from the portfolio loader)."""
    problems: list[Problem] = []
    empty = pd.DataFrame(columns=["row", *REQUIRED_COLUMNS])
    handle: Path | io.BytesIO = source if isinstance(source, Path) else io.BytesIO(source)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            raw = pd.read_csv(
                handle, dtype=str, keep_default_na=False, skip_blank_lines=False,
                on_bad_lines="warn", encoding="utf-8-sig", nrows=MAX_ROWS + 1,
            )
    except FileNotFoundError:
        return empty, [Problem(name, "", "file not found")]
    except IsADirectoryError:
        return empty, [Problem(name, "", "is a folder, not a CSV file")]
    except PermissionError:
        return empty, [Problem(name, "", "cannot be read (permission denied)")]
    except pd.errors.EmptyDataError:
        return empty, [Problem(name, "", "file is empty; expected a CSV with a header row")]
    except UnicodeDecodeError as error:
        return empty, [
            Problem(
                name, "",
                f"not UTF-8 text (byte {error.start}); save the file as CSV UTF-8 and retry",
            )
        ]
    except (pd.errors.ParserError, ValueError, OSError) as error:
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else "unknown"
        return empty, [Problem(name, "", f"not a readable CSV file ({first_line})")]

    skipped: list[int] = []
    for warning in caught:
        message = str(warning.message).strip()
        for part in message.split("\n"):
            if part.startswith("Skipping line"):
                line = int(part.split()[2].rstrip(":"))
                skipped.append(line)
                problems.append(
                    Problem(name, f"row {line}", part.split(": ", 1)[-1] + "; row skipped")
                )
    raw.columns = [_normalise_header(c) for c in raw.columns]
    missing = [c for c in REQUIRED_COLUMNS if c not in raw.columns]
    if missing:
        found = ", ".join(raw.columns) or "none"
        separator = next((s for s in (";", "\t", "|") if any(s in c for c in raw.columns)), None)
        hint = (
            f"; the file seems to separate columns with {separator!r}: save it as a"
            " comma-separated CSV"
            if separator
            else "; the header must name posts, followers and following"
        )
        return empty, [
            Problem(
                name, "",
                f"missing required column(s) {', '.join(missing)} (columns found: {found})"
                + hint,
            )
        ]
    if raw.columns.duplicated().any():
        dupes = sorted(set(raw.columns[raw.columns.duplicated()]))
        problems.append(
            Problem(name, "", f"column(s) {', '.join(dupes)} appear twice; the first is used",
                    "warning")
        )
        raw = raw.loc[:, ~raw.columns.duplicated()]
    if len(raw) > MAX_ROWS:
        raw = raw.iloc[:MAX_ROWS]
        problems.append(
            Problem(
                name, "",
                f"more than {MAX_ROWS:,} rows; only the first {MAX_ROWS:,} were read"
                " (a random sample of a few hundred followers is enough)",
                "warning",
            )
        )
    # A re-audited --out file already has our own columns: recompute them.
    raw = raw.drop(columns=[c for c in ("row", "fake_probability", "flagged") if c in raw])
    raw.insert(0, "row", _line_numbers(len(raw), sorted(skipped)))
    return _validate(name, raw, problems)


def _validate(
    name: str, raw: pd.DataFrame, problems: list[Problem]
) -> tuple[pd.DataFrame, list[Problem]]:
    """Typed columns; rows with a bad value are reported (per cell) and dropped."""
    text_columns = [c for c in raw.columns if c != "row"]
    stripped = raw[text_columns].fillna("").astype(str).apply(lambda s: s.str.strip())
    blank = (stripped == "").all(axis=1)
    bad = pd.Series(False, index=raw.index)
    reasons: list[pd.DataFrame] = []

    def report(mask: pd.Series, column: str, reason: str | pd.Series) -> None:
        mask = mask & ~blank
        if mask.any():
            text = reason[mask] if isinstance(reason, pd.Series) else reason
            reasons.append(pd.DataFrame({"row": raw.loc[mask, "row"], "column": column,
                                         "reason": text}))
            bad.loc[mask] = True

    frame = pd.DataFrame({"row": raw["row"]})
    for column in raw.columns:
        if column == "row":
            continue
        cells = stripped[column]
        if column in COUNT_COLUMNS or column == "bio_length":
            numbers = pd.to_numeric(cells, errors="coerce")
            is_empty = cells == ""
            non_numeric = ~is_empty & (numbers.isna() | ~np.isfinite(numbers.fillna(0)))
            if column in COUNT_COLUMNS:
                report(is_empty, column, "missing (required)")
            shown = cells.str.slice(0, 40).map(repr)
            report(non_numeric, column, "not a number: " + shown)
            numbers = numbers.where(~non_numeric)
            report(numbers < 0, column, "negative")
            report(numbers > 1e12, column, "implausibly large")
            fractional = numbers.notna() & (numbers % 1 != 0)
            report(fractional, column, "not a whole number")
            usable = numbers.where(
                ~non_numeric & (numbers >= 0) & (numbers <= 1e12) & ~fractional
            )
            frame[column] = usable.round().astype("Int64")
        elif column in BOOLEAN_COLUMNS:
            values, invalid = _parse_booleans(cells)
            report(invalid, column, "not true/false/1/0/yes/no")
            frame[column] = values
        elif column in TEXT_COLUMNS:
            frame[column] = cells.astype("string").where(cells != "", pd.NA)
            if column == "biography":
                frame[column] = frame[column].fillna("")  # an empty biography is no biography
        else:
            frame[column] = raw[column]
    if "biography" in frame.columns and "bio_length" not in frame.columns:
        frame["bio_length"] = frame["biography"].str.len().astype("Int64")
    if reasons:
        table = pd.concat(reasons).sort_values("row", kind="stable")
        problems.extend(
            Problem(name, f"row {row}, {column}", f"{reason}; row skipped")
            for row, column, reason in table.itertuples(index=False)
        )
    kept = frame.loc[~bad & ~blank].reset_index(drop=True)
    return kept, problems


def read_follower_sample(path: Path) -> tuple[pd.DataFrame, list[Problem]]:
    """Read a follower-sample CSV; bad rows are reported and skipped, never fatal.

    An unreadable file (missing, not UTF-8, no header, no posts/followers/following
    columns) gives an empty frame and an error Problem with an empty ``field``.
    """
    return _parse_sample(str(path), Path(path))


def read_follower_sample_bytes(name: str, content: bytes) -> tuple[pd.DataFrame, list[Problem]]:
    """As :func:`read_follower_sample`, for bytes the portfolio loader already has."""
    return _parse_sample(name, content)


# --------------------------------------------------------------------------- CLI


def _percent(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.1f}%"


def _write_scored(scored: pd.DataFrame, out: Path) -> None:
    table = scored.copy()
    for column in table.columns:
        if isinstance(table[column].dtype, pd.BooleanDtype) or table[column].dtype == bool:
            table[column] = table[column].map({True: "true", False: "false"}).astype(object)
    table.to_csv(out, index=False, encoding="utf-8")


def summary_text(path: Path, summary: AuditSummary, skipped: int) -> str:
    """The readable summary the CLI prints."""
    lines = [
        f"Follower-sample audit: {path}",
        f"  followers scored: {summary.n}"
        + (f" ({skipped} bad row(s) skipped, listed on stderr)" if skipped else ""),
        f"  model: {summary.model} (columns used: {', '.join(summary.model_columns)})",
        f"  flagged as likely fake: {summary.n_flagged} ({_percent(summary.raw_flagged_share)}"
        " of the sample; a raw share, biased by the classifier's errors)",
        f"  estimated fake share of the audience: {_percent(summary.estimated_fake_share)}"
        f" (95% interval {_percent(summary.ci_low)} to {_percent(summary.ci_high)})",
        "  error rates used (measured across datasets):"
        f" sensitivity {summary.sensitivity:.2f}"
        f" ({summary.sensitivity_range[0]:.2f}-{summary.sensitivity_range[1]:.2f},"
        f" {summary.n_fake_test} fakes tested), specificity {summary.specificity:.2f}"
        f" ({summary.specificity_range[0]:.2f}-{summary.specificity_range[1]:.2f},"
        f" {summary.n_genuine_test} genuine tested)",
        "  read the interval, not the point: see docs/follower-audit.md for what this"
        " can and cannot show (004 §3)",
    ]
    minimum = int(load_model().raw.get("audience", {}).get("min_sample", 0))
    if summary.n < minimum:
        lines.insert(2, f"  warning: fewer than {minimum} followers; the interval is wide and"
                        " scorecards will not use it. Audit a random sample of about 200.")
    return "\n".join(lines)


def run_audit_cli(
    path: Path, out: Path | None, as_json: bool, stdout: TextIO, stderr: TextIO
) -> int:
    """``python -m vetting audit-followers``: 0 done, 2 unreadable or unusable input,
    1 the --out file could not be written. Problems go to stderr; never a traceback."""
    try:
        frame, problems = read_follower_sample(path)
    except Exception as error:  # the CLI must never show a traceback
        print(f"{path}: could not be read ({type(error).__name__}: {error})", file=stderr)
        return 2
    row_problems = [p for p in problems if p.field]
    fatal = [p for p in problems if not p.field and p.severity == "error"]
    for problem in [*fatal, *[p for p in problems if not p.field and p not in fatal]]:
        print(str(problem), file=stderr)
    for problem in row_problems[:_MAX_PROBLEMS_SHOWN]:
        print(str(problem), file=stderr)
    if len(row_problems) > _MAX_PROBLEMS_SHOWN:
        print(f"... and {len(row_problems) - _MAX_PROBLEMS_SHOWN} more row problem(s)",
              file=stderr)
    if fatal:
        return 2
    if len(frame) == 0:
        print(f"{path}: no usable rows to audit", file=stderr)
        return 2
    skipped = len({p.field.split(",")[0] for p in row_problems if p.severity == "error"})
    try:
        scored = score_followers(frame)
        summary = estimate_fake_share(scored)
    except Exception as error:  # a bug, but still no traceback for the user
        print(f"{path}: audit failed ({type(error).__name__}: {error})", file=stderr)
        return 2
    if out is not None:
        try:
            _write_scored(scored, out)
        except OSError as error:
            print(f"{out}: could not be written ({error.strerror or error})", file=stderr)
            return 1
    if as_json:
        payload = {"file": str(path), **summary.model_dump(), "rows_skipped": skipped}
        print(json.dumps(payload, indent=2, ensure_ascii=False), file=stdout)
    else:
        print(summary_text(path, summary, skipped), file=stdout)
        if out is not None:
            print(f"  scored rows written to {out}", file=stdout)
    return 0

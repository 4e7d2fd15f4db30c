"""Follower-sample audit: reading, model choice, bias correction, interval coverage, CLI."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from vetting import followers_audit as audit
from vetting.followers_audit import (
    audit_samples,
    choose_model,
    estimate_fake_share,
    fake_share_interval,
    feature_inputs,
    load_model,
    read_follower_sample,
    read_follower_sample_bytes,
    rogan_gladen,
    run_audit_cli,
    score_followers,
    synthetic_followers,
)

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("VETTING_SHARED_DATA") or REPO.parent / "shared" / "data")
HEADER = "username,full_name,posts,followers,following,has_profile_pic,is_private,biography\n"


def write(tmp_path: Path, text: str | bytes, name: str = "followers.csv") -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


# --------------------------------------------------------------------------- reading


def test_bad_rows_are_reported_with_row_and_column_and_skipped(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        HEADER
        + "ana,Ana,12,340,300,true,no,hello\n"  # line 2: fine
        + "bo,,abc,10,10,yes,no,\n"  # line 3: posts not a number
        + "cy,,5,-4,10,1,0,\n"  # line 4: followers negative
        + "di,,5,10,,1,0,\n"  # line 5: following missing
        + "ed,,5,10,10,maybe,0,\n"  # line 6: not a boolean
        + "fa,,5,10,10,1,0,x,extra\n"  # line 7: too many fields
        + "\n"  # line 8: blank, ignored
        + "gu,,2.5,10,10,1,0,\n"  # line 9: fractional count
        + "hi,,7,80,90,0,1,bio\n",  # line 10: fine
    )
    frame, problems = read_follower_sample(path)
    assert frame["username"].tolist() == ["ana", "hi"]
    assert frame["row"].tolist() == [2, 10]
    where = {(p.field, p.message.split(":")[0].split(";")[0]) for p in problems}
    assert ("row 3, posts", "not a number") in where
    assert any(p.field == "row 3, posts" and "'abc'" in p.message for p in problems)
    assert ("row 4, followers", "negative") in where
    assert ("row 5, following", "missing (required)") in where
    assert ("row 6, has_profile_pic", "not true/false/1/0/yes/no") in where
    assert any(p.field == "row 7" and "fields" in p.message for p in problems)
    assert ("row 9, posts", "not a whole number") in where
    assert all(p.file == str(path) for p in problems)
    assert not any("row 8" in p.field for p in problems)


def test_booleans_accept_true_false_1_0_yes_no_in_any_case(tmp_path: Path) -> None:
    rows = "".join(
        f"u{i},,1,1,1,{pic},{private},\n"
        for i, (pic, private) in enumerate(
            [("TRUE", "False"), ("1", "0"), ("Yes", "NO"), ("", "true")]
        )
    )
    frame, problems = read_follower_sample(write(tmp_path, HEADER + rows))
    assert problems == []
    assert frame["has_profile_pic"].tolist()[:3] == [True, True, True]
    assert pd.isna(frame["has_profile_pic"].iloc[3])
    assert frame["is_private"].tolist() == [False, False, False, True]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "empty"),
        ("posts,followers,following\n".encode("utf-16"), "UTF-8"),
        (b"posts,followers\n1,2\n", "following"),
        (b"\xff\xfe\x00garbage\x81\x82", "UTF-8"),
    ],
)
def test_unreadable_files_give_one_file_level_problem(
    tmp_path: Path, content: bytes, expected: str
) -> None:
    frame, problems = read_follower_sample(write(tmp_path, content))
    assert len(frame) == 0
    assert len(problems) == 1 and problems[0].field == "" and expected in problems[0].message


def test_missing_file_and_utf8_bom_and_header_case(tmp_path: Path) -> None:
    frame, problems = read_follower_sample(tmp_path / "absent.csv")
    assert len(frame) == 0 and "not found" in problems[0].message
    bom = "\ufeffPosts, Followers ,FOLLOWING\n3,40,50\n".encode()
    frame, problems = read_follower_sample_bytes("upload.csv", bom)
    assert problems == [] and frame[["posts", "followers", "following"]].iloc[0].tolist() == [
        3, 40, 50
    ]


def test_enormous_files_are_cut_at_the_row_limit_with_a_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(audit, "MAX_ROWS", 5)
    path = write(tmp_path, "posts,followers,following\n" + "1,2,3\n" * 9)
    frame, problems = read_follower_sample(path)
    assert len(frame) == 5
    assert [p.severity for p in problems] == ["warning"] and "5" in problems[0].message


# --------------------------------------------------------------------------- model


def test_model_choice_follows_the_columns_present() -> None:
    full = synthetic_followers(60, 0.3, seed=1)
    core_only = full[["posts", "followers", "following"]]
    assert choose_model(feature_inputs(core_only)).name == "core"
    richest = choose_model(feature_inputs(full))
    assert set(richest.groups) == {"core", "profile_pic", "private", "username", "bio"}
    without_bio = full.drop(columns="bio_length")
    assert "bio" not in choose_model(feature_inputs(without_bio)).groups
    partly_empty = full.copy()
    partly_empty.loc[0, "has_profile_pic"] = pd.NA  # one empty cell: the column is not used
    assert "profile_pic" not in choose_model(feature_inputs(partly_empty)).groups
    summary = estimate_fake_share(core_only)
    assert summary.model == "core" and summary.model_columns == ["posts", "followers", "following"]


def test_scores_rank_fakes_above_genuine_with_or_without_optional_columns() -> None:
    sample = synthetic_followers(2000, 0.3, seed=2)
    for frame in (sample, sample[["posts", "followers", "following"]]):
        scored = score_followers(frame)
        fake_scores = scored["fake_probability"][sample["true_fake"]]
        genuine_scores = scored["fake_probability"][~sample["true_fake"]]
        assert fake_scores.median() > genuine_scores.quantile(0.9)
        assert scored["flagged"].dtype == bool
        assert scored["fake_probability"].between(0, 1).all()


def test_model_file_carries_attribution_and_cross_dataset_rates_but_no_rows() -> None:
    bundle = load_model()
    text = json.dumps(bundle.raw)
    assert "CC BY-NC 4.0" in text and "Akyon" in text and "Bakhshandeh" in text
    assert "userFollowerCount" not in text and "#followers" not in text
    assert len(bundle.models) == 16
    for model in bundle.models:
        assert len(model.n_fake) == 2 and len(model.coefficients) == len(model.features)
        assert 0.5 < model.sensitivity < 1 and 0.5 < model.specificity < 1
        assert 0 < model.threshold < 1


# --------------------------------------------------------------------------- estimate


def test_rogan_gladen_corrects_the_flagged_share() -> None:
    assert rogan_gladen(0.2, 0.9, 0.9) == pytest.approx((0.2 - 0.1) / 0.8)
    assert rogan_gladen(0.05, 0.9, 0.9) == 0.0  # below the false-positive floor: clipped
    assert np.isnan(rogan_gladen(0.3, 0.5, 0.5))  # a coin flip carries no information


def test_estimate_differs_from_the_raw_flagged_share_when_specificity_is_below_one() -> None:
    sample = synthetic_followers(400, 0.05, seed=4)
    summary = estimate_fake_share(sample)
    assert summary.specificity < 1
    expected = rogan_gladen(summary.raw_flagged_share, summary.sensitivity, summary.specificity)
    assert summary.estimated_fake_share == pytest.approx(float(expected), abs=1e-4)
    assert summary.estimated_fake_share < summary.raw_flagged_share
    assert summary.ci_low <= summary.estimated_fake_share <= summary.ci_high


def _coverage(
    true_share: float,
    n: int,
    true_sensitivity: np.ndarray,
    true_specificity: np.ndarray,
    audience_sensitivity: float,
    audience_specificity: float,
    runs: int = 400,
    seed: int = 11,
) -> float:
    """Share of simulated audits whose interval contains the true fake share."""
    rng = np.random.default_rng(seed)
    fakes_tested = np.array([200, 348])[: len(true_sensitivity)]
    genuine_tested = np.array([994, 348])[: len(true_specificity)]
    tp = rng.binomial(fakes_tested, true_sensitivity, size=(runs, len(fakes_tested)))
    tn = rng.binomial(genuine_tested, true_specificity, size=(runs, len(genuine_tested)))
    flag_rate = true_share * audience_sensitivity + (1 - true_share) * (1 - audience_specificity)
    flagged = rng.binomial(n, flag_rate, size=runs)
    _, low, high = fake_share_interval(
        np.full(runs, n), flagged, tp, np.broadcast_to(fakes_tested, tp.shape),
        tn, np.broadcast_to(genuine_tested, tn.shape), draws=2000, seed=5,
    )
    return float(np.mean((low <= true_share) & (true_share <= high)))


@pytest.mark.parametrize("true_share", [0.0, 0.05, 0.2, 0.5, 0.8])
@pytest.mark.parametrize("n", [50, 200])
def test_interval_covers_the_truth_with_one_known_error_rate(true_share: float, n: int) -> None:
    coverage = _coverage(true_share, n, np.array([0.85]), np.array([0.9]), 0.85, 0.9)
    assert coverage >= 0.9


@pytest.mark.parametrize("true_share", [0.05, 0.3, 0.6])
@pytest.mark.parametrize(
    "audience_rates",
    [(0.65, 0.98), (0.98, 0.82), (0.65, 0.82), (0.98, 0.98), (0.8, 0.9)],
    ids=["like-collection-1", "like-collection-2", "both-worst", "both-best", "between"],
)
def test_interval_covers_the_truth_wherever_the_audience_sits_between_collections(
    true_share: float, audience_rates: tuple[float, float]
) -> None:
    # The two collections disagree (as ours do); the audience's own error rates may be
    # any mix of theirs, including a corner where both are at their worst.
    sensitivity, specificity = np.array([0.65, 0.98]), np.array([0.98, 0.82])
    coverage = _coverage(true_share, 300, sensitivity, specificity, *audience_rates)
    assert coverage >= 0.9


def test_raw_flagged_share_alone_would_miss_the_truth() -> None:
    # The same simulation without the correction: with specificity 0.9 the raw share of a
    # 5% fake audience is ~14%, so "flagged share" is badly biased.
    rng = np.random.default_rng(3)
    flagged = rng.binomial(200, 0.05 * 0.85 + 0.95 * 0.1, size=200) / 200
    assert np.mean(np.abs(flagged - 0.05) < 0.03) < 0.2
    corrected = rogan_gladen(flagged, 0.85, 0.9)
    assert abs(float(np.median(corrected)) - 0.05) < 0.03


def test_audit_samples_matches_the_single_sample_estimate() -> None:
    samples = {
        ("a", 0): synthetic_followers(150, 0.4, seed=6),
        ("b", 1): synthetic_followers(80, 0.0, seed=7)[["posts", "followers", "following"]],
        ("c", 0): synthetic_followers(0, 0.0, seed=8),
    }
    table = audit_samples(samples).set_index(["candidate_id", "account"])
    for key in (("a", 0), ("b", 1)):
        single = estimate_fake_share(samples[key])
        row = table.loc[key]
        assert row["model"] == single.model and row["n_flagged"] == single.n_flagged
        assert row["estimate"] == pytest.approx(single.estimated_fake_share, abs=1e-4)
        # Same method, different Monte Carlo streams: equal within simulation error.
        assert row["ci_low"] == pytest.approx(single.ci_low, abs=0.01)
        assert row["ci_high"] == pytest.approx(single.ci_high, abs=0.01)
    assert table.loc[("c", 0), "n"] == 0 and np.isnan(table.loc[("c", 0), "estimate"])


# --------------------------------------------------------------------------- CLI


def test_cli_json_summary_and_scored_output(tmp_path: Path) -> None:
    sample = synthetic_followers(120, 0.3, seed=9).drop(columns="true_fake")
    path = tmp_path / "followers.csv"
    sample.to_csv(path, index=False)
    with path.open("a", encoding="utf-8") as handle:
        handle.write("bad,x,1,2,,,,\n")
    out = tmp_path / "scored.csv"
    stdout, stderr = io.StringIO(), io.StringIO()
    assert run_audit_cli(path, out, True, stdout, stderr) == 0
    summary = json.loads(stdout.getvalue())
    assert {"n", "estimated_fake_share", "ci_low", "ci_high", "model"} <= set(summary)
    assert summary["n"] == 120 and summary["rows_skipped"] == 1
    assert summary["ci_low"] <= summary["estimated_fake_share"] <= summary["ci_high"]
    assert "row 122" in stderr.getvalue()
    scored = pd.read_csv(out)
    assert len(scored) == 120 and "fake_probability" in scored.columns
    assert scored["fake_probability"].between(0, 1).all()
    assert scored["flagged"].sum() == summary["n_flagged"]


def test_cli_text_summary_and_exit_codes(tmp_path: Path) -> None:
    path = write(tmp_path, "posts,followers,following\n0,3,2900\n120,800,400\n")
    stdout, stderr = io.StringIO(), io.StringIO()
    assert run_audit_cli(path, None, False, stdout, stderr) == 0
    assert "estimated fake share" in stdout.getvalue() and "model: core" in stdout.getvalue()
    for unreadable in (tmp_path / "absent.csv", write(tmp_path, b"", "empty.csv"), tmp_path):
        stdout, stderr = io.StringIO(), io.StringIO()
        assert run_audit_cli(unreadable, None, True, stdout, stderr) == 2
        assert stdout.getvalue() == "" and "Traceback" not in stderr.getvalue()
    only_bad = write(tmp_path, "posts,followers,following\nx,1,1\n", "bad.csv")
    assert run_audit_cli(only_bad, None, False, io.StringIO(), io.StringIO()) == 2
    stderr = io.StringIO()
    assert run_audit_cli(path, tmp_path / "no" / "such" / "dir.csv", False, io.StringIO(),
                         stderr) == 1
    assert "could not be written" in stderr.getvalue()


# --------------------------------------------------------------------------- calibration


def test_calibration_script_skips_cleanly_without_the_data(tmp_path: Path) -> None:
    env = {**os.environ, "VETTING_SHARED_DATA": str(tmp_path / "nowhere")}
    done = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "calibrate_follower_model.py"), "--no-write"],
        capture_output=True, text=True, env=env, check=False,
    )
    assert done.returncode == 0 and "skipped" in done.stdout


@pytest.mark.skipif(not (SHARED / "instafake").is_dir(), reason="labelled data not present")
def test_shipped_model_is_what_the_calibration_script_produces(tmp_path: Path) -> None:
    output = tmp_path / "model.json"
    done = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "calibrate_follower_model.py"),
         "--output", str(output)],
        capture_output=True, text=True, check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "kaggle → instafake" in done.stdout
    regenerated = json.loads(output.read_text(encoding="utf-8"))["models"]
    shipped = load_model().raw["models"]
    assert [m["name"] for m in regenerated] == [m["name"] for m in shipped]
    for new, old in zip(regenerated, shipped, strict=True):
        assert new["error_rates"] == old["error_rates"]
        assert np.allclose(new["coefficients"], old["coefficients"], atol=1e-4)

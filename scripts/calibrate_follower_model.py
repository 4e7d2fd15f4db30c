"""Calibrate the follower-sample classifier on the two public labelled datasets.

    .venv/bin/python scripts/calibrate_follower_model.py            # print and write
    .venv/bin/python scripts/calibrate_follower_model.py --no-write # print only

For every set of feature groups (core = posts/followers/following, plus any of profile
picture, private, username digits, biography) it fits a logistic regression on one
dataset and tests it on the other, both directions, and prints AUC, balanced accuracy,
TPR and FPR. The threshold of each fit is the equal-error point *on its training data*,
so the test figures never see the test set. The shipped model of each feature set is the
same recipe fitted on both datasets pooled (each dataset and class weighted equally);
its error rates are the cross-dataset ones, kept per test collection so the runtime
interval can span the disagreement between collections (see docs/follower-audit.md).

Reads ../shared/data (or $VETTING_SHARED_DATA); skips with a message when it is absent.
Writes vetting/data/follower_model.json: coefficients and figures only, no rows.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import sys
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.preprocessing import StandardScaler

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from vetting.followers_audit import fake_share_interval, feature_matrix, load_model  # noqa: E402

MODEL_FILE = REPO / "vetting" / "data" / "follower_model.json"
CORE_FEATURES = ("log_posts", "log_followers", "log_following", "log_following_ratio",
                 "no_posts")
OPTIONAL_GROUPS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    # group: (features, sample-file columns that provide them)
    "profile_pic": (("has_profile_pic",), ("has_profile_pic",)),
    "private": (("is_private",), ("is_private",)),
    "username": (("username_digit_share",), ("username",)),
    "bio": (("has_bio",), ("biography or bio_length",)),
}
FEATURE_TEXT = {
    "log_posts": "ln(1 + posts)",
    "log_followers": "ln(1 + followers)",
    "log_following": "ln(1 + following)",
    "log_following_ratio": "ln(1 + following / (followers + 1))",
    "no_posts": "1 if posts = 0 else 0",
    "has_profile_pic": "1 if the account has a profile picture else 0",
    "is_private": "1 if the account is private else 0",
    "username_digit_share": "digits in the username / username length",
    "has_bio": "1 if the biography is not empty (bio_length > 0) else 0",
}
C_REGULARISATION = 1.0
ATTRIBUTION = [
    {
        "dataset": "InstaFake (fakeAccountData.json, realAccountData.json)",
        "authors": "F. C. Akyon and M. E. Kalfaoglu",
        "reference": "Instagram Fake and Automated Account Detection, ASYU 2019,"
                     " arXiv:1910.03090; repository fcakyon/instafake-dataset",
        "licence": "CC BY-NC 4.0",
        "accounts": {"fake": 200, "genuine": 994},
    },
    {
        "dataset": "Instagram fake spammer genuine accounts (insta_train.csv, insta_test.csv)",
        "authors": "B. Bakhshandeh (crawled 15-19 March 2019, published on Kaggle)",
        "reference": "copy from DURGESH716/Fake-Instagram-Profile-Detection",
        "licence": "not stated; used for calibration and evaluation only",
        "accounts": {"fake": 348, "genuine": 348},
    },
]
DEFAULT_INTERVAL = {
    "method": "Monte Carlo: Jeffreys beta draws of the flagged share and of the error"
              " rates; Rogan-Gladen per draw, clipped to [0, 1]; central quantiles for every"
              " pairing of one test collection's sensitivity with one's specificity; the"
              " interval spans them all",
    "draws": 4000,
    "seed": 20261115,
    "level": 0.95,
}


def shared_data_dir() -> Path:
    return Path(os.environ.get("VETTING_SHARED_DATA") or REPO.parent / "shared" / "data")


def load_instafake(root: Path) -> pd.DataFrame:
    rows = []
    for name in ("fakeAccountData.json", "realAccountData.json"):
        rows.extend(json.loads((root / "instafake" / name).read_text(encoding="utf-8")))
    raw = pd.DataFrame(rows)
    return pd.DataFrame({
        "posts": raw["userMediaCount"],
        "followers": raw["userFollowerCount"],
        "following": raw["userFollowingCount"],
        "has_profile_pic": raw["userHasProfilPic"],
        "is_private": raw["userIsPrivate"],
        "username_digit_share": raw["usernameDigitCount"] / raw["usernameLength"].clip(lower=1),
        "bio_length": raw["userBiographyLength"],
        "fake": raw["isFake"].astype(int),
    })


def load_kaggle(root: Path) -> pd.DataFrame:
    folder = root / "kaggle-ig-fake-genuine"
    raw = pd.concat(
        [pd.read_csv(folder / "insta_train.csv"), pd.read_csv(folder / "insta_test.csv")],
        ignore_index=True,
    )
    return pd.DataFrame({
        "posts": raw["#posts"],
        "followers": raw["#followers"],
        "following": raw["#follows"],
        "has_profile_pic": raw["profile pic"],
        "is_private": raw["private"],
        "username_digit_share": raw["nums/length username"],
        "bio_length": raw["description length"],
        "fake": raw["fake"].astype(int),
    })


def balanced_weights(labels: np.ndarray, groups: np.ndarray | None = None) -> np.ndarray:
    """Each (group, class) cell carries the same total weight."""
    keys = labels if groups is None else np.char.add(groups.astype(str), labels.astype(str))
    cells, inverse, counts = np.unique(keys, return_inverse=True, return_counts=True)
    return len(labels) / (len(cells) * counts[inverse])


def equal_error_threshold(scores: np.ndarray, labels: np.ndarray, weights: np.ndarray) -> float:
    """Score threshold where weighted sensitivity equals weighted specificity (training)."""
    order = np.argsort(scores)
    s, y, w = scores[order], labels[order], weights[order]
    fake_below = np.concatenate([[0.0], np.cumsum(w * (y == 1))])  # fakes with score < t
    genuine_below = np.concatenate([[0.0], np.cumsum(w * (y == 0))])
    sensitivity = 1 - fake_below / fake_below[-1]
    specificity = genuine_below / genuine_below[-1]
    cut = int(np.argmin(np.abs(sensitivity - specificity)))
    edges = np.concatenate([[s[0] - 1e-9], (s[:-1] + s[1:]) / 2, [s[-1] + 1e-9]])
    return float(edges[cut])


def fit(frame: pd.DataFrame, features: tuple[str, ...], weights: np.ndarray) -> dict:
    """Weighted logistic regression, standardised inside, returned on the raw scale."""
    x = feature_matrix(frame, features)
    y = frame["fake"].to_numpy()
    scaler = StandardScaler().fit(x, sample_weight=weights)
    model = LogisticRegression(C=C_REGULARISATION, max_iter=2000)
    model.fit(scaler.transform(x), y, sample_weight=weights)
    coefficients = model.coef_[0] / scaler.scale_
    intercept = float(model.intercept_[0] - np.sum(coefficients * scaler.mean_))
    probabilities = 1 / (1 + np.exp(-(x @ coefficients + intercept)))
    threshold = equal_error_threshold(probabilities, y, weights)
    return {"coefficients": coefficients, "intercept": intercept, "threshold": threshold}


def evaluate(fitted: dict, frame: pd.DataFrame, features: tuple[str, ...]) -> dict:
    x = feature_matrix(frame, features)
    y = frame["fake"].to_numpy() == 1
    probabilities = 1 / (1 + np.exp(-(x @ fitted["coefficients"] + fitted["intercept"])))
    flagged = probabilities >= fitted["threshold"]
    tpr, fpr = float(flagged[y].mean()), float(flagged[~y].mean())
    return {
        "auc": round(float(roc_auc_score(y, probabilities)), 4),
        "balanced_accuracy": round((tpr + 1 - fpr) / 2, 4),
        "tpr": round(tpr, 4),
        "fpr": round(fpr, 4),
        "true_positives": int(flagged[y].sum()),
        "false_positives": int(flagged[~y].sum()),
        "n_fake": int(y.sum()),
        "n_genuine": int((~y).sum()),
    }


def collection_rates(directions: list[dict]) -> dict:
    """Error rates per test collection and their equal-weight means.

    A new audience is a new collection: its rates may sit anywhere between (or beyond)
    the two measured here, so the runtime keeps both rather than one pooled figure.
    """
    by_collection = [
        {
            "collection": d["test"],
            "fitted_on": d["fit"],
            "true_positives": d["true_positives"],
            "n_fake": d["n_fake"],
            "true_negatives": d["n_genuine"] - d["false_positives"],
            "n_genuine": d["n_genuine"],
        }
        for d in directions
    ]
    sensitivity = float(np.mean([c["true_positives"] / c["n_fake"] for c in by_collection]))
    specificity = float(
        np.mean([c["true_negatives"] / c["n_genuine"] for c in by_collection])
    )
    return {
        "sensitivity": round(sensitivity, 4),
        "specificity": round(specificity, 4),
        "n_fake_test": sum(c["n_fake"] for c in by_collection),
        "n_genuine_test": sum(c["n_genuine"] for c in by_collection),
        "measured": "cross-dataset: fitted on one collection, tested on the other;"
                    " means weight each test collection equally",
        "by_collection": by_collection,
    }


def calibrate(root: Path) -> tuple[dict, list[str]]:
    datasets = {"instafake": load_instafake(root), "kaggle": load_kaggle(root)}
    pooled = pd.concat(datasets.values(), keys=datasets.keys(), names=["dataset", None])
    pooled = pooled.reset_index(level=0)
    lines = [
        "| model | fit on → tested on | AUC | balanced accuracy | TPR | FPR | fakes | genuine |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    shipped_lines = [
        "| model | threshold | sensitivity (range) | specificity (range) |",
        "| --- | ---: | --- | --- |",
    ]
    models = []
    for size in range(len(OPTIONAL_GROUPS) + 1):
        for groups in itertools.combinations(OPTIONAL_GROUPS, size):
            features = CORE_FEATURES + tuple(f for g in groups for f in OPTIONAL_GROUPS[g][0])
            columns = ("posts", "followers", "following",
                       *(c for g in groups for c in OPTIONAL_GROUPS[g][1]))
            name = "+".join(("core", *groups))
            directions = []
            for train_name, test_name in (("instafake", "kaggle"), ("kaggle", "instafake")):
                train, test = datasets[train_name], datasets[test_name]
                fitted = fit(train, features, balanced_weights(train["fake"].to_numpy()))
                figures = evaluate(fitted, test, features)
                directions.append({"fit": train_name, "test": test_name, **figures})
                lines.append(
                    f"| {name} | {train_name} → {test_name} | {figures['auc']:.3f} |"
                    f" {figures['balanced_accuracy']:.3f} | {figures['tpr']:.3f} |"
                    f" {figures['fpr']:.3f} | {figures['n_fake']} | {figures['n_genuine']} |"
                )
            rates = collection_rates(directions)
            tpr = [d["tpr"] for d in directions]
            tnr = [1 - d["fpr"] for d in directions]
            weights = balanced_weights(
                pooled["fake"].to_numpy(), pooled["dataset"].to_numpy()
            )
            shipped = fit(pooled, features, weights)
            shipped_lines.append(
                f"| {name} | {shipped['threshold']:.3f} | {rates['sensitivity']:.3f}"
                f" ({min(tpr):.3f}–{max(tpr):.3f}) | {rates['specificity']:.3f}"
                f" ({min(tnr):.3f}–{max(tnr):.3f}) |"
            )
            models.append({
                "name": name,
                "groups": ["core", *groups],
                "columns": list(columns),
                "features": list(features),
                "coefficients": [round(float(c), 6) for c in shipped["coefficients"]],
                "intercept": round(shipped["intercept"], 6),
                "threshold": round(shipped["threshold"], 6),
                "error_rates": rates,
                "cross_dataset": directions,
            })
    report = ["Cross-dataset figures (threshold: equal-error point on the training set)", "",
              *lines, "", "Shipped models (fitted on both datasets pooled)", "",
              *shipped_lines]
    return {"models": models}, report


def coverage_report(runs: int = 400, seed: int = 2026) -> list[str]:
    """Simulated coverage of the shipped interval, for the richest and the core model.

    Each run: the test collections' counts are re-drawn from the measured rates, an
    audience with a known fake share is sampled, and its classifier error rates are put
    at a corner of what the two collections showed (each collection's own pair, both
    worst, both best); the interval is computed exactly as at runtime.
    """
    rng = np.random.default_rng(seed)
    bundle = load_model(MODEL_FILE)
    lines = [
        "| model | audience error rates (sens, spec) | n | coverage (min over shares) |"
        " mean width |",
        "| --- | --- | ---: | ---: | ---: |",
    ]
    for model in (bundle.models[0], bundle.models[-1]):
        sens, spec = model.sensitivities, model.specificities
        corners = {
            "like collection 1": (sens[0], spec[0]),
            "like collection 2": (sens[1], spec[1]),
            "both worst": (sens.min(), spec.min()),
            "both best": (sens.max(), spec.max()),
        }
        for label, (audience_sens, audience_spec) in corners.items():
            for n in (50, 200, 1000):
                coverages, widths = [], []
                for share in (0.0, 0.05, 0.2, 0.5, 0.8):
                    tp = rng.binomial(model.n_fake.astype(int), sens, size=(runs, 2))
                    tn = rng.binomial(model.n_genuine.astype(int), spec, size=(runs, 2))
                    rate = share * audience_sens + (1 - share) * (1 - audience_spec)
                    flagged = rng.binomial(n, rate, size=runs)
                    _, low, high = fake_share_interval(
                        np.full(runs, n), flagged, tp, np.broadcast_to(model.n_fake, tp.shape),
                        tn, np.broadcast_to(model.n_genuine, tn.shape),
                        draws=bundle.interval_draws, seed=bundle.interval_seed,
                    )
                    coverages.append(float(np.mean((low <= share) & (share <= high))))
                    widths.append(float(np.mean(high - low)))
                lines.append(
                    f"| {model.name} | {label} ({audience_sens:.3f}, {audience_spec:.3f}) | {n}"
                    f" | {min(coverages):.3f} | {np.mean(widths):.3f} |"
                )
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-write", action="store_true", help="print figures only")
    parser.add_argument("--output", type=Path, default=MODEL_FILE)
    parser.add_argument("--coverage", action="store_true",
                        help="only simulate the interval's coverage with the shipped model")
    args = parser.parse_args(argv)
    if args.coverage:
        print("\n".join(coverage_report()))
        return 0
    root = shared_data_dir()
    if not (root / "instafake").is_dir() or not (root / "kaggle-ig-fake-genuine").is_dir():
        print(f"skipped: labelled data not found in {root} (set VETTING_SHARED_DATA to the"
              " folder holding instafake/ and kaggle-ig-fake-genuine/)")
        return 0
    generated, report = calibrate(root)
    print("\n".join(report))
    if args.no_write:
        return 0
    existing = (
        json.loads(args.output.read_text(encoding="utf-8")) if args.output.exists() else {}
    )
    document = {
        "description": "Follower-sample fake classifier: logistic models per available"
                       " feature set, with cross-dataset error rates. Derived figures only;"
                       " no rows of the datasets. Regenerate with"
                       " scripts/calibrate_follower_model.py.",
        "attribution": ATTRIBUTION,
        "method": {
            "classifier": f"logistic regression (scikit-learn, L2, C={C_REGULARISATION}),"
                          " standardised features folded into raw-scale coefficients",
            "weights": "each dataset and class carries equal total weight",
            "threshold": "equal-error point (sensitivity = specificity) on the training data",
            "error_rates": "cross-dataset (fit on one, test on the other), kept per test"
                           " collection; the summary figure is their equal-weight mean",
        },
        "features": FEATURE_TEXT,
        "interval": DEFAULT_INTERVAL,
        **generated,
    }
    for key, value in existing.items():  # hand-edited sections (e.g. audience) survive
        document.setdefault(key, value)
    args.output.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n",
                           encoding="utf-8")
    shown = args.output.relative_to(REPO) if args.output.is_relative_to(REPO) else args.output
    print(f"\nwrote {shown}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

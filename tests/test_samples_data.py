"""The sample portfolios are what managers learn the toolkit on, so they must be valid,
realistic and honest: every file validates, ordinary numbers sit inside the published
ranges they were aimed at, planted patterns are really there, the generator is
reproducible, and the templates cover every field a candidate can fill in.
"""

from __future__ import annotations

import importlib.util
import json
import re
from collections import Counter
from collections.abc import Iterator
from datetime import date
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import pandas as pd
import pytest
import yaml
from pydantic import BaseModel

from vetting.models import Brief, FollowerPoint, Portfolio, Post, slugify
from vetting.rubrics import load_rubric

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "sample_portfolios"
DATA = SAMPLES / "data"
TEMPLATES = ROOT / "templates"
TODAY = date(2026, 11, 22)
NON_PORTFOLIO = {"brief", "expected"}
SAMPLE_COLUMNS = {"username", "full_name", "posts", "followers", "following",
                  "has_profile_pic", "is_private", "biography", "external_url"}
EXPECT_VALUES = {"top", "middle", "bottom"}
NON_ENGLISH = ("sq", "ko", "th", "ar")

# Script ranges and a few function words, enough to tell the five sample languages apart.
SCRIPTS = {"ar": r"[\u0600-\u06FF]", "ko": r"[\uAC00-\uD7A3]", "th": r"[\u0E00-\u0E7F]"}
FUNCTION_WORDS = {
    "sq": {"dhe", "për", "në", "të", "që", "një", "nga", "me"},
    "en": {"the", "and", "to", "of", "we", "is", "for", "with"},
}


# --------------------------------------------------------------------------- helpers


def portfolio_files() -> list[Path]:
    return sorted(
        p for p in SAMPLES.iterdir()
        if p.suffix in (".json", ".yaml", ".yml") and p.stem not in NON_PORTFOLIO
    )


def read_document(path: Path) -> dict[str, Any]:
    text = path.read_text(encoding="utf-8")
    return json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)


def read_csv(path: Path) -> pd.DataFrame:
    """Every cell as text, empty cells as missing: the same reading as the loader's."""
    return pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])


def csv_records(path: Path) -> list[dict[str, str]]:
    frame = read_csv(path)
    return [
        {k: v for k, v in row.items() if isinstance(v, str) and v != ""}
        for row in frame.to_dict("records")
    ]


@cache
def loaded() -> dict[str, tuple[Path, Portfolio]]:
    """Every sample with its CSVs attached, validated as the loader would."""
    result = {}
    for path in portfolio_files():
        data = read_document(path)
        for account in data.get("accounts", []):
            for ref, target, model in (
                ("recent_posts_csv", "recent_posts", Post),
                ("follower_history_csv", "follower_history", FollowerPoint),
            ):
                if account.get(ref):
                    rows = csv_records(path.parent / account[ref])
                    validated = [
                        model.model_validate(r, context={"today": TODAY}).model_dump()
                        for r in rows
                    ]
                    account[target] = [*(account.get(target) or []), *validated]
        data.setdefault("id", path.stem)
        result[path.stem] = (path, Portfolio.model_validate(data, context={"today": TODAY}))
    return result


@cache
def expected() -> dict[str, dict[str, Any]]:
    return yaml.safe_load((SAMPLES / "expected.yaml").read_text(encoding="utf-8"))["candidates"]


@cache
def spec() -> dict[str, Any]:
    return yaml.safe_load((DATA / "generator_spec.yaml").read_text(encoding="utf-8"))


def generator() -> ModuleType:
    location = ROOT / "scripts" / "make_sample_data.py"
    module_spec = importlib.util.spec_from_file_location("make_sample_data", location)
    assert module_spec is not None and module_spec.loader is not None
    module = importlib.util.module_from_spec(module_spec)
    module_spec.loader.exec_module(module)
    return module


def accounts() -> Iterator[tuple[str, str, Any]]:
    for cid, (_, portfolio) in loaded().items():
        for account in portfolio.accounts:
            yield cid, f"{account.handle} on {account.platform}", account


def language_of(text: str) -> str | None:
    """The sample language a text is written in, by script or by function words."""
    counts = {lang: len(re.findall(pattern, text)) for lang, pattern in SCRIPTS.items()}
    best = max(counts, key=lambda lang: counts[lang])
    if counts[best] >= 3:
        return best
    words = Counter(re.findall(r"[^\W\d_]+", text.lower()))
    scores = {lang: sum(words[w] for w in vocab) for lang, vocab in FUNCTION_WORDS.items()}
    if re.search(r"[ëç]", text.lower()):
        scores["sq"] += 2
    lang = max(scores, key=lambda key: scores[key])
    return lang if scores[lang] >= 2 else None


def band_for(platform: str, followers: int) -> dict[str, Any] | None:
    bands = spec()["benchmark_bands"]["engagement_per_follower"].get(platform, [])
    for band in bands:
        if followers >= band["min"] and (band["max"] is None or followers < band["max"]):
            return band
    return None


def model_field_paths(model: type[BaseModel]) -> set[str]:
    """Names of every field of a model and of the models nested in it."""
    names: set[str] = set()
    stack: list[type[BaseModel]] = [model]
    seen: set[type[BaseModel]] = set()
    while stack:
        current = stack.pop()
        if current in seen:
            continue
        seen.add(current)
        for name, info in current.model_fields.items():
            names.add(name)
            for arg in _model_args(info.annotation):
                stack.append(arg)
    return names


def _model_args(annotation: Any) -> Iterator[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        yield from _model_args(arg)


def document_keys(node: Any) -> set[str]:
    keys: set[str] = set()
    if isinstance(node, dict):
        for key, value in node.items():
            keys.add(str(key))
            keys |= document_keys(value)
    elif isinstance(node, list):
        for item in node:
            keys |= document_keys(item)
    return keys


def comment_text(path: Path) -> str:
    lines = [line.split("#", 1)[1] for line in path.read_text(encoding="utf-8").splitlines()
             if "#" in line]
    return " ".join(" ".join(lines).split())


# --------------------------------------------------------------------------- portfolios


def test_at_least_ten_portfolios_in_both_formats() -> None:
    files = portfolio_files()
    assert len(files) >= 10
    assert {".json", ".yaml"} <= {p.suffix for p in files}


def test_every_sample_validates_with_its_csvs() -> None:
    portfolios = loaded()
    assert set(portfolios) == {p.stem for p in portfolio_files()}
    for cid, (path, portfolio) in portfolios.items():
        assert slugify(path.name) == cid, "file stem must be the candidate id"
        assert portfolio.candidate_id == cid
        for account in portfolio.accounts:
            where = f"{cid} {account.handle} on {account.platform}"
            assert 30 <= len(account.recent_posts) <= 60, where
            assert account.follower_history, where
            span = max(p.date for p in account.follower_history) - min(
                p.date for p in account.follower_history
            )
            assert 180 <= span.days <= 370, where
            assert all(p.following is not None for p in account.follower_history), where


def test_freelancers_and_agencies_with_teams_cases_and_training() -> None:
    portfolios = [p for _, p in loaded().values()]
    kinds = Counter(p.identity.kind for p in portfolios)
    assert kinds["freelancer"] >= 3 and kinds["agency"] >= 3
    for portfolio in portfolios:
        assert portfolio.team.roles and portfolio.price is not None
        assert portfolio.learning and portfolio.case_studies
    thresholds = yaml.safe_load((ROOT / "vetting" / "data" / "signal_thresholds.yaml").read_text())
    overload = thresholds["commercial"]["accounts_per_manager"]["overload"]
    managers = [p.team.accounts_per_manager for p in portfolios if p.team.accounts_per_manager]
    assert max(managers) > overload >= sorted(managers)[-2], "exactly one overloaded team"


def test_stated_counts_match_the_end_of_the_history() -> None:
    latest = date.fromisoformat(str(spec()["latest_data_date"]))
    for _, subject, account in accounts():
        last = max(account.follower_history, key=lambda p: p.date)
        assert last.followers == account.followers, subject
        assert last.following == account.following, subject
        dates = [p.date for p in account.recent_posts] + [p.date for p in account.follower_history]
        assert max(dates) <= latest, subject


def test_csv_references_resolve_and_names_are_unique() -> None:
    names = []
    for path in portfolio_files():
        for account in read_document(path).get("accounts", []):
            for ref in ("recent_posts_csv", "follower_history_csv", "follower_sample_csv"):
                if account.get(ref):
                    target = (path.parent / account[ref]).resolve()
                    assert target.is_file() and target.is_relative_to(SAMPLES.resolve())
                    names.append(target.name)
    assert len(names) == len(set(names)), "uploads match CSVs by file name"


def test_follower_samples_are_sized_and_shaped_for_the_audit() -> None:
    must_flag = {cid: set(e["must_flag"]) for cid, e in expected().items()}
    samples = 0
    for path in portfolio_files():
        for account in read_document(path).get("accounts", []):
            if not account.get("follower_sample_csv"):
                continue
            samples += 1
            frame = read_csv(path.parent / account["follower_sample_csv"])
            assert set(frame.columns) == SAMPLE_COLUMNS
            assert 150 <= len(frame) <= 300 and frame["username"].is_unique
            posts, followers, following = (
                frame[c].astype(int) for c in ("posts", "followers", "following")
            )
            # Bought accounts: no posts or few, following far more than follow them.
            fake_like = (posts <= 5) & (following > 10 * (followers + 1))
            if "fake_audience_majority" in must_flag[path.stem]:
                assert fake_like.mean() > 0.5, path.stem
            else:
                assert fake_like.mean() < 0.15, path.stem
                genuine = frame[~fake_like]
                ratio = genuine["following"].astype(int) / genuine["followers"].astype(int)
                assert 0.3 <= ratio.median() <= 2.0
                assert (genuine["has_profile_pic"] == "true").mean() > 0.8
    assert samples >= 3


# --------------------------------------------------------------------------- languages


def test_all_five_languages_in_names_or_answers() -> None:
    found = set()
    for _, portfolio in loaded().values():
        texts = [portfolio.identity.name, *portfolio.strategy_answers.values()]
        found |= {language_of(t) for t in texts} - {None}
    assert {"en", "sq", "ko", "th", "ar"} <= found


def test_two_candidates_answer_in_each_non_english_language() -> None:
    by_language: Counter[str] = Counter()
    for _, portfolio in loaded().values():
        answers = " ".join(portfolio.strategy_answers.values())
        language = language_of(answers)
        assert language is not None, portfolio.candidate_id
        by_language[language] += 1
    for language in NON_ENGLISH:
        assert by_language[language] >= 2, language


def test_most_strategy_questions_answered() -> None:
    questions = yaml.safe_load((ROOT / "rubrics" / "strategy_questions.yaml").read_text())
    ids = {q["id"] for q in questions["questions"]}
    for cid, (_, portfolio) in loaded().items():
        answered = {k for k, v in portfolio.strategy_answers.items() if v.strip()}
        assert answered <= ids, cid
        assert len(answered) >= 10, cid


# --------------------------------------------------------------------------- numbers


def _organic_rates(account: Any) -> tuple[float, float, pd.DataFrame]:
    posts = pd.DataFrame([p.model_dump() for p in account.recent_posts])
    organic = posts[~posts["paid"]]
    rate = float(np.median((organic["likes"] + organic["comments"]) / account.followers))
    per_100 = 100 * posts["comments"].sum() / posts["likes"].sum()
    return rate, float(per_100), posts


def test_ordinary_accounts_sit_in_the_published_ranges() -> None:
    planted = {(cid, s) for cid, e in expected().items() for s in e["numbers_planted_on"]}
    comment_band = spec()["benchmark_bands"]["comments_per_100_likes"]
    checked = 0
    for cid, subject, account in accounts():
        if (cid, subject) in planted:
            continue
        rate, per_100, _ = _organic_rates(account)
        assert comment_band["low"] <= per_100 <= comment_band["high"], (cid, subject, per_100)
        band = band_for(account.platform, account.followers)
        if band is None:  # no published figure (Facebook)
            continue
        assert band["low"] <= rate <= band["high"], (cid, subject, rate, band["sources"])
        checked += 1
    assert checked >= 15


def test_planted_numbers_are_really_there() -> None:
    planted = {(cid, s) for cid, e in expected().items() for s in e["numbers_planted_on"]}
    assert planted, "expected.yaml names the accounts with planted numbers"
    for cid, subject, account in accounts():
        if (cid, subject) not in planted:
            continue
        _, per_100, posts = _organic_rates(account)
        likes = posts["likes"].astype(float)
        history = pd.DataFrame([p.model_dump() for p in account.follower_history])
        growth = history["followers"].diff().dropna()
        pod = likes.std() / likes.mean() < 0.05 and per_100 > 10
        viral = likes.max() >= 40 * likes.median()
        burst = growth.max() >= 1_000 and growth.max() >= 100 * max(growth.median(), 1)
        assert pod or viral or burst, (cid, subject)


def test_brief_rates_cover_every_currency_in_the_samples() -> None:
    brief = Brief.model_validate(
        yaml.safe_load((SAMPLES / "brief.yaml").read_text(encoding="utf-8")),
        context={"today": TODAY},
    )
    currencies = set()
    for _, portfolio in loaded().values():
        assert portfolio.price is not None
        currencies.add(portfolio.price.currency)
        currencies |= {c.paid_budget.currency for c in portfolio.case_studies if c.paid_budget}
    assert brief.budget is not None and currencies <= set(brief.exchange_rates)
    assert brief.platforms and brief.languages and brief.scope


# --------------------------------------------------------------------------- expected


def test_expected_names_every_sample_and_only_registry_flags() -> None:
    registry = {
        flag.id
        for kind in ("agency", "freelancer")
        for criterion in load_rubric(ROOT / "rubrics" / f"{kind}.yaml").criteria
        for flag in criterion.red_flags
    }
    portfolios = loaded()
    assert set(expected()) == set(portfolios)
    for cid, entry in expected().items():
        must, must_not = set(entry["must_flag"]), set(entry["must_not_flag"])
        assert must <= registry and must_not <= registry, cid
        assert not must & must_not, cid
        assert entry["expect"] in EXPECT_VALUES, cid
    for kind in ("agency", "freelancer"):
        expects = {e["expect"] for cid, e in expected().items()
                   if portfolios[cid][1].identity.kind == kind}
        assert "top" in expects, kind


# --------------------------------------------------------------------------- generator


def test_generator_is_deterministic_and_matches_the_committed_csvs(tmp_path: Path) -> None:
    make = generator()
    first, second = tmp_path / "a", tmp_path / "b"
    assert make.main(["--out", str(first)]) == 0
    assert make.main(["--out", str(second)]) == 0
    written = sorted(p.name for p in first.iterdir())
    assert written == sorted(p.name for p in second.iterdir())
    assert len(written) >= 20
    for name in written:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
        assert (first / name).read_bytes() == (DATA / name).read_bytes(), (
            f"{name} is stale: run scripts/make_sample_data.py"
        )


def test_inline_series_come_from_the_generator() -> None:
    make = generator()
    inline_prefixes = [
        a["prefix"] for a in spec()["accounts"]
        if a.get("inline") or a.get("inline_posts") or a.get("inline_history")
    ]
    assert inline_prefixes
    for prefix in inline_prefixes:
        account = next(a for a in spec()["accounts"] if a["prefix"] == prefix)
        tables = make.account_frames(spec(), account)
        cid = prefix.split("_", 1)[0]
        _, portfolio = loaded()[cid]
        stated = next(a for a in portfolio.accounts if a.followers == account["followers"])
        if "posts" in tables and (account.get("inline") or account.get("inline_posts")):
            assert [p.likes for p in stated.recent_posts] == tables["posts"]["likes"].tolist()
        if account.get("inline") or account.get("inline_history"):
            got = [p.followers for p in stated.follower_history]
            assert got == tables["history"]["followers"].tolist()


# --------------------------------------------------------------------------- templates


@pytest.mark.parametrize(
    ("name", "model"), [("portfolio.yaml", Portfolio), ("brief.yaml", Brief)]
)
def test_templates_validate_and_cover_every_field(name: str, model: type[BaseModel]) -> None:
    path = TEMPLATES / name
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    model.model_validate(document, context={"today": TODAY})
    missing = model_field_paths(model) - document_keys(document)
    assert not missing, f"{name} lacks {sorted(missing)}"


def test_portfolio_template_lists_the_twelve_questions() -> None:
    path = TEMPLATES / "portfolio.yaml"
    questions = yaml.safe_load((ROOT / "rubrics" / "strategy_questions.yaml").read_text())
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    comments = comment_text(path)
    assert list(document["strategy_answers"]) == [q["id"] for q in questions["questions"]]
    for question in questions["questions"]:
        assert " ".join(question["text"].split()) in comments, question["id"]
    cited = set(re.findall(r"00[0-4] (?:§\d+|closing)", comments))
    assert len(cited) >= 10, "the template says why each field matters"

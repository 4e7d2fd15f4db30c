"""The toolkit reaches the conclusions a careful manager should reach on the samples.

sample_portfolios/expected.yaml says, per candidate, which red flags must and must not be
raised and where the candidate should rank among those of its kind; README.md there says
why. The signal that catches each planted pattern is named in the test ids.
"""

from __future__ import annotations

from functools import cache

import pytest
import yaml

from tests.conftest import RUBRICS, SAMPLES, TODAY
from vetting.evidence import Evaluation, evaluate
from vetting.loading import load_brief, load_portfolios
from vetting.rubrics import load_rubric

EXPECTED = yaml.safe_load((SAMPLES / "expected.yaml").read_text(encoding="utf-8"))["candidates"]


@cache
def evaluation(kind: str) -> Evaluation:
    loaded = load_portfolios(SAMPLES, TODAY)
    assert loaded.errors == [], [str(p) for p in loaded.errors]
    brief = load_brief(SAMPLES / "brief.yaml", TODAY)
    return evaluate(loaded, load_rubric(RUBRICS / f"{kind}.yaml"), brief=brief, today=TODAY)


def raised(candidate_id: str) -> set[str]:
    findings = evaluation("agency").findings
    mine = findings[findings["candidate_id"] == candidate_id]
    return set(mine["flag"].dropna())


CASES = [
    (cid, flag, True) for cid, spec in EXPECTED.items() for flag in spec.get("must_flag", [])
] + [
    (cid, flag, False) for cid, spec in EXPECTED.items() for flag in spec.get("must_not_flag", [])
]


@pytest.mark.parametrize(
    ("candidate_id", "flag", "must"), CASES,
    ids=[f"{c}-{'raises' if m else 'not'}-{f}" for c, f, m in CASES],
)
def test_planted_patterns_are_caught_and_clean_ones_are_not(
    candidate_id: str, flag: str, must: bool
) -> None:
    assert (flag in raised(candidate_id)) is must


@pytest.mark.parametrize("kind", ["agency", "freelancer"])
def test_ranking_among_candidates_of_the_same_kind(kind: str) -> None:
    cards = [c for c in evaluation(kind).scorecards if c.candidate_kind == kind]
    totals = {card.candidate_id: card.total or 0.0 for card in cards}
    expect = {cid: EXPECTED[cid]["expect"] for cid in totals}
    tops = [totals[c] for c, e in expect.items() if e == "top"]
    rest = [totals[c] for c, e in expect.items() if e != "top"]
    bottoms = [totals[c] for c, e in expect.items() if e == "bottom"]
    above_bottom = [totals[c] for c, e in expect.items() if e != "bottom"]
    assert tops and min(tops) > max(rest), totals
    assert not bottoms or max(bottoms) < min(above_bottom), totals


def test_every_sample_is_judged_on_most_of_the_rubric() -> None:
    for card in evaluation("agency").scorecards:
        assert card.confidence >= 0.8, (card.candidate_id, card.confidence)


def test_the_excellent_small_freelancer_beats_bigger_accounts_on_engagement() -> None:
    """004 §3: 5,000 who engage beat 50,000 who do not."""
    cards = {c.candidate_id: c for c in evaluation("freelancer").scorecards}
    level = {
        cid: next(s.level for s in card.criteria if s.area == "followers_engagement")
        for cid, card in cards.items()
    }
    assert level["noura-alqahtani"] >= 4
    assert level["noura-alqahtani"] > level["tyler-brooks"]

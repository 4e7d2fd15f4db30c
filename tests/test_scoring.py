"""Scoring: suggested levels from findings, flag caps, overrides, knockouts, missing data."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from vetting.models import Rubric
from vetting.scoring import (
    apply_knockout_cap,
    level_points,
    score_candidates,
    score_table,
    suggest_levels,
    weighted_total,
)
from vetting.signals import findings_frame

LEVELS = [{"score": i, "anchor": f"evidence at level {i}"} for i in range(1, 6)]


def criterion(cid: str, area: str, weight: float, flags: list[dict] | None = None) -> dict:
    return {
        "id": cid, "title": cid.title(), "question": "?", "area": area, "weight": weight,
        "sources": ["004 §3"], "levels": LEVELS, "red_flags": flags or [],
        "questions": [{"id": f"q_{cid}", "text": "t", "strong_answer": "s",
                       "weak_answer": "w", "sources": ["004 §3"]}],
    }


RUBRIC = Rubric.model_validate(
    {
        "id": "test", "title": "Test rubric", "knockout_cap": 40,
        "criteria": [
            criterion("engagement", "followers_engagement", 3, [
                {"id": "low_engagement_for_tier", "description": "d", "severity": "serious",
                 "sources": ["004 §3"]},
            ]),
            criterion("authenticity", "authenticity", 2),
            criterion("strategy", "strategy_depth", 1),
        ],
    }
)
CANDIDATES = pd.DataFrame(
    {"candidate_id": ["a", "b", "c"], "name": ["Ana", "김민준", "سارة"], "kind": ["agency"] * 3}
)


def finding(cid: str, area: str, level: float | None = None, confidence: float = 1.0,
            flag: str | None = None, severity: str | None = None) -> dict:
    return {
        "candidate_id": cid, "area": area, "signal": "s", "subject": "portfolio",
        "value": 1.0, "unit": "", "comparison": "", "suggested_level": level, "flag": flag,
        "severity": severity, "confidence": confidence, "sources": "004 §3", "detail": "d",
    }


def test_points_and_weighted_total() -> None:
    assert [level_points(level) for level in (1, 2, 3, 4, 5)] == [0, 25, 50, 75, 100]
    assert weighted_total([5, None, 1], [2, 1, 2]) == (50.0, 0.8)
    assert weighted_total([None, None], [1, 1]) == (None, 0.0)
    assert apply_knockout_cap(80.0, True, 40) == 40
    assert apply_knockout_cap(30.0, True, 40) == 30
    assert apply_knockout_cap(80.0, True, None) == 80


def test_suggested_level_is_confidence_weighted_and_rounded_half_up() -> None:
    findings = findings_frame(
        [
            finding("a", "followers_engagement", 5, confidence=0.75),
            finding("a", "followers_engagement", 3, confidence=0.25),  # 4.5 -> 5
            finding("b", "followers_engagement", 2, confidence=0.5),
            finding("b", "followers_engagement", 4, confidence=0.5),  # 3.0 -> 3
        ]
    )
    levels = suggest_levels(findings, RUBRIC).set_index("candidate_id")["suggested_level"]
    assert levels.to_dict() == {"a": 5.0, "b": 3.0}


def test_flags_cap_levels_with_the_rubric_severity() -> None:
    findings = findings_frame(
        [
            finding("a", "followers_engagement", 5),
            # the signal says caution, the rubric says serious: the rubric wins (cap 2)
            finding("a", "followers_engagement", flag="low_engagement_for_tier",
                    severity="caution"),
            finding("b", "authenticity", 5),
            finding("b", "authenticity", flag="round_number_jump", severity="caution"),
            # a flag with no level-bearing finding is evidence on its own
            finding("c", "authenticity", flag="follower_burst", severity="serious"),
        ]
    )
    table = score_table(findings, CANDIDATES, RUBRIC).set_index("candidate_id")
    assert table.loc["a", "level:engagement"] == 2
    assert table.loc["b", "level:authenticity"] == 4
    assert table.loc["c", "level:authenticity"] == 2


def test_missing_evidence_is_not_a_middle_score() -> None:
    findings = findings_frame([finding("a", "followers_engagement", 5)])
    cards = {card.candidate_id: card for card in score_candidates(findings, CANDIDATES, RUBRIC)}
    a = cards["a"]
    assert a.total == 100.0  # only the judged criterion counts...
    assert a.confidence == 0.5  # ...and the confidence says it was half the weight
    statuses = {c.criterion_id: c.status for c in a.criteria}
    assert statuses == {"engagement": "scored", "authenticity": "insufficient_evidence",
                        "strategy": "insufficient_evidence"}
    assert cards["b"].total is None and cards["b"].confidence == 0.0


def test_knockout_caps_the_total_and_is_reported() -> None:
    findings = findings_frame(
        [
            finding("a", "followers_engagement", 5),
            finding("a", "strategy_depth", 5),
            finding("a", "authenticity", flag="fake_audience_majority", severity="knockout"),
        ]
    )
    [card] = [c for c in score_candidates(findings, CANDIDATES, RUBRIC) if c.candidate_id == "a"]
    # engagement 100 × 3, authenticity level 1 → 0 × 2, strategy 100 × 1 → 400 / 6
    assert card.uncapped_total == pytest.approx(66.7, abs=0.05)
    assert card.total == 40
    assert card.knockout
    assert card.flags_by_severity()["knockout"][0].flag == "fake_audience_majority"
    assert card.flags[0].criterion_id == "authenticity"


def test_overrides_replace_suggestions_and_are_kept_apart() -> None:
    findings = findings_frame([finding("a", "followers_engagement", 2)])
    overrides = {"a": {"engagement": 4, "strategy": 5}, "unknown": {"engagement": 1}}
    [card] = [c for c in score_candidates(findings, CANDIDATES, RUBRIC, overrides)
              if c.candidate_id == "a"]
    by_id = {c.criterion_id: c for c in card.criteria}
    assert (by_id["engagement"].suggested_level, by_id["engagement"].level) == (2, 4)
    assert (by_id["strategy"].suggested_level, by_id["strategy"].level) == (None, 5)
    assert card.total == pytest.approx((75 * 3 + 100 * 1) / 4, abs=0.05)


def test_override_to_none_withdraws_a_criterion() -> None:
    findings = findings_frame([finding("a", "followers_engagement", 2),
                               finding("a", "strategy_depth", 4)])
    table = score_table(findings, CANDIDATES, RUBRIC, {"a": {"engagement": None}})
    row = table.set_index("candidate_id").loc["a"]
    assert math.isnan(row["level:engagement"])
    assert row["total"] == 75.0


def test_ranking_puts_unjudged_candidates_last() -> None:
    findings = findings_frame(
        [finding("a", "strategy_depth", 2), finding("b", "strategy_depth", 5)]
    )
    order = [card.candidate_id for card in score_candidates(findings, CANDIDATES, RUBRIC)]
    assert order == ["b", "a", "c"]


def test_findings_travel_with_their_criterion() -> None:
    findings = findings_frame([finding("a", "authenticity", 4), finding("a", "fit", 2)])
    [card] = [c for c in score_candidates(findings, CANDIDATES, RUBRIC) if c.candidate_id == "a"]
    by_id = {c.criterion_id: c for c in card.criteria}
    assert len(by_id["authenticity"].findings) == 1
    assert by_id["engagement"].findings == []


def test_summarised_levels_do_not_count_twice() -> None:
    account = finding("a", "followers_engagement", 1, confidence=1.0)
    account["summarised_by"] = "engagement_portfolio"
    findings = findings_frame([account, finding("a", "followers_engagement", 5, confidence=0.2)])
    levels = suggest_levels(findings, RUBRIC).set_index("candidate_id")["suggested_level"]
    assert levels["a"] == 5  # the account's level 1 is inside the summary already


def test_a_caution_alone_does_not_make_a_level() -> None:
    findings = findings_frame(
        [finding("a", "strategy_depth", flag="unanswered_strategy_questions", severity="caution")]
    )
    [card] = [c for c in score_candidates(findings, CANDIDATES, RUBRIC) if c.candidate_id == "a"]
    strategy = next(c for c in card.criteria if c.criterion_id == "strategy")
    assert strategy.level is None and strategy.status == "insufficient_evidence"
    assert [f.flag for f in strategy.flags] == ["unanswered_strategy_questions"]
    assert card.total is None


def test_a_flag_shows_on_every_criterion_of_its_area() -> None:
    twin = Rubric.model_validate(
        {**RUBRIC.model_dump(), "criteria": [
            *RUBRIC.model_dump()["criteria"],
            {**RUBRIC.model_dump()["criteria"][1], "id": "authenticity_b", "weight": 1,
             "questions": [{"id": "q_b", "text": "t", "strong_answer": "s", "weak_answer": "w",
                            "sources": ["004 §3"]}]},
        ]}
    )
    findings = findings_frame(
        [finding("a", "authenticity", flag="follower_burst", severity="serious")]
    )
    [card] = [c for c in score_candidates(findings, CANDIDATES, twin) if c.candidate_id == "a"]
    flagged = {c.criterion_id for c in card.criteria if c.flags}
    assert flagged == {"authenticity", "authenticity_b"}

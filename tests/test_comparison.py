"""Comparison: side by side, ranking, weight sensitivity (against brute force), value."""

from __future__ import annotations

import math
import random
from collections.abc import Sequence

import numpy as np
import pandas as pd
import pytest

from vetting.comparison import (
    NOT_ENOUGH_DATA,
    WeightSensitivity,
    comparison_bundle,
    evidence_by_criterion,
    rank,
    ranking_summary,
    reweight,
    side_by_side,
    value_for_money,
    weight_sensitivity,
)
from vetting.display import isolate
from vetting.frames import PortfolioFrames
from vetting.models import AREAS, Brief, Rubric, Scorecard
from vetting.scoring import apply_knockout_cap, score_candidates, score_table, weighted_total
from vetting.signals import findings_frame

# --------------------------------------------------------------------------- builders


def make_rubric(
    criteria: Sequence[tuple[str, str, float]], knockout_cap: float | None = 40
) -> Rubric:
    """A rubric from (criterion id, area, weight) triples; the text is filler."""
    return Rubric.model_validate(
        {
            "id": "test",
            "title": "Test rubric",
            "knockout_cap": knockout_cap,
            "criteria": [
                {
                    "id": criterion_id,
                    "title": criterion_id.replace("_", " ").title(),
                    "question": "Is it good?",
                    "area": area,
                    "weight": weight,
                    "sources": ["004 §3"],
                    "levels": [{"score": s, "anchor": f"level {s}"} for s in range(1, 6)],
                    "questions": [
                        {
                            "id": f"q_{criterion_id}",
                            "text": "Tell us.",
                            "strong_answer": "Specific.",
                            "weak_answer": "Vague.",
                            "sources": ["004 §3"],
                        }
                    ],
                }
                for criterion_id, area, weight in criteria
            ],
        }
    )


def finding(
    candidate_id: str,
    area: str,
    level: float | None = None,
    confidence: float = 0.8,
    flag: str | None = None,
    severity: str | None = None,
    detail: str = "A finding.",
) -> dict[str, object]:
    return {
        "candidate_id": candidate_id,
        "area": area,
        "signal": "test_signal",
        "subject": "portfolio",
        "suggested_level": level,
        "flag": flag,
        "severity": severity,
        "confidence": confidence,
        "sources": "004 §3",
        "detail": detail,
    }


def knockout(candidate_id: str) -> dict[str, object]:
    return finding(
        candidate_id,
        "authenticity",
        flag="fake_audience_majority",
        severity="knockout",
        detail="Most sampled followers look fake.",
    )


def candidates_table(rows: Sequence[dict[str, object]]) -> pd.DataFrame:
    return PortfolioFrames.from_rows({"candidates": list(rows)}).candidates


def person(candidate_id: str, name: str, **price: object) -> dict[str, object]:
    return {"candidate_id": candidate_id, "name": name, "kind": "freelancer", **price}


def scorecards(
    rows: Sequence[dict[str, object]], people: Sequence[dict[str, object]], rubric: Rubric
) -> list[Scorecard]:
    return score_candidates(findings_frame(list(rows)), candidates_table(people), rubric)


TWO = make_rubric(
    [("engagement", "followers_engagement", 1.0), ("strategy", "strategy_depth", 1.0)]
)


# --------------------------------------------------------------------------- side by side


def test_side_by_side_one_row_per_criterion_and_missing_levels_said_so() -> None:
    rubric = make_rubric(
        [("engagement", "followers_engagement", 30), ("strategy", "strategy_depth", 10)]
    )
    cards = scorecards(
        [
            finding("a", "followers_engagement", 5),
            finding("a", "strategy_depth", 3),
            finding("b", "followers_engagement", 2),
        ],
        [person("a", "Ana"), person("b", "김민지")],
        rubric,
    )
    table = side_by_side(cards, rubric)
    assert list(table["row"]) == ["engagement", "strategy", "total", "confidence", "knockout"]
    assert list(table.columns[4:]) == ["Ana", "김민지"]
    by_row = table.set_index("row")
    assert by_row.loc["strategy", "김민지"] == NOT_ENOUGH_DATA
    assert by_row.loc["engagement", "김민지"] == 2
    assert by_row.loc["engagement", "weight_share"] == pytest.approx(0.75)
    assert by_row.loc["confidence", "김민지"] == pytest.approx(0.75)
    assert by_row.loc["knockout", "Ana"] == "no"


def test_side_by_side_keeps_same_named_candidates_apart() -> None:
    cards = scorecards(
        [finding("x1", "followers_engagement", 4), finding("x2", "followers_engagement", 2)],
        [person("x1", "Studio"), person("x2", "Studio")],
        TWO,
    )
    labels = list(side_by_side(cards, TWO).columns[4:])
    assert labels == ["Studio (x1)", "Studio (x2)"]


def test_evidence_picks_most_confident_finding_and_lists_flags() -> None:
    cards = scorecards(
        [
            finding("a", "followers_engagement", 4, 0.4, detail="Weak sample."),
            finding("a", "followers_engagement", 3, 0.9, detail="Ninety posts, median 2.1%."),
            finding(
                "a",
                "followers_engagement",
                flag="engagement_carried_by_one_post",
                severity="caution",
                detail="One post carries half the likes.",
            ),
            finding(
                "a",
                "commercial",
                flag="price_far_below_market",
                severity="serious",
                detail="Half the going rate.",
            ),
        ],
        [person("a", "Ana")],
        TWO,
    )
    evidence = evidence_by_criterion(cards, TWO).set_index("criterion_id")
    assert evidence.loc["engagement", "strongest_finding"] == "Ninety posts, median 2.1%."
    assert "engagement_carried_by_one_post" in evidence.loc["engagement", "flags"]
    assert evidence.loc["strategy", "level"] == NOT_ENOUGH_DATA
    assert "price_far_below_market" in evidence.loc["other", "flags"]


# --------------------------------------------------------------------------- ranking


def test_rank_orders_by_total_then_confidence_then_name_and_missing_last() -> None:
    cards = scorecards(
        [
            finding("low", "followers_engagement", 2),
            # Same total (75) for three candidates; "wide" is judged on both criteria.
            finding("wide", "followers_engagement", 4),
            finding("wide", "strategy_depth", 4),
            finding("zed", "followers_engagement", 4),
            finding("amy", "strategy_depth", 4),
        ],
        [
            person("low", "Low"),
            person("wide", "Wide"),
            person("zed", "Zed"),
            person("amy", "Amy"),
            person("none", "Nobody"),
        ],
        TWO,
    )
    ranking = rank(cards)
    assert [entry.candidate_id for entry in ranking] == ["wide", "amy", "zed", "low", "none"]
    assert ranking[0].too_close_to_call  # a 0-point lead
    assert ranking[-1].total is None
    assert ranking[-1].lead_over_next is None
    assert "too close to call" in ranking_summary(ranking)


@pytest.mark.parametrize(("second_level", "close"), [(4, False), (5, True)])
def test_close_call_rule(second_level: int, close: bool) -> None:
    # Totals: first = (100 + 100)/2... built so the lead is 12.5 or 0 points.
    rubric = make_rubric([("a", "measurement", 1.0), ("b", "learning", 1.0)])
    cards = scorecards(
        [
            finding("one", "measurement", 5),
            finding("one", "learning", 5),
            finding("two", "measurement", 5),
            finding("two", "learning", second_level),
        ],
        [person("one", "One"), person("two", "Two")],
        rubric,
    )
    ranking = rank(cards)
    expected_lead = 100.0 - (100.0 + (second_level - 1) / 4 * 100) / 2
    assert ranking[0].lead_over_next == pytest.approx(expected_lead)
    assert ranking[0].too_close_to_call is close
    assert ("too close to call" in ranking_summary(ranking)) is close


def test_reweight_matches_scoring_under_new_weights() -> None:
    rows = [
        finding("a", "followers_engagement", 5),
        finding("a", "strategy_depth", 1),
        finding("b", "followers_engagement", 2),
        finding("b", "strategy_depth", 4),
        knockout("b"),
    ]
    people = [person("a", "A"), person("b", "B")]
    cards = scorecards(rows, people, TWO)
    heavier = make_rubric(
        [("engagement", "followers_engagement", 1.0), ("strategy", "strategy_depth", 9.0)],
        knockout_cap=30,
    )
    expected = score_table(findings_frame(rows), candidates_table(people), heavier)
    by_id = {card.candidate_id: card for card in reweight(cards, heavier)}
    for row in expected.itertuples():
        assert by_id[row.candidate_id].total == pytest.approx(row.total, abs=0.05)
        assert by_id[row.candidate_id].confidence == pytest.approx(row.confidence, abs=1e-3)


# --------------------------------------------------------------------------- sensitivity


def test_sensitivity_threshold_worked_by_hand() -> None:
    # Engagement weight 1, strategy weight w. X = (100 + 25w)/(1 + w) (levels 5 and 2),
    # Y = (50 + 75w)/(1 + w) (levels 3 and 4): equal when 100 + 25w = 50 + 75w, w = 1,
    # a 50% share. At w = 0.5 X leads (75 against 58.3).
    rubric = make_rubric(
        [("engagement", "followers_engagement", 1.0), ("strategy", "strategy_depth", 0.5)]
    )
    cards = scorecards(
        [
            finding("x", "followers_engagement", 5),
            finding("x", "strategy_depth", 2),
            finding("y", "followers_engagement", 3),
            finding("y", "strategy_depth", 4),
        ],
        [person("x", "Xavier"), person("y", "Yuna")],
        rubric,
    )
    strategy = {s.criterion_id: s for s in weight_sensitivity(cards, rubric)}["strategy"]
    assert strategy.leader_id == "x"
    assert strategy.upper_weight == pytest.approx(1.0)
    assert strategy.upper_share == pytest.approx(0.5)
    assert strategy.leader_above_id == "y"
    assert strategy.lower_weight is None
    assert strategy.sentence == (
        f"The top candidate ({isolate('Xavier')}) stays first unless Strategy is weighted "
        f"above 50% (then {isolate('Yuna')} leads) (now 33%)."
    )
    # Engagement: weight e, strategy 0.5. X = (100e + 12.5)/(e + 0.5),
    # Y = (50e + 37.5)/(e + 0.5): equal at e = 0.5, so X holds unless engagement is
    # weighted below 50%.
    engagement = {s.criterion_id: s for s in weight_sensitivity(cards, rubric)}["engagement"]
    assert engagement.lower_weight == pytest.approx(0.5)
    assert engagement.upper_weight is None
    assert f"below 50% (then {isolate('Yuna')} leads)" in engagement.sentence


def test_sensitivity_names_who_leads_just_beyond_the_bound() -> None:
    # Engagement weight 1, strategy weight w (now 0.2):
    # L (5, 1) = 100/(1 + w); J (4, 3) = (75 + 50w)/(1 + w); K (1, 5) = 100w/(1 + w).
    # L = J at w = 0.5 (share 1/3), J = K at w = 1.5: just above 1/3 J leads, not K.
    rubric = make_rubric(
        [("engagement", "followers_engagement", 1.0), ("strategy", "strategy_depth", 0.2)]
    )
    cards = scorecards(
        [
            finding("l", "followers_engagement", 5),
            finding("l", "strategy_depth", 1),
            finding("j", "followers_engagement", 4),
            finding("j", "strategy_depth", 3),
            finding("k", "followers_engagement", 1),
            finding("k", "strategy_depth", 5),
        ],
        [person("l", "Lena"), person("j", "Jae"), person("k", "Kanya")],
        rubric,
    )
    strategy = weight_sensitivity(cards, rubric)[1]
    assert strategy.upper_weight == pytest.approx(0.5)
    assert strategy.upper_share == pytest.approx(1 / 3)
    assert strategy.leader_above_id == "j"
    assert f"above 33% (then {isolate('Jae')} leads)" in strategy.sentence


def test_sensitivity_when_the_cap_ties_totals_and_confidence_decides() -> None:
    # Both knockouts sit at the cap (40); X is judged on engagement only, Y on strategy
    # only, so confidence X = 1/(1 + w) and Y = w/(1 + w): they cross at w = 1.
    # Z (levels 2 and 2, 25 points) never reaches 40.
    rubric = make_rubric(
        [("engagement", "followers_engagement", 1.0), ("strategy", "strategy_depth", 0.5)],
        knockout_cap=40,
    )
    cards = scorecards(
        [
            finding("x", "followers_engagement", 5),
            knockout("x"),
            finding("y", "strategy_depth", 5),
            knockout("y"),
            finding("z", "followers_engagement", 2),
            finding("z", "strategy_depth", 2),
        ],
        [person("x", "Xiu"), person("y", "Yasmin"), person("z", "Zora")],
        rubric,
    )
    strategy = weight_sensitivity(cards, rubric)[1]
    assert strategy.leader_id == "x"
    assert strategy.upper_weight == pytest.approx(1.0)
    assert strategy.leader_above_id == "y"


def test_sensitivity_whatever_the_weight_when_one_candidate_dominates() -> None:
    cards = scorecards(
        [
            finding("a", "followers_engagement", 5),
            finding("a", "strategy_depth", 5),
            finding("b", "followers_engagement", 3),
            finding("b", "strategy_depth", 2),
        ],
        [person("a", "Ana"), person("b", "Ben")],
        TWO,
    )
    for result in weight_sensitivity(cards, TWO):
        assert result.lower_weight is None
        assert result.upper_weight is None
        assert "whatever the weight" in result.sentence


def test_sensitivity_with_no_judged_candidate() -> None:
    cards = scorecards([], [person("a", "Ana")], TWO)
    results = weight_sensitivity(cards, TWO)
    assert all(result.leader_id is None for result in results)


Levels = list[tuple[Scorecard, list[int | None]]]


def _levels(cards: Sequence[Scorecard], rubric: Rubric) -> Levels:
    by_card = [{c.criterion_id: c.level for c in card.criteria} for card in cards]
    return [
        (card, [levels.get(c.id) for c in rubric.criteria])
        for card, levels in zip(cards, by_card, strict=True)
    ]


def _brute_leader(levels: Levels, rubric: Rubric, k: int, weight: float) -> str | None:
    """The leader under the real scoring arithmetic with criterion k weighted ``weight``."""
    weights = [c.weight for c in rubric.criteria]
    weights[k] = weight
    best: tuple[object, ...] | None = None
    leader = None
    for card, card_levels in levels:
        total, confidence = weighted_total(card_levels, weights)
        total = apply_knockout_cap(total, card.knockout, rubric.knockout_cap)
        if total is None:
            continue
        key = (-total, -confidence, card.candidate_name.casefold(), card.candidate_id)
        if best is None or key < best:
            best, leader = key, card.candidate_id
    return leader


def _reweighted(rubric: Rubric, rng: random.Random) -> Rubric:
    """The same criteria with fresh random weights: a new case without re-scoring."""
    criteria = [
        c.model_copy(update={"weight": round(rng.uniform(1, 30), 1)}) for c in rubric.criteria
    ]
    return rubric.model_copy(update={"criteria": criteria})


def _random_case(rng: random.Random) -> tuple[list[Scorecard], Rubric]:
    areas = rng.sample([a for a in AREAS if a != "authenticity"], rng.randint(3, 6))
    cap = rng.choice([None, 40.0, round(rng.uniform(10, 80), 1)])
    rubric = make_rubric(
        [(f"c{i}", area, round(rng.uniform(1, 30), 1)) for i, area in enumerate(areas)],
        knockout_cap=cap,
    )
    people, rows = [], []
    for i in range(rng.randint(3, 5)):
        cid = f"p{i}"
        people.append(person(cid, rng.choice(["Ana", "Ben", "Chloé", "Dara", "민지"]) + str(i)))
        for area in areas:
            if rng.random() < 0.75:
                rows.append(finding(cid, area, rng.randint(1, 5), round(rng.random(), 2)))
        if rng.random() < 0.3:
            rows.append(knockout(cid))
    return scorecards(rows, people, rubric), rubric


GRID = np.linspace(0.003, 0.997, 299)
STEP = float(GRID[1] - GRID[0])


def _check_against_grid(
    result: WeightSensitivity, cards: Sequence[Scorecard], rubric: Rubric, k: int
) -> int:
    """Every grid share inside the analytic range keeps the leader; just outside, the
    reported successor leads. Returns how many bounds were checked."""
    rest = sum(c.weight for c in rubric.criteria) - rubric.criteria[k].weight
    levels = _levels(cards, rubric)
    leaders = [_brute_leader(levels, rubric, k, s * rest / (1 - s)) for s in GRID]
    assert _brute_leader(levels, rubric, k, rubric.criteria[k].weight) == result.leader_id
    low = result.lower_share if result.lower_share is not None else 0.0
    high = result.upper_share if result.upper_share is not None else 1.0
    for share, leader in zip(GRID, leaders, strict=True):
        if low + STEP < share < high - STEP:
            assert leader == result.leader_id, (result, share, leader)
    checked = 0
    for bound, successor, outward in (
        (result.upper_share, result.leader_above_id, 1),
        (result.lower_share, result.leader_below_id, -1),
    ):
        if bound is None:
            continue
        beyond = [
            leader
            for share, leader in zip(GRID, leaders, strict=True)
            if 0 < (share - bound) * outward <= 3 * STEP
        ]
        if beyond:
            assert successor in beyond, (result, beyond)
            assert beyond[0] != result.leader_id, (result, beyond)
            checked += 1
        # And right at the bound, with the real arithmetic: just inside keeps the leader.
        w = bound * rest / (1 - bound)
        inside = w * (1 - 1e-4 * outward)
        assert _brute_leader(levels, rubric, k, inside) == result.leader_id, result
    return checked


def test_sensitivity_agrees_with_brute_force_on_random_shortlists() -> None:
    rng = random.Random(20261122)
    bounds_checked = criteria_checked = 0
    for _ in range(16):  # scoring is the slow part; fresh weights make further cases
        cards, scored_with = _random_case(rng)
        for rubric in [scored_with] + [_reweighted(scored_with, rng) for _ in range(4)]:
            for k, result in enumerate(weight_sensitivity(cards, rubric)):
                bounds_checked += _check_against_grid(result, cards, rubric, k)
                criteria_checked += 1
    assert criteria_checked > 200
    assert bounds_checked > 50  # the random cases do move the leader, often


def test_sensitivity_predictions_hold_under_score_table() -> None:
    """A few weights on each side of each bound, through the full scorer."""
    rng = random.Random(7)
    checked = 0
    for _ in range(4):
        cards, rubric = _random_case(rng)
        rows, people = _rows_of(cards)
        for k, result in enumerate(weight_sensitivity(cards, rubric)):
            for bound in (result.lower_weight, result.upper_weight):
                if bound is None:
                    continue
                for weight in (bound * 0.9, bound * 1.1):
                    if not 0 < weight <= 100:
                        continue
                    criteria = [
                        c.model_copy(update={"weight": weight}) if i == k else c
                        for i, c in enumerate(rubric.criteria)
                    ]
                    table = score_table(
                        rows, people, rubric.model_copy(update={"criteria": criteria})
                    )
                    assert _table_leader(table, people) == _brute_leader(
                        _levels(cards, rubric), rubric, k, weight
                    )
                    checked += 1
    assert checked > 0


def _rows_of(cards: Sequence[Scorecard]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The findings and candidates behind scorecards, to re-score them."""
    rows = []
    for card in cards:
        for score in card.criteria:
            for f in score.findings:
                rows.append(finding(card.candidate_id, f.area, f.suggested_level, f.confidence))
        if card.knockout:
            rows.append(knockout(card.candidate_id))
    people = [person(card.candidate_id, card.candidate_name) for card in cards]
    return findings_frame(rows), candidates_table(people)


def _table_leader(table: pd.DataFrame, people: pd.DataFrame) -> str | None:
    named = table.merge(people[["candidate_id", "name"]], on="candidate_id").dropna(
        subset=["total"]
    )
    if named.empty:
        return None
    named = named.assign(
        folded=named["name"].str.casefold(), minus=-named["total"], less=-named["confidence"]
    )
    return str(
        named.sort_values(["minus", "less", "folded", "candidate_id"]).iloc[0]["candidate_id"]
    )


# --------------------------------------------------------------------------- value for money


def _priced() -> tuple[list[Scorecard], pd.DataFrame, Rubric]:
    rubric = make_rubric([("engagement", "followers_engagement", 2.0), ("fit", "fit", 1.0)])
    people = [
        person(
            "eur", "Euro", price_amount=1000.0, price_currency="EUR", price_unit="monthly_retainer"
        ),
        person(
            "usd",
            "Dollar",
            price_amount=1000.0,
            price_currency="USD",
            price_unit="monthly_retainer",
        ),
        person(
            "krw",
            "원화",
            price_amount=300000.0,
            price_currency="KRW",
            price_unit="monthly_retainer",
        ),
        person(
            "cheap",
            "Cheap",
            price_amount=200.0,
            price_currency="EUR",
            price_unit="monthly_retainer",
        ),
        person("hour", "Hourly", price_amount=50.0, price_currency="EUR", price_unit="hourly"),
        person("free", "Unpriced"),
    ]
    rows = [finding(p["candidate_id"], "followers_engagement", 4) for p in people]
    rows += [
        finding("eur", "fit", 5),
        finding(
            "usd",
            "fit",
            flag="language_gap",
            severity="serious",
            detail="Works in English only; the brief needs Korean.",
        ),
        finding(
            "cheap",
            "commercial",
            flag="price_far_below_market",
            severity="serious",
            detail="200 EUR a month is a fifth of the others for the same scope.",
        ),
    ]
    table = candidates_table(people)
    return score_candidates(findings_frame(rows), table, rubric), table, rubric


BRIEF = Brief.model_validate(
    {
        "title": "Korean launch",
        "budget": {"low": 800, "high": 1200, "currency": "EUR", "unit": "monthly_retainer"},
        "exchange_rates": {"USD": 0.9},
    }
)


def test_value_for_money_converts_with_the_briefs_rates_only() -> None:
    cards, table, _ = _priced()
    value = value_for_money(cards, table, BRIEF).set_index("candidate_id")
    assert value.loc["usd", "price_converted"] == pytest.approx(900.0)
    assert value.loc["usd", "currency"] == "EUR"
    assert "1 USD = 0.9 EUR" in value.loc["usd", "conversion"]
    # No KRW rate: the price stays in won and says so; no budget position is invented.
    assert value.loc["krw", "currency"] == "KRW"
    assert "no exchange rate for KRW" in value.loc["krw", "conversion"]
    assert value.loc["krw", "budget_position"] == "not converted: no position"
    assert value.loc["eur", "budget_position"] == "within budget"
    assert value.loc["cheap", "budget_position"] == "below budget"
    assert "not comparable" in value.loc["hour", "budget_position"]
    assert value.loc["free", "budget_position"] == "no price given"
    assert pd.isna(value.loc["free", "points_per_1000"])


def test_value_for_money_points_per_thousand_ranked_within_unit_and_currency() -> None:
    cards, table, _ = _priced()
    value = value_for_money(cards, table, BRIEF).set_index("candidate_id")
    eur_total = value.loc["eur", "total"]
    assert value.loc["eur", "points_per_1000"] == pytest.approx(eur_total / 1.0, abs=0.01)
    cheap_total = value.loc["cheap", "total"]
    assert value.loc["cheap", "points_per_1000"] == pytest.approx(cheap_total / 0.2, abs=0.01)
    # cheap, usd (900 EUR) and eur compete in one group; hourly and won stand alone.
    monthly_eur = value[(value["unit"] == "monthly_retainer") & (value["currency"] == "EUR")]
    assert sorted(monthly_eur["value_rank"]) == [1, 2, 3]
    assert value.loc["hour", "value_rank"] == 1
    assert value.loc["krw", "value_rank"] == 1


def test_value_for_money_shows_fit_and_the_signals_flags_without_recomputing() -> None:
    cards, table, _ = _priced()
    value = value_for_money(cards, table, BRIEF).set_index("candidate_id")
    assert value.loc["eur", "fit_level"] == 5
    assert value.loc["hour", "fit_level"] == NOT_ENOUGH_DATA
    assert "language_gap" in value.loc["usd", "fit_flags"]
    assert "a fifth of the others" in value.loc["cheap", "low_price_warning"]
    assert "004 §3" in value.loc["cheap", "low_price_warning"]
    # Krw is far cheaper once you know the rate, but no flag was raised: none is shown.
    assert value.loc["krw", "low_price_warning"] == ""


def test_value_for_money_without_a_brief() -> None:
    cards, table, _ = _priced()
    value = value_for_money(cards, table, None).set_index("candidate_id")
    assert value.loc["usd", "currency"] == "USD"
    assert value["budget_position"].eq("no budget in the brief").all()


def test_bundle_has_every_table() -> None:
    cards, table, rubric = _priced()
    bundle = comparison_bundle(cards, rubric, BRIEF, table)
    assert set(bundle) == {"side_by_side", "ranking", "evidence", "sensitivity", "value_for_money"}
    assert len(bundle["sensitivity"]) == len(rubric.criteria)
    assert bundle["ranking"]["summary"].iloc[0]
    assert not any(math.isnan(x) for x in bundle["sensitivity"]["share"])

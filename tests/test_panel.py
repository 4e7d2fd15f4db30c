"""Combining independent raters: mean vs median, spread, systematic deviation, and the
panel's levels feeding the scorecard."""

from __future__ import annotations

import math

import pandas as pd
import pytest
import yaml

from vetting.models import Rubric
from vetting.panel import (
    DEVIATION_THRESHOLD,
    MIN_SHARED_CRITERIA,
    PANEL_SETTINGS,
    RaterLevel,
    combine,
    level_distribution,
    panel_overrides,
    panel_table,
    rater_deviations,
    round_half_up,
)
from vetting.scoring import score_candidates
from vetting.signals import findings_frame


def _levels(table: dict[str, dict[str, int]], candidate_id: str = "c1") -> list[RaterLevel]:
    """{rater: {criterion: level}} → RaterLevels."""
    return [
        RaterLevel(candidate_id, criterion, rater, level)
        for rater, by_criterion in table.items()
        for criterion, level in by_criterion.items()
    ]


def test_mean_and_median_differ_when_one_rater_is_far_off() -> None:
    levels = _levels({"ana": {"reach": 1}, "ben": {"reach": 4}, "eli": {"reach": 5}})
    [by_mean] = combine(levels, "mean")
    [by_median] = combine(levels, "median")
    assert by_mean.combined == pytest.approx(10 / 3)
    assert by_mean.level == 3
    assert by_median.combined == 4.0
    assert by_median.level == 4


def test_halves_round_up_for_both_aggregations() -> None:
    levels = _levels({"ana": {"reach": 2}, "ben": {"reach": 3}})
    assert [p.level for p in combine(levels, "mean")] == [3]
    assert [p.level for p in combine(levels, "median")] == [3]
    assert (round_half_up(1.5), round_half_up(4.4999)) == (2, 4)


def test_spread_is_the_range_and_the_population_standard_deviation() -> None:
    levels = _levels(
        {"ana": {"reach": 1, "crisis": 3}, "ben": {"reach": 4, "crisis": 3}, "eli": {"reach": 5}}
    )
    panels = {p.criterion_id: p for p in combine(levels, "median")}
    reach, crisis = panels["reach"], panels["crisis"]
    assert (reach.lowest, reach.highest, reach.spread, reach.raters) == (1, 5, 4, 3)
    mean = (1 + 4 + 5) / 3
    assert reach.std == pytest.approx(
        math.sqrt(((1 - mean) ** 2 + (4 - mean) ** 2 + (5 - mean) ** 2) / 3)
    )
    assert reach.disagreement
    assert (crisis.spread, crisis.std, crisis.disagreement) == (0, 0.0, False)
    assert reach.levels == {"ana": 1, "ben": 4, "eli": 5}


CRITERIA = ["reach", "authenticity", "strategy", "crisis", "measurement"]


@pytest.mark.parametrize(
    "panel",
    [
        {"ana": [4, 4, 4, 4, 4], "ben": [4, 5, 4, 5, 4], "hal": [2, 2, 2, 2, 2]},
        {"ana": [4, 3, 5, 4, 3], "ben": [4, 4, 4, 5, 3], "hal": [3, 2, 3, 3, 2]},
        {"ana": [4] * 5, "ben": [4, 5, 4, 5, 4], "eli": [5, 4, 4, 4, 4], "hal": [2] * 5},
    ],
    ids=["three raters, far off", "three raters, one level below", "four raters"],
)
def test_a_systematically_harsh_rater_is_flagged_and_the_others_are_not(
    panel: dict[str, list[int]],
) -> None:
    levels = _levels({rater: dict(zip(CRITERIA, row, strict=True)) for rater, row in panel.items()})
    deviations = {d.rater: d for d in rater_deviations(levels)}
    assert deviations["hal"].flagged
    assert deviations["hal"].direction == "harsher"
    assert deviations["hal"].mean_difference <= -DEVIATION_THRESHOLD
    assert deviations["hal"].shared_criteria == len(CRITERIA)
    assert [r for r, d in deviations.items() if d.flagged] == ["hal"]
    assert next(iter(deviations)) == "hal"  # most deviant first


def test_a_lenient_rater_is_flagged_as_more_lenient() -> None:
    criteria = ["a", "b", "c"]
    levels = _levels(
        {
            "ana": dict.fromkeys(criteria, 2),
            "ben": dict.fromkeys(criteria, 2),
            "kim": dict.fromkeys(criteria, 4),
        }
    )
    deviations = {d.rater: d for d in rater_deviations(levels)}
    kim = deviations["kim"]
    assert (kim.flagged, kim.direction, kim.mean_difference) == (True, "more lenient", 2.0)
    assert (deviations["ana"].direction, deviations["ana"].mean_difference) == ("in line", 0.0)


def test_too_few_shared_criteria_are_not_enough_to_flag_anyone() -> None:
    criteria = CRITERIA[: MIN_SHARED_CRITERIA - 1]
    levels = _levels(
        {
            "ana": dict.fromkeys(criteria, 5),
            "ben": dict.fromkeys(criteria, 5),
            "hal": dict.fromkeys(criteria, 1),
        }
    )
    deviations = {d.rater: d for d in rater_deviations(levels)}
    assert not any(d.flagged for d in deviations.values())
    assert deviations["hal"].mean_difference == -4.0


def test_two_raters_show_disagreement_but_not_who_deviates() -> None:
    levels = _levels({"ana": dict.fromkeys(CRITERIA, 5), "hal": dict.fromkeys(CRITERIA, 1)})
    assert rater_deviations(levels) == []
    assert all(p.disagreement for p in combine(levels, "median"))


def test_level_distribution_counts_each_raters_levels() -> None:
    levels = _levels({"ana": {"a": 2, "b": 2, "c": 5}, "ben": {"a": 4}})
    assert level_distribution(levels) == {
        "ana": {1: 0, 2: 2, 3: 0, 4: 0, 5: 1},
        "ben": {1: 0, 2: 0, 3: 0, 4: 1, 5: 0},
    }


def test_the_same_rater_twice_on_one_criterion_is_an_error() -> None:
    levels = [RaterLevel("c1", "reach", "ana", 2), RaterLevel("c1", "reach", "ana", 3)]
    with pytest.raises(ValueError, match="two levels"):
        combine(levels, "mean")


def test_panel_table_has_a_row_per_criterion_and_a_column_per_rater() -> None:
    levels = _levels({"ana": {"reach": 1, "crisis": 3}, "ben": {"reach": 4}})
    table = panel_table(levels, "mean")
    assert list(table["criterion_id"]) == ["crisis", "reach"]
    assert table.loc[table["criterion_id"] == "reach", "rater:ben"].item() == 4
    assert pd.isna(table.loc[table["criterion_id"] == "crisis", "rater:ben"].item())


# --------------------------------------------------------------------------- scorecard


def _criterion(criterion_id: str, area: str) -> dict[str, object]:
    return {
        "id": criterion_id,
        "title": criterion_id.title(),
        "question": f"How strong is the {area}?",
        "area": area,
        "weight": 1,
        "sources": ["004 §3"],
        "levels": [{"score": s, "anchor": f"level {s}"} for s in range(1, 6)],
        "questions": [
            {
                "id": f"{criterion_id}_q",
                "text": "Walk me through it.",
                "strong_answer": "Specific numbers.",
                "weak_answer": "Vague claims.",
                "sources": ["004 §3"],
            }
        ],
    }


def test_the_scorecard_uses_the_panel_levels_and_keeps_suggestions_nobody_rated() -> None:
    rubric = Rubric.model_validate(
        {
            "id": "panel_test",
            "title": "Panel test",
            "aggregation": "median",
            "criteria": [
                _criterion("reach", "followers_engagement"),
                _criterion("craft", "creative_capacity"),
            ],
        }
    )
    findings = findings_frame(
        [
            {
                "candidate_id": "c1",
                "area": area,
                "signal": "measured",
                "subject": "portfolio",
                "value": 1.0,
                "suggested_level": 4.0,
                "confidence": 0.9,
                "sources": "004 §3",
                "detail": "Measured.",
            }
            for area in ("followers_engagement", "creative_capacity")
        ]
    )
    candidates = pd.DataFrame([{"candidate_id": "c1", "name": "Ana", "kind": "freelancer"}])
    levels = _levels({"ana": {"reach": 1}, "ben": {"reach": 2}, "eli": {"reach": 5}})
    overrides = panel_overrides(levels, rubric.aggregation)
    assert overrides == {"c1": {"reach": 2}}
    [card] = score_candidates(findings, candidates, rubric, overrides)
    by_id = {c.criterion_id: c for c in card.criteria}
    assert (by_id["reach"].suggested_level, by_id["reach"].level) == (4, 2)
    assert (by_id["craft"].suggested_level, by_id["craft"].level) == (4, 4)


def test_every_panel_threshold_in_the_data_file_states_its_reason() -> None:
    settings = yaml.safe_load(PANEL_SETTINGS.read_text(encoding="utf-8"))
    for section in ("deviation", "disagreement"):
        values = {k: v for k, v in settings[section].items() if not k.endswith("_reason")}
        assert values, section
        for key in values:
            assert len(settings[section].get(f"{key}_reason", "")) > 40, f"{section}.{key}"

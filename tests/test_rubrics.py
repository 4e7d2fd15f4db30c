"""Rubrics as validated data: the shipped rubrics, the warnings index, and every error a
manager can meet while editing a copy (file, field and reason)."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from pydantic import ValidationError

from tests.conftest import ROOT, RUBRICS
from vetting._validation import problems_from_validation
from vetting.errors import Problem, RubricError
from vetting.models import AREAS, Rubric
from vetting.rubrics import (
    MAX_RUBRIC_BYTES,
    dump_rubric,
    load_rubric,
    load_rubrics,
    parse_rubric,
    strategy_questions,
    warning_items,
    warnings_index,
)

SHIPPED = ("agency", "freelancer")
DOCS = ROOT / "docs" / "rubrics.md"
WARNINGS_MD = Path(os.environ.get("VETTING_WARNINGS_MD", ROOT.parent / "shared" / "WARNINGS.md"))

# The red-flag registry every signal raises and every rubric defines (area -> id ->
# default severity), as agreed for the project. Rubrics must carry each flag, in the
# criterion of its area, with this severity.
REGISTRY: dict[str, dict[str, str]] = {
    "followers_engagement": {
        "low_engagement_for_tier": "serious",
        "engagement_carried_by_one_post": "caution",
    },
    "authenticity": {
        "follower_burst": "serious",
        "round_number_jump": "caution",
        "follow_unfollow_seesaw": "serious",
        "growth_without_engagement": "serious",
        "comment_like_ratio_abnormal": "caution",
        "uniform_likes": "serious",
        "fake_audience_high": "serious",
        "fake_audience_majority": "knockout",
    },
    "repeatability": {
        "single_viral_hit": "serious",
        "own_following_only_proof": "serious",
        "guaranteed_virality_claim": "serious",
        "results_without_baseline": "caution",
        "no_contactable_reference": "caution",
    },
    "creative_capacity": {
        "no_creative_bench": "serious",
        "one_person_many_hats": "caution",
        "no_channel_adaptation": "caution",
    },
    "strategy_depth": {
        "followers_as_audience": "serious",
        "shallow_strategy_answers": "serious",
        "unanswered_strategy_questions": "caution",
    },
    "measurement": {
        "undefined_kpis": "caution",
        "vanity_metrics_only": "caution",
        "claims_full_attribution": "caution",
    },
    "community_crisis": {"no_crisis_plan": "serious"},
    "paid_social": {"no_paid_experience": "caution", "roi_not_measured": "caution"},
    "learning": {"no_recent_training": "caution"},
    "commercial": {
        "price_far_below_market": "serious",
        "price_outside_budget": "caution",
        "accounts_per_manager_overload": "serious",
    },
    "fit": {"platform_gap": "serious", "language_gap": "serious", "scope_gap": "caution"},
}

# Rows of the closing table of WARNINGS.md, by the start of their label.
TABLE_AREAS = {
    "Followers versus real engagement": "followers_engagement",
    "Fake followers": "authenticity",
    "Repeatable": "repeatability",
    "Creative capacity": "creative_capacity",
    "Strategy depth": "strategy_depth",
    "Measurement": "measurement",
    "Community management": "community_crisis",
    "Paid social": "paid_social",
    "Keeping current": "learning",
    "Commercial sanity": "commercial",
}

# BENCHMARKS.md "Hiring evidence": strategy, creative work and the team above cost.
TOP_AREAS = {
    "strategy_depth",
    "repeatability",
    "authenticity",
    "followers_engagement",
    "creative_capacity",
}


def shipped_text(name: str = "agency") -> str:
    return (RUBRICS / f"{name}.yaml").read_text(encoding="utf-8")


def problems_of(text: str | bytes, name: str = "agency.yaml") -> list[Problem]:
    with pytest.raises(RubricError) as caught:
        parse_rubric(text, name)
    assert caught.value.problems, "a RubricError must carry at least one problem"
    return caught.value.problems


def all_sources(rubric: Rubric) -> list[tuple[str, str]]:
    """(where, ref) for every citation in a rubric."""
    cited = []
    for criterion in rubric.criteria:
        cited += [(criterion.id, ref) for ref in criterion.sources]
        cited += [(flag.id, ref) for flag in criterion.red_flags for ref in flag.sources]
        cited += [(q.id, ref) for q in criterion.questions for ref in q.sources]
    return cited


def warnings_md() -> str:
    if not WARNINGS_MD.is_file():
        pytest.skip(
            f"WARNINGS.md not found at {WARNINGS_MD} (it lives beside the repository, in"
            " shared/; set VETTING_WARNINGS_MD to check the index against it)"
        )
    return WARNINGS_MD.read_text(encoding="utf-8")


def parse_refs(cell: str) -> list[str]:
    """'004 §1, §2; 000 §5 (note)' -> ['004 §1', '004 §2', '000 §5']."""
    refs, seed = [], None
    for match in re.finditer(r"\b(00\d)\b|§(\d+)|\bclosing\b", re.sub(r"\([^)]*\)", "", cell)):
        if match.group(1):
            seed = match.group(1)
        elif seed is not None:
            refs.append(f"{seed} {'§' + match.group(2) if match.group(2) else 'closing'}")
    return refs


# --------------------------------------------------------------------------- shipped rubrics


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_rubric_loads_with_agreed_settings(name: str) -> None:
    rubric = load_rubric(RUBRICS / f"{name}.yaml")
    assert rubric.id == name
    assert rubric.applies_to == name
    assert rubric.aggregation == "median"
    assert rubric.knockout_cap == 40


@pytest.mark.parametrize("name", SHIPPED)
def test_one_criterion_per_area(name: str) -> None:
    rubric = load_rubric(RUBRICS / f"{name}.yaml")
    assert sorted(c.area for c in rubric.criteria) == sorted(AREAS)


@pytest.mark.parametrize("name", SHIPPED)
def test_every_registry_flag_in_its_area_with_registry_severity(name: str) -> None:
    rubric = load_rubric(RUBRICS / f"{name}.yaml")
    defined = {
        flag.id: (criterion.area, flag.severity)
        for criterion in rubric.criteria
        for flag in criterion.red_flags
    }
    expected = {
        flag: (area, severity)
        for area, flags in REGISTRY.items()
        for flag, severity in flags.items()
    }
    assert defined == expected


@pytest.mark.parametrize("name", SHIPPED)
def test_every_citation_is_an_item_of_the_index(name: str) -> None:
    index = warnings_index()
    rubric = load_rubric(RUBRICS / f"{name}.yaml")
    unknown = [(where, ref) for where, ref in all_sources(rubric) if ref not in index]
    assert unknown == []


@pytest.mark.parametrize("name", SHIPPED)
def test_criterion_sources_support_its_area(name: str) -> None:
    """A criterion cites only items the index says support that area."""
    areas_of = {item.ref: set(item.areas) for item in warning_items()}
    rubric = load_rubric(RUBRICS / f"{name}.yaml")
    mismatched = [
        (criterion.id, ref)
        for criterion in rubric.criteria
        for ref in criterion.sources
        if criterion.area not in areas_of[ref]
    ]
    assert mismatched == []


@pytest.mark.parametrize("name", SHIPPED)
def test_shape_of_each_criterion(name: str) -> None:
    rubric = load_rubric(RUBRICS / f"{name}.yaml")
    for criterion in rubric.criteria:
        assert [level.score for level in criterion.levels] == [1, 2, 3, 4, 5]
        anchors = [level.anchor for level in criterion.levels]
        assert len(set(anchors)) == 5, f"{criterion.id}: levels must be told apart"
        assert 2 <= len(criterion.questions) <= 3, criterion.id
        for question in criterion.questions:
            assert question.strong_answer != question.weak_answer, question.id
        assert criterion.question.endswith("?"), criterion.id


@pytest.mark.parametrize("name", SHIPPED)
def test_weights_favour_what_hirers_rank_above_cost(name: str) -> None:
    rubric = load_rubric(RUBRICS / f"{name}.yaml")
    weights = {c.area: c.weight for c in rubric.criteria}
    top = min(weights[area] for area in TOP_AREAS)
    rest = max(weight for area, weight in weights.items() if area not in TOP_AREAS)
    assert top > rest
    assert weights["strategy_depth"] == max(weights.values())
    assert weights["commercial"] > 0 and weights["fit"] > 0


def test_freelancer_rubric_differs_where_a_freelancer_differs() -> None:
    agency = load_rubric(RUBRICS / "agency.yaml")
    freelancer = load_rubric(RUBRICS / "freelancer.yaml")
    for area in ("creative_capacity", "community_crisis", "commercial", "fit"):
        a = next(c for c in agency.criteria if c.area == area)
        f = next(c for c in freelancer.criteria if c.area == area)
        assert [lv.anchor for lv in a.levels] != [lv.anchor for lv in f.levels], area
    creative = next(c for c in freelancer.criteria if c.area == "creative_capacity")
    assert {"004 §7", "003 §4"} <= set(creative.sources)
    overload = freelancer.criterion("commercial").red_flags
    assert any("002 §6" in flag.sources for flag in overload)


def test_interview_question_ids_do_not_clash_with_strategy_question_ids() -> None:
    standard = {q.id for q in strategy_questions(RUBRICS)}
    for name in SHIPPED:
        rubric = load_rubric(RUBRICS / f"{name}.yaml")
        asked = {q.id for c in rubric.criteria for q in c.questions}
        assert asked.isdisjoint(standard), name


# --------------------------------------------------------------------------- warnings index


def test_index_matches_the_numbered_items_of_warnings_md() -> None:
    text = warnings_md()
    expected: set[str] = set()
    seeds: list[str] = []
    for line in text.splitlines():
        if line.startswith("## "):
            seeds = re.findall(r"\b(00\d)_[0-9a-f]+\.txt", line)
            continue
        bullet = re.match(r"- (§\d+)\s", line)
        if bullet:
            expected |= {f"{seed} {bullet.group(1)}" for seed in seeds}
        elif line.startswith("- Closing advice"):
            expected |= {f"{seed} closing" for seed in seeds}
    assert len(expected) > 30, "WARNINGS.md changed shape; update this parser"
    assert set(warnings_index()) == expected


def test_criteria_cite_the_mapping_table_of_warnings_md() -> None:
    text = warnings_md()
    table = text[text.index("## What this means") :]
    rows = [line for line in table.splitlines() if line.startswith("| ") and "---" not in line]
    checked = 0
    for row in rows[1:]:
        label, cell = (part.strip() for part in row.strip("|").split("|"))
        area = next((a for start, a in TABLE_AREAS.items() if label.startswith(start)), None)
        assert area is not None, f"new row in the WARNINGS.md table: {label!r}"
        refs = set(parse_refs(cell))
        areas_of = {item.ref: set(item.areas) for item in warning_items()}
        assert all(area in areas_of[ref] for ref in refs), (area, refs)
        for name in SHIPPED:
            criterion = next(
                c for c in load_rubric(RUBRICS / f"{name}.yaml").criteria if c.area == area
            )
            assert refs <= set(criterion.sources), (name, area, refs - set(criterion.sources))
        checked += 1
    assert checked == len(TABLE_AREAS)


def test_001_is_the_same_article_as_000() -> None:
    items = {item.ref: item for item in warning_items()}
    same = [ref for ref in items if ref.startswith("000 ")]
    assert len(same) == 8
    for ref in same:
        twin = items["001 " + ref.split(" ")[1]]
        assert (twin.summary, twin.areas) == (items[ref].summary, items[ref].areas)


def test_index_covers_every_area() -> None:
    covered = {area for item in warning_items() for area in item.areas}
    assert covered == set(AREAS)
    summaries = warnings_index()
    assert all(summary.strip() for summary in summaries.values())


def test_parse_refs_reads_the_table_notation() -> None:
    assert parse_refs("004 §1, §2; 000 §5 (followers ≠ target audience), 003 §9") == [
        "004 §1",
        "004 §2",
        "000 §5",
        "003 §9",
    ]
    assert parse_refs("004 closing advice, 002 §6") == ["004 closing", "002 §6"]


# --------------------------------------------------------------------------- round trip


@pytest.mark.parametrize("name", SHIPPED)
def test_dump_then_parse_gives_the_same_rubric(name: str) -> None:
    rubric = load_rubric(RUBRICS / f"{name}.yaml")
    assert parse_rubric(dump_rubric(rubric), f"{name}-copy.yaml") == rubric


@pytest.mark.parametrize(
    "awkward",
    [
        "Line one: with a colon\nline two # not a comment\n  indented third",
        "- starts like a list item, has 'single' and \"double\" quotes: and a colon",
        "Hangul 한나, Thai ภาษาไทย, Arabic العربية, and 50% of «quotes»",
        "yes",
        "12",
        "null",
    ],
)
def test_round_trip_keeps_awkward_text(awkward: str) -> None:
    data = load_rubric(RUBRICS / "agency.yaml").model_dump()
    data["criteria"][0]["levels"][0]["anchor"] = awkward
    data["criteria"][0]["title"] = awkward[:300]
    rubric = Rubric.model_validate(data)
    assert parse_rubric(dump_rubric(rubric), "copy.yaml") == rubric


def test_dump_writes_whole_numbers_and_inline_citations() -> None:
    text = dump_rubric(load_rubric(RUBRICS / "agency.yaml"))
    assert "\n    weight: 12\n" in text
    assert '\n    sources: ["004 §3", "000 §5", "003 §9"]\n' in text


# --------------------------------------------------------------------------- invalid edits

# (replace this, with that) in agency.yaml -> (field, words the reason must contain)
EDITS = [
    pytest.param(
        "weight: 12  # top group: 004 §3",
        "wieght: 12",
        "criteria[0].wieght",
        "unknown key 'wieght'; did you mean 'weight'?",
        id="typo-in-key",
    ),
    pytest.param(
        "    question: >-\n      Do the accounts",
        "    asked: >-\n      Do the accounts",
        "criteria[0].question",
        "is required: add 'question:'",
        id="missing-field",
    ),
    pytest.param(
        "severity: caution",
        "severity: high",
        "criteria[0].red_flags[1].severity",
        "must be one of caution, serious, knockout; got 'high'",
        id="bad-severity",
    ),
    pytest.param(
        "      - score: 4\n",
        "      - score: 5\n",
        "criteria[0].levels",
        "levels must be scored 1, 2, 3, 4 and 5 once each, got [1, 2, 3, 5, 5]",
        id="duplicate-level",
    ),
    pytest.param(
        "weight: 12",
        "weight: -3",
        "criteria[0].weight",
        "must be more than 0; got -3",
        id="negative-weight",
    ),
    pytest.param(
        "weight: 12",
        "weight: 250",
        "criteria[0].weight",
        "must be at most 100; got 250",
        id="weight-too-big",
    ),
    pytest.param(
        "weight: 12",
        "weight: twelve",
        "criteria[0].weight",
        "must be a number; got 'twelve'",
        id="weight-not-number",
    ),
    pytest.param(
        "weight: 12",
        "weight: .nan",
        "criteria[0].weight",
        "must be a finite number",
        id="weight-nan",
    ),
    pytest.param(
        "- id: authenticity",
        "- id: followers_engagement",
        "criteria[1].id",
        "the criterion id 'followers_engagement' is already used at criteria[0]",
        id="duplicate-criterion-id",
    ),
    pytest.param(
        "- id: fe_fifty_vs_five",
        "- id: fe_engaged_audience",
        "criteria[0].questions[1].id",
        "the question id 'fe_engaged_audience' is already used at criteria[0].questions[0]",
        id="duplicate-question-id",
    ),
    pytest.param(
        "- id: engagement_carried_by_one_post",
        "- id: low_engagement_for_tier",
        "criteria[0].red_flags[1].id",
        "the red flag id 'low_engagement_for_tier' is already used",
        id="duplicate-flag-id",
    ),
    pytest.param(
        'sources: ["004 §3", "000 §5", "003 §9"]',
        'sources: ["004 §12", "000 §5", "003 §9"]',
        "criteria[0].sources[0]",
        "source '004 §12' is not an item of WARNINGS.md; known items of 004: §1…§8, closing",
        id="unknown-item",
    ),
    pytest.param(
        'sources: ["004 §3", "000 §5", "003 §9"]',
        'sources: ["004 §3", "002 §9", "003 §9"]',
        "criteria[0].sources[1]",
        "known items of 002: §1…§7",
        id="item-beyond-seed",
    ),
    pytest.param(
        'sources: ["004 §3", "003 §9"]',
        'sources: ["007 §3", "003 §9"]',
        "criteria[0].red_flags[0].sources[0]",
        "cites seed 007, which is not in WARNINGS.md; known seeds: 000, 001, 002, 003, 004",
        id="unknown-seed-on-flag",
    ),
    pytest.param(
        'sources: ["000 §5", "004 §3"]',
        'sources: ["000 §5", "see 004 §3"]',
        "criteria[0].questions[0].sources[1]",
        "must cite a WARNINGS.md item as '<seed> §<n>' or '<seed> closing'",
        id="malformed-citation-on-question",
    ),
    pytest.param(
        'sources: ["004 §3"]',
        "sources: []",
        "criteria[1].sources",
        "needs at least 1 item; it has 0",
        id="no-sources",
    ),
    pytest.param(
        "    area: followers_engagement\n",
        "    area: engagement\n",
        "criteria[0].area",
        "must be one of followers_engagement, authenticity",
        id="unknown-area",
    ),
    pytest.param(
        "aggregation: median",
        "aggregation: average",
        "aggregation",
        "must be one of mean, median; got 'average'",
        id="bad-aggregation",
    ),
    pytest.param(
        "id: agency\n",
        "id: Agency Rubric\n",
        "id",
        "must be an id of lowercase letters, digits",
        id="bad-rubric-id",
    ),
    pytest.param(
        "title: Social media agency",
        "title: Social media: agency",
        "line 30, column 20",
        "invalid YAML: mapping values are not allowed",
        id="invalid-yaml",
    ),
    pytest.param(
        "aggregation: median",
        "aggregation: median\naggregation: mean",
        "line 39, column 1",
        "the key 'aggregation' appears twice in the same mapping (first on line 38)",
        id="duplicate-key",
    ),
    pytest.param(
        "aggregation: median",
        'aggregation: !!python/object/apply:os.system ["echo hi"]',
        "line 38, column 14",
        "YAML tags such as '!!python/object/apply:os.system' are not allowed",
        id="python-tag",
    ),
    pytest.param(
        "aggregation: median",
        "aggregation: &how median\nknockout_cap2: *how",
        "line 39, column 16",
        "YAML aliases ('*how') are not allowed",
        id="alias",
    ),
]


@pytest.mark.parametrize(("old", "new", "field", "reason"), EDITS)
def test_each_invalid_edit_names_file_field_and_reason(
    old: str, new: str, field: str, reason: str
) -> None:
    text = shipped_text()
    assert old in text, f"the shipped rubric changed; {old!r} is no longer in it"
    problems = problems_of(text.replace(old, new, 1))
    matching = [p for p in problems if p.field == field]
    assert matching, f"no problem at {field}; got {[str(p) for p in problems]}"
    assert all(p.file == "agency.yaml" for p in problems)
    assert any(reason in p.message for p in matching), [p.message for p in matching]


def test_one_problem_per_mistake_and_in_reading_order() -> None:
    text = shipped_text()
    text = text.replace("severity: caution", "severity: high", 1)
    text = text.replace("weight: 12", "weight: 0", 1)
    text = text.replace("weight: 7", "weight: none", 1)
    text = text.replace('sources: ["003 §8", "002 §3"]', 'sources: ["003 §88", "002 §3"]', 1)
    fields = [p.field for p in problems_of(text)]
    assert fields == [
        "criteria[0].weight",
        "criteria[0].red_flags[1].severity",
        "criteria[6].weight",
        "criteria[7].sources[0]",
    ]


def test_unknown_source_is_reported_once_not_twice() -> None:
    text = shipped_text().replace('"004 §3", "000 §5", "003 §9"]', '"004 §12", "000 §5"]', 1)
    problems = problems_of(text)
    assert [p.field for p in problems] == ["criteria[0].sources[0]"]


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        pytest.param("", "is empty; start from a copy of rubrics/agency.yaml", id="empty"),
        pytest.param("# nothing yet\n\n", "is empty", id="only-comments"),
        pytest.param(
            "- a\n- b\n", "must be a mapping with the keys id, title and criteria", id="list"
        ),
        pytest.param("agency rubric", "got a single line of text", id="scalar"),
        pytest.param("42\n", "got a int", id="number"),
    ],
)
def test_whole_file_problems(content: str, reason: str) -> None:
    problems = problems_of(content, "draft.yaml")
    assert len(problems) == 1
    assert problems[0].file == "draft.yaml"
    assert problems[0].field == ""
    assert reason in problems[0].message


def test_non_utf8_bytes_name_line_and_column(tmp_path: Path) -> None:
    text = shipped_text()
    line = text.splitlines().index("title: Social media agency") + 1
    data = text.encode("utf-8").replace(
        b"title: Social media agency", "title: Agência".encode("cp1252")
    )
    path = tmp_path / "latin.yaml"
    path.write_bytes(data)
    with pytest.raises(RubricError) as caught:
        load_rubric(path)
    (problem,) = caught.value.problems
    assert problem.file == str(path)
    assert problem.field == f"line {line}, column 10"
    assert "is not UTF-8 text (byte 0xea cannot be read)" in problem.message


def test_files_over_one_mebibyte_are_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    path.write_bytes(b"# " + b"x" * MAX_RUBRIC_BYTES)
    with pytest.raises(RubricError) as caught:
        load_rubric(path)
    assert "the limit is 1,048,576 bytes" in caught.value.problems[0].message
    problems = problems_of("title: " + "x" * MAX_RUBRIC_BYTES, "upload.yaml")
    assert "the limit is 1,048,576 bytes" in problems[0].message


@pytest.mark.parametrize(
    "hostile",
    [
        pytest.param(
            "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
            "c: [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n",
            id="billion-laughs",
        ),
        pytest.param("a: " + "[" * 50_000 + "]" * 50_000, id="deep-flow"),
        pytest.param("".join(" " * i + "k:\n" for i in range(200)), id="deep-block"),
        pytest.param("id: !!python/name:os.system\n", id="python-name"),
        pytest.param("id: !!binary aGVsbG8=\n", id="binary"),
        pytest.param("id: x\n---\nid: y\n", id="two-documents"),
        pytest.param("id: [a\n", id="unclosed-bracket"),
        pytest.param("id: a\x00b\n", id="control-character"),
    ],
)
def test_hostile_yaml_is_refused_with_a_problem(hostile: str) -> None:
    problems = problems_of(hostile, "hostile.yaml")
    assert problems[0].file == "hostile.yaml"
    assert problems[0].message.startswith("invalid YAML: ")


def test_missing_file_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    with pytest.raises(RubricError) as caught:
        load_rubric(tmp_path / "nope.yaml")
    assert caught.value.problems[0].file == str(tmp_path / "nope.yaml")
    assert "cannot be read" in caught.value.problems[0].message


def test_problems_from_validation_gives_one_problem_per_error() -> None:
    data = load_rubric(RUBRICS / "agency.yaml").model_dump()
    data["criteria"][0]["weight"] = -1
    data["criteria"][1]["red_flags"][0]["severity"] = "fatal"
    data["criteria"][2]["extra"] = True
    with pytest.raises(ValidationError) as caught:
        Rubric.model_validate(data)
    problems = problems_from_validation(caught.value, "r.yaml", Rubric)
    assert len(problems) == caught.value.error_count() == 3
    assert {p.field for p in problems} == {
        "criteria[0].weight",
        "criteria[1].red_flags[0].severity",
        "criteria[2].extra",
    }
    plain = problems_from_validation(caught.value, "r.yaml")
    assert [p.field for p in plain] == [p.field for p in problems]
    assert "unknown key 'extra'" in next(p.message for p in plain if p.field.endswith("extra"))


# --------------------------------------------------------------------------- folders


def test_load_rubrics_keeps_going_past_bad_files(tmp_path: Path) -> None:
    shutil.copy(RUBRICS / "agency.yaml", tmp_path / "a-agency.yaml")
    shutil.copy(RUBRICS / "freelancer.yaml", tmp_path / "c-freelancer.yml")
    shutil.copy(RUBRICS / "strategy_questions.yaml", tmp_path / "strategy_questions.yaml")
    (tmp_path / "b-broken.yaml").write_text(
        shipped_text().replace("severity: caution", "severity: high", 1), encoding="utf-8"
    )
    (tmp_path / "d-copy.yaml").write_text(shipped_text(), encoding="utf-8")
    (tmp_path / "notes.txt").write_text("not a rubric", encoding="utf-8")

    rubrics, problems = load_rubrics(tmp_path)

    assert [r.id for r in rubrics] == ["agency", "freelancer"]
    assert [(Path(p.file).name, p.field) for p in problems] == [
        ("b-broken.yaml", "criteria[0].red_flags[1].severity"),
        ("d-copy.yaml", "id"),
    ]
    assert f"already used by {tmp_path / 'a-agency.yaml'}" in problems[1].message


def test_load_rubrics_on_the_shipped_folder_is_clean() -> None:
    rubrics, problems = load_rubrics(RUBRICS)
    assert problems == []
    assert {r.id for r in rubrics} >= set(SHIPPED)


def test_load_rubrics_on_a_missing_folder(tmp_path: Path) -> None:
    rubrics, problems = load_rubrics(tmp_path / "absent")
    assert rubrics == []
    assert problems[0].message == "is not a folder of rubrics"


# --------------------------------------------------------------------------- strategy questions


def test_strategy_questions_load_with_real_sources() -> None:
    questions = strategy_questions(RUBRICS)
    ids = [q.id for q in questions]
    assert len(ids) == len(set(ids)) >= 10
    index = warnings_index()
    assert all(ref in index for q in questions for ref in q.sources)


def test_strategy_questions_translations_are_kept(tmp_path: Path) -> None:
    text = (RUBRICS / "strategy_questions.yaml").read_text(encoding="utf-8")
    text = text.replace(
        "  - id: channels\n", "  - id: channels\n    text_sq: Cilat rrjete përdor audienca?\n", 1
    )
    (tmp_path / "strategy_questions.yaml").write_text(text, encoding="utf-8")
    channels = next(q for q in strategy_questions(tmp_path) if q.id == "channels")
    assert channels.translations == {"sq": "Cilat rrjete përdor audienca?"}


def test_strategy_questions_refuse_repeated_ids_and_unknown_sources(tmp_path: Path) -> None:
    text = (RUBRICS / "strategy_questions.yaml").read_text(encoding="utf-8")
    text = text.replace("  - id: channels\n", "  - id: target_audience\n", 1)
    text = text.replace('sources: ["000 §5"]', 'sources: ["000 §9"]', 1)
    (tmp_path / "strategy_questions.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(RubricError) as caught:
        strategy_questions(tmp_path)
    by_field = {p.field: p.message for p in caught.value.problems}
    assert "already used at questions[0]" in by_field["questions[1].id"]
    assert "known items of 000: §1…§8" in by_field["questions[3].sources[0]"]
    assert all(p.file == "strategy_questions.yaml" for p in caught.value.problems)


# --------------------------------------------------------------------------- docs


EDIT_EXAMPLE = re.compile(
    r"Edit `(?P<file>[^`]+)`: replace `(?P<old>[^`]+)` with `(?P<new>[^`]+)`\s*\n"
    r"\s*```text\n(?P<expected>.*?)\n```",
    re.DOTALL,
)
FILE_EXAMPLE = re.compile(
    r"File `(?P<file>[^`]+)`:\s*\n\s*```yaml\n(?P<content>.*?)```\s*\n"
    r"\s*```text\n(?P<expected>.*?)\n```",
    re.DOTALL,
)


def doc_examples() -> list[tuple[str, str, str]]:
    """(file name, file text, expected output) for every example in docs/rubrics.md."""
    doc = DOCS.read_text(encoding="utf-8")
    examples = []
    for match in EDIT_EXAMPLE.finditer(doc):
        original = (RUBRICS / match["file"]).read_text(encoding="utf-8")
        assert match["old"] in original, f"docs example edits text not in {match['file']}"
        text = original.replace(match["old"], match["new"], 1)
        examples.append((match["file"], text, match["expected"]))
    for match in FILE_EXAMPLE.finditer(doc):
        examples.append((match["file"], match["content"], match["expected"]))
    return examples


def test_docs_have_error_examples() -> None:
    examples = doc_examples()
    assert len(examples) >= 12
    assert len(examples) == DOCS.read_text(encoding="utf-8").count("```text")


@pytest.mark.parametrize("index", range(len(doc_examples())))
def test_docs_error_examples_are_what_the_loader_says(index: int) -> None:
    file, text, expected = doc_examples()[index]
    with pytest.raises(RubricError) as caught:
        parse_rubric(text, file)
    assert str(caught.value) == expected

"""Rubrics as validated data: load, check, dump, and the index of warnings they cite.

A rubric is a YAML file a hiring manager copies and edits (weights, wording, questions).
Everything that can go wrong in that edit comes back as a :class:`~vetting.errors.Problem`
naming the file, the field as a person reads it (``criteria[2].levels``) and what to write
instead, so the app can show it in place. Every citation must be an item of WARNINGS.md,
listed in ``vetting/data/warnings.yaml``.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml
from pydantic import Field, ValidationError, model_validator

from vetting._validation import MAX_INPUT_BYTES, problems_from_validation, read_yaml
from vetting.errors import Problem, RubricError
from vetting.models import (
    SOURCE_PATTERN,
    Area,
    Identifier,
    LanguageCode,
    Model,
    Rubric,
    ShortText,
    SourceRef,
    Text,
)

RUBRICS_DIR = Path(__file__).resolve().parent.parent / "rubrics"
WARNINGS_FILE = Path(__file__).resolve().parent / "data" / "warnings.yaml"
STRATEGY_QUESTIONS_FILE = "strategy_questions.yaml"
MAX_RUBRIC_BYTES = MAX_INPUT_BYTES

_SEED_ITEM = re.compile(r"^(\d{3})\s+(\S.*)$")


# --------------------------------------------------------------------------- warnings index


class WarningSeed(Model):
    seed: str = Field(pattern=r"^00[0-4]$")
    file: ShortText
    language: ShortText
    title: ShortText
    same_as: str | None = Field(default=None, pattern=r"^00[0-4]$")


class WarningItem(Model):
    """One numbered item of WARNINGS.md."""

    seed: str = Field(pattern=r"^00[0-4]$")
    item: str = Field(pattern=r"^(§([1-9]|10)|closing)$")
    summary: ShortText
    areas: list[Area] = Field(min_length=1)

    @property
    def ref(self) -> str:
        return f"{self.seed} {self.item}"


class WarningsIndex(Model):
    seeds: list[WarningSeed] = Field(min_length=1)
    items: list[WarningItem] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> WarningsIndex:
        refs = [item.ref for item in self.items]
        repeated = sorted({ref for ref in refs if refs.count(ref) > 1})
        if repeated:
            raise ValueError(f"items listed twice: {', '.join(repeated)}")
        seeds = {seed.seed for seed in self.seeds}
        strays = sorted({item.seed for item in self.items} - seeds)
        if strays:
            raise ValueError(f"items of seeds not listed under seeds: {', '.join(strays)}")
        return self


@functools.cache
def _warnings() -> WarningsIndex:
    data = read_yaml(WARNINGS_FILE.read_bytes(), WARNINGS_FILE.name, error=RubricError)
    try:
        return WarningsIndex.model_validate(data)
    except ValidationError as exc:
        raise RubricError(
            problems_from_validation(exc, WARNINGS_FILE.name, WarningsIndex)
        ) from None


def warning_items() -> list[WarningItem]:
    """Every item of WARNINGS.md with its summary and the areas it supports."""
    return list(_warnings().items)


def warnings_index() -> dict[str, str]:
    """Citation ("004 §3") -> one-line English summary, for every item of WARNINGS.md."""
    return dict(_summaries())


@functools.cache
def _summaries() -> dict[str, str]:
    return {item.ref: item.summary for item in _warnings().items}


def _known_items(seed: str) -> list[str]:
    return [item.item for item in _warnings().items if item.seed == seed]


def _describe_items(items: list[str]) -> str:
    """'§1…§8, closing': runs of numbers shortened so the message stays one line."""
    numbers = sorted(int(item[1:]) for item in items if item.startswith("§"))
    parts: list[str] = []
    start = previous = None
    for number in [*numbers, None]:
        if start is not None and (number is None or number != previous + 1):
            parts.append(f"§{start}" if start == previous else f"§{start}…§{previous}")
            start = None
        if number is not None and start is None:
            start = number
        previous = number
    parts += [item for item in items if not item.startswith("§")]
    return ", ".join(parts)


def source_problem(source: object) -> str | None:
    """Why ``source`` is not a citation of WARNINGS.md, or None when it is one."""
    if not isinstance(source, str):
        return None  # the model reports the wrong type
    text = source.strip()
    if text in _summaries():
        return None
    match = _SEED_ITEM.match(text)
    if match is None:
        return None  # the model's pattern message explains the expected shape
    seed, item = match.groups()
    seeds = sorted({entry.seed for entry in _warnings().items})
    if seed not in seeds:
        return (
            f"source '{text}' cites seed {seed}, which is not in WARNINGS.md;"
            f" known seeds: {', '.join(seeds)}"
        )
    if re.fullmatch(SOURCE_PATTERN, text) is None and not re.fullmatch(r"§\d+", item):
        return None  # malformed item ("004 3"); the pattern message is clearer
    return (
        f"source '{text}' is not an item of WARNINGS.md;"
        f" known items of {seed}: {_describe_items(_known_items(seed))}"
    )


# --------------------------------------------------------------------------- rubrics


def parse_rubric(text: str | bytes, name: str) -> Rubric:
    """A rubric from file contents (an upload in the app), or RubricError naming each fix."""
    data = read_yaml(text, name, error=RubricError, max_bytes=MAX_RUBRIC_BYTES)
    if data is None:
        raise RubricError([Problem(name, "", "is empty; start from a copy of rubrics/agency.yaml")])
    if not isinstance(data, dict):
        raise RubricError(
            [
                Problem(
                    name,
                    "",
                    "must be a mapping with the keys id, title and criteria at the top;"
                    f" got {_kind_of(data)}",
                )
            ]
        )
    checks = _reference_problems(data, name)
    checked_fields = {problem.field for problem in checks}
    try:
        rubric = Rubric.model_validate(data)
    except ValidationError as exc:
        model_problems = [
            problem
            for problem in problems_from_validation(exc, name, Rubric)
            if problem.field not in checked_fields
            and not (checks and "ids must be unique" in problem.message)
        ]
        raise RubricError(_in_reading_order(model_problems + checks, data)) from None
    if checks:
        raise RubricError(_in_reading_order(checks, data))
    return rubric


def load_rubric(path: Path) -> Rubric:
    """A rubric from a file; problems name the file as it was given."""
    name = str(path)
    try:
        size = path.stat().st_size
        if size > MAX_RUBRIC_BYTES:
            raise RubricError(
                [Problem(name, "", f"is {size:,} bytes; the limit is {MAX_RUBRIC_BYTES:,} bytes")]
            )
        data = path.read_bytes()
    except OSError as exc:
        raise RubricError([Problem(name, "", f"cannot be read: {exc.strerror or exc}")]) from None
    return parse_rubric(data, name)


def rubric_files(folder: Path) -> list[Path]:
    """The rubric files of a folder: *.yaml and *.yml, except the strategy questions."""
    files = [*folder.glob("*.yaml"), *folder.glob("*.yml")]
    return sorted(path for path in files if path.name != STRATEGY_QUESTIONS_FILE)


def load_rubrics(folder: Path) -> tuple[list[Rubric], list[Problem]]:
    """Every good rubric of a folder, and the problems of the bad ones (never stops early).

    A rubric whose id repeats an earlier file's id is set aside with a problem, so the
    app never shows two rubrics under one name.
    """
    if not folder.is_dir():
        return [], [Problem(folder.name or str(folder), "", "is not a folder of rubrics")]
    rubrics: list[Rubric] = []
    problems: list[Problem] = []
    owners: dict[str, str] = {}
    for path in rubric_files(folder):
        try:
            rubric = load_rubric(path)
        except RubricError as exc:
            problems.extend(exc.problems)
            continue
        if rubric.id in owners:
            problems.append(
                Problem(
                    str(path),
                    "id",
                    f"rubric id '{rubric.id}' is already used by {owners[rubric.id]};"
                    " give this copy its own id",
                )
            )
            continue
        owners[rubric.id] = str(path)
        rubrics.append(rubric)
    return rubrics, problems


def _kind_of(value: object) -> str:
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return "a single line of text"
    return f"a {type(value).__name__}"


def _reference_problems(data: dict[str, Any], name: str) -> list[Problem]:
    """Unknown citations and repeated ids, found on the raw data so every one has a path."""
    problems: list[Problem] = []
    first_use: dict[tuple[str, str], str] = {}
    for path, kind, node in _rubric_nodes(data):
        if kind == "criterion":
            problems += _level_count_problems(node, path, name)
        for index, source in enumerate(_as_list(node.get("sources"))):
            reason = source_problem(source)
            if reason:
                problems.append(Problem(name, f"{path}.sources[{index}]", reason))
        identifier = node.get("id")
        if isinstance(identifier, str):
            key = (kind, identifier.strip())
            if key in first_use:
                problems.append(
                    Problem(
                        name,
                        f"{path}.id",
                        f"the {kind} id '{identifier.strip()}' is already used at"
                        f" {first_use[key]}; ids must be unique within a rubric",
                    )
                )
            else:
                first_use[key] = path
    return problems


def _level_count_problems(criterion: dict[str, Any], path: str, name: str) -> list[Problem]:
    """Too few or too many levels, said with the scores given (the model only counts)."""
    levels = criterion.get("levels")
    if not isinstance(levels, list) or len(levels) == 5 or not levels:
        return []
    scores = [level.get("score") if isinstance(level, dict) else None for level in levels]
    return [
        Problem(
            name,
            f"{path}.levels",
            f"levels must be scored 1, 2, 3, 4 and 5 once each, got {scores}",
        )
    ]


def _rubric_nodes(data: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(field path, kind, mapping) for every criterion, red flag and question."""
    for c_index, criterion in enumerate(_as_list(data.get("criteria"))):
        if not isinstance(criterion, dict):
            continue
        criterion_path = f"criteria[{c_index}]"
        yield criterion_path, "criterion", criterion
        for key, kind in (("red_flags", "red flag"), ("questions", "question")):
            for index, node in enumerate(_as_list(criterion.get(key))):
                if isinstance(node, dict):
                    yield f"{criterion_path}.{key}[{index}]", kind, node


def _as_list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def _in_reading_order(problems: list[Problem], data: object = None) -> list[Problem]:
    """Problems in the order their fields appear in the file, so a manager fixes top down.

    Keys are placed by their position in the mapping as written (``weight`` before
    ``red_flags`` if the file says so); a missing key goes after the keys that are there.
    """

    def key(problem: Problem) -> list[tuple[int, int]]:
        parts = re.findall(r"\[(\d+)\]|([^.\[\]]+)", problem.field)
        node, position = data, []
        for number, word in parts:
            if number:
                index = int(number)
                position.append((0, index))
                node = node[index] if isinstance(node, list) and index < len(node) else None
            else:
                keys = list(node) if isinstance(node, dict) else []
                position.append((1, keys.index(word) if word in keys else len(keys)))
                node = node.get(word) if isinstance(node, dict) else None
        return position

    return sorted(problems, key=key)


# --------------------------------------------------------------------------- dumping


class _FlowList(list):  # type: ignore[type-arg]
    """A list written on one line ([\"004 §3\", \"000 §5\"]), as citations are."""


class _RubricDumper(yaml.SafeDumper):
    """Block style with indented lists, long texts kept readable, citations inline."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> Any:
        return super().increase_indent(flow, False)


def _represent_text(dumper: yaml.SafeDumper, text: str) -> yaml.ScalarNode:
    """Several lines kept as written; long sentences folded, as in the shipped rubrics."""
    style = "|" if "\n" in text else ">" if len(text) > 60 else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)


def _represent_flow(dumper: yaml.SafeDumper, items: _FlowList) -> yaml.SequenceNode:
    node = dumper.represent_sequence("tag:yaml.org,2002:seq", items, flow_style=True)
    for item in node.value:
        if isinstance(item, yaml.ScalarNode):
            item.style = '"'
    return node


def _represent_number(dumper: yaml.SafeDumper, number: float) -> yaml.Node:
    """Weights as 12, not 12.0: what a manager would type."""
    if number.is_integer():
        return dumper.represent_int(int(number))
    return dumper.represent_float(number)


_RubricDumper.add_representer(str, _represent_text)
_RubricDumper.add_representer(_FlowList, _represent_flow)
_RubricDumper.add_representer(float, _represent_number)


def _inline_sources(value: Any) -> Any:
    if isinstance(value, dict):
        return {
            key: _FlowList(item) if key in ("sources", "areas") else _inline_sources(item)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [_inline_sources(item) for item in value]
    return value


def dump_rubric(rubric: Rubric) -> str:
    """The rubric as YAML a manager can edit; :func:`parse_rubric` reads it back equal."""
    header = (
        f"# Rubric '{rubric.id}' (version {rubric.version}), written by vetting.rubrics.\n"
        "# Edit weights and wording, keep the ids, and cite WARNINGS.md items in sources.\n"
    )
    body = yaml.dump(
        _inline_sources(rubric.model_dump(mode="json")),
        Dumper=_RubricDumper,
        sort_keys=False,
        allow_unicode=True,
        width=88,
    )
    return header + body


# --------------------------------------------------------------------------- strategy questions


class StrategyQuestion(Model):
    """A standard written question; ``text_<lang>`` keys in the file become translations."""

    id: Identifier
    text: Text
    sources: list[SourceRef] = Field(min_length=1)
    translations: dict[LanguageCode, Text] = Field(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _collect_translations(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        data = dict(data)
        translations = dict(data.get("translations") or {})
        for key in [key for key in data if isinstance(key, str) and key.startswith("text_")]:
            translations[key.removeprefix("text_")] = data.pop(key)
        if translations:
            data["translations"] = translations
        return data


class _StrategyQuestionsFile(Model):
    questions: list[StrategyQuestion] = Field(min_length=1)


def strategy_questions(folder: Path = RUBRICS_DIR) -> list[StrategyQuestion]:
    """The standard strategy questions (ids unique, citations real), or RubricError."""
    path = folder / STRATEGY_QUESTIONS_FILE
    name = path.name
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise RubricError([Problem(name, "", f"cannot be read: {exc.strerror or exc}")]) from None
    data = read_yaml(raw, name, error=RubricError)
    if not isinstance(data, dict):
        raise RubricError([Problem(name, "", "must be a mapping with a 'questions:' list")])
    problems: list[Problem] = []
    seen: dict[str, str] = {}
    for index, node in enumerate(_as_list(data.get("questions"))):
        if not isinstance(node, dict):
            continue
        for s_index, source in enumerate(_as_list(node.get("sources"))):
            reason = source_problem(source)
            if reason:
                problems.append(Problem(name, f"questions[{index}].sources[{s_index}]", reason))
        identifier = node.get("id")
        if isinstance(identifier, str):
            if identifier in seen:
                problems.append(
                    Problem(
                        name,
                        f"questions[{index}].id",
                        f"the question id '{identifier}' is already used at {seen[identifier]};"
                        " portfolios key answers by these ids, so each must be unique",
                    )
                )
            else:
                seen[identifier] = f"questions[{index}]"
    checked_fields = {problem.field for problem in problems}
    try:
        parsed = _StrategyQuestionsFile.model_validate(data)
    except ValidationError as exc:
        model_problems = problems_from_validation(exc, name, _StrategyQuestionsFile)
        problems += [p for p in model_problems if p.field not in checked_fields]
    if problems:
        raise RubricError(_in_reading_order(problems, data))
    return parsed.questions


__all__ = [
    "MAX_RUBRIC_BYTES",
    "RUBRICS_DIR",
    "StrategyQuestion",
    "WarningItem",
    "dump_rubric",
    "load_rubric",
    "load_rubrics",
    "parse_rubric",
    "rubric_files",
    "source_problem",
    "strategy_questions",
    "warning_items",
    "warnings_index",
]

"""Pydantic validation errors turned into Problems a person can act on.

Pydantic's own messages ("Input should be 'caution', 'serious' or 'knockout'") are written
for programmers; a hiring manager editing a rubric, or a candidate filling in a portfolio,
needs the field path as they read it (``criteria[2].levels``) and what to write instead.
Both the rubric loader and the portfolio loader call :func:`problems_from_validation`,
and read YAML through :func:`read_yaml`, which refuses hostile files with the same care.
"""

from __future__ import annotations

import difflib
import re
import types
import typing
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from vetting.errors import InputError, Problem
from vetting.models import SOURCE_PATTERN, Identifier

_IDENTIFIER_PATTERN = next(
    str(constraint.pattern)
    for field_info in Identifier.__metadata__
    for constraint in getattr(field_info, "metadata", [])
    if getattr(constraint, "pattern", None)
)

# Regular expressions explained in words, for the pattern errors people actually hit.
_PATTERN_HELP: dict[str, str] = {
    SOURCE_PATTERN: (
        "must cite a WARNINGS.md item as '<seed> §<n>' or '<seed> closing', e.g. '004 §3'"
    ),
    _IDENTIFIER_PATTERN: (
        "must be an id of lowercase letters, digits, '-' or '_' (no spaces), starting with"
        " a letter or digit, at most 80 characters"
    ),
    r"^[a-z]{2,3}$": "must be a 2- or 3-letter lowercase language code such as 'en' or 'sq'",
    r"^[A-Z]{3}$": "must be a 3-letter uppercase currency code such as 'EUR'",
}

_TYPE_HELP: dict[str, str] = {
    "int_type": "must be a whole number",
    "int_parsing": "must be a whole number",
    "int_from_float": "must be a whole number",
    "float_type": "must be a number",
    "float_parsing": "must be a number",
    "finite_number": "must be a finite number (not .nan or .inf)",
    "bool_type": "must be true or false",
    "bool_parsing": "must be true or false",
    "string_type": "must be text",
    "list_type": "must be a list (one '- ' line per item)",
    "tuple_type": "must be a list (one '- ' line per item)",
    "dict_type": "must be a mapping of 'key: value' lines",
    "model_type": "must be a mapping of 'key: value' lines",
    "model_attributes_type": "must be a mapping of 'key: value' lines",
    "date_type": "must be a date written yyyy-mm-dd",
    "date_parsing": "must be a date written yyyy-mm-dd",
    "date_from_datetime_parsing": "must be a date written yyyy-mm-dd",
    "none_required": "must be empty",
}

# Pydantic error type -> (its context key, the words for the bound).
_LIMITS: dict[str, tuple[str, str]] = {
    "greater_than": ("gt", "more than"),
    "greater_than_equal": ("ge", "at least"),
    "less_than": ("lt", "less than"),
    "less_than_equal": ("le", "at most"),
}


def field_path(loc: Sequence[int | str]) -> str:
    """A pydantic location as a person reads it.

    >>> field_path(("criteria", 2, "levels"))
    'criteria[2].levels'
    >>> field_path(())
    ''
    """
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else str(part)
    return path


def problems_from_validation(
    error: ValidationError, file: str, model: type[BaseModel] | None = None
) -> list[Problem]:
    """One Problem per pydantic error, naming the field and saying what to write instead.

    ``model`` (the class that was validated) lets unknown keys get a "did you mean"
    suggestion and missing fields their description; without it the messages are still
    complete, only plainer.
    """
    problems = []
    for detail in error.errors(include_url=False):
        loc = tuple(part for part in detail["loc"] if isinstance(part, (int, str)))
        problems.append(Problem(file, field_path(loc), _explain(detail, loc, model)))
    return problems


def _explain(detail: Any, loc: tuple[int | str, ...], model: type[BaseModel] | None) -> str:
    kind: str = detail["type"]
    context: dict[str, Any] = detail.get("ctx") or {}
    given = detail.get("input")
    if kind == "extra_forbidden":
        return _unknown_key(str(loc[-1]) if loc else "", _model_at(model, loc[:-1]))
    if kind == "missing":
        return _missing(loc, model)
    if kind == "literal_error":
        choices = re.findall(r"'([^']*)'", str(context.get("expected", "")))
        return f"must be one of {', '.join(choices)}; got {_show(given)}"
    if kind == "string_pattern_mismatch":
        pattern = str(context.get("pattern", ""))
        help_text = _PATTERN_HELP.get(pattern, f"must match the pattern {pattern}")
        return f"{help_text}; got {_show(given)}"
    if kind in _LIMITS:
        limit_key, words = _LIMITS[kind]
        return f"must be {words} {_number(context.get(limit_key))}; got {_show(given)}"
    if kind == "too_short":
        return _length_message("at least", context.get("min_length"), context, given)
    if kind == "too_long":
        return _length_message("at most", context.get("max_length"), context, given)
    if kind == "string_too_short":
        return "must not be empty"
    if kind == "string_too_long":
        return f"is too long: at most {context.get('max_length')} characters"
    if kind == "invalid_key":
        return "is not a valid key: keys are words such as 'title', not numbers or empty"
    if kind == "value_error":
        return str(detail["msg"]).removeprefix("Value error, ")
    if kind in _TYPE_HELP:
        return f"{_TYPE_HELP[kind]}; got {_show(given)}"
    message = str(detail["msg"])
    return message[:1].lower() + message[1:]


def _length_message(bound: str, limit: object, context: dict[str, Any], given: object) -> str:
    actual = context.get("actual_length")
    if actual is None and isinstance(given, (list, dict, str)):
        actual = len(given)
    noun = "item" if limit == 1 else "items"
    return f"needs {bound} {limit} {noun}; it has {actual}"


def _number(value: object) -> str:
    """0.0 written as 0, as a person would write the bound."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _show(value: object) -> str:
    """A short, safe rendering of what the person wrote."""
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return f"a list of {len(value)}"
    if isinstance(value, (date, datetime)):
        return repr(value.isoformat())
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _unknown_key(key: str, model: type[BaseModel] | None) -> str:
    if model is None:
        return f"unknown key '{key}'; remove it or check its spelling"
    allowed = list(model.model_fields)
    close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
    hint = f"did you mean '{close[0]}'? " if close else ""
    return f"unknown key '{key}'; {hint}allowed keys here: {', '.join(allowed)}"


def _missing(loc: tuple[int | str, ...], model: type[BaseModel] | None) -> str:
    name = str(loc[-1]) if loc else ""
    parent = _model_at(model, loc[:-1])
    description = ""
    if parent is not None and name in parent.model_fields:
        description = parent.model_fields[name].description or ""
    extra = f" ({description.rstrip('.')})" if description else ""
    return f"is required: add '{name}:'{extra}"


def _model_at(model: type[BaseModel] | None, loc: Iterable[int | str]) -> type[BaseModel] | None:
    """The model class whose fields live at ``loc``, or None when it cannot be told."""
    current: Any = model
    for part in loc:
        if current is None:
            return None
        if isinstance(part, str) and _is_model(current) and part in current.model_fields:
            current = _unwrap(current.model_fields[part].annotation, want_item=False)
        elif _is_model(current):
            return None
        else:
            current = _unwrap(current, want_item=True)
    current = _unwrap(current, want_item=False)
    return current if _is_model(current) else None


def _unwrap(annotation: Any, want_item: bool) -> Any:
    """Strip Annotated/Optional; step into list or dict items when asked."""
    while True:
        origin = typing.get_origin(annotation)
        args = typing.get_args(annotation)
        if origin is typing.Annotated:
            annotation = args[0]
        elif origin in (typing.Union, types.UnionType):
            models = [arg for arg in args if _is_model(arg) or typing.get_origin(arg)]
            if len(models) != 1:
                return None
            annotation = models[0]
        elif want_item and origin in (list, tuple, set, frozenset):
            annotation, want_item = args[0] if args else None, False
        elif want_item and origin is dict:
            annotation, want_item = args[1] if len(args) == 2 else None, False
        else:
            return annotation


def _is_model(candidate: Any) -> bool:
    return isinstance(candidate, type) and issubclass(candidate, BaseModel)


# --------------------------------------------------------------------------- YAML input

MAX_INPUT_BYTES = 1 << 20  # 1 MiB: far above any real rubric or portfolio, far below harm.
MAX_NESTING = 50  # a rubric is 6 levels deep, a portfolio about 5

# Tags a person may legitimately write; anything else (!!python/object, !!binary, custom
# "!tags") is refused rather than constructed.
_ALLOWED_TAGS = frozenset(
    f"tag:yaml.org,2002:{name}" for name in ("str", "int", "float", "bool", "null", "seq", "map")
)

# Hints for the YAML mistakes people make most, keyed by a fragment of PyYAML's message.
_YAML_HINTS: dict[str, str] = {
    "mapping values are not allowed": (
        "a value contains ': ' or the indentation is off; put the value in quotes"
    ),
    "found character '\\t'": "YAML does not allow tabs for indentation; use spaces",
    "could not find expected ':'": "a 'key: value' line is missing its ':' or a quote is open",
    "did not find expected key": "this line is not indented like the keys around it",
    "expected <block end>": "this line is not indented like the lines around it",
    "found undefined alias": "YAML aliases ('*name') are not allowed; write the value out",
    "found unexpected end of stream": "a quote or bracket is never closed",
    "but found another document": "a file holds one document; remove the '---' line",
    "found unhashable key": "a key must be a single word or text, not a list or mapping",
}


# libyaml when it is installed (about ten times faster than pure Python, which matters
# when the app re-reads a rubric on every rerun); the pure-Python classes otherwise.
_BaseLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _refuse_aliases_and_tags(text: str) -> None:
    """Alias bombs, object-building tags and deep nesting, refused before construction.

    Reading events is iterative, so this is safe on input that would exhaust the stack of
    the recursive composer (libyaml's crashes the process rather than raising).
    """
    depth = 0
    for event in yaml.parse(text, Loader=_BaseLoader):
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            if depth > MAX_NESTING:
                raise yaml.composer.ComposerError(
                    None,
                    None,
                    f"the data is nested more than {MAX_NESTING} levels deep",
                    event.start_mark,
                )
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1
        if isinstance(event, yaml.AliasEvent):
            raise yaml.composer.ComposerError(
                None,
                None,
                f"YAML aliases ('*{event.anchor}') are not allowed; write the value out in full",
                event.start_mark,
            )
        tag = getattr(event, "tag", None)
        if tag not in (None, "!") and tag not in _ALLOWED_TAGS:
            shown = str(tag).replace("tag:yaml.org,2002:", "!!")
            raise yaml.composer.ComposerError(
                None,
                None,
                f"YAML tags such as '{shown}' are not allowed; remove the tag",
                event.start_mark,
            )


class _NoDuplicateKeysLoader(_BaseLoader):  # type: ignore[misc, valid-type]
    """safe_load that refuses a key written twice (PyYAML silently keeps the last)."""

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:
        if isinstance(node, yaml.MappingNode):
            seen: dict[object, int] = {}
            for key_node, _ in node.value:
                if not isinstance(key_node, yaml.ScalarNode):
                    continue
                key = self.construct_object(key_node, deep=True)
                if key in seen:
                    raise yaml.constructor.ConstructorError(
                        None,
                        None,
                        f"the key '{key}' appears twice in the same mapping (first on line"
                        f" {seen[key]}); keep one",
                        key_node.start_mark,
                    )
                seen[key] = key_node.start_mark.line + 1
        return super().construct_mapping(node, deep=deep)


def _where(line: int, column: int) -> str:
    return f"line {line}, column {column}"


def read_yaml(
    data: str | bytes, file: str, *, error: type[InputError], max_bytes: int = MAX_INPUT_BYTES
) -> object:
    """A YAML document parsed safely, or ``error`` with a Problem saying where and why.

    Refuses files over ``max_bytes``, bytes that are not UTF-8, aliases, tags and
    duplicate keys. Returns None for an empty document (only whitespace or comments).
    """
    size = len(data) if isinstance(data, bytes) else len(data.encode("utf-8", "replace"))
    if size > max_bytes:
        raise error([Problem(file, "", f"is {size:,} bytes; the limit is {max_bytes:,} bytes")])
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            before = data[: exc.start]
            line = before.count(b"\n") + 1
            column = len(before) - (before.rfind(b"\n") + 1) + 1
            bad = data[exc.start : exc.start + 1].hex()
            raise error(
                [
                    Problem(
                        file,
                        _where(line, column),
                        f"is not UTF-8 text (byte 0x{bad} cannot be read); save the file as UTF-8",
                    )
                ]
            ) from None
    else:
        text = data
    text = text.removeprefix("\ufeff")
    try:
        _refuse_aliases_and_tags(text)
        return yaml.load(text, Loader=_NoDuplicateKeysLoader)  # a safe loader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = _where(mark.line + 1, mark.column + 1) if mark is not None else ""
        problem = str(exc.problem or exc.context or "cannot be parsed")
        hint = next((h for key, h in _YAML_HINTS.items() if key in str(exc)), "")
        if hint and hint not in problem:
            problem += f" ({hint})"
        message = f"invalid YAML: {problem}"
        raise error([Problem(file, where, message)]) from None
    except yaml.reader.ReaderError as exc:
        before = text[: exc.position]
        where = _where(before.count("\n") + 1, len(before) - (before.rfind("\n") + 1) + 1)
        raise error(
            [Problem(file, where, f"invalid YAML: character {exc.character!r} is not allowed")]
        ) from None
    except yaml.YAMLError as exc:
        raise error([Problem(file, "", f"invalid YAML: {exc}")]) from None
    except RecursionError:
        raise error([Problem(file, "", "is nested too deeply to be read")]) from None

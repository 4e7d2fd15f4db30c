"""Files → models, with problems a person can act on.

A folder of portfolios loads file by file: a bad file is reported (file, field, reason)
and the others still load. Portfolios are JSON or YAML; an account's posts and follower
history may sit in CSV files beside it (``recent_posts_csv``, ``follower_history_csv``),
and a follower sample for the audience audit in ``follower_sample_csv``.

Problems with severity ``error`` mean something was not loaded (a file, or a CSV row);
``warning`` means it loaded but a value looks implausible and deserves a look.

Usage::

    result = load_portfolios(Path("sample_portfolios"))
    for problem in result.problems:
        print(problem)  # e.g. "sample.json: accounts[0].followers: must be at least 0; got -5"
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path, PurePosixPath
from typing import Any

import pandas as pd
from pydantic import BaseModel, ValidationError

from vetting._validation import problems_from_validation, read_yaml
from vetting.errors import BriefError, PortfolioError, Problem
from vetting.models import Brief, FollowerPoint, Portfolio, Post, slugify

MAX_DOCUMENT_BYTES = 5 * 1024 * 1024
MAX_CSV_BYTES = 50 * 1024 * 1024
MAX_CSV_ROWS = 100_000
PORTFOLIO_SUFFIXES = (".json", ".yaml", ".yml")
# Instagram lets an account follow at most 7,500 others; more is a data error or a bot.
FOLLOWING_LIMIT = 7_500

Reader = Callable[[str], bytes | None]


@dataclass
class LoadResult:
    """What loaded, and every problem met on the way."""

    portfolios: list[Portfolio] = field(default_factory=list)
    sources: dict[str, str] = field(default_factory=dict)
    follower_samples: dict[tuple[str, int], pd.DataFrame] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    def extend(self, other: LoadResult) -> None:
        known = {p.candidate_id for p in self.portfolios}
        accepted: set[str] = set()
        for portfolio in other.portfolios:
            if portfolio.candidate_id in known:
                self.problems.append(
                    Problem(
                        other.sources[portfolio.candidate_id], "id",
                        f"id '{portfolio.candidate_id}' is already used by "
                        f"{self.sources[portfolio.candidate_id]}; give one of them another id",
                    )
                )
                continue
            self.portfolios.append(portfolio)
            self.sources[portfolio.candidate_id] = other.sources[portfolio.candidate_id]
            accepted.add(portfolio.candidate_id)
        # Only the accepted portfolios bring their follower samples: a rejected duplicate
        # must not replace the audience of the candidate it collided with.
        self.follower_samples.update(
            {k: v for k, v in other.follower_samples.items() if k[0] in accepted}
        )
        self.problems.extend(other.problems)


# --------------------------------------------------------------------------- text


def decode_text(name: str, data: bytes, limit: int = MAX_DOCUMENT_BYTES) -> str:
    """Bytes → text, or a Problem saying why not (raised as ValueError's message)."""
    if len(data) > limit:
        raise ValueError(
            f"file is {len(data) / 1_048_576:.1f} MiB; the limit is {limit / 1_048_576:.0f} MiB"
        )
    if not data.strip():
        raise ValueError("file is empty")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValueError(
            f"not UTF-8 text (byte 0x{data[error.start]:02x} at position {error.start});"
            " save the file as UTF-8"
        ) from None


def parse_document(name: str, text: str) -> Any:
    """JSON or YAML text → Python data; raises ValueError or PortfolioError saying where.

    YAML goes through the same guarded reader as rubrics (no aliases, tags or duplicate
    keys; bounded nesting), so a hostile file cannot blow up validation.
    """
    if name.lower().endswith(".json"):
        try:
            return json.loads(text)
        except json.JSONDecodeError as error:
            hint = " (the file ends early: truncated?)" if error.pos >= len(text.rstrip()) else ""
            raise ValueError(
                f"invalid JSON at line {error.lineno}, column {error.colno}: {error.msg}{hint}"
            ) from None
        except RecursionError:
            raise ValueError("is nested too deeply to be read") from None
    return read_yaml(text, name, error=PortfolioError, max_bytes=MAX_DOCUMENT_BYTES)


def _document(name: str, data: bytes) -> dict[str, Any]:
    parsed = parse_document(name, decode_text(name, data))
    if not isinstance(parsed, dict):
        raise ValueError(
            f"the file must hold one mapping of fields (found {type(parsed).__name__})"
        )
    return parsed


# --------------------------------------------------------------------------- CSV


def read_csv_rows(
    name: str, data: bytes, model: type[BaseModel], today: date
) -> tuple[list[dict[str, Any]], list[Problem]]:
    """Validate each CSV row as ``model``; bad rows are reported and skipped."""
    text = decode_text(name, data, MAX_CSV_BYTES)
    rows: list[dict[str, Any]] = []
    problems: list[Problem] = []
    reader = csv.DictReader(io.StringIO(text))
    allowed = set(model.model_fields)
    unknown = [c for c in reader.fieldnames or [] if c and c.strip() not in allowed]
    if unknown:
        problems.append(
            Problem(
                name, "header",
                f"unknown column(s) {', '.join(unknown)} ignored; expected {', '.join(allowed)}",
                "warning",
            )
        )
    for number, raw in enumerate(reader, start=2):
        if number - 1 > MAX_CSV_ROWS:
            problems.append(
                Problem(name, f"row {number}", f"only the first {MAX_CSV_ROWS:,} rows are read")
            )
            break
        record = {
            k.strip(): v.strip()
            for k, v in raw.items()
            if k and k.strip() in allowed and v is not None and v.strip() != ""
        }
        try:
            rows.append(model.model_validate(record, context={"today": today}).model_dump())
        except ValidationError as error:
            for problem in problems_from_validation(error, name, model):
                problems.append(
                    Problem(
                        name, f"row {number}, {problem.field}", f"{problem.message}; row skipped"
                    )
                )
    if not rows and not problems:
        problems.append(Problem(name, "", "no data rows"))
    return rows, problems


# --------------------------------------------------------------------------- portfolios


def _resolve(base: str, relative: str) -> str:
    return str(PurePosixPath(base).parent / relative)


def _attach_csvs(
    name: str, data: dict[str, Any], read: Reader, today: date
) -> tuple[list[tuple[int, str]], list[Problem]]:
    """Replace CSV references with their rows; return follower-sample references."""
    problems: list[Problem] = []
    samples: list[tuple[int, str]] = []
    accounts = data.get("accounts")
    if not isinstance(accounts, list):
        return samples, problems
    for i, account in enumerate(accounts):
        if not isinstance(account, dict):
            continue
        for ref_field, target, model in (
            ("recent_posts_csv", "recent_posts", Post),
            ("follower_history_csv", "follower_history", FollowerPoint),
        ):
            reference = account.get(ref_field)
            if not isinstance(reference, str) or not reference:
                continue
            path = _resolve(name, reference)
            content = read(path)
            if content is None:
                problems.append(
                    Problem(name, f"accounts[{i}].{ref_field}", f"file '{reference}' not found")
                )
                continue
            try:
                rows, row_problems = read_csv_rows(path, content, model, today)
            except ValueError as error:
                problems.append(Problem(path, "", str(error)))
                continue
            problems.extend(row_problems)
            existing = account.get(target) or []
            account[target] = [*existing, *rows] if isinstance(existing, list) else rows
        sample = account.get("follower_sample_csv")
        if isinstance(sample, str) and sample:
            samples.append((i, _resolve(name, sample)))
    return samples, problems


def plausibility_warnings(name: str, portfolio: Portfolio) -> list[Problem]:
    """Values that can be true but usually are not: worth a manager's second look."""
    problems = []
    for i, account in enumerate(portfolio.accounts):
        where = f"accounts[{i}]"
        if account.following is not None and account.following > FOLLOWING_LIMIT:
            problems.append(
                Problem(
                    name, f"{where}.following",
                    f"{account.following:,} exceeds Instagram's {FOLLOWING_LIMIT:,} follow limit",
                    "warning",
                )
            )
        for j, post in enumerate(account.recent_posts):
            reach = post.views if post.views is not None else account.followers
            if reach and post.likes > 3 * reach and not post.paid:
                basis = "views" if post.views is not None else "followers"
                problems.append(
                    Problem(
                        name, f"{where}.recent_posts[{j}].likes",
                        f"{post.likes:,} likes on {post.date} is {post.likes / reach:.0f}× the "
                        f"{basis} ({reach:,}) on an organic post: check the figure",
                        "warning",
                    )
                )
        if account.follower_history:
            last = max(account.follower_history, key=lambda p: p.date)
            gap = abs(last.followers - account.followers)
            if account.followers and gap > 0.5 * account.followers:
                problems.append(
                    Problem(
                        name, f"{where}.follower_history",
                        f"latest history point ({last.followers:,} on {last.date}) differs from "
                        f"the stated {account.followers:,} followers by more than half",
                        "warning",
                    )
                )
    return problems


def load_document(
    name: str, read: Reader, today: date | None = None
) -> LoadResult:
    """One portfolio by name through ``read`` (files on disk or uploads alike)."""
    today = today or date.today()
    result = LoadResult()
    content = read(name)
    if content is None:
        result.problems.append(Problem(name, "", "file not found"))
        return result
    try:
        data = _document(name, content)
    except ValueError as error:
        result.problems.append(Problem(name, "", str(error)))
        return result
    except PortfolioError as error:
        result.problems.extend(error.problems)
        return result
    samples, csv_problems = _attach_csvs(name, data, read, today)
    result.problems.extend(csv_problems)
    if not data.get("id"):  # absent, or left empty as the template suggests
        data["id"] = slugify(PurePosixPath(name).name)
    try:
        portfolio = Portfolio.model_validate(data, context={"today": today})
    except ValidationError as error:
        result.problems.extend(problems_from_validation(error, name, Portfolio))
        return result
    result.problems.extend(plausibility_warnings(name, portfolio))
    result.portfolios.append(portfolio)
    result.sources[portfolio.candidate_id] = name
    for account, sample_name in samples:
        sample = _read_follower_sample(sample_name, read)
        result.problems.extend(sample[1])
        if sample[0] is not None:
            result.follower_samples[(portfolio.candidate_id, account)] = sample[0]
    return result


def _read_follower_sample(name: str, read: Reader) -> tuple[pd.DataFrame | None, list[Problem]]:
    from vetting.followers_audit import read_follower_sample_bytes

    content = read(name)
    if content is None:
        return None, [Problem(name, "", "follower sample file not found")]
    frame, problems = read_follower_sample_bytes(name, content)
    return (frame if len(frame) else None), problems


def _disk_reader(root: Path) -> Reader:
    def read(name: str) -> bytes | None:
        path = Path(name)
        try:
            if not path.resolve().is_relative_to(root.resolve()):
                return None  # a reference may not climb out of the portfolio's folder
            return path.read_bytes() if path.is_file() else None
        except OSError:
            return None

    return read


# Files that sit beside portfolios but are not portfolios.
NON_PORTFOLIO_STEMS = frozenset({"brief", "expected"})


def load_portfolios(paths: Path | Iterable[Path], today: date | None = None) -> LoadResult:
    """Portfolios from files and folders (a folder: every .json/.yaml/.yml directly in it)."""
    result = LoadResult()
    for path in [paths] if isinstance(paths, Path) else list(paths):
        if path.is_dir():
            files = sorted(
                p for p in path.iterdir()
                if p.suffix.lower() in PORTFOLIO_SUFFIXES
                and not p.name.startswith(".")
                and p.stem not in NON_PORTFOLIO_STEMS
            )
            if not files:
                result.problems.append(Problem(str(path), "", "no .json or .yaml files found"))
            for file in files:
                result.extend(load_document(str(file), _disk_reader(path), today))
        elif path.is_file():
            result.extend(load_document(str(path), _disk_reader(path.parent), today))
        else:
            result.problems.append(Problem(str(path), "", "no such file or folder"))
    return result


def load_uploads(
    files: Mapping[str, bytes] | Iterable[tuple[str, bytes]], today: date | None = None
) -> LoadResult:
    """Portfolios uploaded together (the app): CSVs are matched by file name.

    Two uploads with the same name would silently become one, so the second is reported
    and left out.
    """
    result = LoadResult()
    by_name: dict[str, bytes] = {}
    for name, data in files.items() if isinstance(files, Mapping) else files:
        base = PurePosixPath(name).name
        if base in by_name:
            result.problems.append(
                Problem(base, "", "two uploaded files have this name; rename one and upload "
                        "again (only the first was read)")
            )
            continue
        by_name[base] = data

    def read(name: str) -> bytes | None:
        return by_name.get(PurePosixPath(name).name)

    for name in sorted(by_name):
        stem = PurePosixPath(name).stem
        if name.lower().endswith(PORTFOLIO_SUFFIXES) and stem not in NON_PORTFOLIO_STEMS:
            result.extend(load_document(name, read, today))
    if not any(n.lower().endswith(PORTFOLIO_SUFFIXES) for n in by_name):
        result.problems.append(Problem("upload", "", "no .json or .yaml portfolio among the files"))
    return result


# --------------------------------------------------------------------------- brief


def parse_brief(name: str, data: bytes, today: date | None = None) -> Brief:
    """A hiring brief, or BriefError naming file, field and reason."""
    try:
        document = _document(name, data)
    except ValueError as error:
        raise BriefError([Problem(name, "", str(error))]) from None
    except PortfolioError as error:
        raise BriefError(error.problems) from None
    try:
        return Brief.model_validate(document, context={"today": today or date.today()})
    except ValidationError as error:
        raise BriefError(problems_from_validation(error, name, Brief)) from None


def load_brief(path: Path, today: date | None = None) -> Brief:
    try:
        data = path.read_bytes()
    except OSError as error:
        raise BriefError([Problem(str(path), "", f"cannot read: {error.strerror}")]) from None
    return parse_brief(str(path), data, today)

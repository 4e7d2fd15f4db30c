"""``python -m vetting``: the toolkit from a terminal, for people and for scripts.

Every command prints problems as ``file: field: reason`` on stderr and never a
traceback (set ``VETTING_DEBUG=1`` to see one). Exit codes: 0 done, 1 done but some
input was rejected, 2 nothing could be done.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TextIO

from rich.console import Console
from rich.table import Table

from vetting.errors import Problem, VettingError
from vetting.models import Scorecard, json_schema

REPO_ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = REPO_ROOT / "templates"
SEVERITY_STYLE = {"knockout": "bold white on red", "serious": "red", "caution": "yellow"}


def _print_problems(problems: Sequence[Problem], stderr: TextIO) -> None:
    for problem in problems:
        print(str(problem), file=stderr)


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date written yyyy-mm-dd") from None


# --------------------------------------------------------------------------- commands


def cmd_schema(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    text = json.dumps(json_schema(), indent=2, ensure_ascii=False)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")
        print(f"wrote {args.out}", file=stderr)
    else:
        print(text, file=stdout)
    return 0


def cmd_template(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    path = TEMPLATES / f"{args.which}.yaml"
    stdout.write(path.read_text(encoding="utf-8"))
    return 0


def cmd_validate(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    from vetting.loading import load_portfolios

    result = load_portfolios(args.paths, today=args.today)
    _print_problems(result.problems, stderr)
    for portfolio in result.portfolios:
        print(f"ok  {result.sources[portfolio.candidate_id]}  ({portfolio.identity.name})",
              file=stdout)
    if not result.portfolios:
        return 2
    return 1 if result.errors else 0


def cmd_score(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    from vetting.evidence import evaluate
    from vetting.loading import load_brief, load_portfolios
    from vetting.rubrics import load_rubric

    rubric = load_rubric(args.rubric)
    brief = load_brief(args.brief, today=args.today) if args.brief else None
    loaded = load_portfolios(args.paths, today=args.today)
    _print_problems(loaded.problems, stderr)
    if not loaded.portfolios:
        print("no portfolio could be loaded", file=stderr)
        return 2
    evaluation = evaluate(loaded, rubric, brief=brief, today=args.today)
    writer = {"table": _write_table, "csv": _write_csv, "json": _write_json}[args.format]
    writer(evaluation.scorecards, stdout)
    return 1 if loaded.errors else 0


def cmd_audit_followers(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    from vetting.followers_audit import run_audit_cli

    return run_audit_cli(args.file, args.out, args.json, stdout, stderr)


# --------------------------------------------------------------------------- output


def _flag_text(card: Scorecard) -> str:
    return "; ".join(f"{flag.flag} ({flag.severity})" for flag in card.flags)


def _level_text(level: int | None) -> str:
    return "–" if level is None else str(level)


def _write_table(cards: list[Scorecard], stdout: TextIO) -> None:
    console = Console(file=stdout, width=max(160, Console().width), highlight=False)
    table = Table(title="Candidates ranked (levels 1–5; – = not enough data to judge)")
    table.add_column("#", justify="right")
    table.add_column("candidate")
    table.add_column("total", justify="right")
    table.add_column("conf.", justify="right")
    criteria = cards[0].criteria if cards else []
    for criterion in criteria:
        table.add_column(criterion.criterion_id.replace("_", " "), justify="center", max_width=11)
    table.add_column("red flags", overflow="fold")
    for rank, card in enumerate(cards, start=1):
        total = "–" if card.total is None else f"{card.total:.0f}"
        if card.knockout:
            total += " KO"
        flags = ", ".join(
            f"[{SEVERITY_STYLE[flag.severity]}]{flag.flag}[/]" for flag in card.flags
        )
        table.add_row(
            str(rank),
            f"{card.candidate_name}\n[dim]{card.candidate_id} · {card.candidate_kind}[/]",
            total, f"{card.confidence:.0%}",
            *(_level_text(c.level) for c in card.criteria), flags or "[dim]none[/]",
        )
    console.print(table)


def _write_csv(cards: list[Scorecard], stdout: TextIO) -> None:
    from vetting.exports import neutralise_cell

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    criteria = [c.criterion_id for c in cards[0].criteria] if cards else []
    writer.writerow(
        ["rank", "candidate_id", "name", "kind", "total", "confidence", "knockout",
         *criteria, "red_flags"]
    )
    for rank, card in enumerate(cards, start=1):
        writer.writerow(
            [
                rank, card.candidate_id, neutralise_cell(card.candidate_name), card.candidate_kind,
                "" if card.total is None else card.total, card.confidence, card.knockout,
                *("" if c.level is None else c.level for c in card.criteria),
                neutralise_cell(_flag_text(card)),
            ]
        )
    stdout.write(buffer.getvalue())


def _write_json(cards: list[Scorecard], stdout: TextIO) -> None:
    payload = [card.model_dump(mode="json") for card in cards]
    json.dump(payload, stdout, ensure_ascii=False, indent=2)
    stdout.write("\n")


# --------------------------------------------------------------------------- parser


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m vetting",
        description="Vet social media freelancers and agencies against evidence-based rubrics.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    schema = sub.add_parser("schema", help="print the JSON Schema of a candidate portfolio")
    schema.add_argument("--out", type=Path, help="write to this file instead of stdout")
    schema.set_defaults(run=cmd_schema)

    template = sub.add_parser("template", help="print a blank template to send to candidates")
    template.add_argument("which", nargs="?", default="portfolio", choices=["portfolio", "brief"])
    template.set_defaults(run=cmd_template)

    validate = sub.add_parser("validate", help="check portfolio files and report problems")
    validate.add_argument("paths", nargs="+", type=Path, help="files or folders")
    validate.add_argument("--today", type=_date, default=None, help=argparse.SUPPRESS)
    validate.set_defaults(run=cmd_validate)

    score = sub.add_parser("score", help="score portfolios against a rubric, ranked")
    score.add_argument("paths", nargs="+", type=Path, help="portfolio files or folders")
    score.add_argument("--rubric", type=Path, required=True, help="rubric YAML file")
    score.add_argument("--brief", type=Path, help="hiring brief YAML (fit and budget)")
    score.add_argument("--format", choices=["table", "csv", "json"], default="table")
    score.add_argument("--today", type=_date, default=None,
                       help="judge dates as of this day (default: today)")
    score.set_defaults(run=cmd_score)

    audit = sub.add_parser(
        "audit-followers", help="estimate the fake share of an audience from a follower sample"
    )
    audit.add_argument("file", type=Path, help="CSV of sampled followers")
    audit.add_argument("--out", type=Path, help="write every row with fake_probability")
    audit.add_argument("--json", action="store_true", help="print a JSON summary")
    audit.set_defaults(run=cmd_audit_followers)
    return parser


def main(
    argv: Sequence[str] | None = None, stdout: TextIO | None = None, stderr: TextIO | None = None
) -> int:
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0)
    try:
        return int(args.run(args, stdout, stderr))
    except VettingError as error:
        print(str(error), file=stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except Exception as error:
        if os.environ.get("VETTING_DEBUG"):
            raise
        print(f"internal error: {type(error).__name__}: {error}", file=stderr)
        print("please report this with the command you ran (VETTING_DEBUG=1 shows details)",
              file=stderr)
        return 2

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
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from rich.console import Console
from rich.table import Table

from vetting.errors import Problem, VettingError
from vetting.models import Brief, Rubric, Scorecard, json_schema

if TYPE_CHECKING:
    from vetting.evidence import Evaluation
    from vetting.loading import LoadResult
    from vetting.store import Store

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


@dataclass(frozen=True)
class _Evaluated:
    loaded: LoadResult
    rubric: Rubric
    brief: Brief | None
    evaluation: Evaluation


def _evaluate_paths(args: argparse.Namespace, stderr: TextIO) -> _Evaluated | None:
    """Rubric, brief and portfolios from the command line, evaluated; None if nothing loaded."""
    from vetting.evidence import evaluate
    from vetting.loading import load_brief, load_portfolios
    from vetting.rubrics import load_rubric

    rubric = load_rubric(args.rubric)
    brief = load_brief(args.brief, today=args.today) if args.brief else None
    loaded = load_portfolios(args.paths, today=args.today)
    _print_problems(loaded.problems, stderr)
    if not loaded.portfolios:
        print("no portfolio could be loaded", file=stderr)
        return None
    evaluation = evaluate(loaded, rubric, brief=brief, today=args.today)
    return _Evaluated(loaded, rubric, brief, evaluation)


def _store(args: argparse.Namespace) -> Store:
    from vetting.store import Store

    return Store.open(args.database)


def cmd_score(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    evaluated = _evaluate_paths(args, stderr)
    if evaluated is None:
        return 2
    cards = evaluated.evaluation.scorecards
    if args.save:
        from vetting.review import reviewed_scorecards, save_evaluation

        store = _store(args)
        save_evaluation(store, evaluated.loaded, evaluated.evaluation, evaluated.rubric)
        cards = reviewed_scorecards(store, evaluated.evaluation, evaluated.rubric, viewer=None)
    writer = {"table": _write_table, "csv": _write_csv, "json": _write_json}[args.format]
    writer(cards, stdout)
    return 1 if evaluated.loaded.errors else 0


def cmd_candidates(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    candidates = _store(args).list_candidates()
    if not candidates:
        print("no candidates saved yet (score with --save, or use the app)", file=stderr)
        return 0
    for c in candidates:
        print(f"{c.candidate_id}\t{c.name}\t{c.kind}\tversion {c.versions}\t"
              f"updated {c.updated_at:%Y-%m-%d %H:%M}", file=stdout)
    return 0


def cmd_scorecard(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    from vetting.review import reviewed_scorecards, save_evaluation

    evaluated = _evaluate_paths(args, stderr)
    if evaluated is None:
        return 2
    store = _store(args)
    save_evaluation(store, evaluated.loaded, evaluated.evaluation, evaluated.rubric)
    cards = reviewed_scorecards(store, evaluated.evaluation, evaluated.rubric, viewer=args.rater)
    chosen = [card for card in cards if card.candidate_id == args.candidate]
    if not chosen:
        known = ", ".join(card.candidate_id for card in cards)
        print(f"no candidate '{args.candidate}' among the portfolios; known: {known}", file=stderr)
        return 2
    if args.format == "json":
        _write_json(chosen, stdout)
    else:
        _write_scorecard(chosen[0], evaluated.rubric, stdout)
    return 1 if evaluated.loaded.errors else 0


def cmd_rate(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    store = _store(args)
    level = None if args.cannot_judge else args.level
    if args.accept:
        suggestion = store.suggestions(args.candidate, args.rubric_id).get(args.criterion)
        if suggestion is None:
            print(f"no suggested level saved for {args.candidate}/{args.criterion} under "
                  f"rubric '{args.rubric_id}': run 'scorecard' or 'score --save' first",
                  file=stderr)
            return 2
        level = suggestion.suggested_level
    elif level is None and not args.cannot_judge:
        print("give --level N, --accept or --cannot-judge", file=stderr)
        return 2
    rating = store.rate(
        args.candidate, args.rubric_id, args.rater, args.criterion, level, args.note or "",
        accepted_suggestion=args.accept,
    )
    shown = "cannot judge" if rating.level is None else f"level {rating.level}"
    print(f"saved {rating.criterion_id}: {shown} (version {rating.version})", file=stdout)
    return 0


def cmd_submit(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    at = _store(args).submit(args.candidate, args.rubric_id, args.rater)
    print(f"submitted {args.candidate} for {args.rater} at {at:%Y-%m-%d %H:%M} UTC; "
          "the panel's levels are now visible to this rater", file=stdout)
    return 0


def cmd_compare(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    from vetting.comparison import comparison_bundle, rank, ranking_summary, weight_sensitivity
    from vetting.exports import to_csv, to_excel, to_json
    from vetting.review import reviewed_scorecards

    evaluated = _evaluate_paths(args, stderr)
    if evaluated is None:
        return 2
    cards = reviewed_scorecards(_store(args), evaluated.evaluation, evaluated.rubric, None)
    if args.only:
        unknown = sorted(set(args.only) - {card.candidate_id for card in cards})
        if unknown:
            known = ", ".join(card.candidate_id for card in cards)
            print(f"no candidate {', '.join(unknown)} among the portfolios; known: {known}",
                  file=stderr)
            return 2
        cards = [card for card in cards if card.candidate_id in set(args.only)]
    bundle = comparison_bundle(
        cards, evaluated.rubric, evaluated.brief, evaluated.evaluation.frames.candidates
    )
    print(ranking_summary(rank(cards)), file=stdout)
    for item in weight_sensitivity(cards, evaluated.rubric):
        print(f"- {item.sentence}", file=stdout)
    if args.out:
        suffix = args.out.suffix.lower()
        if suffix == ".csv":
            args.out.write_bytes(to_csv(bundle["side_by_side"]))
        elif suffix == ".xlsx":
            args.out.write_bytes(to_excel(bundle))
        elif suffix == ".json":
            args.out.write_text(to_json(bundle), encoding="utf-8")
        else:
            print(f"{args.out}: choose a .csv, .xlsx or .json file name", file=stderr)
            return 2
        print(f"wrote {args.out}", file=stderr)
    return 1 if evaluated.loaded.errors else 0


def cmd_audit_followers(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    from vetting.followers_audit import run_audit_cli

    return run_audit_cli(args.file, args.out, args.json, stdout, stderr)


# --------------------------------------------------------------------------- output


def _flag_text(card: Scorecard) -> str:
    return "; ".join(f"{flag.flag} ({flag.severity})" for flag in card.flags)


def _level_text(level: int | None) -> str:
    return "–" if level is None else str(level)


def _write_table(cards: list[Scorecard], stdout: TextIO) -> None:
    """Ranked table (criteria as C1…Cn, legend below), then each candidate's red flags."""
    console = Console(file=stdout, width=150, highlight=False)
    criteria = cards[0].criteria if cards else []
    table = Table(title="Candidates ranked · levels 1–5 · – = not enough data to judge")
    for header, justify in (("#", "right"), ("candidate", "left"), ("score", "right"),
                            ("judged", "right")):
        table.add_column(header, justify=justify)  # type: ignore[arg-type]
    for i, _ in enumerate(criteria, start=1):
        table.add_column(f"C{i}", justify="center")
    table.add_column("flags K/S/C", justify="center")
    for rank, card in enumerate(cards, start=1):
        total = "–" if card.total is None else f"{card.total:.0f}"
        grouped = card.flags_by_severity()
        counts = "/".join(str(len(grouped[s])) for s in ("knockout", "serious", "caution"))
        table.add_row(
            str(rank), f"{card.candidate_name} [dim]({card.candidate_id})[/]",
            f"[bold red]{total} KO[/]" if card.knockout else total,
            f"{card.confidence:.0%}", *(_level_text(c.level) for c in card.criteria), counts,
        )
    console.print(table)
    legend = " · ".join(f"C{i} {c.title}" for i, c in enumerate(criteria, start=1))
    console.print(f"[dim]{legend}[/]\n")
    for rank, card in enumerate(cards, start=1):
        serious = [f for f in card.flags if f.severity != "caution"]
        cautions = [f.flag for f in card.flags if f.severity == "caution"]
        if not card.flags:
            continue
        console.print(f"[bold]{rank}. {card.candidate_name}[/]")
        for flag in serious:
            console.print(f"   [{SEVERITY_STYLE[flag.severity]}]{flag.severity}[/] {flag.flag}: "
                          f"{flag.detail} [dim]({', '.join(flag.sources)})[/]")
        if cautions:
            console.print(f"   [yellow]caution[/] {', '.join(cautions)}")


def _write_csv(cards: list[Scorecard], stdout: TextIO) -> None:
    from vetting.exports import neutralise

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
                rank, card.candidate_id, neutralise(card.candidate_name), card.candidate_kind,
                "" if card.total is None else card.total, card.confidence, card.knockout,
                *("" if c.level is None else c.level for c in card.criteria),
                neutralise(_flag_text(card)),
            ]
        )
    stdout.write(buffer.getvalue())


def _write_scorecard(card: Scorecard, rubric: Rubric, stdout: TextIO) -> None:
    console = Console(file=stdout, width=120, highlight=False)
    total = "not enough data" if card.total is None else f"{card.total:.0f}/100"
    console.print(f"[bold]{card.candidate_name}[/] ({card.candidate_kind}) · {rubric.title}")
    console.print(f"score {total} · judged on evidence {card.confidence:.0%}"
                  + (" · [bold red]KNOCKOUT[/]" if card.knockout else ""))
    for flag in card.flags:
        console.print(f"  [{SEVERITY_STYLE[flag.severity]}]{flag.severity}[/] {flag.flag}: "
                      f"{flag.detail} ({', '.join(flag.sources)})")
    for criterion in card.criteria:
        suggested = _level_text(criterion.suggested_level)
        console.print(f"\n[bold]{criterion.title}[/] · level {_level_text(criterion.level)} "
                      f"(evidence suggests {suggested}) · weight {criterion.weight:g}")
        for finding in criterion.findings:
            console.print(f"  - {finding.detail} [dim]({', '.join(finding.sources)})[/]")


def _write_json(cards: list[Scorecard], stdout: TextIO) -> None:
    payload = [card.model_dump(mode="json") for card in cards]
    json.dump(payload, stdout, ensure_ascii=False, indent=2)
    stdout.write("\n")


# --------------------------------------------------------------------------- parser


def _database_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--database", default=None,
        help="database URL (default: $VETTING_DATABASE_URL, else SQLite in $VETTING_DATA_DIR)",
    )


def _evaluation_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--today", type=_date, default=None,
                        help="judge dates as of this day (default: today)")
    _database_option(parser)


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
    score.add_argument("--save", action="store_true",
                       help="save candidates and suggested levels to the database")
    _evaluation_options(score)
    score.set_defaults(run=cmd_score)

    candidates = sub.add_parser("candidates", help="list the candidates saved in the database")
    _database_option(candidates)
    candidates.set_defaults(run=cmd_candidates)

    scorecard = sub.add_parser("scorecard", help="one candidate's scorecard with the evidence")
    scorecard.add_argument("candidate", help="candidate id (the portfolio file name)")
    scorecard.add_argument("paths", nargs="+", type=Path, help="portfolio files or folders")
    scorecard.add_argument("--rubric", type=Path, required=True, help="rubric YAML file")
    scorecard.add_argument("--brief", type=Path, help="hiring brief YAML")
    scorecard.add_argument("--rater", help="show what this rater may see (default: the panel)")
    scorecard.add_argument("--format", choices=["text", "json"], default="text")
    _evaluation_options(scorecard)
    scorecard.set_defaults(run=cmd_scorecard)

    rate = sub.add_parser("rate", help="save a rater's level for one criterion")
    rate.add_argument("candidate")
    rate.add_argument("--rubric-id", required=True, help="the rubric's id, e.g. agency")
    rate.add_argument("--rater", required=True)
    rate.add_argument("--criterion", required=True)
    choice = rate.add_mutually_exclusive_group()
    choice.add_argument("--level", type=int, choices=range(1, 6))
    choice.add_argument("--accept", action="store_true", help="accept the suggested level")
    choice.add_argument("--cannot-judge", action="store_true")
    rate.add_argument("--note", help="why (required when not accepting the suggestion)")
    _database_option(rate)
    rate.set_defaults(run=cmd_rate)

    submit = sub.add_parser("submit", help="submit a rater's scorecard (then the panel shows)")
    submit.add_argument("candidate")
    submit.add_argument("--rubric-id", required=True)
    submit.add_argument("--rater", required=True)
    _database_option(submit)
    submit.set_defaults(run=cmd_submit)

    compare = sub.add_parser("compare", help="compare a shortlist; export CSV, Excel or JSON")
    compare.add_argument("paths", nargs="+", type=Path, help="portfolio files or folders")
    compare.add_argument("--rubric", type=Path, required=True, help="rubric YAML file")
    compare.add_argument("--brief", type=Path, help="hiring brief YAML")
    compare.add_argument("--only", nargs="+", metavar="ID", help="the shortlist's candidate ids")
    compare.add_argument("--out", type=Path, help="export to .csv, .xlsx or .json")
    _evaluation_options(compare)
    compare.set_defaults(run=cmd_compare)

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
    except OSError as error:  # a file the user named could not be read or written
        where = f"{error.filename}: " if error.filename else ""
        print(f"{where}{error.strerror or error}", file=stderr)
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

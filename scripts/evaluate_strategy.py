"""How well the concept lexicon reads the hand-labelled answers, per language.

Runs the real analysis (vetting.signals.strategy.answer_analysis, the same code the app
uses) over tests/data/strategy_eval.yaml, where each answer carries the concepts a
reader finds in it and the reader's 1-5 level, and prints per language:

- concept precision and recall (micro-averaged over answers; every concept of the
  lexicon counts, anti-concepts included, metric classes excluded);
- agreement of the suggested answer level with the label (exact and within one).

With ``--speed N`` it also times the four text signals (strategy, measurement,
community, claims) on N answers made by repeating the labelled ones, 12 per candidate.

The suggested answer level is the strategy signal's: the answer score (coverage of the
question's expected concepts and specificity) through the level bounds of
concepts.yaml, capped as the scorer caps a criterion when the answer raises a flag
(serious -> 2, caution -> 4).

    .venv/bin/python scripts/evaluate_strategy.py [--verbose] [--speed 80000]
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from vetting.frames import PortfolioFrames  # noqa: E402
from vetting.rubrics import strategy_questions  # noqa: E402
from vetting.scoring import SEVERITY_LEVEL_CAP  # noqa: E402
from vetting.signals import SignalContext, claims, community, measurement, strategy  # noqa: E402
from vetting.signals.strategy import answer_analysis, level_from_score  # noqa: E402
from vetting.text import find_concepts, lexicon  # noqa: E402

EVAL_FILE = ROOT / "tests" / "data" / "strategy_eval.yaml"


def load_eval(path: Path = EVAL_FILE) -> pd.DataFrame:
    """The labelled answers as a table (id, lang, question_id, level, concepts, text)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return pd.DataFrame(data["answers"])


def evaluate(table: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(per-answer predictions, per-language figures)."""
    lex = lexicon()
    counted = {cid for cid, node in lex.concepts.items() if node.kind != "metric"}
    frames = PortfolioFrames.from_rows(
        {
            "candidates": [{"candidate_id": row.id} for row in table.itertuples()],
            "answers": [
                {"candidate_id": row.id, "question_id": row.question_id, "text": row.text}
                for row in table.itertuples()
            ],
        }
    )
    analysis = answer_analysis(frames)
    answers = analysis.answers.set_index("candidate_id")
    rows = []
    for row in table.itertuples():
        found = {hit.concept for hit in find_concepts(row.text, row.lang)} & counted
        labelled = set(row.concepts)
        score = answers.loc[row.id, "score"]
        level = float(level_from_score(np.array([score]), lex.judging["level_lower_bounds"])[0])
        caps = [
            SEVERITY_LEVEL_CAP[lex.flags[c]["severity"]]
            for c in found if lex.concepts[c].kind == "anti"
        ]
        if caps and not np.isnan(level):
            level = min(level, float(min(caps)))
        rows.append(
            {
                "id": row.id, "lang": row.lang, "detected": answers.loc[row.id, "lang"],
                "tp": len(found & labelled), "fp": len(found - labelled),
                "fn": len(labelled - found), "missed": sorted(labelled - found),
                "extra": sorted(found - labelled), "label_level": row.level,
                "level": level,
            }
        )
    per_answer = pd.DataFrame(rows)
    per_answer["exact"] = per_answer["level"] == per_answer["label_level"]
    per_answer["within_one"] = (per_answer["level"] - per_answer["label_level"]).abs() <= 1
    per_answer["detected_ok"] = per_answer["detected"] == per_answer["lang"]
    grouped = per_answer.groupby("lang", sort=False)
    figures = grouped.agg(
        answers=("id", "size"), tp=("tp", "sum"), fp=("fp", "sum"), fn=("fn", "sum"),
        exact=("exact", "mean"), within_one=("within_one", "mean"),
        language_detected=("detected_ok", "mean"),
    )
    totals = per_answer[["tp", "fp", "fn"]].sum()
    figures.loc["all"] = [
        len(per_answer), totals["tp"], totals["fp"], totals["fn"],
        per_answer["exact"].mean(), per_answer["within_one"].mean(),
        per_answer["detected_ok"].mean(),
    ]
    figures["precision"] = figures["tp"] / (figures["tp"] + figures["fp"])
    figures["recall"] = figures["tp"] / (figures["tp"] + figures["fn"])
    return per_answer, figures


def time_signals(table: pd.DataFrame, n_answers: int) -> dict[str, float]:
    """Seconds each text signal takes on ``n_answers`` answers (the labelled texts
    repeated, 12 questions per candidate, languages mixed as in the file)."""
    questions = [q.id for q in strategy_questions()]
    texts = table["text"].tolist()
    n_candidates = max(1, n_answers // len(questions))
    rows = [
        {"candidate_id": f"c{i}", "question_id": qid,
         "text": texts[(i * len(questions) + j) % len(texts)]}
        for i in range(n_candidates) for j, qid in enumerate(questions)
    ]
    frames = PortfolioFrames.from_rows(
        {"candidates": [{"candidate_id": f"c{i}"} for i in range(n_candidates)],
         "answers": rows}
    )
    context = SignalContext(today=date(2026, 11, 22))
    timings = {}
    for name, module in (("strategy (with the shared answer analysis)", strategy),
                         ("measurement", measurement), ("community", community),
                         ("claims", claims)):
        start = time.perf_counter()
        module.analyse(frames, context)
        timings[name] = time.perf_counter() - start
    return timings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--verbose", action="store_true", help="list every miss and extra")
    parser.add_argument("--speed", type=int, default=0, metavar="N",
                        help="also time the text signals on N answers")
    args = parser.parse_args(argv)
    table = load_eval()
    per_answer, figures = evaluate(table)
    shown = figures[["answers", "precision", "recall", "exact", "within_one",
                     "language_detected"]]
    print(shown.to_string(float_format=lambda v: f"{v:.2f}"))
    if args.verbose:
        print()
        for row in per_answer.itertuples():
            if row.missed or row.extra or not row.exact:
                print(f"{row.id}: level {row.level:.0f} (label {row.label_level}); "
                      f"missed {row.missed}; extra {row.extra}")
    if args.speed:
        print()
        timings = time_signals(table, args.speed)
        for name, seconds in timings.items():
            print(f"{name}: {seconds:.2f} s for {args.speed} answers")
        print(f"all four: {sum(timings.values()):.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

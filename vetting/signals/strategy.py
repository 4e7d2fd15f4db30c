"""Strategy depth from the written answers to the standard strategy questions.

The biggest skills gap is strategy and planning (000 §5: 63% struggle); a brand's social
presence has little business impact without it (000 §6), and the more specific the plan
the better (000 §8). The questions come from 000 §5, 002 §2, §3 and 003 §5. Each answer is
checked for the concepts a strong answer names (vetting/data/concepts.yaml) and for
specific details (numbers, time frames, named metrics). This is lexicon matching, not
reading: the findings quote what was matched, where, so the manager can check, and
answers the lexicon cannot judge are said to be so, never scored.

:func:`answer_analysis` is shared with the measurement, community and claims signals.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import IntEnum
from functools import cache

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from vetting.frames import PortfolioFrames
from vetting.rubrics import strategy_questions
from vetting.signals import SignalContext, findings_frame
from vetting.signals._memo import remember_last
from vetting.signals._thresholds import (
    id_rank,
    join_arrays,
    names_of_true,
    run_starts,
    take_text,
    texts_by_case,
)
from vetting.text import TextColumns, lexicon

AREA = "strategy_depth"
_CID = "candidate_id"
STRATEGY_SOURCES = "000 §5; 000 §6; 000 §8; 002 §2; 002 §3; 003 §5"
_LARGE = pa.large_string()


@cache
def question_sources() -> dict[str, str]:
    """Question id -> "; "-joined WARNINGS refs, in the order of the questions file."""
    return {q.id: "; ".join(q.sources) for q in strategy_questions()}


class Status(IntEnum):
    """Answer statuses as the integer codes of :attr:`AnswerAnalysis.status` (their
    names, lower-cased, are the ``status`` column)."""

    BLANK = 0
    JUDGED = 1
    TOO_SHORT = 2
    UNRECOGNISED = 3
    UNSUPPORTED = 4


STATUS_NAMES = [status.name.lower() for status in Status]


@dataclass(frozen=True)
class AnswerAnalysis:
    """Every answer with its language, status, coverage and specificity, and the hits.

    ``answers`` columns: candidate_id, question_id, text, lang, length, status (judged |
    too_short | unsupported | unrecognised | blank), n_expected, n_found, coverage,
    numbers, percentages, time_frames, named_metrics, specific, score, found, missing,
    cannot_judge (a sentence, for answers that cannot be judged).
    ``hits``: row (index into answers), concept, start, end, matched_text, expected, phrase.
    ``candidates``: every candidate id seen in the candidates or answers tables.
    The codes, one per answer (row of ``answers``), let the signals group and look up
    without string keys: ``candidate`` (position in ``candidates``), ``question``
    (position in :func:`question_sources`), ``status`` (a :class:`Status`).
    """

    answers: pd.DataFrame
    hits: pd.DataFrame
    candidates: pd.Index
    candidate: np.ndarray
    question: np.ndarray
    status: np.ndarray


def answer_analysis(frames: PortfolioFrames) -> AnswerAnalysis:
    """The shared analysis of the answers table, computed once for the four signals
    that read it."""
    return _analyse_answers(frames.answers, frames.candidates)


@remember_last
def _analyse_answers(raw: pd.DataFrame, candidates: pd.DataFrame) -> AnswerAnalysis:
    """See :class:`AnswerAnalysis`. Questions, languages, statuses and concepts are
    integer codes here, so that per-answer lookups are numpy indexing (not string maps
    or merges), and the text columns are built in Arrow from their distinct pieces."""
    lex = lexicon()
    judging = lex.judging
    questions = list(question_sources())
    # Each answer's question by position in `questions` (-1: not a strategy question),
    # looked up once per distinct question id.
    codes, distinct = pd.factorize(raw["question_id"])
    question_of_raw = np.append(pd.Index(questions).get_indexer(distinct), -1)[codes]
    answers = raw[question_of_raw >= 0].reset_index(drop=True)
    question = question_of_raw[question_of_raw >= 0]  # position in `questions`
    text = text_or_empty(answers["text"])
    length = text.str.strip().str.len().astype(int)
    columns = TextColumns(text)  # detects the languages
    lang = columns.row_langs
    status, supported, min_chars = _statuses(lang, length.to_numpy())
    judged = status == Status.JUDGED
    checkable = supported & (status != Status.BLANK)
    # Claims in answers whose language cannot be told, searched first: the concept
    # searches below keep both cores busy to their end, after which this would run alone.
    unknown = np.flatnonzero(lang.isna().to_numpy() & (status != Status.BLANK))
    unknown_claims = _unknown_language_claims(text, unknown)

    concept_ids = list(lex.concepts)
    number_of = {concept: number for number, concept in enumerate(concept_ids)}
    # The concepts each question expects (vetting/data/concepts.yaml), by number, and
    # asks[q, c]: question q expects concept c.
    expected = [[number_of[concept] for concept in lex.expected[qid]] for qid in questions]
    asks = np.zeros((len(questions), len(concept_ids)), dtype=bool)
    for q, numbers in enumerate(expected):
        asks[q, numbers] = True
    scope: dict[str, np.ndarray] = {}
    for concept, node in lex.concepts.items():
        if node.kind == "anti":
            scope[concept] = checkable
        elif node.kind == "concept":
            mask = judged & asks[question, number_of[concept]]
            if concept == "crisis_response_time":  # day-to-day response times, any answer
                mask = judged
            if mask.any():
                scope[concept] = mask
    found, spec = columns.first_hits_and_specificity(scope, judged)
    assert spec is not None
    hits = pd.concat([found, unknown_claims], ignore_index=True)
    hits = hits.astype({"row": np.int64, "start": np.int64, "end": np.int64})
    hit_concept = _codes_of(hits["concept"], number_of)
    # The first hit per (row, concept), as drop_duplicates would keep it.
    hit_key = hits["row"].to_numpy() * len(concept_ids) + hit_concept
    first = ~pd.Series(hit_key).duplicated().to_numpy()
    hits, hit_concept = hits[first], hit_concept[first]
    row, start = hits["row"].to_numpy(), hits["start"].to_numpy()
    hits["expected"] = judged[row] & asks[question[row], hit_concept]
    labels = pa.array([lex.concepts[concept].label for concept in concept_ids], type=_LARGE)
    phrase = join_arrays(
        take_text(labels, hit_concept), ' ("',
        quoted_text(hits["matched_text"], int(judging["quote_max_chars"])), '", chars ',
        number_text(start), "-", number_text(hits["end"].to_numpy()), ")",
    )
    hits["phrase"] = pd.Series(pd.array(phrase, dtype="str"), index=hits.index)

    found = np.flatnonzero(hits["expected"].to_numpy())
    found = found[np.lexsort((start[found], row[found]))]  # per answer, by position
    n_found = np.bincount(row[found], minlength=len(answers))
    found_text = join_per_row(row[found], phrase.take(pa.array(found)), len(answers), "; ")
    missing_text = _missing_labels(expected, question, judged, row[found], hit_concept[found],
                                   labels)
    n_expected = pd.Series(asks.sum(axis=1)[question], index=answers.index)
    coverage = (pd.Series(n_found, index=answers.index) / n_expected).where(judged)
    spec.index = answers.index
    specific = (spec["numbers"] + spec["time_frames"] + spec["named_metrics"]) > 0
    weights = judging["answer_score"]
    score = (
        float(weights["coverage_weight"]) * coverage
        + float(weights["specificity_weight"]) * specific.astype(float)
    ).where(judged)
    status_text = take_text(pa.array(STATUS_NAMES, type=_LARGE), status)
    answers = answers.assign(
        text=text,
        lang=lang,
        length=length,
        status=str_column(status_text, answers.index),
        n_expected=n_expected,
        n_found=pd.Series(n_found, index=answers.index).where(judged),
        coverage=coverage,
        numbers=spec["numbers"],
        percentages=spec["percentages"],
        time_frames=spec["time_frames"],
        named_metrics=spec["named_metrics"],
        specific=specific & judged,
        score=score,
        # Arrow-backed text: the findings concatenate these without converting them.
        found=str_column(found_text, answers.index),
        missing=str_column(missing_text, answers.index),
        cannot_judge=str_column(
            _cannot_judge_sentences(status, lang.to_numpy(dtype=object),
                                    length.to_numpy(), min_chars),
            answers.index,
        ),
    )
    ids = pd.concat([candidates[_CID], raw[_CID]], ignore_index=True)
    # pd.factorize numbers the ids in the order pd.unique lists them.
    candidate = pd.factorize(ids, use_na_sentinel=False)[0][len(candidates):]
    return AnswerAnalysis(
        answers=answers, hits=hits, candidates=pd.Index(pd.unique(ids), name=_CID),
        candidate=candidate[question_of_raw >= 0], question=question, status=status,
    )


def _statuses(lang: pd.Series, length: np.ndarray
              ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(status code, language in the lexicon, minimum characters of the language or NaN)
    of each answer."""
    lex = lexicon()
    min_chars = _language_setting(lang, "min_chars")
    supported = ~np.isnan(min_chars)  # every lexicon language sets min_chars
    undetected = lang.isna().to_numpy()
    largest_min = max(spec["min_chars"] for spec in lex.languages.values())
    status = np.select(
        [
            length == 0,
            supported & (length >= np.nan_to_num(min_chars, nan=0.0)),
            supported,
            undetected & (length < largest_min),
            undetected,
        ],
        [Status.BLANK, Status.JUDGED, Status.TOO_SHORT, Status.TOO_SHORT, Status.UNRECOGNISED],
        default=Status.UNSUPPORTED,
    )
    return status, supported, min_chars


def _language_setting(lang: pd.Series, key: str) -> np.ndarray:
    """A number from the lexicon's settings of each answer's language (NaN for languages
    the lexicon lacks and for none), looked up once per distinct language."""
    languages = lexicon().languages
    codes, distinct = pd.factorize(lang)  # code -1: no language
    # One entry per distinct language, then one for "none": code -1 takes the last.
    values = [float(languages[code][key]) if code in languages else np.nan
              for code in distinct]
    return np.array([*values, np.nan])[codes]


def _codes_of(values: pd.Series, number_of: dict[str, int]) -> np.ndarray:
    """The number of each value (all must be keys of ``number_of``), looked up once per
    distinct value."""
    codes, distinct = pd.factorize(values)
    return np.array([number_of[value] for value in distinct] + [-1], dtype=np.int64)[codes]


def _missing_labels(expected: list[list[int]], question: np.ndarray, judged: np.ndarray,
                    found_rows: np.ndarray, found_concepts: np.ndarray,
                    labels: pa.Array) -> pa.Array:
    """The labels of the expected concepts each judged answer lacks, ", "-joined in the
    lexicon's order (null when none is missing or the answer is not judged).
    ``expected[q]``: the concept numbers question q expects."""
    width = max(len(concepts) for concepts in expected)
    # expected_grid[q]: expected[q] padded with -1.
    expected_grid = np.full((len(expected), width), -1, dtype=np.int64)
    for q, concepts in enumerate(expected):
        expected_grid[q, : len(concepts)] = concepts
    is_found = np.zeros((len(question), len(labels)), dtype=bool)
    is_found[found_rows, found_concepts] = True
    judged_rows = np.flatnonzero(judged)
    grid = expected_grid[question[judged_rows]]  # one row per judged answer
    missing = (grid >= 0) & ~np.take_along_axis(is_found[judged_rows], np.maximum(grid, 0),
                                                axis=1)
    # Boolean indexing reads the grid row by row: answers in order, concepts in order.
    missing_rows = np.broadcast_to(judged_rows[:, None], grid.shape)[missing]
    return join_per_row(missing_rows, take_text(labels, grid[missing]), len(question), ", ")


def join_per_row(rows: np.ndarray, texts: pa.Array, n_rows: int, sep: str) -> pa.Array:
    """``texts`` joined with ``sep`` per row, for texts already sorted by row (``rows``:
    the row of each text, in range(n_rows)); null for rows without any. Arrow joins
    lists in one pass.

    >>> join_per_row(np.array([0, 0, 2]), pa.array(["a", "c", "b"]), 3, "; ").to_pylist()
    ['a; c', None, 'b']
    """
    if texts.type != _LARGE:
        texts = texts.cast(_LARGE)
    counts = np.bincount(rows, minlength=n_rows)
    offsets = pa.array(np.concatenate([[0], np.cumsum(counts)]), type=pa.int64())
    lists = pa.LargeListArray.from_arrays(offsets, texts, mask=pa.array(counts == 0))
    return pc.binary_join(lists, pa.scalar(sep, _LARGE))


def _unknown_language_claims(text: pd.Series, unknown: np.ndarray) -> pd.DataFrame:
    """Anti-concepts in short answers whose language could not be told (rows
    ``unknown``): tried as English and as Albanian (a claim such as "We guarantee viral
    reach." has too few function words to be recognised, but is still a claim)."""
    lex = lexicon()
    if not len(unknown):
        return pd.DataFrame(columns=["row", "concept", "start", "end", "matched_text"])
    texts = pd.concat([text.iloc[unknown]] * 2, ignore_index=True)
    langs = pd.Series(["en"] * len(unknown) + ["sq"] * len(unknown), dtype=object)
    anti = [cid for cid, node in lex.concepts.items() if node.kind == "anti"]
    found = TextColumns(texts, langs).first_hits(
        {cid: np.ones(len(texts), dtype=bool) for cid in anti}
    )
    found["row"] = np.tile(unknown, 2)[found["row"].to_numpy(dtype=int)]
    return found


def _cannot_judge_sentences(status: np.ndarray, lang: np.ndarray, length: np.ndarray,
                            min_chars: np.ndarray) -> pa.Array:
    """Plain sentences for answers the lexicon cannot judge (null for the others)."""
    lex = lexicon()
    unsupported = status == Status.UNSUPPORTED
    codes, languages = pd.factorize(lang[unsupported])
    unsupported_text = take_text(pa.array([
        f"Cannot judge this answer (language {lex.language_name(code)} not in the lexicon); "
        "the manager reads it."
        for code in languages
    ], type=_LARGE), codes)
    unrecognised = status == Status.UNRECOGNISED
    unrecognised_text = take_text(pa.array([
        "Cannot judge this answer (its language was not recognised); the manager reads it."
    ], type=_LARGE), np.zeros(int(unrecognised.sum()), dtype=np.int64))
    short = status == Status.TOO_SHORT
    largest_min = max(s["min_chars"] for s in lex.languages.values())
    needed = np.where(np.isnan(min_chars[short]), largest_min, min_chars[short]).astype(int)
    short_text = join_arrays(
        "Cannot judge this answer (too short to judge: ", number_text(length[short]),
        " characters, ", number_text(needed), " needed); the manager reads it.",
    )
    return texts_by_case(len(status), None, (unsupported, unsupported_text),
                         (unrecognised, unrecognised_text), (short, short_text))


# --------------------------------------------------------------------------- text columns
# Finding texts are built in Arrow: each distinct piece (a number, a question's label, a
# quote) is written once and taken per row, and the pieces are joined in one pass.


def text_or_empty(column: pd.Series) -> pd.Series:
    """The texts as str, missing ones empty (an Arrow str column is kept as it is)."""
    if column.dtype == "str":
        return column.fillna("")
    return column.astype(object).where(column.notna(), "").astype(str)


def large_text(column: pd.Series) -> pa.Array:
    """A text column as an Arrow large_string array (missing values null)."""
    if isinstance(column.dtype, pd.StringDtype):
        return pa.array(column.array).cast(_LARGE)
    return pa.array(column.to_numpy(dtype=object), type=_LARGE, from_pandas=True)


def str_column(values: pa.Array, index: pd.Index) -> pd.Series:
    """An Arrow text column as a pandas "str" column (nulls become NaN)."""
    return pd.Series(pd.array(values, dtype="str"), index=index)


def number_text(numbers: np.ndarray) -> pa.Array:
    """Integers as decimal text, each distinct value formatted once."""
    codes, distinct = pd.factorize(np.asarray(numbers))
    return take_text(pa.array([str(n) for n in distinct.tolist()], type=_LARGE), codes)


def count_text(template: str, *counts: np.ndarray) -> pa.Array:
    """``template.format(*row)`` for each row of the non-negative integer columns
    ``counts``, each distinct combination formatted once (rows share the few there are).

    A combination is numbered as one integer, column by column (digits in base
    max + 1), and read back from the distinct numbers.
    """
    columns = [np.asarray(column, dtype=np.int64) for column in counts]
    bases = [int(column.max(initial=0)) + 1 for column in columns]
    if math.prod(bases) >= 2**62:  # the combined number would overflow: rows as they are
        rows, codes = np.unique(np.column_stack(columns), axis=0, return_inverse=True)
        texts = [template.format(*row) for row in rows.tolist()]
        return take_text(pa.array(texts, type=_LARGE), codes.reshape(-1))
    key = np.zeros(len(columns[0]), dtype=np.int64)
    for column, base in zip(columns, bases, strict=True):
        key = key * base + column
    codes, distinct = pd.factorize(key)
    digits = []
    for base in reversed(bases):
        digits.append(distinct % base)
        distinct = distinct // base
    texts = [template.format(*row) for row in zip(*reversed(digits), strict=True)]
    return take_text(pa.array(texts, type=_LARGE), codes)


def _quote(text: pd.Series, limit: int) -> pd.Series:
    """Whitespace runs as one space, cut to ``limit`` characters with an ellipsis."""
    text = text.astype(str).str.replace(r"\s+", " ", regex=True)
    long = text.str.len() > limit
    return text.where(~long, text.str.slice(0, limit - 1) + "…")


def quoted_text(matched: pd.Series, limit: int) -> pa.Array:
    """:func:`_quote` of each matched text, computed once per distinct text."""
    codes, distinct = pd.factorize(matched, use_na_sentinel=False)
    quoted = _quote(pd.Series(np.asarray(distinct, dtype=object), dtype=object), limit)
    return take_text(large_text(quoted), codes)


# --------------------------------------------------------------------------- shared findings


def level_from_score(score: pd.Series | np.ndarray, bounds: list[float]) -> np.ndarray:
    """Score 0-1 -> level 1-5 by the lower bounds of levels 2..5; NaN stays NaN."""
    values = np.asarray(score, dtype=float)
    levels = 1.0 + np.searchsorted(np.asarray(bounds, dtype=float), values, side="right")
    return np.where(np.isnan(values), np.nan, levels)


def flag_columns(flag_id: str) -> dict[str, str]:
    flag = lexicon().flags[flag_id]
    return {"flag": flag_id, "severity": flag["severity"], "sources": "; ".join(flag["sources"])}


def answer_findings(analysis: AnswerAnalysis, questions: list[str], area: str) -> pd.DataFrame:
    """One finding per answer to ``questions``: concepts found (quoted, with positions)
    and missing, specificity; or a plain cannot-judge sentence."""
    lex = lexicon()
    all_questions = list(question_sources())
    asked = np.isin(analysis.question,
                    [number for number, qid in enumerate(all_questions) if qid in questions])
    rows = np.flatnonzero(asked & (analysis.status != Status.BLANK))
    if not len(rows):
        return findings_frame([])
    table = analysis.answers
    question = analysis.question[rows]
    judged = analysis.status[rows] == Status.JUDGED
    taken = pa.array(rows, type=pa.int64())

    def text(column: str) -> pa.Array:
        return large_text(table[column]).take(taken)

    def values(column: str) -> np.ndarray:
        return table[column].to_numpy()[rows]

    def by_question(texts: list[str]) -> pa.Array:
        return take_text(pa.array(texts, type=_LARGE), question)

    labels = {cid: node.label for cid, node in lex.concepts.items()}
    n_found = np.nan_to_num(values("n_found")).astype(int)
    detail = join_arrays(
        count_text("Covers {} of {} expected concepts: ", n_found, values("n_expected")),
        pc.fill_null(text("found"), pa.scalar("none of them", _LARGE)),
        ". Not found: ", pc.fill_null(text("missing"), pa.scalar("nothing", _LARGE)),
        count_text(". Specific details: {} numbers, {} time frames, {} named metrics.",
                   values("numbers"), values("time_frames"), values("named_metrics")),
    )
    index = pd.Index(rows)  # the answers' row labels (their index is a RangeIndex)
    return findings_frame(
        pd.DataFrame(
            {
                _CID: str_column(text(_CID), index),
                "area": area,
                "signal": "strategy_answer",
                "subject": str_column(by_question([f"answer: {q}" for q in all_questions]),
                                       index),
                "value": np.round(values("score"), 3),
                "unit": "answer score (0-1)",
                "comparison": str_column(by_question([
                    "expected concepts for this question (vetting/data/concepts.yaml): "
                    + ", ".join(labels[c] for c in lex.expected[q]) for q in all_questions
                ]), index),
                "suggested_level": np.nan,
                "flag": None,
                "severity": None,
                "confidence": np.where(judged, float(lex.judging["lexicon_confidence"]), 0.0),
                "sources": str_column(by_question(
                    [question_sources()[q] for q in all_questions]), index),
                "detail": str_column(
                    pc.if_else(pa.array(judged), detail, text("cannot_judge")), index
                ),
            },
            index=index,
        )
    )


def anti_hits(analysis: AnswerAnalysis, concept: str) -> pd.DataFrame:
    """First hit of an anti-concept per candidate (by candidate id, then answer row),
    with the answer it came from and the candidate's number of such answers."""
    hits = analysis.hits
    of_concept = np.flatnonzero((hits["concept"] == concept).to_numpy())
    if not len(of_concept):
        return hits.iloc[of_concept].assign(**{
            _CID: pd.Series(dtype=object), "question_id": pd.Series(dtype=object),
            "n_answers": pd.Series(dtype=int),
        })
    rows = hits["row"].to_numpy()[of_concept]
    candidate = analysis.candidate[rows]
    order = np.lexsort((rows, id_rank(analysis.candidates)[candidate]))
    first = order[run_starts(candidate[order])]
    questions = np.array(list(question_sources()), dtype=object)
    return hits.iloc[of_concept[first]].assign(**{
        _CID: analysis.candidates.to_numpy(dtype=object)[candidate[first]],
        "question_id": questions[analysis.question[rows[first]]],
        "n_answers": np.bincount(candidate, minlength=len(analysis.candidates))[
            candidate[first]],
    })


def anti_concept_flags(analysis: AnswerAnalysis, area: str, concept: str, claim: str,
                       consequence: str, comparison: str) -> pd.DataFrame:
    """One flag per candidate whose answers say an anti-concept (its id is the flag id),
    quoting the first place it was said."""
    first = anti_hits(analysis, concept)
    if first.empty:
        return findings_frame([])
    limit = int(lexicon().judging["quote_max_chars"])
    question = pa.array(first["question_id"].to_numpy(dtype=object), type=_LARGE)
    detail = join_arrays(
        "The answer to ", question, f' {claim}: "', quoted_text(first["matched_text"], limit),
        '" (chars ', number_text(first["start"].to_numpy()), "-",
        number_text(first["end"].to_numpy()), "); ",
        number_text(first["n_answers"].to_numpy()), f" answer(s) say so. {consequence}",
    )
    return findings_frame(
        pd.DataFrame(
            {
                _CID: first[_CID],
                "area": area,
                "signal": concept,
                "subject": str_column(join_arrays("answer: ", question), first.index),
                "value": first["n_answers"].astype(float),
                "unit": "answers",
                "comparison": comparison,
                "suggested_level": np.nan,
                **flag_columns(concept),
                "confidence": float(lexicon().judging["lexicon_confidence"]),
                "detail": str_column(detail, first.index),
            }
        )
    )


# --------------------------------------------------------------------------- strategy depth


def analyse(frames: PortfolioFrames, context: SignalContext) -> pd.DataFrame:
    """Findings on strategy depth for every candidate with written answers (or none)."""
    del context  # the answers alone decide this area
    lex = lexicon()
    judging = lex.judging
    analysis = answer_analysis(frames)
    if len(analysis.candidates) == 0:
        return findings_frame([])
    questions = list(question_sources())
    parts = [answer_findings(analysis, questions, AREA)]
    table = _per_candidate(analysis)
    n_questions = len(questions)
    enough = (table["n_judged"] >= int(judging["min_judged_answers"])).to_numpy()
    mean_score = table["mean_score"].to_numpy()
    level = level_from_score(np.where(enough, mean_score, np.nan),
                             judging["level_lower_bounds"])
    confidence = float(judging["lexicon_confidence"]) * np.sqrt(
        table["n_judged"].to_numpy() / n_questions
    )
    too_thin = (
        " Fewer than " + str(judging["min_judged_answers"])
        + " judged answers: no level suggested; the manager reads the answers."
    )
    coverage_percent = np.round(np.nan_to_num(table["coverage_mean"].to_numpy()) * 100)
    # Two templates of fewer numbers each: fewer distinct combinations to format.
    detail = join_arrays(
        count_text(
            "Judged {} of " + str(n_questions) + " answers by the lexicon: they cover {}% of "
            "the expected concepts on average, and ",
            table["n_judged"].to_numpy(), coverage_percent.astype(int),
        ),
        count_text(
            "{} give numbers, time frames or named metrics; {} unanswered, {} cannot be "
            "judged.",
            table["n_specific"].to_numpy(), table["n_unanswered"].to_numpy(),
            table["n_cannot"].to_numpy(),
        ),
        pa.array(np.where(enough, "", too_thin), type=_LARGE),
    )
    bounds = judging["level_lower_bounds"]
    parts.append(
        findings_frame(
            pd.DataFrame(
                {
                    _CID: table.index,
                    "area": AREA,
                    "signal": "strategy_depth_score",
                    "subject": "portfolio",
                    "value": np.round(mean_score, 3),
                    "unit": "mean answer score (0-1)",
                    "comparison": (
                        "levels 2-5 from mean answer score "
                        + "/".join(f"{b:.2f}" for b in bounds)
                        + " (vetting/data/concepts.yaml); unanswered questions count as 0"
                    ),
                    "suggested_level": level,
                    "flag": None,
                    "severity": None,
                    "confidence": np.where(enough, confidence, 0.0),
                    "sources": STRATEGY_SOURCES,
                    "detail": pd.array(detail, dtype="str"),
                }
            )
        )
    )
    parts.append(_followers_flags(analysis))
    parts.append(_shallow_flags(table))
    parts.append(_unanswered_flags(table, n_questions))
    parts = [part for part in parts if len(part)]
    return findings_frame(pd.concat(parts, ignore_index=True)) if parts else findings_frame([])


def _per_candidate(analysis: AnswerAnalysis) -> pd.DataFrame:
    """Counts per candidate over the questions: answered, judged, shallow, mean score."""
    lex = lexicon()
    shallow_cfg = lex.judging["shallow"]
    answers = analysis.answers
    questions = list(question_sources())
    n_candidates = len(analysis.candidates)
    candidate, status = analysis.candidate, analysis.status
    # answered[c, q]: candidate c gave a non-blank answer to question q.
    answered = np.zeros((n_candidates, len(questions)), dtype=bool)
    nonblank = status != Status.BLANK
    answered[candidate[nonblank], analysis.question[nonblank]] = True
    judged = status == Status.JUDGED
    too_short = status == Status.TOO_SHORT
    specific = answers["specific"].to_numpy()
    coverage = answers["coverage"].to_numpy()
    # The language's short_chars matters only where the coverage is in between.
    in_between = judged & ~specific & (coverage < float(shallow_cfg["short_max_coverage"]))
    short_chars = np.full(len(answers), np.nan)
    short_chars[in_between] = _language_setting(answers["lang"][in_between], "short_chars")
    shallow = too_short | (
        judged & ~specific
        & (
            (coverage < float(shallow_cfg["max_coverage"]))
            | ((answers["length"].to_numpy() < short_chars)
               & (coverage < float(shallow_cfg["short_max_coverage"])))
        )
    )

    def count(mask: np.ndarray) -> np.ndarray:
        return np.bincount(candidate[mask], minlength=n_candidates)

    # Float sums through pandas' grouped sum and mean, whose compensated summation the
    # scores were always summed with (a plain running sum can differ in the last bit).
    grouped = pd.DataFrame({"score": answers["score"].to_numpy(), "coverage": coverage}
                           ).groupby(candidate)
    everyone = np.arange(n_candidates)
    table = pd.DataFrame(
        {
            "n_judged": count(judged),
            "n_shallow": count(shallow),
            "n_known": count(judged | too_short),
            "n_cannot": count(too_short | (status == Status.UNSUPPORTED)
                              | (status == Status.UNRECOGNISED)),
            "score_sum": grouped["score"].sum().reindex(everyone, fill_value=0).to_numpy(),
            "coverage_mean": grouped["coverage"].mean().reindex(everyone, fill_value=0)
            .to_numpy(),
            "n_specific": count(specific),
            "n_unanswered": len(questions) - answered.sum(axis=1),
            "unanswered": _unanswered_lists(answered, questions),
        },
        index=analysis.candidates,
    )
    denominator = table["n_judged"] + table["n_unanswered"]
    table["mean_score"] = (table["score_sum"] / denominator).where(denominator > 0)
    return table


def _unanswered_lists(answered: np.ndarray, questions: list[str]) -> np.ndarray:
    """", "-joined unanswered question ids per candidate (NaN when all are answered)."""
    return names_of_true(~np.asarray(answered, dtype=bool), questions, empty=np.nan)


def _followers_flags(analysis: AnswerAnalysis) -> pd.DataFrame:
    return anti_concept_flags(
        analysis, AREA, "followers_as_audience",
        "treats followers as the audience or follower growth as the goal",
        "000 §5: not all followers make up the target audience.",
        "lexicon of followers-as-audience phrases, negated forms excluded",
    )


def _shallow_flags(table: pd.DataFrame) -> pd.DataFrame:
    cfg = lexicon().judging["shallow"]
    share = (table["n_shallow"] / table["n_known"]).where(table["n_known"] > 0)
    fire = (table["n_known"] >= int(cfg["min_answers"])) & (share > float(cfg["share_above"]))
    hit = table[fire]
    if hit.empty:
        return findings_frame([])
    detail = count_text(
        "{} of {} answers in a known language are short or vague: few of the expected "
        "concepts and no numbers, time frames or named metrics. 000 §5: strategy and "
        "planning is the biggest skills gap.",
        hit["n_shallow"].to_numpy(), hit["n_known"].to_numpy(),
    )
    return findings_frame(
        pd.DataFrame(
            {
                _CID: hit.index,
                "area": AREA,
                "signal": "shallow_strategy_answers",
                "subject": "portfolio",
                "value": share[fire].round(3).to_numpy(),
                "unit": "share of answers",
                "comparison": f"more than {float(cfg['share_above']):.0%} of at least "
                f"{int(cfg['min_answers'])} answers shallow (vetting/data/concepts.yaml)",
                "suggested_level": np.nan,
                **flag_columns("shallow_strategy_answers"),
                "confidence": float(lexicon().judging["lexicon_confidence"]),
                "detail": pd.array(detail, dtype="str"),
            }
        )
    )


def _unanswered_flags(table: pd.DataFrame, n_questions: int) -> pd.DataFrame:
    fire = table["n_unanswered"] >= int(lexicon().judging["unanswered_min"])
    hit = table[fire]
    if hit.empty:
        return findings_frame([])
    detail = join_arrays(
        number_text(hit["n_unanswered"].to_numpy()),
        f" of {n_questions} strategy questions unanswered: ",
        pa.array(hit["unanswered"].fillna("").to_numpy(dtype=object), type=_LARGE), ".",
    )
    return findings_frame(
        pd.DataFrame(
            {
                _CID: hit.index,
                "area": AREA,
                "signal": "unanswered_strategy_questions",
                "subject": "portfolio",
                "value": hit["n_unanswered"].astype(float).to_numpy(),
                "unit": "questions",
                "comparison": f"the {n_questions} questions of rubrics/strategy_questions.yaml",
                "suggested_level": np.nan,
                **flag_columns("unanswered_strategy_questions"),
                "confidence": 0.95,
                "detail": pd.array(detail, dtype="str"),
            }
        )
    )

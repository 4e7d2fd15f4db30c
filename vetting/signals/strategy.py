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

from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from vetting.frames import PortfolioFrames
from vetting.rubrics import strategy_questions
from vetting.signals import SignalContext, findings_frame
from vetting.text import TextColumns, detect_languages, lexicon

AREA = "strategy_depth"
_CID = "candidate_id"
STRATEGY_SOURCES = "000 §5; 000 §6; 000 §8; 002 §2; 002 §3; 003 §5"


@cache
def question_sources() -> dict[str, str]:
    """Question id -> "; "-joined WARNINGS refs, in the order of the questions file."""
    return {q.id: "; ".join(q.sources) for q in strategy_questions()}


@dataclass(frozen=True)
class AnswerAnalysis:
    """Every answer with its language, status, coverage and specificity, and the hits.

    ``answers`` columns: candidate_id, question_id, text, lang, length, status (judged |
    too_short | unsupported | unrecognised | blank), n_expected, n_found, coverage,
    numbers, percentages, time_frames, named_metrics, specific, score, found, missing,
    cannot_judge (a sentence, for answers that cannot be judged).
    ``hits``: row (index into answers), concept, start, end, matched_text, expected, phrase.
    ``candidates``: every candidate id seen in the candidates or answers tables.
    """

    answers: pd.DataFrame
    hits: pd.DataFrame
    candidates: pd.Index


# The last (answers table, analysis) pair, replaced in one assignment so that threads
# (the app serves sessions in threads) never see a key with another table's analysis.
_last: tuple[pd.DataFrame, AnswerAnalysis] | None = None


def answer_analysis(frames: PortfolioFrames) -> AnswerAnalysis:
    """The shared analysis of the answers table, computed once for the four signals
    that read it (the same frames object is passed to each in turn)."""
    global _last
    last = _last
    if last is not None and last[0] is frames.answers:
        return last[1]
    value = _analyse_answers(frames)
    _last = (frames.answers, value)
    return value


def _quote(text: pd.Series, limit: int) -> pd.Series:
    text = text.astype(str).str.replace(r"\s+", " ", regex=True)
    long = text.str.len() > limit
    return text.where(~long, text.str.slice(0, limit - 1) + "…")


def join_by_key(keys: pd.Series | np.ndarray, values: pd.Series | np.ndarray,
                sep: str) -> pd.Series:
    """Values joined per key, in input order, without a Python call per group
    (np.add.reduceat concatenates the strings of each run of equal keys). An object
    array of values is taken as holding str already (no conversion)."""
    key_array = np.asarray(keys)
    if len(key_array) == 0:
        return pd.Series(dtype=object)
    order = np.argsort(key_array, kind="stable")
    sorted_keys = key_array[order]
    if isinstance(values, np.ndarray) and values.dtype == object:
        texts = values[order]
    else:
        texts = np.asarray(pd.Series(values).astype(str), dtype=object)[order]
    first = np.r_[True, sorted_keys[1:] != sorted_keys[:-1]]
    pieces = np.where(first, texts, sep + texts)
    joined = np.add.reduceat(pieces, np.flatnonzero(first))
    return pd.Series(joined, index=sorted_keys[first], dtype=object)


def _analyse_answers(frames: PortfolioFrames) -> AnswerAnalysis:
    lex = lexicon()
    judging = lex.judging
    qsources = question_sources()
    raw = frames.answers
    answers = raw[raw["question_id"].isin(list(qsources))].reset_index(drop=True)
    text = _text_or_empty(answers["text"])
    stripped_length = text.str.strip().str.len().astype(int)
    lang = detect_languages(text)
    supported = lang.isin(list(lex.languages))
    min_chars = lang.map({k: v["min_chars"] for k, v in lex.languages.items()})
    largest_min = max(spec["min_chars"] for spec in lex.languages.values())
    status = np.select(
        [
            stripped_length == 0,
            supported & (stripped_length >= min_chars.fillna(0)),
            supported,
            lang.isna() & (stripped_length < largest_min),
            lang.isna(),
        ],
        ["blank", "judged", "too_short", "too_short", "unrecognised"],
        default="unsupported",
    )
    answers = answers.assign(text=text, lang=lang, length=stripped_length, status=status)
    judged = (answers["status"] == "judged").to_numpy()
    checkable = (supported & (answers["status"] != "blank")).to_numpy()

    expected = pd.DataFrame(
        [(qid, concept) for qid, concepts in lex.expected.items() for concept in concepts],
        columns=["question_id", "concept"],
    )
    # (row, concept) pairs as one integer, to test membership without string merges.
    concept_number = {cid: number for number, cid in enumerate(lex.concepts)}
    n_concepts = len(concept_number)
    expected["concept_number"] = expected["concept"].map(concept_number)
    scope: dict[str, np.ndarray] = {}
    for concept, node in lex.concepts.items():
        if node.kind == "anti":
            scope[concept] = checkable
        elif node.kind == "concept":
            asked_in = expected.loc[expected["concept"] == concept, "question_id"]
            mask = judged & answers["question_id"].isin(list(asked_in)).to_numpy()
            if concept == "crisis_response_time":  # day-to-day response times, any answer
                mask = judged
            if mask.any():
                scope[concept] = mask
    columns = TextColumns(answers["text"], answers["lang"])
    hits = pd.concat(
        [columns.first_hits(scope), _unknown_language_claims(answers)], ignore_index=True
    ).drop_duplicates(["row", "concept"])
    hits = hits.astype({"row": np.int64, "start": np.int64, "end": np.int64})
    pairs = answers[["question_id"]].reset_index(names="row").merge(expected, on="question_id")
    pairs = pairs[judged[pairs["row"].to_numpy()]] if len(pairs) else pairs
    pair_keys = (pairs["row"].to_numpy(dtype=np.int64) * n_concepts
                 + pairs["concept_number"].to_numpy(dtype=np.int64))
    hit_keys = (hits["row"].to_numpy(dtype=np.int64) * n_concepts
                + hits["concept"].map(concept_number).to_numpy(dtype=np.int64))
    # kind="table": a lookup over the key range, far faster here than sorting.
    hits["expected"] = np.isin(hit_keys, pair_keys, kind="table")
    labels = {cid: node.label for cid, node in lex.concepts.items()}
    hits["phrase"] = (
        hits["concept"].map(labels) + ' ("' + _quote(hits["matched_text"],
                                                      int(judging["quote_max_chars"]))
        + '", chars ' + hits["start"].astype(str) + "-" + hits["end"].astype(str) + ")"
    )

    found = hits[hits["expected"]]
    n_found = found.groupby("row").size().reindex(answers.index, fill_value=0)
    n_expected = answers["question_id"].map({q: len(c) for q, c in lex.expected.items()})
    coverage = (n_found / n_expected).where(judged)
    spec = columns.specificity(judged)
    spec.index = answers.index
    specific = (spec["numbers"] + spec["time_frames"] + spec["named_metrics"]) > 0
    weights = judging["answer_score"]
    score = (
        float(weights["coverage_weight"]) * coverage
        + float(weights["specificity_weight"]) * specific.astype(float)
    ).where(judged)

    ordered = found.sort_values(["row", "start"])
    found_text = join_by_key(ordered["row"], ordered["phrase"], "; ")
    missing = ~np.isin(pair_keys, hit_keys[hits["expected"].to_numpy()], kind="table")
    label_of_number = np.array([labels[cid] for cid in concept_number], dtype=object)
    missing_labels = label_of_number[(pair_keys % n_concepts)[missing]]
    missing_text = join_by_key(pairs["row"].to_numpy()[missing], missing_labels, ", ")
    answers = answers.assign(
        n_expected=n_expected,
        n_found=n_found.where(judged),
        coverage=coverage,
        numbers=spec["numbers"],
        percentages=spec["percentages"],
        time_frames=spec["time_frames"],
        named_metrics=spec["named_metrics"],
        specific=specific & judged,
        score=score,
        # Arrow-backed text: the findings concatenate these without converting them.
        found=found_text.reindex(answers.index).astype("str"),
        missing=missing_text.reindex(answers.index).astype("str"),
        cannot_judge=_cannot_judge_sentences(answers, min_chars).astype("str"),
    )
    candidates = pd.Index(
        pd.unique(pd.concat([frames.candidates[_CID], raw[_CID]], ignore_index=True)),
        name=_CID,
    )
    return AnswerAnalysis(answers=answers, hits=hits, candidates=candidates)


def _text_or_empty(column: pd.Series) -> pd.Series:
    """The texts as str, missing ones empty (an Arrow str column is kept as it is)."""
    if column.dtype == "str":
        return column.fillna("")
    return column.astype(object).where(column.notna(), "").astype(str)


def _unknown_language_claims(answers: pd.DataFrame) -> pd.DataFrame:
    """Anti-concepts in short answers whose language could not be told: tried as English
    and as Albanian (a claim such as "We guarantee viral reach." has too few function
    words to be recognised, but is still a claim)."""
    lex = lexicon()
    unknown = np.flatnonzero((answers["lang"].isna() & (answers["status"] != "blank")).to_numpy())
    if not len(unknown):
        return pd.DataFrame(columns=["row", "concept", "start", "end", "matched_text"])
    texts = pd.concat([answers["text"].iloc[unknown]] * 2, ignore_index=True)
    langs = pd.Series(["en"] * len(unknown) + ["sq"] * len(unknown), dtype=object)
    anti = [cid for cid, node in lex.concepts.items() if node.kind == "anti"]
    found = TextColumns(texts, langs).first_hits(
        {cid: np.ones(len(texts), dtype=bool) for cid in anti}
    )
    found["row"] = np.tile(unknown, 2)[found["row"].to_numpy(dtype=int)]
    return found


def _cannot_judge_sentences(answers: pd.DataFrame, min_chars: pd.Series) -> pd.Series:
    """Plain sentences for answers the lexicon cannot judge (NaN for the others)."""
    lex = lexicon()
    codes = answers["lang"].dropna().unique()
    names = answers["lang"].map({code: lex.language_name(code) for code in codes}).astype(object)
    sentence = pd.Series(np.nan, index=answers.index, dtype=object)
    unsupported = answers["status"] == "unsupported"
    sentence[unsupported] = (
        "Cannot judge this answer (language " + names[unsupported]
        + " not in the lexicon); the manager reads it."
    )
    unrecognised = answers["status"] == "unrecognised"
    sentence[unrecognised] = (
        "Cannot judge this answer (its language was not recognised); the manager reads it."
    )
    short = answers["status"] == "too_short"
    needed = min_chars.fillna(max(s["min_chars"] for s in lex.languages.values()))
    sentence[short] = (
        "Cannot judge this answer (too short to judge: "
        + answers.loc[short, "length"].astype(str).astype(object) + " characters, "
        + needed[short].astype(int).astype(str).astype(object) + " needed); the manager reads it."
    )
    return sentence


def level_from_score(score: pd.Series | np.ndarray, bounds: list[float]) -> np.ndarray:
    """Score 0-1 -> level 1-5 by the lower bounds of levels 2..5; NaN stays NaN."""
    values = np.asarray(score, dtype=float)
    levels = 1.0 + np.searchsorted(np.asarray(bounds, dtype=float), values, side="right")
    return np.where(np.isnan(values), np.nan, levels)


def flag_columns(flag_id: str) -> dict[str, str]:
    flag = lexicon().flags[flag_id]
    return {"flag": flag_id, "severity": flag["severity"], "sources": "; ".join(flag["sources"])}


def join_text(*parts: pd.Series | str) -> pd.Series:
    """Text columns and literals concatenated row by row in one Arrow pass (chained ``+``
    copies the growing sentences once per step). NaN in any column gives NaN, as ``+``
    does; the index is the first column's."""
    index = next(part.index for part in parts if isinstance(part, pd.Series))
    arrays = [
        pa.scalar(part, _LARGE) if isinstance(part, str) else _large_text(part)
        for part in parts
    ]
    joined = pc.binary_join_element_wise(*arrays, pa.scalar("", _LARGE))
    return pd.Series(pd.array(joined, dtype="str"), index=index)


_LARGE = pa.large_string()


def _large_text(column: pd.Series) -> pa.Array:
    if isinstance(column.dtype, pd.StringDtype):
        return pa.array(column.array).cast(_LARGE)
    return pa.array(column.to_numpy(dtype=object), type=_LARGE, from_pandas=True)


_FINDING_INPUTS = [
    _CID, "question_id", "status", "n_found", "n_expected", "found", "missing", "numbers",
    "time_frames", "named_metrics", "score", "cannot_judge",
]


def answer_findings(analysis: AnswerAnalysis, questions: list[str], area: str) -> pd.DataFrame:
    """One finding per answer to ``questions``: concepts found (quoted, with positions)
    and missing, specificity; or a plain cannot-judge sentence."""
    lex = lexicon()
    table = analysis.answers
    chosen = table["question_id"].isin(questions) & (table["status"] != "blank")
    # Only the columns needed: filtering the answer texts too would copy them.
    answers = table.loc[chosen, _FINDING_INPUTS]
    if answers.empty:
        return findings_frame([])
    labels = {cid: node.label for cid, node in lex.concepts.items()}
    expected_labels = answers["question_id"].map(
        {q: ", ".join(labels[c] for c in cs) for q, cs in lex.expected.items()}
    )
    judged = answers["status"] == "judged"
    found = answers["found"].fillna("none of them")
    missing = answers["missing"].fillna("nothing")
    detail = join_text(
        "Covers ", answers["n_found"].fillna(0).astype(int).astype(str), " of ",
        answers["n_expected"].astype(int).astype(str), " expected concepts: ", found,
        ". Not found: ", missing, ". Specific details: ",
        answers["numbers"].astype(str), " numbers, ",
        answers["time_frames"].astype(str), " time frames, ",
        answers["named_metrics"].astype(str), " named metrics.",
    )
    return findings_frame(
        pd.DataFrame(
            {
                _CID: answers[_CID],
                "area": area,
                "signal": "strategy_answer",
                "subject": "answer: " + answers["question_id"],
                "value": answers["score"].round(3),
                "unit": "answer score (0-1)",
                "comparison": "expected concepts for this question (vetting/data/concepts.yaml): "
                + expected_labels,
                "suggested_level": np.nan,
                "flag": None,
                "severity": None,
                "confidence": np.where(judged, float(lex.judging["lexicon_confidence"]), 0.0),
                "sources": answers["question_id"].map(question_sources()),
                "detail": detail.where(judged, answers["cannot_judge"]),
            }
        )
    )


def _per_candidate(analysis: AnswerAnalysis) -> pd.DataFrame:
    """Counts per candidate over the questions: answered, judged, shallow, mean score."""
    lex = lexicon()
    judging = lex.judging
    answers = analysis.answers
    questions = list(question_sources())
    grid = pd.MultiIndex.from_product([analysis.candidates, questions],
                                      names=[_CID, "question_id"])
    present = answers[answers["status"] != "blank"].drop_duplicates([_CID, "question_id"])
    status = present.set_index([_CID, "question_id"])["status"].reindex(grid)
    unanswered = status.isna()
    short_chars = answers["lang"].map({k: v["short_chars"] for k, v in lex.languages.items()})
    shallow_cfg = judging["shallow"]
    is_judged = answers["status"] == "judged"
    shallow = (answers["status"] == "too_short") | (
        is_judged & ~answers["specific"]
        & (
            (answers["coverage"] < float(shallow_cfg["max_coverage"]))
            | ((answers["length"] < short_chars)
               & (answers["coverage"] < float(shallow_cfg["short_max_coverage"])))
        )
    )
    in_known = answers["status"].isin(["judged", "too_short"])
    per_answer = answers.assign(
        judged=is_judged, shallow=shallow & in_known, known=in_known,
        cannot=answers["status"].isin(["unsupported", "unrecognised", "too_short"]),
        specific_n=answers["specific"].astype(int),
    )
    table = per_answer.groupby(_CID).agg(
        n_judged=("judged", "sum"), n_shallow=("shallow", "sum"), n_known=("known", "sum"),
        n_cannot=("cannot", "sum"), score_sum=("score", "sum"),
        coverage_mean=("coverage", "mean"), n_specific=("specific_n", "sum"),
    ).reindex(analysis.candidates, fill_value=0)
    unanswered_by = unanswered.groupby(level=_CID).sum().reindex(analysis.candidates)
    blank = unanswered[unanswered].reset_index()
    unanswered_list = join_by_key(blank[_CID], blank["question_id"], ", ")
    table["n_unanswered"] = unanswered_by.fillna(len(questions)).astype(int)
    table["unanswered"] = unanswered_list.reindex(table.index)
    denominator = table["n_judged"] + table["n_unanswered"]
    table["mean_score"] = (table["score_sum"] / denominator).where(denominator > 0)
    return table


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
    enough = table["n_judged"] >= int(judging["min_judged_answers"])
    level = level_from_score(table["mean_score"].where(enough), judging["level_lower_bounds"])
    confidence = float(judging["lexicon_confidence"]) * np.sqrt(
        table["n_judged"] / n_questions
    )
    summary = (
        "Judged " + table["n_judged"].astype(int).astype(str) + " of "
        + str(n_questions) + " answers by the lexicon: they cover "
        + (table["coverage_mean"].fillna(0) * 100).round().astype(int).astype(str)
        + "% of the expected concepts on average, and "
        + table["n_specific"].astype(int).astype(str)
        + " give numbers, time frames or named metrics; "
        + table["n_unanswered"].astype(str) + " unanswered, "
        + table["n_cannot"].astype(int).astype(str) + " cannot be judged."
    )
    too_thin = (
        " Fewer than " + str(judging["min_judged_answers"])
        + " judged answers: no level suggested; the manager reads the answers."
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
                    "value": table["mean_score"].round(3).to_numpy(),
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
                    "detail": (summary + np.where(enough, "", too_thin)).to_numpy(),
                }
            )
        )
    )
    parts.append(_followers_flags(analysis))
    parts.append(_shallow_flags(table))
    parts.append(_unanswered_flags(table, n_questions))
    parts = [part for part in parts if len(part)]
    return findings_frame(pd.concat(parts, ignore_index=True)) if parts else findings_frame([])


def anti_hits(analysis: AnswerAnalysis, concept: str) -> pd.DataFrame:
    """First hit of an anti-concept per candidate, with the answer it came from."""
    hits = analysis.hits[analysis.hits["concept"] == concept]
    if hits.empty:
        return hits.assign(**{_CID: pd.Series(dtype=object), "question_id": pd.Series(
            dtype=object), "n_answers": pd.Series(dtype=int)})
    answers = analysis.answers
    hits = hits.assign(
        **{_CID: answers[_CID].to_numpy()[hits["row"].to_numpy()],
           "question_id": answers["question_id"].to_numpy()[hits["row"].to_numpy()]}
    )
    counts = hits.groupby(_CID).size().rename("n_answers")
    first = hits.sort_values([_CID, "row"]).drop_duplicates(_CID)
    return first.merge(counts, left_on=_CID, right_index=True)


def anti_concept_flags(analysis: AnswerAnalysis, area: str, concept: str, claim: str,
                       consequence: str, comparison: str) -> pd.DataFrame:
    """One flag per candidate whose answers say an anti-concept (its id is the flag id),
    quoting the first place it was said."""
    first = anti_hits(analysis, concept)
    if first.empty:
        return findings_frame([])
    limit = int(lexicon().judging["quote_max_chars"])
    detail = (
        "The answer to " + first["question_id"] + f' {claim}: "'
        + _quote(first["matched_text"], limit) + '" (chars '
        + first["start"].astype(str) + "-" + first["end"].astype(str) + "); "
        + first["n_answers"].astype(str) + f" answer(s) say so. {consequence}"
    )
    return findings_frame(
        pd.DataFrame(
            {
                _CID: first[_CID],
                "area": area,
                "signal": concept,
                "subject": "answer: " + first["question_id"],
                "value": first["n_answers"].astype(float),
                "unit": "answers",
                "comparison": comparison,
                "suggested_level": np.nan,
                **flag_columns(concept),
                "confidence": float(lexicon().judging["lexicon_confidence"]),
                "detail": detail,
            }
        )
    )


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
    detail = (
        hit["n_shallow"].astype(int).astype(str) + " of " + hit["n_known"].astype(int).astype(str)
        + " answers in a known language are short or vague: few of the expected concepts and "
        "no numbers, time frames or named metrics. 000 §5: strategy and planning is the "
        "biggest skills gap."
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
                "detail": detail.to_numpy(),
            }
        )
    )


def _unanswered_flags(table: pd.DataFrame, n_questions: int) -> pd.DataFrame:
    fire = table["n_unanswered"] >= int(lexicon().judging["unanswered_min"])
    hit = table[fire]
    if hit.empty:
        return findings_frame([])
    detail = (
        hit["n_unanswered"].astype(str) + " of " + str(n_questions)
        + " strategy questions unanswered: " + hit["unanswered"].fillna("") + "."
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
                "detail": detail.to_numpy(),
            }
        )
    )

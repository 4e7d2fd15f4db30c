"""Community management and crisis readiness, from the written crisis answer.

003 §7: any mistake can start a negative flame that becomes uncontrollable; 000 §2: big
mistakes can seriously damage a brand's reputation; 002 §6: social staff face abuse and
crisis communication without pause; 002 §4: know how long inbound messages take to
answer. The crisis question asks for the first hour and the first week after a backlash:
a strong answer names an escalation path, a response time, a holding statement,
moderation rules, care for the team facing the abuse, and a review afterwards.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from vetting.frames import PortfolioFrames
from vetting.signals import SignalContext, findings_frame
from vetting.signals._thresholds import id_rank, join_arrays, run_starts, take_text
from vetting.signals.strategy import (
    AnswerAnalysis,
    Status,
    answer_analysis,
    flag_columns,
    large_text,
    number_text,
    question_sources,
)
from vetting.text import duration_hours, lexicon

AREA = "community_crisis"
QUESTION = "crisis"
SOURCES = "003 §7; 002 §6; 000 §2"
_CID = "candidate_id"


def analyse(frames: PortfolioFrames, context: SignalContext) -> pd.DataFrame:
    """Findings on crisis readiness and stated response times for every candidate."""
    del context
    analysis = answer_analysis(frames)
    if len(analysis.candidates) == 0:
        return findings_frame([])
    parts = [_crisis_findings(analysis), _response_times(analysis)]
    parts = [part for part in parts if len(part)]
    return findings_frame(pd.concat(parts, ignore_index=True)) if parts else findings_frame([])


def _crisis_findings(analysis: AnswerAnalysis) -> pd.DataFrame:
    lex = lexicon()
    judging = lex.judging
    crisis_concepts = lex.expected[QUESTION]
    n_candidates = len(analysis.candidates)
    # Each candidate's first crisis answer (-1: none).
    crisis = np.flatnonzero(analysis.question == list(question_sources()).index(QUESTION))
    candidate, first = np.unique(analysis.candidate[crisis], return_index=True)
    answer = np.full(n_candidates, -1)
    answer[candidate] = crisis[first]
    has_answer = answer >= 0
    status = np.full(n_candidates, Status.BLANK)
    status[candidate] = analysis.status[crisis[first]]
    judged = status == Status.JUDGED
    n_found = np.zeros(n_candidates, dtype=int)
    n_found[candidate] = np.nan_to_num(analysis.answers["n_found"].to_numpy()[crisis[first]])
    missing = status == Status.BLANK
    no_plan = missing | (judged & (n_found == 0))
    levels_table = judging["crisis_levels"]
    level_of_count = np.array([np.nan if level is None else float(level)
                               for level in levels_table])
    level = level_of_count[np.minimum(n_found, len(levels_table) - 1)]
    level = np.where(judged & (n_found > 0), level, np.nan)

    def text(column: str, missing_text: str) -> pa.Array:
        taken = large_text(analysis.answers[column]).take(
            pa.array(answer, type=pa.int64(), mask=~has_answer))
        return pc.fill_null(taken, pa.scalar(missing_text, pa.large_string()))

    judged_detail = join_arrays(
        "The crisis answer names ", number_text(n_found),
        f" of {len(crisis_concepts)} crisis elements: ", text("found", "none"),
        ". Not found: ", text("missing", "nothing"), ".",
    )
    other_detail = pc.if_else(pa.array(missing), "No answer to the crisis question.",
                              text("cannot_judge", "Cannot judge the crisis answer."))
    rows = [
        pd.DataFrame(
            {
                _CID: analysis.candidates,
                "area": AREA,
                "signal": "crisis_plan_elements",
                "subject": "answer: crisis",
                "value": np.where(judged, n_found, np.nan),
                "unit": "crisis elements named",
                "comparison": "escalation, response time, holding statement, moderation, "
                "team care, review (vetting/data/concepts.yaml)",
                "suggested_level": level,
                "flag": None,
                "severity": None,
                "confidence": np.where(judged, float(judging["lexicon_confidence"]), 0.0),
                "sources": SOURCES,
                "detail": pd.array(pc.if_else(pa.array(judged), judged_detail, other_detail),
                                   dtype="str"),
            }
        )
    ]
    if no_plan.any():
        rows.append(
            pd.DataFrame(
                {
                    _CID: analysis.candidates[no_plan],
                    "area": AREA,
                    "signal": "no_crisis_plan",
                    "subject": "answer: crisis",
                    "value": 0.0,
                    "unit": "crisis elements named",
                    "comparison": "at least one crisis element expected",
                    "suggested_level": np.nan,
                    **flag_columns("no_crisis_plan"),
                    "confidence": np.where(missing[no_plan], 0.9,
                                           float(judging["lexicon_confidence"])),
                    "detail": np.where(
                        missing[no_plan],
                        "The crisis question is unanswered: no crisis plan in writing.",
                        "The crisis answer names no escalation path, response time, holding "
                        "statement, moderation rule, team care or review.",
                    ),
                }
            )
        )
    return findings_frame(pd.concat(rows, ignore_index=True))


def _response_times(analysis: AnswerAnalysis) -> pd.DataFrame:
    """Stated response times (002 §4), the crisis answer first, in hours when parseable."""
    hits = analysis.hits
    of_concept = np.flatnonzero((hits["concept"] == "crisis_response_time").to_numpy())
    if not len(of_concept):
        return findings_frame([])
    rows = hits["row"].to_numpy()[of_concept]
    candidate = analysis.candidate[rows]
    question = analysis.question[rows]
    crisis_first = (question != list(question_sources()).index(QUESTION)).astype(int)
    # Per candidate (in id order): the crisis answer's hit if any, else the first one.
    order = np.lexsort((rows, crisis_first, id_rank(analysis.candidates)[candidate]))
    order = order[run_starts(candidate[order])]
    rows, first = rows[order], of_concept[order]
    matched = hits["matched_text"].to_numpy(dtype=object)[first]
    lang = analysis.answers["lang"].to_numpy(dtype=object)[rows]
    # Candidates state the same few phrases ("within 2 hours"): read each distinct
    # (phrase, language) pair once.
    text_codes, texts = pd.factorize(matched, use_na_sentinel=False)
    lang_codes, langs = pd.factorize(lang, use_na_sentinel=False)
    pair_codes, pairs = pd.factorize(text_codes * len(langs) + lang_codes)
    pair_hours = np.array(
        [duration_hours(texts[pair // len(langs)], langs[pair % len(langs)])
         for pair in pairs.tolist()],
        dtype=float,
    )
    pair_text = [
        "no number of hours could be read" if np.isnan(h) else f"about {h:.2g} hours"
        for h in pair_hours
    ]
    question_ids = pa.array(list(question_sources()), type=pa.large_string())
    asked = take_text(question_ids, analysis.question[rows])
    quoted = pd.Series(np.asarray(texts, dtype=object), dtype=object).astype(str).str.slice(0, 60)
    detail = join_arrays(
        "States a response time in the answer to ", asked, ': "',
        take_text(large_text(quoted), text_codes), '" (chars ',
        number_text(hits["start"].to_numpy()[first]), "-",
        number_text(hits["end"].to_numpy()[first]), "); ",
        take_text(pa.array(pair_text, type=pa.large_string()), pair_codes), ".",
    )
    return findings_frame(
        pd.DataFrame(
            {
                _CID: analysis.candidates.to_numpy(dtype=object)[candidate[order]],
                "area": AREA,
                "signal": "stated_response_time",
                "subject": pd.array(join_arrays("answer: ", asked), dtype="str"),
                "value": pair_hours[pair_codes],
                "unit": "hours",
                "comparison": "as stated by the candidate (002 §4: how long inbound messages "
                "take to answer)",
                "suggested_level": np.nan,
                "flag": None,
                "severity": None,
                "confidence": float(lexicon().judging["lexicon_confidence"]),
                "sources": "002 §4; 003 §7",
                "detail": pd.array(detail, dtype="str"),
            }
        )
    )

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

from vetting.frames import PortfolioFrames
from vetting.signals import SignalContext, findings_frame
from vetting.signals.strategy import AnswerAnalysis, answer_analysis, flag_columns
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
    answers = analysis.answers[analysis.answers["question_id"] == QUESTION]
    answers = answers.drop_duplicates(_CID).set_index(_CID).reindex(analysis.candidates)
    status = answers["status"].fillna("blank")
    judged = status == "judged"
    n_found = answers["n_found"].fillna(0).astype(int)
    missing = status == "blank"
    no_plan = missing | (judged & (n_found == 0))
    levels_table = judging["crisis_levels"]
    level = np.array(
        [np.nan if levels_table[min(n, len(levels_table) - 1)] is None
         else float(levels_table[min(n, len(levels_table) - 1)]) for n in n_found],
        dtype=float,
    )
    level = np.where(judged & (n_found > 0), level, np.nan)
    found = answers["found"].fillna("none")
    detail = np.select(
        [judged, missing],
        [
            "The crisis answer names " + n_found.astype(str) + " of "
            + str(len(crisis_concepts)) + " crisis elements: " + found
            + ". Not found: " + answers["missing"].fillna("nothing") + ".",
            "No answer to the crisis question.",
        ],
        default=answers["cannot_judge"].fillna("Cannot judge the crisis answer."),
    )
    rows = [
        pd.DataFrame(
            {
                _CID: answers.index,
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
                "detail": detail,
            }
        )
    ]
    if no_plan.any():
        hit = answers[no_plan]
        rows.append(
            pd.DataFrame(
                {
                    _CID: hit.index,
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
    hits = analysis.hits[analysis.hits["concept"] == "crisis_response_time"]
    if hits.empty:
        return findings_frame([])
    answers = analysis.answers
    rows = hits["row"].to_numpy()
    hits = hits.assign(
        **{_CID: answers[_CID].to_numpy()[rows],
           "question_id": answers["question_id"].to_numpy()[rows],
           "lang": answers["lang"].to_numpy()[rows]}
    )
    hits = hits.assign(crisis_first=(hits["question_id"] != QUESTION).astype(int))
    first = hits.sort_values([_CID, "crisis_first", "row"]).drop_duplicates(_CID)
    # Candidates state the same few phrases ("within 2 hours"): read each distinct
    # (phrase, language) pair once.
    pair_codes, pairs = pd.MultiIndex.from_arrays(
        [first["matched_text"].astype(object), first["lang"].astype(object)]
    ).factorize()
    pair_hours = np.array(
        [duration_hours(text, lang) for text, lang in pairs], dtype=float
    )
    pair_text = np.array(
        ["no number of hours could be read" if np.isnan(h) else f"about {h:.2g} hours"
         for h in pair_hours],
        dtype=object,
    )
    hours = pair_hours[pair_codes]
    value_text = pair_text[pair_codes]
    detail = (
        'States a response time in the answer to ' + first["question_id"] + ': "'
        + first["matched_text"].astype(str).str.slice(0, 60) + '" (chars '
        + first["start"].astype(str) + "-" + first["end"].astype(str) + "); "
        + value_text + "."
    )
    return findings_frame(
        pd.DataFrame(
            {
                _CID: first[_CID],
                "area": AREA,
                "signal": "stated_response_time",
                "subject": "answer: " + first["question_id"],
                "value": hours,
                "unit": "hours",
                "comparison": "as stated by the candidate (002 §4: how long inbound messages "
                "take to answer)",
                "suggested_level": np.nan,
                "flag": None,
                "severity": None,
                "confidence": float(lexicon().judging["lexicon_confidence"]),
                "sources": "002 §4; 003 §7",
                "detail": detail,
            }
        )
    )

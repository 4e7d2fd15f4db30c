"""Measurement and reporting literacy: a tracking and reporting system, defined metrics,
KPIs beyond vanity counts, and honesty about attribution.

003 §9 lists the KPIs a social media manager keeps under control (audience growth and
profile, engagement, reach, engagement by content type, conversions and landing-page
traffic, bounce rate, negative feedback); 002 §2 tells leaders to ask which metrics are
reported and for their exact definitions, and whether a system tracks and reports social
data; 004 §5 warns that not everything can be tracked directly. Evidence: the answers to
data_reporting and metric_definitions, the KPIs in the case studies (frames.kpis), and
claims of full attribution anywhere in the answers.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from vetting.frames import PortfolioFrames
from vetting.signals import SignalContext, findings_frame
from vetting.signals._memo import remember_last
from vetting.signals._thresholds import join_arrays, place_in_run, take_text
from vetting.signals.strategy import (
    AnswerAnalysis,
    Status,
    answer_analysis,
    answer_findings,
    anti_concept_flags,
    flag_columns,
    join_per_row,
    large_text,
    level_from_score,
    number_text,
    question_sources,
    text_or_empty,
)
from vetting.text import first_hits, lexicon

AREA = "measurement"
QUESTIONS = ["data_reporting", "metric_definitions"]
_CID = "candidate_id"


def analyse(frames: PortfolioFrames, context: SignalContext) -> pd.DataFrame:
    """Findings on measurement literacy for every candidate."""
    del context
    analysis = answer_analysis(frames)
    parts = [
        answer_findings(analysis, QUESTIONS, AREA),
        _answers_level(analysis),
        _kpi_part(frames),
        _attribution_flags(analysis),
    ]
    parts = [part for part in parts if len(part)]
    return findings_frame(pd.concat(parts, ignore_index=True)) if parts else findings_frame([])


def _answers_level(analysis: AnswerAnalysis) -> pd.DataFrame:
    """A level from the two measurement answers (unanswered ones count as 0)."""
    judging = lexicon().judging
    if len(analysis.candidates) == 0:
        return findings_frame([])
    n_candidates = len(analysis.candidates)
    all_questions = list(question_sources())
    # Per candidate and measurement question: the status and score of its first answer.
    status = np.full((n_candidates, len(QUESTIONS)), -1)  # -1: no answer
    score = np.full((n_candidates, len(QUESTIONS)), np.nan)
    scores = analysis.answers["score"].to_numpy()
    for column, qid in enumerate(QUESTIONS):
        rows = np.flatnonzero(analysis.question == all_questions.index(qid))
        candidate, first = np.unique(analysis.candidate[rows], return_index=True)
        status[candidate, column] = analysis.status[rows[first]]
        score[candidate, column] = scores[rows[first]]
    judged = status == Status.JUDGED
    counted = judged | (status == -1) | (status == Status.BLANK)
    # Unanswered count as 0, answers that cannot be judged do not count. (Two values add
    # up the same in any summation, so this is the mean pandas' grouped mean gave.)
    counted_score = np.where(counted, np.where(judged, score, 0.0), 0.0)
    n_counted = counted.sum(axis=1)
    n_judged = judged.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(n_counted > 0, counted_score.sum(axis=1) / n_counted, np.nan)
    has_judged = n_judged > 0
    level = level_from_score(np.where(has_judged, mean, np.nan), judging["level_lower_bounds"])
    detail = pc.if_else(
        pa.array(has_judged),
        join_arrays(
            "Mean answer score ", _float_text(np.round(mean, 2)), " over ",
            number_text(n_counted), " of 2 measurement answers (", number_text(n_judged),
            " judged, unanswered count as 0); see the answer findings for what was matched.",
        ),
        "No judgeable answer to data_reporting or metric_definitions; no level from answers.",
    )
    return findings_frame(
        pd.DataFrame(
            {
                _CID: analysis.candidates,
                "area": AREA,
                "signal": "measurement_answers_score",
                "subject": "answers: data_reporting, metric_definitions",
                "value": np.where(has_judged, np.round(mean, 3), np.nan),
                "unit": "mean answer score (0-1)",
                "comparison": "levels 2-5 from "
                + "/".join(f"{b:.2f}" for b in judging["level_lower_bounds"])
                + " (vetting/data/concepts.yaml)",
                "suggested_level": level,
                "flag": None,
                "severity": None,
                "confidence": np.where(
                    has_judged, float(judging["lexicon_confidence"]) * n_judged / 2, 0.0
                ),
                "sources": "002 §2; 003 §9",
                "detail": pd.array(detail, dtype="str"),
            }
        )
    )


def _float_text(values: np.ndarray) -> pa.Array:
    """Floats as pandas writes them with astype(str), each distinct value once."""
    codes, distinct = pd.factorize(values, use_na_sentinel=False)
    texts = pd.Series(distinct).astype(str)
    return take_text(large_text(texts), codes)


def classify_kpi_names(names: pd.Series) -> pd.DataFrame:
    """vanity / outcome booleans per KPI name, matching every language's metric terms
    (KPI names are short, so their language cannot be told reliably).

    Portfolios repeat the same few names ("Reach", "CTR"), so each distinct name is
    classified once and the answer spread back to every row.
    """
    lex = lexicon()
    result = pd.DataFrame(False, index=names.index, columns=["vanity", "outcome"])
    if names.empty:
        return result
    codes, unique_names = pd.factorize(names.astype(str), use_na_sentinel=False)
    unique_texts = pd.Series(np.asarray(unique_names, dtype=object), dtype=object)
    n_unique = len(unique_texts)
    # All languages in one search: each distinct name once per language.
    n_langs = len(lex.languages)
    texts = pd.concat([unique_texts] * n_langs, ignore_index=True)
    langs = pd.Series(np.repeat(np.array(list(lex.languages), dtype=object), n_unique),
                      dtype=object)
    scope = {c: np.ones(len(texts), dtype=bool) for c in ("vanity_metric", "outcome_metric")}
    hits = first_hits(texts, langs, scope)
    for concept, column in (("vanity_metric", "vanity"), ("outcome_metric", "outcome")):
        rows = hits.loc[hits["concept"] == concept, "row"].to_numpy(dtype=int)
        unique_hit = np.zeros(n_unique, dtype=bool)
        unique_hit[rows % n_unique] = True  # row r is distinct name r % n_unique
        result[column] = unique_hit[codes]
    return result


@remember_last
def kpi_kinds(kpis: pd.DataFrame) -> pd.DataFrame:
    """:func:`classify_kpi_names` of a KPI table's names (indexed like the table),
    computed once for repeatability and measurement, which both classify them."""
    return classify_kpi_names(kpis["name"])


def prepare(frames: PortfolioFrames) -> None:
    """The findings that need no answers, worked out while the evidence engine waits
    for the answers to be analysed (:func:`analyse` then finds them remembered)."""
    _kpi_part(frames)


def _kpi_part(frames: PortfolioFrames) -> pd.DataFrame:
    return kpi_findings(frames.kpis, frames.candidates, frames.answers)


@remember_last
def kpi_findings(kpis: pd.DataFrame, candidates_table: pd.DataFrame,
                 answers: pd.DataFrame) -> pd.DataFrame:
    """Share of case-study KPIs with a definition; undefined and vanity-only flags (for
    every candidate in the three tables)."""
    judging = lexicon().judging
    ids = pd.concat([candidates_table[_CID], answers[_CID], kpis[_CID]], ignore_index=True)
    candidates = pd.Index(pd.unique(ids))
    if len(candidates) == 0:
        return findings_frame([])
    # Each KPI's candidate by position (pd.factorize numbers the ids as pd.unique lists them).
    candidate = pd.factorize(ids, use_na_sentinel=False)[0][len(ids) - len(kpis):]
    defined = (text_or_empty(kpis["definition"]).str.strip().str.len()
               >= int(judging["kpi_definition_min_chars"])).to_numpy()
    kinds = kpi_kinds(kpis)
    only_vanity = (kinds["vanity"] & ~kinds["outcome"]).to_numpy()
    n_candidates = len(candidates)
    n = np.bincount(candidate, minlength=n_candidates)
    n_defined = np.bincount(candidate[defined], minlength=n_candidates)
    has_kpis = n > 0
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(has_kpis, n_defined / n, np.nan)
    level = level_from_score(share, judging["kpi_defined_lower_bounds"])
    detail = pc.if_else(
        pa.array(has_kpis),
        join_arrays(
            number_text(n_defined), " of ", number_text(n),
            " case-study KPIs carry a definition (at least "
            + str(judging["kpi_definition_min_chars"]) + " characters).",
        ),
        "No KPIs listed in the case studies: KPI definitions cannot be judged.",
    )
    rows = [
        pd.DataFrame(
            {
                _CID: candidates,
                "area": AREA,
                "signal": "kpi_definition_share",
                "subject": "case-study KPIs",
                "value": np.round(share, 3),
                "unit": "share of KPIs defined",
                "comparison": "levels 2-5 from share "
                + "/".join(f"{b:.2f}" for b in judging["kpi_defined_lower_bounds"])
                + " (vetting/data/concepts.yaml)",
                "suggested_level": level,
                "flag": None,
                "severity": None,
                "confidence": np.where(has_kpis, np.minimum(0.9, 0.5 + 0.1 * n), 0.0),
                "sources": "002 §2; 003 §9",
                "detail": pd.array(detail, dtype="str"),
            }
        )
    ]
    undefined = np.flatnonzero(has_kpis & (share < float(judging["undefined_kpis_below"])))
    if len(undefined):
        names = _undefined_names(candidate, defined, kpis["name"], undefined, n_candidates)
        rows.append(
            pd.DataFrame(
                {
                    _CID: candidates[undefined],
                    "area": AREA,
                    "signal": "undefined_kpis",
                    "subject": "case-study KPIs",
                    "value": np.round(share[undefined], 3),
                    "unit": "share of KPIs defined",
                    "comparison": f"below {float(judging['undefined_kpis_below']):.0%} defined",
                    "suggested_level": np.nan,
                    **flag_columns("undefined_kpis"),
                    "confidence": 0.8,
                    "detail": pd.array(join_arrays(
                        "Most case-study KPIs have no definition (e.g. ", names,
                        "); 002 §2: ask what each reported metric means.",
                    ), dtype="str"),
                }
            )
        )
    vanity = np.flatnonzero(
        has_kpis & (np.bincount(candidate[only_vanity], minlength=n_candidates) == n)
    )
    if len(vanity):
        rows.append(
            pd.DataFrame(
                {
                    _CID: candidates[vanity],
                    "area": AREA,
                    "signal": "vanity_metrics_only",
                    "subject": "case-study KPIs",
                    "value": n[vanity].astype(float),
                    "unit": "KPIs",
                    "comparison": "KPI names matched against followers/likes/impressions/views "
                    "terms in five languages, with no outcome metric",
                    "suggested_level": np.nan,
                    **flag_columns("vanity_metrics_only"),
                    "confidence": 0.7,
                    "detail": pd.array(join_arrays(
                        "All ", number_text(n[vanity]),
                        " case-study KPIs are follower, like, impression or view counts; "
                        "004 §3: a large following is not a measure of success.",
                    ), dtype="str"),
                }
            )
        )
    return findings_frame(pd.concat(rows, ignore_index=True))


def _undefined_names(candidate: np.ndarray, defined: np.ndarray, names: pd.Series,
                     chosen: np.ndarray, n_candidates: int) -> pa.Array:
    """The first five undefined KPI names of each ``chosen`` candidate, ", "-joined."""
    is_chosen = np.zeros(n_candidates, dtype=bool)
    is_chosen[chosen] = True
    rows = np.flatnonzero(~defined & is_chosen[candidate])
    rows = rows[np.argsort(candidate[rows], kind="stable")]  # by candidate, in KPI order
    rows = rows[place_in_run(candidate[rows]) < 5]
    texts = pa.array(names.iloc[rows].astype(str).to_numpy(dtype=object), type=pa.large_string())
    return join_per_row(candidate[rows], texts, n_candidates, ", ").take(pa.array(chosen))


def _attribution_flags(analysis: AnswerAnalysis) -> pd.DataFrame:
    return anti_concept_flags(
        analysis, AREA, "claims_full_attribution", "claims full attribution",
        "004 §5: not everything can be tracked directly.",
        "lexicon of full-attribution claims, negated forms excluded",
    )

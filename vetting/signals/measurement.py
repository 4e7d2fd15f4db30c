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

from vetting.frames import PortfolioFrames
from vetting.signals import SignalContext, findings_frame
from vetting.signals.strategy import (
    AnswerAnalysis,
    answer_analysis,
    answer_findings,
    anti_concept_flags,
    flag_columns,
    join_by_key,
    level_from_score,
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
        _kpi_findings(frames),
        _attribution_flags(analysis),
    ]
    parts = [part for part in parts if len(part)]
    return findings_frame(pd.concat(parts, ignore_index=True)) if parts else findings_frame([])


def _answers_level(analysis: AnswerAnalysis) -> pd.DataFrame:
    """A level from the two measurement answers (unanswered ones count as 0)."""
    judging = lexicon().judging
    answers = analysis.answers[analysis.answers["question_id"].isin(QUESTIONS)]
    if len(analysis.candidates) == 0:
        return findings_frame([])
    grid = pd.MultiIndex.from_product([analysis.candidates, QUESTIONS],
                                      names=[_CID, "question_id"])
    indexed = answers.drop_duplicates([_CID, "question_id"]).set_index([_CID, "question_id"])
    status = indexed["status"].reindex(grid)
    score = indexed["score"].reindex(grid)
    judged = status == "judged"
    unanswered = status.isna() | (status == "blank")
    counted = judged | unanswered
    per = pd.DataFrame({"score": score.where(judged, 0.0).where(counted), "judged": judged,
                        "counted": counted}).groupby(level=_CID).agg(
        score=("score", "mean"), judged=("judged", "sum"), counted=("counted", "sum"))
    per = per.reindex(analysis.candidates)
    has_judged = per["judged"] > 0
    level = level_from_score(per["score"].where(has_judged), judging["level_lower_bounds"])
    detail = np.where(
        has_judged,
        "Mean answer score " + per["score"].round(2).astype(str) + " over "
        + per["counted"].astype(int).astype(str) + " of 2 measurement answers ("
        + per["judged"].astype(int).astype(str)
        + " judged, unanswered count as 0); see the answer findings for what was matched.",
        "No judgeable answer to data_reporting or metric_definitions; no level from answers.",
    )
    return findings_frame(
        pd.DataFrame(
            {
                _CID: per.index,
                "area": AREA,
                "signal": "measurement_answers_score",
                "subject": "answers: data_reporting, metric_definitions",
                "value": per["score"].round(3).where(has_judged).to_numpy(),
                "unit": "mean answer score (0-1)",
                "comparison": "levels 2-5 from "
                + "/".join(f"{b:.2f}" for b in judging["level_lower_bounds"])
                + " (vetting/data/concepts.yaml)",
                "suggested_level": level,
                "flag": None,
                "severity": None,
                "confidence": np.where(
                    has_judged, float(judging["lexicon_confidence"]) * per["judged"] / 2, 0.0
                ),
                "sources": "002 §2; 003 §9",
                "detail": detail,
            }
        )
    )


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


def _kpi_findings(frames: PortfolioFrames) -> pd.DataFrame:
    """Share of case-study KPIs with a definition; undefined and vanity-only flags."""
    judging = lexicon().judging
    kpis = frames.kpis
    candidates = pd.Index(pd.unique(pd.concat(
        [frames.candidates[_CID], frames.answers[_CID], kpis[_CID]], ignore_index=True)))
    if len(candidates) == 0:
        return findings_frame([])
    definition = kpis["definition"].astype(object).where(kpis["definition"].notna(), "")
    defined = definition.astype(str).str.strip().str.len() >= int(
        judging["kpi_definition_min_chars"]
    )
    kinds = classify_kpi_names(kpis["name"].reset_index(drop=True))
    kinds.index = kpis.index
    only_vanity = kinds["vanity"] & ~kinds["outcome"]
    per = pd.DataFrame(
        {_CID: kpis[_CID], "defined": defined.astype(int), "n": 1,
         "vanity": only_vanity.astype(int)}
    ).groupby(_CID).agg(
        defined=("defined", "sum"), n=("n", "sum"), vanity=("vanity", "sum"),
    ).reindex(candidates)
    undefined = kpis[~defined]
    undefined = undefined[undefined.groupby(_CID).cumcount() < 5]
    per["undefined_names"] = join_by_key(undefined[_CID], undefined["name"], ", ")
    has_kpis = per["n"].fillna(0) > 0
    share = (per["defined"] / per["n"]).where(has_kpis)
    level = level_from_score(share, judging["kpi_defined_lower_bounds"])
    detail = np.where(
        has_kpis,
        per["defined"].fillna(0).astype(int).astype(str) + " of "
        + per["n"].fillna(0).astype(int).astype(str)
        + " case-study KPIs carry a definition (at least "
        + str(judging["kpi_definition_min_chars"]) + " characters).",
        "No KPIs listed in the case studies: KPI definitions cannot be judged.",
    )
    rows = [
        pd.DataFrame(
            {
                _CID: per.index,
                "area": AREA,
                "signal": "kpi_definition_share",
                "subject": "case-study KPIs",
                "value": share.round(3).to_numpy(),
                "unit": "share of KPIs defined",
                "comparison": "levels 2-5 from share "
                + "/".join(f"{b:.2f}" for b in judging["kpi_defined_lower_bounds"])
                + " (vetting/data/concepts.yaml)",
                "suggested_level": level,
                "flag": None,
                "severity": None,
                "confidence": np.where(
                    has_kpis, np.minimum(0.9, 0.5 + 0.1 * per["n"].fillna(0)), 0.0
                ),
                "sources": "002 §2; 003 §9",
                "detail": detail,
            }
        )
    ]
    undefined = has_kpis & (share < float(judging["undefined_kpis_below"]))
    if undefined.any():
        hit = per[undefined]
        rows.append(
            pd.DataFrame(
                {
                    _CID: hit.index,
                    "area": AREA,
                    "signal": "undefined_kpis",
                    "subject": "case-study KPIs",
                    "value": share[undefined].round(3).to_numpy(),
                    "unit": "share of KPIs defined",
                    "comparison": f"below {float(judging['undefined_kpis_below']):.0%} defined",
                    "suggested_level": np.nan,
                    **flag_columns("undefined_kpis"),
                    "confidence": 0.8,
                    "detail": (
                        "Most case-study KPIs have no definition (e.g. "
                        + hit["undefined_names"].astype(str)
                        + "); 002 §2: ask what each reported metric means."
                    ).to_numpy(),
                }
            )
        )
    vanity = has_kpis & (per["vanity"] == per["n"])
    if vanity.any():
        hit = per[vanity]
        rows.append(
            pd.DataFrame(
                {
                    _CID: hit.index,
                    "area": AREA,
                    "signal": "vanity_metrics_only",
                    "subject": "case-study KPIs",
                    "value": hit["n"].astype(float).to_numpy(),
                    "unit": "KPIs",
                    "comparison": "KPI names matched against followers/likes/impressions/views "
                    "terms in five languages, with no outcome metric",
                    "suggested_level": np.nan,
                    **flag_columns("vanity_metrics_only"),
                    "confidence": 0.7,
                    "detail": (
                        "All " + hit["n"].astype(int).astype(str)
                        + " case-study KPIs are follower, like, impression or view counts; "
                        "004 §3: a large following is not a measure of success."
                    ).to_numpy(),
                }
            )
        )
    return findings_frame(pd.concat(rows, ignore_index=True))


def _attribution_flags(analysis: AnswerAnalysis) -> pd.DataFrame:
    return anti_concept_flags(
        analysis, AREA, "claims_full_attribution", "claims full attribution",
        "004 §5: not everything can be tracked directly.",
        "lexicon of full-attribution claims, negated forms excluded",
    )

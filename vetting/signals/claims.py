"""Claims of guaranteed virality, hacks, secret formulas or overnight results.

004 §1: there are no shortcuts or hacks, and growth does not happen overnight; 004 §5:
nobody can guarantee a post goes viral; 004 §8: the industry is full of people with
non-repeatable tactics that cannot deliver consistent results. The claim is looked for
in the written answers and in the case studies' tactics and objectives. Guard patterns
drop the negated forms a careful candidate writes ("no one can guarantee virality").
This signal only raises the flag; the repeatability level comes from the case studies.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from vetting.frames import PortfolioFrames
from vetting.signals import SignalContext, findings_frame
from vetting.signals.strategy import answer_analysis, anti_hits, flag_columns
from vetting.text import detect_languages, first_hits, lexicon

AREA = "repeatability"
CONCEPT = "guaranteed_virality_claim"
_CID = "candidate_id"


def analyse(frames: PortfolioFrames, context: SignalContext) -> pd.DataFrame:
    """One flag per candidate whose answers or case studies promise virality or hacks."""
    del context
    analysis = answer_analysis(frames)
    from_answers = anti_hits(analysis, CONCEPT)
    answer_rows = pd.DataFrame(
        {
            _CID: from_answers[_CID],
            "subject": "answer: " + from_answers["question_id"].astype(str),
            "where": "the answer to " + from_answers["question_id"].astype(str),
            "matched_text": from_answers["matched_text"],
            "start": from_answers["start"],
            "end": from_answers["end"],
            "order": 0,
        }
    )
    found = pd.concat([answer_rows, _case_hits(frames)], ignore_index=True)
    if found.empty:
        return findings_frame([])
    counts = found.groupby(_CID).size().rename("n_places")
    first = found.sort_values([_CID, "order"], kind="stable").drop_duplicates(_CID)
    first = first.merge(counts, left_on=_CID, right_index=True)
    detail = (
        "Promises virality, hacks or overnight results in " + first["where"] + ': "'
        + first["matched_text"].astype(str).str.slice(0, 60) + '" (chars '
        + first["start"].astype(str) + "-" + first["end"].astype(str) + "); "
        + first["n_places"].astype(str) + " place(s) in all. 004 §5: nobody can guarantee "
        "a post goes viral."
    )
    return findings_frame(
        pd.DataFrame(
            {
                _CID: first[_CID],
                "area": AREA,
                "signal": CONCEPT,
                "subject": first["subject"],
                "value": first["n_places"].astype(float),
                "unit": "places",
                "comparison": "lexicon of guarantee/hack/overnight phrases in five languages, "
                "negated forms excluded",
                "suggested_level": np.nan,
                **flag_columns(CONCEPT),
                "confidence": float(lexicon().judging["lexicon_confidence"]),
                "detail": detail,
            }
        )
    )


def _case_hits(frames: PortfolioFrames) -> pd.DataFrame:
    """First claim per case-study text (tactics, objective). Short texts whose language
    cannot be told are tried as English and as Albanian (both Latin script)."""
    cases = frames.cases
    columns = [_CID, "subject", "where", "matched_text", "start", "end", "order"]
    if cases.empty:
        return pd.DataFrame(columns=columns)
    texts = pd.concat(
        [
            cases.assign(field="tactics", text=cases["tactics"]),
            cases.assign(field="objective", text=cases["objective"]),
        ],
        ignore_index=True,
    )
    texts = texts[texts["text"].notna() & (texts["text"].astype(str).str.strip() != "")]
    if texts.empty:
        return pd.DataFrame(columns=columns)
    texts = texts.reset_index(drop=True)
    langs = detect_languages(texts["text"].astype(str))
    unknown = langs.isna()
    expanded = pd.concat(
        [texts.assign(lang=langs)[~unknown],
         texts[unknown].assign(lang="en"), texts[unknown].assign(lang="sq")],
        ignore_index=True,
    )
    scope = {CONCEPT: np.ones(len(expanded), dtype=bool)}
    hits = first_hits(expanded["text"].astype(str), expanded["lang"], scope)
    if hits.empty:
        return pd.DataFrame(columns=columns)
    source = expanded.iloc[hits["row"].to_numpy()].reset_index(drop=True)
    located = pd.DataFrame(
        {
            _CID: source[_CID],
            "subject": "case study: " + source["client"].astype(str),
            "where": "the " + source["field"] + " of the case study for "
            + source["client"].astype(str),
            "matched_text": hits["matched_text"].to_numpy(),
            "start": hits["start"].to_numpy(),
            "end": hits["end"].to_numpy(),
            "order": 1,
            "case": source["case"],
            "field": source["field"],
        }
    )
    return located.drop_duplicates([_CID, "case", "field"])[columns]

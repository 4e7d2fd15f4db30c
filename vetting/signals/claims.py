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
    # The two text fields stacked; the other case columns are looked up only for hits.
    stacked = pd.concat([cases["tactics"], cases["objective"]], ignore_index=True)
    fields = np.repeat(np.array(["tactics", "objective"], dtype=object), len(cases))
    case_rows = np.tile(np.arange(len(cases)), 2)
    keep = (stacked.notna() & (stacked.astype(str).str.strip() != "")).to_numpy()
    if not keep.any():
        return pd.DataFrame(columns=columns)
    texts, fields, case_rows = stacked[keep].astype(str), fields[keep], case_rows[keep]
    located = _first_claims(texts.reset_index(drop=True))
    if located.empty:
        return pd.DataFrame(columns=columns)
    positions = located["position"].to_numpy()
    source = cases.iloc[case_rows[positions]].reset_index(drop=True)
    field = pd.Series(fields[positions], dtype=object)
    located = pd.DataFrame(
        {
            _CID: source[_CID],
            "subject": "case study: " + source["client"].astype(str),
            "where": "the " + field + " of the case study for "
            + source["client"].astype(str),
            "matched_text": located["matched_text"].to_numpy(),
            "start": located["start"].to_numpy(),
            "end": located["end"].to_numpy(),
            "order": 1,
            "case": source["case"],
            "field": field,
        }
    )
    return located.drop_duplicates([_CID, "case", "field"])[columns]


def _first_claims(texts: pd.Series) -> pd.DataFrame:
    """The claim hits of each text (position, matched_text, start, end), in the order a
    search of every text in its language would give: by language, then by position.

    Case studies repeat the same tactics and objectives, so each distinct text is
    detected and searched once per language it is tried in.
    """
    lex = lexicon()
    codes, unique = pd.factorize(texts)
    unique_texts = pd.Series(np.asarray(unique, dtype=object), dtype=object)
    unique_langs = detect_languages(unique_texts).to_numpy(dtype=object)
    langs = unique_langs[codes]
    unknown = pd.isna(langs)
    positions = np.arange(len(texts))
    expanded = pd.DataFrame(
        {
            "position": np.concatenate([positions[~unknown], positions[unknown],
                                        positions[unknown]]),
            "code": np.concatenate([codes[~unknown], codes[unknown], codes[unknown]]),
            "lang": np.concatenate([langs[~unknown], np.full(unknown.sum(), "en", object),
                                    np.full(unknown.sum(), "sq", object)]),
        }
    )
    pairs = expanded.drop_duplicates(["code", "lang"]).reset_index(drop=True)
    scope = {CONCEPT: np.ones(len(pairs), dtype=bool)}
    hits = first_hits(unique_texts.iloc[pairs["code"].to_numpy()].reset_index(drop=True),
                      pairs["lang"], scope)
    if hits.empty:
        return pd.DataFrame(columns=["position", "matched_text", "start", "end"])
    found = pairs[["code", "lang"]].iloc[hits["row"].to_numpy()].reset_index(drop=True).assign(
        matched_text=hits["matched_text"].to_numpy(), start=hits["start"].to_numpy(),
        end=hits["end"].to_numpy(),
    )
    located = expanded.reset_index(names="expanded_row").merge(found, on=["code", "lang"])
    rank = {lang: i for i, lang in enumerate(lex.languages)}
    located["lang_rank"] = located["lang"].map(rank)
    located = located.sort_values(["lang_rank", "expanded_row"], kind="stable")
    return located[["position", "matched_text", "start", "end"]].reset_index(drop=True)

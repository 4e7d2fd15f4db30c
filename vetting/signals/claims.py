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
from vetting.signals._memo import remember_last
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
    found = pd.concat([answer_rows, case_claims(frames.cases)], ignore_index=True)
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


def prepare(frames: PortfolioFrames) -> None:
    """The claims in the case studies, which need no answers: worked out while the
    evidence engine waits for the answers to be analysed (:func:`analyse` then finds
    them remembered)."""
    case_claims(frames.cases)


@remember_last
def case_claims(cases: pd.DataFrame) -> pd.DataFrame:
    """First claim per case-study text (tactics, objective). Short texts whose language
    cannot be told are tried as English and as Albanian (both Latin script)."""
    columns = [_CID, "subject", "where", "matched_text", "start", "end", "order"]
    if cases.empty:
        return pd.DataFrame(columns=columns)
    # The two text fields stacked; the other case columns are looked up only for hits.
    stacked = pd.concat([cases["tactics"], cases["objective"]], ignore_index=True)
    fields = np.repeat(np.array(["tactics", "objective"], dtype=object), len(cases))
    case_rows = np.tile(np.arange(len(cases)), 2)
    # Case studies repeat the same tactics and objectives: each distinct text is checked,
    # detected and searched once.
    codes, distinct = pd.factorize(stacked)  # code -1: missing
    distinct_texts = pd.Series(np.asarray(distinct, dtype=object), dtype=object).astype(str)
    blank = np.append((distinct_texts.str.strip() == "").to_numpy(), True)  # -1 is blank
    keep = ~blank[codes]
    if not keep.any():
        return pd.DataFrame(columns=columns)
    codes, fields, case_rows = codes[keep], fields[keep], case_rows[keep]
    # Plain str objects, as the text functions were always given them.
    located = _first_claims(pd.Series(distinct_texts.to_numpy(dtype=object), dtype=object), codes)
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


def _first_claims(distinct_texts: pd.Series, codes: np.ndarray) -> pd.DataFrame:
    """The claim hits of the texts ``distinct_texts[codes]`` (position in ``codes``,
    matched_text, start, end), in the order a search of every text in its language would
    give: by language, then by position (texts of unknown language: all their English
    tries, then all their Albanian ones).

    Each distinct text is detected once and searched once per language it is tried in.
    """
    lex = lexicon()
    rank = {lang: number for number, lang in enumerate(lex.languages)}
    distinct_langs = detect_languages(distinct_texts).to_numpy(dtype=object)
    unknown = pd.isna(distinct_langs)
    used = np.zeros(len(distinct_texts), dtype=bool)
    used[codes] = True
    known_codes = np.flatnonzero(used & ~unknown)
    unknown_codes = np.flatnonzero(used & unknown)
    # The (distinct text, language) pairs to search.
    pair_code = np.concatenate([known_codes, unknown_codes, unknown_codes])
    pair_lang = np.concatenate([distinct_langs[known_codes],
                                np.full(len(unknown_codes), "en", dtype=object),
                                np.full(len(unknown_codes), "sq", dtype=object)])
    scope = {CONCEPT: np.ones(len(pair_code), dtype=bool)}
    hits = first_hits(distinct_texts.iloc[pair_code].reset_index(drop=True),
                      pd.Series(pair_lang, dtype=object), scope)
    if hits.empty:
        return pd.DataFrame(columns=["position", "matched_text", "start", "end"])
    # hit_of[c, r]: the hit of distinct text c searched in the language ranked r, or -1.
    hit_pair = hits["row"].to_numpy(dtype=int)
    hit_of = np.full((len(distinct_texts), len(rank)), -1)
    hit_of[pair_code[hit_pair], [rank[lang] for lang in pair_lang[hit_pair]]] = np.arange(
        len(hit_pair))
    # The texts as tried: known languages in position order, then the unknown ones as
    # English, then as Albanian.
    positions = np.arange(len(codes))
    unknown_row = unknown[codes]
    distinct_rank = np.array([rank.get(lang, -1) for lang in distinct_langs], dtype=int)
    tried_position = np.concatenate([positions[~unknown_row], positions[unknown_row],
                                     positions[unknown_row]])
    tried_rank = np.concatenate([distinct_rank[codes[~unknown_row]],
                                 np.full(unknown_row.sum(), rank["en"]),
                                 np.full(unknown_row.sum(), rank["sq"])])
    hit = np.where(tried_rank >= 0,
                   hit_of[codes[tried_position], np.maximum(tried_rank, 0)], -1)
    tried = np.flatnonzero(hit >= 0)
    tried = tried[np.argsort(tried_rank[tried], kind="stable")]  # by language, then as tried
    chosen = hit[tried]
    return pd.DataFrame(
        {
            "position": tried_position[tried],
            "matched_text": hits["matched_text"].to_numpy(dtype=object)[chosen],
            "start": hits["start"].to_numpy()[chosen],
            "end": hits["end"].to_numpy()[chosen],
        }
    )

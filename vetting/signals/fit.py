"""Fit to the hiring brief: platforms, languages, the hats the hire must wear, the industry.

The closing advice of 004 is to "hire someone who fits your needs"; 002 §2 asks which
platforms the team focuses on and why; 002 §5 lists the hats; 003 §10 says agencies and
freelancers help "as long as they are involved and trained in depth", especially in
vertical niches. Without a brief there is nothing to fit, and one finding says so.
Thresholds: ``vetting/data/signal_thresholds.yaml``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import pandas as pd

from vetting.frames import PortfolioFrames
from vetting.models import Brief
from vetting.signals import SignalContext, findings_frame
from vetting.signals._thresholds import (
    candidate_positions,
    count_per_candidate,
    flag_columns,
    level_from_table,
    platform_presence,
    settings,
)

AREA = "fit"
_CID = "candidate_id"





def _coverage(
    candidate_ids: pd.Series, present: np.ndarray, wanted: Sequence[str]
) -> pd.DataFrame:
    """Per candidate: how many of ``wanted`` are present (a candidates × wanted matrix).

    Returns columns covered, share, have (comma list) and missing (comma list); each
    distinct combination of items is spelled out once.
    """
    names = [item.replace("_", " ") for item in wanted]
    bits = np.int64(1) << np.arange(len(names), dtype=np.int64)
    masks = present.astype(np.int64) @ bits
    distinct, codes = np.unique(masks, return_inverse=True)
    have = [", ".join(n for b, n in enumerate(names) if m >> b & 1) or "none" for m in distinct]
    missing = [", ".join(n for b, n in enumerate(names) if not m >> b & 1) for m in distinct]
    codes = codes.reshape(-1)
    covered = present.sum(axis=1)
    return pd.DataFrame(
        {
            _CID: candidate_ids.to_numpy(),
            "covered": covered,
            "share": covered / len(wanted),
            "have": pd.array(np.array(have, dtype=object)[codes], dtype="str"),
            "missing": pd.array(np.array(missing, dtype=object)[codes], dtype="str"),
        }
    )


def _gap_findings(
    table: pd.DataFrame,
    *,
    signal: str,
    flag_id: str,
    what: str,
    wanted: Sequence[str],
    sources: str,
    evidence_note: str,
) -> pd.DataFrame:
    """A level-bearing coverage finding per candidate, and a flag row where items are missing."""
    levels = settings()["fit"]["coverage_levels"]
    n_wanted = len(dict.fromkeys(wanted))
    known = table["share"].notna()
    wanted_text = ", ".join(dict.fromkeys(wanted)).replace("_", " ")
    detail = (
        f"The brief asks for {what}: {wanted_text}. {evidence_note}: " + table["have"].astype(str)
        + " (" + table["covered"].fillna(0).astype(int).astype(str) + f" of {n_wanted})."
    )
    findings = pd.DataFrame(
        {
            _CID: table[_CID],
            "area": AREA,
            "signal": signal,
            "subject": "portfolio",
            "value": table["share"],
            "unit": f"share of the brief's {what}",
            "comparison": f"the brief's {what}: {wanted_text}",
            "benchmark_source": "hiring brief",
            "suggested_level": level_from_table(table["share"], levels),
            "confidence": np.where(
                known,
                settings()["confidence"]["self_declared"]["value"],
                settings()["confidence"]["missing_data"]["value"],
            ),
            "sources": sources,
            "detail": detail.where(known, table["missing_note"]),
        }
    )
    gap = known & (table["missing"].astype(str) != "")
    flagged = findings[gap.to_numpy()].assign(
        suggested_level=np.nan,
        detail=f"No evidence for the brief's {what}: " + table.loc[gap, "missing"] + ".",
        **flag_columns(flag_id),
    )
    return pd.concat([findings, flagged], ignore_index=True)


def _platform_findings(frames: PortfolioFrames, brief: Brief) -> pd.DataFrame:
    wanted = list(dict.fromkeys(brief.platforms))
    names, presence = platform_presence(frames)
    present = np.zeros((len(frames.candidates), len(wanted)), dtype=bool)
    for column, platform in enumerate(wanted):
        if platform in names:
            present[:, column] = presence[:, names.index(platform)]
    table = _coverage(frames.candidates[_CID], present, wanted)
    n_candidates = len(frames.candidates)
    has_evidence = (
        count_per_candidate(candidate_positions(frames.cases, frames.candidates), n_candidates)
        + count_per_candidate(
            candidate_positions(frames.accounts, frames.candidates), n_candidates
        )
    ) > 0
    table["share"] = table["share"].where(has_evidence)
    table["missing_note"] = (
        "No managed accounts or case studies: experience on the brief's platforms cannot be"
        " judged."
    )
    return _gap_findings(
        table,
        signal="brief_platform_coverage",
        flag_id="platform_gap",
        what="platforms",
        wanted=brief.platforms,
        sources="004 closing; 002 §2",
        evidence_note="Accounts managed or case studies on",
    )


def _language_findings(frames: PortfolioFrames, brief: Brief) -> pd.DataFrame:
    candidates = frames.candidates
    wanted = list(dict.fromkeys(code.casefold() for code in brief.languages))
    codes, distinct = pd.factorize(candidates["languages"].fillna("").astype(str))
    spoken = [set(text.strip().casefold().split(";")) for text in distinct.tolist()]
    present = np.zeros((len(candidates), len(wanted)), dtype=bool)
    for column, language in enumerate(wanted):
        speaks = np.array([language in languages for languages in spoken], dtype=bool)
        present[:, column] = speaks[codes] if len(speaks) else False
    table = _coverage(candidates[_CID], present, wanted)
    listed = np.array([text.strip() != "" for text in distinct.tolist()], dtype=bool)
    table["share"] = table["share"].where(listed[codes] if len(listed) else False)
    table["missing_note"] = (
        "No working languages listed: ask which of the brief's languages the candidate writes"
        " and moderates in."
    )
    return _gap_findings(
        table,
        signal="brief_language_coverage",
        flag_id="language_gap",
        what="languages",
        wanted=[code.casefold() for code in brief.languages],
        sources="004 closing; 003 §7",
        evidence_note="The candidate works in",
    )


def _scope_findings(frames: PortfolioFrames, brief: Brief) -> pd.DataFrame:
    wanted = list(dict.fromkeys(brief.scope))
    n_candidates = len(frames.candidates)
    positions = candidate_positions(frames.team, frames.candidates)
    role_codes = pd.Index(wanted).get_indexer(frames.team["role"])
    present = np.zeros((n_candidates, len(wanted)), dtype=bool)
    for column in range(len(wanted)):
        present[:, column] = (
            count_per_candidate(positions[role_codes == column], n_candidates) > 0
        )
    table = _coverage(frames.candidates[_CID], present, wanted)
    has_team = count_per_candidate(positions, n_candidates) > 0
    table["share"] = table["share"].where(has_team)
    table["missing_note"] = (
        "No team roles listed: ask who covers each role the brief needs (002 §5)."
    )
    return _gap_findings(
        table,
        signal="brief_scope_coverage",
        flag_id="scope_gap",
        what="roles",
        wanted=brief.scope,
        sources="004 closing; 002 §5",
        evidence_note="The team (in house or contracted) covers",
    )


def _industry_findings(frames: PortfolioFrames, brief: Brief) -> pd.DataFrame:
    """Case studies in the brief's industry, matched on shared words (003 §10)."""
    config = settings()["fit"]
    stopwords = set(config["industry_stopwords"]["value"])
    wanted = {
        word
        for word in pd.Series([brief.industry]).str.casefold().str.findall(r"\w+").iloc[0]
        if len(word) >= 3 and word not in stopwords
    }
    codes, industries = pd.factorize(frames.cases["industry"].fillna("").astype(str))
    in_industry = np.array(
        [not wanted.isdisjoint(re.findall(r"\w+", text.casefold())) for text in industries],
        dtype=bool,
    )
    matching = in_industry[codes] if len(in_industry) else codes >= 0
    positions = candidate_positions(frames.cases, frames.candidates)
    n_candidates = len(frames.candidates)
    candidates = frames.candidates[[_CID]]
    count = pd.Series(
        count_per_candidate(positions[matching], n_candidates).astype(float),
        index=candidates.index,
    )
    has_cases = pd.Series(count_per_candidate(positions, n_candidates) > 0, index=candidates.index)
    count = count.where(has_cases)
    return pd.DataFrame(
        {
            _CID: candidates[_CID],
            "area": AREA,
            "signal": "brief_industry_cases",
            "subject": "portfolio",
            "value": count,
            "unit": "case studies in the industry",
            "comparison": f"the brief's industry: {brief.industry}",
            "benchmark_source": "hiring brief",
            "suggested_level": level_from_table(count, config["industry_levels"]),
            "confidence": np.where(
                has_cases,
                settings()["confidence"]["self_declared"]["value"],
                settings()["confidence"]["missing_data"]["value"],
            ),
            "sources": "003 §10; 004 closing",
            "detail": (
                f"Case studies in or near the brief's industry ({brief.industry}): "
                + count.fillna(0).astype(int).astype(str) + "."
            ).where(
                has_cases,
                f"No case studies, so experience in {brief.industry} cannot be judged.",
            ),
        }
    )


def _no_brief(frames: PortfolioFrames) -> pd.DataFrame:
    return pd.DataFrame(
        {
            _CID: frames.candidates[_CID],
            "area": AREA,
            "signal": "brief_missing",
            "subject": "portfolio",
            "value": np.nan,
            "comparison": "a hiring brief",
            "confidence": settings()["confidence"]["missing_data"]["value"],
            "sources": "004 closing",
            "detail": (
                "No hiring brief was set, so fit to the platforms, languages, roles and"
                " industry you need is not judged."
            ),
        }
    )


def analyse(frames: PortfolioFrames, context: SignalContext) -> pd.DataFrame:
    """Findings on fit to ``context.brief`` for every candidate in ``frames``."""
    brief = context.brief
    if brief is None:
        return findings_frame(_no_brief(frames))
    parts = []
    if brief.platforms:
        parts.append(_platform_findings(frames, brief))
    if brief.languages:
        parts.append(_language_findings(frames, brief))
    if brief.scope:
        parts.append(_scope_findings(frames, brief))
    if brief.industry:
        parts.append(_industry_findings(frames, brief))
    filled = [part for part in parts if not part.empty]
    return findings_frame(pd.concat(filled, ignore_index=True) if filled else [])

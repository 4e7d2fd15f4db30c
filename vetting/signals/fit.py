"""Fit to the hiring brief: platforms, languages, the hats the hire must wear, the industry.

The closing advice of 004 is to "hire someone who fits your needs"; 002 §2 asks which
platforms the team focuses on and why; 002 §5 lists the hats; 003 §10 says agencies and
freelancers help "as long as they are involved and trained in depth", especially in
vertical niches. Without a brief there is nothing to fit, and one finding says so.
Thresholds: ``vetting/data/signal_thresholds.yaml``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from vetting.frames import PortfolioFrames
from vetting.models import Brief
from vetting.signals import SignalContext, findings_frame
from vetting.signals._thresholds import flag_columns, level_from_table, settings

AREA = "fit"
_CID = "candidate_id"





def _members(ids: pd.Series, pool: pd.Series | pd.Index) -> np.ndarray:
    """Whether each id occurs in ``pool`` (hash lookup; ``isin`` on Arrow strings is slow)."""
    return pd.Index(pd.unique(pool)).get_indexer(ids) >= 0


def _coverage(
    candidate_ids: pd.Series, evidence: pd.DataFrame, wanted: Sequence[str]
) -> pd.DataFrame:
    """Per candidate: how many of ``wanted`` appear in ``evidence`` (candidate_id, item).

    Returns columns covered, share, have (comma list) and missing (comma list).
    """
    wanted = list(dict.fromkeys(wanted))
    hits = evidence[evidence["item"].isin(wanted)].drop_duplicates()
    present = (
        hits.assign(present=True)
        .set_index([_CID, "item"])["present"]
        .unstack("item", fill_value=False)
        .reindex(index=candidate_ids, columns=wanted, fill_value=False)
        .astype(bool)
    )
    have = pd.Series("", index=present.index)
    missing = pd.Series("", index=present.index)
    for item in wanted:
        flags = present[item].to_numpy()
        have = have + np.where(flags, f"{item}, ", "")
        missing = missing + np.where(flags, "", f"{item}, ")
    covered = present.sum(axis=1)
    return pd.DataFrame(
        {
            _CID: candidate_ids.to_numpy(),
            "covered": covered.to_numpy(),
            "share": (covered / len(wanted)).to_numpy(),
            "have": have.str.removesuffix(", ").replace("", "none").str.replace("_", " ")
            .to_numpy(),
            "missing": missing.str.removesuffix(", ").str.replace("_", " ").to_numpy(),
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
    cases = frames.cases
    from_cases = (
        cases[[_CID]]
        .assign(item=cases["platforms"].fillna("").astype(str).str.split(";"))
        .explode("item")
    )
    evidence = pd.concat(
        [from_cases, frames.accounts[[_CID, "platform"]].rename(columns={"platform": "item"})],
        ignore_index=True,
    )
    table = _coverage(frames.candidates[_CID], evidence, brief.platforms)
    has_evidence = _members(frames.candidates[_CID], evidence[_CID])
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
    spoken = candidates["languages"].fillna("").astype(str).str.strip().str.casefold()
    evidence = candidates[[_CID]].assign(item=spoken.str.split(";")).explode("item")
    table = _coverage(candidates[_CID], evidence, [code.casefold() for code in brief.languages])
    listed = (spoken != "").to_numpy()
    table["share"] = table["share"].where(listed)
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
    team = frames.team.rename(columns={"role": "item"})[[_CID, "item"]]
    table = _coverage(frames.candidates[_CID], team, brief.scope)
    has_team = _members(frames.candidates[_CID], team[_CID])
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
    cases = frames.cases[[_CID, "case", "industry"]]
    words = (
        cases.assign(word=cases["industry"].fillna("").astype(str).str.casefold().str.findall(
            r"\w+"
        ))
        .explode("word")
    )
    matching = words[words["word"].isin(wanted)].drop_duplicates([_CID, "case"])
    n_match = matching.groupby(_CID).size()
    n_cases = cases.groupby(_CID).size()
    candidates = frames.candidates[[_CID]]
    count = candidates[_CID].map(n_match).fillna(0).astype(float)
    has_cases = pd.Series(_members(candidates[_CID], n_cases.index), index=candidates.index)
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

"""Repeatable, evidenced results rather than hacks, one viral moment or "my own following".

004 §8 warns of people "full of non-repeatable tactics that cannot deliver consistent
results" and of influencers who think growing their own following proves they can grow a
client's; 004 §1 and §5 add that there are no shortcuts and virality cannot be promised.
So the evidence here is the case studies: how many show a baseline → result change over a
period long enough to mean something, for how many clients, and how consistent those
changes are. Thresholds and their reasons: ``vetting/data/signal_thresholds.yaml``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from vetting.frames import PortfolioFrames
from vetting.signals import SignalContext
from vetting.signals._thresholds import (
    candidate_positions,
    count_per_candidate,
    distinct_per_candidate,
    flag_columns,
    fmt,
    level_from_table,
    platform_presence,
    settings,
    text_codes,
)
from vetting.signals.measurement import classify_kpi_names, findings_frame

AREA = "repeatability"
_CID = "candidate_id"






def _case_rows_of_kpis(frames: PortfolioFrames) -> np.ndarray:
    """Row position in ``frames.cases`` of each KPI's case study, -1 when there is none."""
    n_candidates = max(len(frames.candidates), 1)
    case_candidates = candidate_positions(frames.cases, frames.candidates).astype(np.int64)
    kpi_candidates = candidate_positions(frames.kpis, frames.candidates).astype(np.int64)
    case_keys = case_candidates + frames.cases["case"].to_numpy(dtype=np.int64) * n_candidates
    # Cases of unknown candidates get distinct negative keys that no KPI can match.
    case_keys = np.where(case_candidates >= 0, case_keys, -1 - np.arange(len(case_keys)))
    kpi_keys = kpi_candidates + frames.kpis["case"].to_numpy(dtype=np.int64) * n_candidates
    rows = pd.Index(case_keys).get_indexer(kpi_keys)
    return np.where(kpi_candidates >= 0, rows, -1)


def _case_table(frames: PortfolioFrames, min_days: float) -> pd.DataFrame:
    """One row per case study with its KPI counts, median uplift and whether it is evidenced."""
    kpis = frames.kpis
    definition = kpis["definition"].fillna("").astype(str).str.strip() != ""
    has_result = kpis["result"].notna()
    paired = has_result & kpis["baseline"].notna()
    baseline = kpis["baseline"].astype(float)
    usable = paired & (baseline != 0)
    uplift = ((kpis["result"].astype(float) - baseline) / baseline.abs()).where(usable)
    case_rows = _case_rows_of_kpis(frames)
    n_cases = len(frames.cases)

    def per_case(flags: pd.Series | None) -> np.ndarray:
        weights = None if flags is None else flags.to_numpy(dtype=float)
        return count_per_candidate(case_rows, n_cases, weights)

    cases = frames.cases[[_CID, "case", "client", "industry", "period_days"]].copy()
    cases["n_kpis"] = per_case(None).astype(float)
    cases["n_result"] = per_case(has_result)
    cases["n_paired"] = per_case(paired)
    cases["n_paired_defined"] = per_case(paired & definition)
    cases["n_result_no_baseline"] = per_case(has_result & ~paired)
    known = case_rows >= 0
    median_uplift = uplift[known].groupby(case_rows[known]).median()
    cases["uplift"] = median_uplift.reindex(np.arange(n_cases)).to_numpy()
    # Follower, like or impression counts alone are not results (004 §3: a fast-growing
    # following is not a measure of success), so they do not make a case evidenced.
    kinds = classify_kpi_names(kpis["name"])
    cases["n_paired_results"] = per_case(paired & ~(kinds["vanity"] & ~kinds["outcome"]))
    cases["long_enough"] = cases["period_days"].astype(float) >= min_days
    cases["evidenced"] = (cases["n_paired_results"] > 0) & cases["long_enough"]
    cases["contactable"] = frames.cases["reference_contactable"].fillna(False).astype(bool)
    return cases


def _casefolded(texts: pd.Series) -> pd.Series:
    return texts.astype(str).str.strip().str.casefold()


def _per_candidate(frames: PortfolioFrames, cases: pd.DataFrame) -> pd.DataFrame:
    """Case-study counts per candidate, one row per candidate in ``frames.candidates``."""
    n_candidates = len(frames.candidates)
    positions = candidate_positions(frames.cases, frames.candidates)
    evidenced = cases["evidenced"].to_numpy(dtype=bool)
    client_codes = text_codes(cases["client"], _casefolded)
    industry_codes = text_codes(cases["industry"], _casefolded)

    def total(column: str, only: np.ndarray | None = None) -> np.ndarray:
        weights = cases[column].to_numpy(dtype=float)
        if only is not None:
            weights = np.where(only, weights, 0.0)
        return count_per_candidate(positions, n_candidates, weights)

    table = frames.candidates[[_CID]].reset_index(drop=True)
    table["n_cases"] = count_per_candidate(positions, n_candidates)
    table["n_clients"] = distinct_per_candidate(positions, client_codes, n_candidates)
    table["n_industries"] = distinct_per_candidate(positions, industry_codes, n_candidates)
    table["n_evidenced"] = total("evidenced")
    table["n_long"] = total("long_enough")
    known = positions >= 0
    median_days = cases["period_days"][known].groupby(positions[known]).median()
    table["median_days"] = median_days.reindex(np.arange(n_candidates)).to_numpy()
    table["any_contactable"] = total("contactable") > 0
    for column in ("n_kpis", "n_result", "n_paired", "n_paired_defined", "n_result_no_baseline"):
        table[column] = total(column)
    table["n_evidenced_clients"] = distinct_per_candidate(
        np.where(evidenced, positions, -1), client_codes, n_candidates
    )
    table["n_evidenced_paired"] = total("n_paired", evidenced)
    table["n_evidenced_defined"] = total("n_paired_defined", evidenced)
    _, presence = platform_presence(frames)
    table["n_platforms"] = presence.sum(axis=1)
    return table


def _evidence_findings(table: pd.DataFrame) -> pd.DataFrame:
    """The level-bearing finding: count and quality of evidenced case studies."""
    config = settings()["repeatability"]
    min_days = config["min_case_period_days"]["value"]
    cap = config["quality_cap"]
    half_at = config["case_confidence_half_at"]["value"]
    has_cases = table["n_cases"] > 0
    base = level_from_table(table["n_evidenced"].astype(float), config["evidenced_case_levels"])
    defined_share = table["n_evidenced_defined"] / table["n_evidenced_paired"].replace(0, np.nan)
    thin_definitions = defined_share.fillna(0) < cap["min_defined_share"]
    one_client = table["n_evidenced_clients"] < cap["min_distinct_clients"]
    capped = (base > cap["value"]) & (thin_definitions | one_client)
    level = base.where(~capped, float(cap["value"])).where(has_cases)
    cap_reason = np.where(
        thin_definitions,
        f" Level held at {cap['value']}: fewer than half of these KPIs say how they were"
        " measured (002 §2).",
        f" Level held at {cap['value']}: every evidenced case is for the same client.",
    )
    quality = (
        ", for " + table["n_evidenced_clients"].astype(int).astype(str) + " distinct client(s); "
        + table["n_evidenced_defined"].astype(int).astype(str) + " of "
        + table["n_evidenced_paired"].astype(int).astype(str)
        + " of their baseline → result KPIs give a definition."
    )
    detail = (
        table["n_evidenced"].astype(int).astype(str) + " of "
        + table["n_cases"].astype(int).astype(str)
        + f" case studies show a baseline → result change over at least {min_days} days"
        + quality.where(table["n_evidenced"] > 0, ".")
        + pd.Series(np.where(capped, cap_reason, ""), index=table.index)
    )
    missing = (
        "No case studies submitted, so repeatable results cannot be judged; ask for two or"
        " three with baseline, result, KPI definitions and period (004 §8)."
    )
    n_cases = table["n_cases"].astype(float)
    return pd.DataFrame(
        {
            _CID: table[_CID],
            "area": AREA,
            "signal": "evidenced_case_studies",
            "subject": "portfolio",
            "value": table["n_evidenced"].astype(float).where(has_cases),
            "unit": "case studies",
            "comparison": (
                f"baseline → result over ≥ {min_days} days; level 1 at 0 such cases, 2 at 1,"
                f" 3 at 2, 4 at 3–4, 5 at 5+ (at most {cap['value']} without definitions or"
                " a second client)"
            ),
            "suggested_level": level,
            "confidence": np.where(
                has_cases,
                n_cases / (n_cases + half_at),
                settings()["confidence"]["missing_data"]["value"],
            ),
            "sources": "004 §8; 004 §1; 004 §2",
            "detail": detail.where(has_cases, missing),
        }
    )


def _breadth_findings(table: pd.DataFrame) -> pd.DataFrame:
    """Informative: how many clients, industries and platforms the cases span."""
    rows = table[table["n_cases"] > 0]
    half_at = settings()["repeatability"]["case_confidence_half_at"]["value"]
    return pd.DataFrame(
        {
            _CID: rows[_CID],
            "area": AREA,
            "signal": "case_study_breadth",
            "subject": "portfolio",
            "value": rows["n_clients"].astype(float),
            "unit": "distinct clients",
            "comparison": "the candidate's own case studies and accounts",
            "confidence": rows["n_cases"] / (rows["n_cases"] + half_at),
            "sources": "004 §8",
            "detail": (
                rows["n_cases"].astype(int).astype(str) + " case studies for "
                + rows["n_clients"].astype(int).astype(str) + " client(s) in "
                + rows["n_industries"].astype(int).astype(str) + " industr(y/ies); "
                + rows["n_platforms"].astype(int).astype(str)
                + " platform(s) across case studies and managed accounts."
            ),
        }
    )


def _kpi_quality_findings(table: pd.DataFrame) -> pd.DataFrame:
    """Informative: share of KPIs stated as baseline → result with a definition."""
    rows = table[table["n_cases"] > 0]
    has_kpis = rows["n_kpis"] > 0
    share = (rows["n_paired_defined"] / rows["n_kpis"].replace(0, np.nan)).where(has_kpis)
    detail = (
        rows["n_paired_defined"].astype(int).astype(str) + " of "
        + rows["n_kpis"].astype(int).astype(str)
        + " KPIs in the case studies give a baseline, a result and a definition ("
        + fmt(share.fillna(0) * 100, ".0f") + "%)."
    )
    return pd.DataFrame(
        {
            _CID: rows[_CID],
            "area": AREA,
            "signal": "kpi_baseline_result_share",
            "subject": "portfolio",
            "value": share,
            "unit": "share of KPIs",
            "comparison": "every KPI stated as baseline → result with a definition (002 §2)",
            "confidence": np.where(has_kpis, rows["n_kpis"] / (rows["n_kpis"] + 4), 1.0),
            "sources": "004 §8; 002 §2",
            "detail": detail.where(
                has_kpis, "The case studies list no KPIs: no result can be checked."
            ),
        }
    )


def _period_findings(table: pd.DataFrame) -> pd.DataFrame:
    """Informative: how long the case studies ran."""
    rows = table[table["n_cases"] > 0]
    min_days = settings()["repeatability"]["min_case_period_days"]["value"]
    return pd.DataFrame(
        {
            _CID: rows[_CID],
            "area": AREA,
            "signal": "case_period_days_median",
            "subject": "portfolio",
            "value": rows["median_days"].astype(float),
            "unit": "days",
            "comparison": f"at least {min_days} days to show a result held (004 §1)",
            "confidence": 1.0,
            "sources": "004 §1",
            "detail": (
                "Case studies ran a median of " + fmt(rows["median_days"].astype(float), ".0f")
                + " days; " + rows["n_long"].astype(int).astype(str) + " of "
                + rows["n_cases"].astype(int).astype(str)
                + f" ran at least {min_days} days."
            ),
        }
    )


def _consistency_findings(cases: pd.DataFrame) -> pd.DataFrame:
    """Informative: spread of relative uplift across case studies (004 §8)."""
    config = settings()["repeatability"]["uplift_spread_ratio"]
    with_uplift = cases[cases["uplift"].notna()]
    magnitude = with_uplift["uplift"].abs().clip(lower=config["floor"])
    stats = (
        with_uplift.assign(magnitude=magnitude)
        .groupby(_CID)
        .agg(
            n=("uplift", "size"),
            low=("uplift", "min"),
            high=("uplift", "max"),
            small=("magnitude", "min"),
            big=("magnitude", "max"),
        )
    )
    stats = stats[stats["n"] >= config["min_cases"]].reset_index()
    ratio = stats["big"] / stats["small"]
    uneven = ratio > config["value"]
    verdict = np.where(
        uneven,
        " One case carries the record: ask what was different there.",
        " The results are of a similar size, which is what repeatable tactics look like.",
    )
    return pd.DataFrame(
        {
            _CID: stats[_CID],
            "area": AREA,
            "signal": "uplift_spread_ratio",
            "subject": "portfolio",
            "value": ratio,
            "unit": "x",
            "comparison": f"at most {config['value']}x between the largest and smallest change",
            "confidence": stats["n"] / (stats["n"] + 2),
            "sources": "004 §8",
            "detail": (
                "The median relative change per case study runs from "
                + fmt(stats["low"] * 100, "+.0f") + "% to " + fmt(stats["high"] * 100, "+.0f")
                + "% across " + stats["n"].astype(str) + " cases (the largest is "
                + fmt(ratio, ".1f") + "x the smallest)." + pd.Series(verdict, index=stats.index)
            ),
        }
    )


def _viral_hit_flags(frames: PortfolioFrames, table: pd.DataFrame) -> pd.DataFrame:
    """single_viral_hit: one post carries most engagement and few cases evidence more."""
    config = settings()["repeatability"]["viral_top_post_share"]
    posts = frames.posts
    engagement = np.zeros(len(posts))
    for column in ("likes", "comments", "shares", "saves"):
        engagement += np.nan_to_num(posts[column].to_numpy(dtype=float, na_value=np.nan))
    n_candidates = len(table)
    positions = candidate_positions(posts, frames.candidates)
    known = positions >= 0
    totals = count_per_candidate(positions, n_candidates, engagement)
    sizes = count_per_candidate(positions, n_candidates)
    top = np.full(n_candidates, -np.inf)
    np.maximum.at(top, positions[known], engagement[known])
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(totals > 0, top / totals, np.nan)
    hit = (
        (sizes >= config["min_posts"])
        & (share >= config["value"])
        & (table["n_evidenced"].to_numpy() <= config["max_evidenced_cases"])
    )
    # The account of the top post, for the flagged candidates only.
    top_posts = np.flatnonzero(known & hit[np.maximum(positions, 0)])
    top_posts = top_posts[engagement[top_posts] == top[positions[top_posts]]]
    flagged, first = np.unique(positions[top_posts], return_index=True)
    stats = pd.DataFrame(
        {
            _CID: table[_CID].to_numpy()[flagged],
            "account": posts["account"].to_numpy()[top_posts[first]],
            "size": sizes[flagged],
            "share": share[flagged],
            "n_evidenced": table["n_evidenced"].to_numpy()[flagged],
        }
    ).sort_values(_CID, kind="stable")
    rows = stats.merge(
        frames.accounts[[_CID, "account", "handle", "platform"]], on=[_CID, "account"], how="left"
    )
    min_days = settings()["repeatability"]["min_case_period_days"]["value"]
    return pd.DataFrame(
        {
            _CID: rows[_CID],
            "area": AREA,
            "signal": "top_post_engagement_share",
            "subject": "@" + rows["handle"].astype(str) + " on " + rows["platform"].astype(str),
            "value": rows["share"],
            "unit": "share of engagement",
            "comparison": (
                f"at least {config['value']:.0%} of all engagement in one post, with at most"
                f" {config['max_evidenced_cases']} evidenced case study"
            ),
            "confidence": rows["size"] / (rows["size"] + 20),
            **flag_columns("single_viral_hit"),
            "detail": (
                "One post carries " + fmt(rows["share"] * 100, ".0f")
                + "% of the engagement of all " + rows["size"].astype(str)
                + " recent posts across the candidate's accounts, and "
                + rows["n_evidenced"].astype(int).astype(str)
                + f" case studies show a baseline → result change over {min_days}+ days:"
                " the record rests on one viral moment, which nobody can promise to repeat."
            ),
        }
    )


def _own_following_flags(frames: PortfolioFrames, table: pd.DataFrame) -> pd.DataFrame:
    """own_following_only_proof: only own accounts and no client KPI (004 §8)."""
    accounts = frames.accounts
    own = accounts.assign(own=accounts["ownership"] == "own").groupby(_CID)["own"].agg(
        ["all", "size"]
    )
    stats = table[[_CID, "n_result", "n_cases"]].join(own, on=_CID, how="inner")
    rows = stats[stats["all"].astype(bool) & (stats["n_result"] == 0)]
    return pd.DataFrame(
        {
            _CID: rows[_CID],
            "area": AREA,
            "signal": "own_accounts_only",
            "subject": "portfolio",
            "value": rows["size"].astype(float),
            "unit": "own accounts",
            "comparison": "at least one client account or case study with a client KPI",
            "confidence": settings()["confidence"]["self_declared"]["value"],
            **flag_columns("own_following_only_proof"),
            "detail": (
                "Every account shown (" + rows["size"].astype(str) + ") is the candidate's own"
                " and no case study reports a client result: growing one's own following does"
                " not show the same can be done for a client (004 §8)."
            ),
        }
    )


def _baseline_flags(table: pd.DataFrame) -> pd.DataFrame:
    """results_without_baseline: most stated results have no starting point."""
    config = settings()["repeatability"]["results_without_baseline_share"]
    share = table["n_result_no_baseline"] / table["n_result"].replace(0, np.nan)
    rows = table.assign(share=share)[share > config["value"]]
    return pd.DataFrame(
        {
            _CID: rows[_CID],
            "area": AREA,
            "signal": "results_without_baseline_share",
            "subject": "portfolio",
            "value": rows["share"],
            "unit": "share of KPIs with a result",
            "comparison": f"more than {config['value']:.0%} of results without a baseline",
            "confidence": rows["n_result"] / (rows["n_result"] + 4),
            **flag_columns("results_without_baseline"),
            "detail": (
                rows["n_result_no_baseline"].astype(int).astype(str) + " of "
                + rows["n_result"].astype(int).astype(str)
                + " KPI results in the case studies have no baseline, so the change they"
                " claim cannot be judged."
            ),
        }
    )


def _reference_flags(table: pd.DataFrame) -> pd.DataFrame:
    """no_contactable_reference: case studies exist but no client can be called."""
    rows = table[(table["n_cases"] > 0) & ~table["any_contactable"]]
    return pd.DataFrame(
        {
            _CID: rows[_CID],
            "area": AREA,
            "signal": "contactable_references",
            "subject": "portfolio",
            "value": 0.0,
            "unit": "contactable references",
            "comparison": "at least one case study whose client may be contacted",
            "confidence": settings()["confidence"]["self_declared"]["value"],
            **flag_columns("no_contactable_reference"),
            "detail": (
                "None of the " + rows["n_cases"].astype(int).astype(str)
                + " case studies offers a client reference to contact, so none of the results"
                " can be checked with the client."
            ),
        }
    )


def analyse(frames: PortfolioFrames, context: SignalContext) -> pd.DataFrame:
    """Findings on repeatable, evidenced results for every candidate in ``frames``."""
    del context  # repeatability needs neither the brief nor the date
    min_days = settings()["repeatability"]["min_case_period_days"]["value"]
    cases = _case_table(frames, min_days)
    table = _per_candidate(frames, cases)
    parts = [
        _evidence_findings(table),
        _breadth_findings(table),
        _kpi_quality_findings(table),
        _period_findings(table),
        _consistency_findings(cases),
        _viral_hit_flags(frames, table),
        _own_following_flags(frames, table),
        _baseline_flags(table),
        _reference_flags(table),
    ]
    filled = [part for part in parts if not part.empty]
    return findings_frame(pd.concat(filled, ignore_index=True) if filled else [])

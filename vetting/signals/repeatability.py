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
    candidate_runs,
    count_per_candidate,
    count_texts,
    distinct_per_candidate,
    flag_columns,
    fmt,
    level_from_table,
    matching_rows,
    median_per_candidate,
    number_texts,
    platform_presence,
    settings,
    text_codes,
)
from vetting.signals.measurement import findings_frame, kpi_kinds

AREA = "repeatability"
_CID = "candidate_id"






def _case_table(frames: PortfolioFrames, min_days: float) -> pd.DataFrame:
    """One row per case study with its KPI counts, median uplift and whether it is evidenced."""
    kpis = frames.kpis
    definition_codes, definitions = pd.factorize(kpis["definition"])
    stated = (pd.Series(definitions, dtype=object).astype(str).str.strip() != "").to_numpy()
    definition = np.where(definition_codes >= 0, stated[definition_codes], False)
    result = kpis["result"].to_numpy(dtype=float, na_value=np.nan)
    baseline = kpis["baseline"].to_numpy(dtype=float, na_value=np.nan)
    has_result = ~np.isnan(result)
    paired = has_result & ~np.isnan(baseline)
    with np.errstate(divide="ignore", invalid="ignore"):
        uplift = np.where(paired & (baseline != 0), (result - baseline) / np.abs(baseline), np.nan)
    case_rows = matching_rows(kpis, frames.cases, "case", frames.candidates)
    n_cases = len(frames.cases)

    def per_case(flags: np.ndarray | None) -> np.ndarray:
        weights = None if flags is None else flags.astype(float)
        return count_per_candidate(case_rows, n_cases, weights)

    # Follower, like or impression counts alone are not results (004 §3: a fast-growing
    # following is not a measure of success), so they do not make a case evidenced.
    kinds = kpi_kinds(kpis)
    vanity_only = (kinds["vanity"] & ~kinds["outcome"]).to_numpy(dtype=bool)
    long_enough = frames.cases["period_days"].to_numpy(dtype=float, na_value=np.nan) >= min_days
    n_paired_results = per_case(paired & ~vanity_only)
    cases = frames.cases[[_CID, "case", "client", "industry", "period_days"]]
    return cases.assign(
        n_kpis=per_case(None).astype(float),
        n_result=per_case(has_result),
        n_paired=per_case(paired),
        n_paired_defined=per_case(paired & definition),
        n_result_no_baseline=per_case(has_result & ~paired),
        uplift=median_per_candidate(case_rows, uplift, n_cases),
        n_paired_results=n_paired_results,
        long_enough=long_enough,
        evidenced=(n_paired_results > 0) & long_enough,
        contactable=frames.cases["reference_contactable"].fillna(False).astype(bool).to_numpy(),
    )


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

    _, presence = platform_presence(frames)
    table = {
        _CID: frames.candidates[_CID].array,
        "n_cases": count_per_candidate(positions, n_candidates),
        "n_clients": distinct_per_candidate(positions, client_codes, n_candidates),
        "n_industries": distinct_per_candidate(positions, industry_codes, n_candidates),
        "n_evidenced": total("evidenced"),
        "n_long": total("long_enough"),
        "median_days": median_per_candidate(
            positions, cases["period_days"].to_numpy(dtype=float, na_value=np.nan), n_candidates
        ),
        "any_contactable": total("contactable") > 0,
    }
    for column in ("n_kpis", "n_result", "n_paired", "n_paired_defined", "n_result_no_baseline"):
        table[column] = total(column)
    table["n_evidenced_clients"] = distinct_per_candidate(
        np.where(evidenced, positions, -1), client_codes, n_candidates
    )
    table["n_evidenced_paired"] = total("n_paired", evidenced)
    table["n_evidenced_defined"] = total("n_paired_defined", evidenced)
    table["n_platforms"] = presence.sum(axis=1)
    return pd.DataFrame(table)


def _share(part: np.ndarray, whole: np.ndarray) -> np.ndarray:
    """part / whole, NaN where whole is 0."""
    return np.divide(part, whole, out=np.full(len(part), np.nan), where=whole != 0)


def _evidence_findings(table: pd.DataFrame) -> pd.DataFrame:
    """The level-bearing finding: count and quality of evidenced case studies."""
    config = settings()["repeatability"]
    min_days = config["min_case_period_days"]["value"]
    cap = config["quality_cap"]
    half_at = config["case_confidence_half_at"]["value"]
    n_cases = table["n_cases"].to_numpy().astype(float)
    n_evidenced = table["n_evidenced"].to_numpy()
    has_cases = n_cases > 0
    base = level_from_table(
        table["n_evidenced"].astype(float), config["evidenced_case_levels"]
    ).to_numpy()
    defined_share = _share(
        table["n_evidenced_defined"].to_numpy(), table["n_evidenced_paired"].to_numpy()
    )
    thin_definitions = np.nan_to_num(defined_share) < cap["min_defined_share"]
    one_client = table["n_evidenced_clients"].to_numpy() < cap["min_distinct_clients"]
    capped = (base > cap["value"]) & (thin_definitions | one_client)
    level = np.where(has_cases, np.where(capped, float(cap["value"]), base), np.nan)

    # Details are spelled out for the candidates with case studies only.
    cases = table[has_cases]
    evidenced = n_evidenced[has_cases]
    quality = np.where(
        evidenced > 0,
        ", for " + count_texts(cases["n_evidenced_clients"].to_numpy()) + " distinct client(s); "
        + count_texts(cases["n_evidenced_defined"].to_numpy()) + " of "
        + count_texts(cases["n_evidenced_paired"].to_numpy())
        + " of their baseline → result KPIs give a definition.",
        ".",
    )
    cap_reason = np.where(
        thin_definitions[has_cases],
        f" Level held at {cap['value']}: fewer than half of these KPIs say how they were"
        " measured (002 §2).",
        f" Level held at {cap['value']}: every evidenced case is for the same client.",
    )
    detail = np.full(
        len(table),
        "No case studies submitted, so repeatable results cannot be judged; ask for two or"
        " three with baseline, result, KPI definitions and period (004 §8).",
        dtype=object,
    )
    detail[has_cases] = (
        count_texts(evidenced) + " of " + count_texts(n_cases[has_cases])
        + f" case studies show a baseline → result change over at least {min_days} days"
        + quality.astype(object)
        + np.where(capped[has_cases], cap_reason, "").astype(object)
    )
    return pd.DataFrame(
        {
            _CID: table[_CID].array,
            "area": AREA,
            "signal": "evidenced_case_studies",
            "subject": "portfolio",
            "value": np.where(has_cases, n_evidenced.astype(float), np.nan),
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
            "detail": detail,
        }
    )


def _breadth_findings(table: pd.DataFrame) -> pd.DataFrame:
    """Informative: how many clients, industries and platforms the cases span."""
    rows = table[table["n_cases"].to_numpy() > 0]
    half_at = settings()["repeatability"]["case_confidence_half_at"]["value"]
    n_cases = rows["n_cases"].to_numpy()
    return pd.DataFrame(
        {
            _CID: rows[_CID].array,
            "area": AREA,
            "signal": "case_study_breadth",
            "subject": "portfolio",
            "value": rows["n_clients"].to_numpy().astype(float),
            "unit": "distinct clients",
            "comparison": "the candidate's own case studies and accounts",
            "confidence": n_cases / (n_cases + half_at),
            "sources": "004 §8",
            "detail": (
                count_texts(n_cases) + " case studies for "
                + count_texts(rows["n_clients"].to_numpy()) + " client(s) in "
                + count_texts(rows["n_industries"].to_numpy()) + " industr(y/ies); "
                + count_texts(rows["n_platforms"].to_numpy())
                + " platform(s) across case studies and managed accounts."
            ),
        }
    )


def _kpi_quality_findings(table: pd.DataFrame) -> pd.DataFrame:
    """Informative: share of KPIs stated as baseline → result with a definition."""
    rows = table[table["n_cases"].to_numpy() > 0]
    n_kpis = rows["n_kpis"].to_numpy()
    n_defined = rows["n_paired_defined"].to_numpy()
    has_kpis = n_kpis > 0
    share = _share(n_defined, n_kpis)
    detail = np.where(
        has_kpis,
        count_texts(n_defined) + " of " + count_texts(n_kpis)
        + " KPIs in the case studies give a baseline, a result and a definition ("
        + number_texts(np.nan_to_num(share) * 100, ".0f") + "%).",
        "The case studies list no KPIs: no result can be checked.",
    )
    return pd.DataFrame(
        {
            _CID: rows[_CID].array,
            "area": AREA,
            "signal": "kpi_baseline_result_share",
            "subject": "portfolio",
            "value": share,
            "unit": "share of KPIs",
            "comparison": "every KPI stated as baseline → result with a definition (002 §2)",
            "confidence": np.where(has_kpis, n_kpis / (n_kpis + 4), 1.0),
            "sources": "004 §8; 002 §2",
            "detail": detail.astype(object),
        }
    )


def _period_findings(table: pd.DataFrame) -> pd.DataFrame:
    """Informative: how long the case studies ran."""
    rows = table[table["n_cases"].to_numpy() > 0]
    min_days = settings()["repeatability"]["min_case_period_days"]["value"]
    median_days = rows["median_days"].to_numpy().astype(float)
    return pd.DataFrame(
        {
            _CID: rows[_CID].array,
            "area": AREA,
            "signal": "case_period_days_median",
            "subject": "portfolio",
            "value": median_days,
            "unit": "days",
            "comparison": f"at least {min_days} days to show a result held (004 §1)",
            "confidence": 1.0,
            "sources": "004 §1",
            "detail": (
                "Case studies ran a median of " + number_texts(median_days, ".0f")
                + " days; " + count_texts(rows["n_long"].to_numpy()) + " of "
                + count_texts(rows["n_cases"].to_numpy())
                + f" ran at least {min_days} days."
            ),
        }
    )


def _consistency_findings(cases: pd.DataFrame) -> pd.DataFrame:
    """Informative: spread of relative uplift across case studies (004 §8)."""
    config = settings()["repeatability"]["uplift_spread_ratio"]
    uplift = cases["uplift"].to_numpy()
    with_uplift = ~np.isnan(uplift)
    uplift = uplift[with_uplift]
    magnitude = np.maximum(np.abs(uplift), config["floor"])
    # Grouped by candidate_id in id order, as a groupby on the ids would.
    codes, ids = pd.factorize(cases[_CID][with_uplift], sort=True)
    counted = codes >= 0
    codes, uplift, magnitude = codes[counted], uplift[counted], magnitude[counted]
    n = np.bincount(codes, minlength=len(ids))
    low, high = np.full(len(ids), np.inf), np.full(len(ids), -np.inf)
    small, big = np.full(len(ids), np.inf), np.full(len(ids), -np.inf)
    np.minimum.at(low, codes, uplift)
    np.maximum.at(high, codes, uplift)
    np.minimum.at(small, codes, magnitude)
    np.maximum.at(big, codes, magnitude)
    kept = n >= config["min_cases"]
    n, low, high, ratio = n[kept], low[kept], high[kept], big[kept] / small[kept]
    uneven = ratio > config["value"]
    verdict = np.where(
        uneven,
        " One case carries the record: ask what was different there.",
        " The results are of a similar size, which is what repeatable tactics look like.",
    ).astype(object)
    return pd.DataFrame(
        {
            _CID: ids[kept],
            "area": AREA,
            "signal": "uplift_spread_ratio",
            "subject": "portfolio",
            "value": ratio,
            "unit": "x",
            "comparison": f"at most {config['value']}x between the largest and smallest change",
            "confidence": n / (n + 2),
            "sources": "004 §8",
            "detail": (
                "The median relative change per case study runs from "
                + number_texts(low * 100, "+.0f") + "% to " + number_texts(high * 100, "+.0f")
                + "% across " + number_texts(n, "d") + " cases (the largest is "
                + number_texts(ratio, ".1f") + "x the smallest)." + verdict
            ),
        }
    )


def _viral_hit_flags(frames: PortfolioFrames, table: pd.DataFrame) -> pd.DataFrame:
    """single_viral_hit: one post carries most engagement and few cases evidence more."""
    config = settings()["repeatability"]["viral_top_post_share"]
    posts = frames.posts
    n_candidates = len(table)
    runs = candidate_runs(posts, frames.candidates)
    positions = runs.positions
    columns = ("likes", "comments", "shares", "saves")
    counts = [posts[column].to_numpy() for column in columns]
    known_runs = runs.run_positions >= 0
    if len(posts) and all(values.dtype.kind in "iu" for values in counts):
        # Whole numbers add up exactly in any order, so sum them run by run (posts come
        # candidate by candidate) rather than post by post.
        whole = counts[0].astype(np.int64) + counts[1] + counts[2] + counts[3]
        engagement = whole.astype(float)
        run_lengths = np.diff(np.append(runs.starts, len(posts)))
        run_positions = runs.run_positions[known_runs]
        run_totals = np.add.reduceat(whole, runs.starts)[known_runs].astype(float)
        totals = count_per_candidate(run_positions, n_candidates, run_totals)
        sizes = count_per_candidate(run_positions, n_candidates, run_lengths[known_runs])
        sizes = sizes.astype(np.int64)
    else:
        engagement = np.zeros(len(posts))
        for column in columns:
            engagement += np.nan_to_num(posts[column].to_numpy(dtype=float, na_value=np.nan))
        totals = count_per_candidate(positions, n_candidates, engagement)
        sizes = count_per_candidate(positions, n_candidates)
    # The top post per candidate: the largest per run of posts, then per candidate.
    top = np.full(n_candidates, -np.inf)
    if len(posts):
        run_top = np.maximum.reduceat(engagement, runs.starts)
        np.maximum.at(top, runs.run_positions[known_runs], run_top[known_runs])
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(totals > 0, top / totals, np.nan)
    hit = (
        (sizes >= config["min_posts"])
        & (share >= config["value"])
        & (table["n_evidenced"].to_numpy() <= config["max_evidenced_cases"])
    )
    # The account of the top post, for the flagged candidates only.
    top_posts = np.flatnonzero((positions >= 0) & hit[np.maximum(positions, 0)])
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

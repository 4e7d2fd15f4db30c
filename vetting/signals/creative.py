"""Creative capacity: who designs, films, writes and photographs, and is content built per channel.

004 §7 warns that a social media marketer will need creative help; 003 §2 that the skills
"cannot belong to one person alone" (graphic designers, video creators, copywriters);
002 §5 lists the many hats; 003 §4 notes small teams do it all; 003 §6 that content must be
built for each network. Freelancers are judged by their own anchor: contracted design and
video partners are the creative help 004 §7 asks for, so they count fully for a freelancer
and half for an agency. Thresholds: ``vetting/data/signal_thresholds.yaml``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from vetting.frames import PortfolioFrames
from vetting.models import ROLES
from vetting.signals import SignalContext, findings_frame
from vetting.signals._thresholds import flag_columns, fmt, level_from_table, settings

AREA = "creative_capacity"
_CID = "candidate_id"
_KIND_PHRASE = {"agency": "an agency", "freelancer": "a freelancer"}
_TEAM_COLUMNS = (
    "kind", "coverage", "in_house_creative", "contracted_creative", "in_house_only_roles",
    "in_house_people", "creative_people", "in_house_list", "contracted_list", "solo_roles_list",
)






def _joined(flags: pd.DataFrame) -> pd.Series:
    """Column names whose cell is True, comma-joined per row, without a per-row loop."""
    text = pd.Series("", index=flags.index)
    for column in flags.columns:
        text = text + np.where(flags[column].to_numpy(dtype=bool), f"{column}, ", "")
    return text.str.removesuffix(", ").replace("", "none").str.replace("_", " ")


def _team_table(frames: PortfolioFrames) -> pd.DataFrame:
    """One row per candidate with a team: role coverage, in-house people, creative people."""
    config = settings()["creative"]
    creative_roles = list(config["creative_roles"]["value"])
    team = frames.team.merge(frames.candidates[[_CID, "kind"]], on=_CID, how="left")
    if team.empty:
        return pd.DataFrame(columns=[_CID, *_TEAM_COLUMNS])
    team["in_house"] = team["employment"] == "in_house"
    team["creative"] = team["role"].isin(creative_roles)
    headcount = team["headcount"].astype(float)
    team["in_house_headcount"] = headcount.where(team["in_house"], 0.0)
    team["contracted_headcount"] = headcount.where(~team["in_house"], 0.0)

    by_role = team.pivot_table(
        index=_CID, columns="role", values=["in_house_headcount", "contracted_headcount"],
        aggfunc="sum", fill_value=0.0,
    )
    in_house = (by_role["in_house_headcount"] > 0).reindex(columns=list(ROLES), fill_value=False)
    contracted = (by_role["contracted_headcount"] > 0).reindex(
        columns=list(ROLES), fill_value=False
    )
    kind = frames.candidates.set_index(_CID)["kind"].reindex(in_house.index)
    weights = config["contracted_weight"]
    contracted_weight = kind.map({"agency": weights["agency"], "freelancer": weights["freelancer"]})
    role_weight = in_house.astype(float).where(
        in_house, contracted.astype(float).mul(contracted_weight.fillna(weights["agency"]), axis=0)
    )

    creative = team[team["creative"]].groupby(_CID)[["in_house_headcount", "contracted_headcount"]]
    creative_heads = creative.sum().reindex(in_house.index, fill_value=0.0)
    is_freelancer = (kind == "freelancer").to_numpy()
    in_house_creative = np.where(
        is_freelancer,
        np.minimum(creative_heads["in_house_headcount"], 1.0),
        creative_heads["in_house_headcount"],
    )
    all_in_house = team.groupby(_CID)["in_house_headcount"].sum().reindex(in_house.index)
    table = pd.DataFrame(
        {
            "kind": kind,
            "coverage": role_weight[creative_roles].sum(axis=1),
            "in_house_creative": in_house[creative_roles].sum(axis=1),
            "contracted_creative": (contracted[creative_roles] & ~in_house[creative_roles]).sum(
                axis=1
            ),
            "in_house_only_roles": (in_house & ~contracted).sum(axis=1),
            "in_house_people": np.where(is_freelancer, 1.0, all_in_house),
            "creative_people": in_house_creative + creative_heads["contracted_headcount"],
            "in_house_list": _joined(in_house[creative_roles]),
            "contracted_list": _joined(contracted[creative_roles] & ~in_house[creative_roles]),
            "solo_roles_list": _joined(in_house & ~contracted),
        },
        index=in_house.index,
    )
    return table.rename_axis(_CID).reset_index()


def _coverage_findings(frames: PortfolioFrames, table: pd.DataFrame) -> pd.DataFrame:
    """Level-bearing: coverage of the creative roles; explicit when no team is listed."""
    config = settings()["creative"]
    rows = frames.candidates[[_CID]].merge(table, on=_CID, how="left")
    has_team = rows["coverage"].notna()
    n_roles = len(config["creative_roles"]["value"])
    detail = (
        "Creative roles in house: " + rows["in_house_list"].fillna("") + "; contracted: "
        + rows["contracted_list"].fillna("") + " (weighted coverage "
        + fmt(rows["coverage"].fillna(0), ".1f") + f" of {n_roles}, as "
        + rows["kind"].map(_KIND_PHRASE).fillna("a candidate")
        + ")."
    )
    missing = (
        "No team roles listed: ask who designs, films, writes and photographs, in house or"
        " contracted (004 §7)."
    )
    return pd.DataFrame(
        {
            _CID: rows[_CID],
            "area": AREA,
            "signal": "creative_role_coverage",
            "subject": "portfolio",
            "value": rows["coverage"],
            "unit": f"weighted creative roles (of {n_roles})",
            "comparison": (
                "graphic designer, videographer, copywriter, photographer, content creator;"
                " contracted counts half for an agency, fully for a freelancer"
            ),
            "suggested_level": level_from_table(rows["coverage"], config["coverage_levels"]),
            "confidence": np.where(
                has_team,
                settings()["confidence"]["self_declared"]["value"],
                settings()["confidence"]["missing_data"]["value"],
            ),
            "sources": "004 §7; 003 §2; 002 §5",
            "detail": detail.where(has_team, missing),
        }
    )


def _team_flags(table: pd.DataFrame) -> pd.DataFrame:
    """no_creative_bench and one_person_many_hats, from the declared team."""
    config = settings()["creative"]["many_hats"]
    confidence = settings()["confidence"]["self_declared"]["value"]
    bench = table[table["coverage"] == 0]
    hats = table[
        (table["in_house_people"] <= config["max_people"])
        & (table["in_house_only_roles"] >= config["min_roles"])
    ]
    no_bench = pd.DataFrame(
        {
            _CID: bench[_CID],
            "area": AREA,
            "signal": "creative_role_coverage",
            "subject": "portfolio",
            "value": 0.0,
            "unit": "creative roles",
            "comparison": "at least one creative role, in house or contracted",
            "confidence": confidence,
            **flag_columns("no_creative_bench"),
            "detail": (
                "The team lists no designer, videographer, copywriter, photographer or content"
                " creator, in house or contracted: campaigns needing creative production will"
                " have nobody to make it (004 §7)."
            ),
        }
    )
    many_hats = pd.DataFrame(
        {
            _CID: hats[_CID],
            "area": AREA,
            "signal": "roles_per_person",
            "subject": "portfolio",
            "value": hats["in_house_only_roles"].astype(float),
            "unit": "roles with no contracted help",
            "comparison": (
                f"at most {config['min_roles'] - 1} roles for {config['max_people']} people or"
                " fewer"
            ),
            "confidence": confidence,
            **flag_columns("one_person_many_hats"),
            "detail": (
                fmt(hats["in_house_people"], ".1f") + " in-house people cover "
                + hats["in_house_only_roles"].astype(int).astype(str)
                + " roles with nobody contracted for them (" + hats["solo_roles_list"]
                + "); 003 §2 says these skills cannot belong to one person alone."
            ),
        }
    )
    return pd.concat([no_bench, many_hats], ignore_index=True)


def _output_findings(frames: PortfolioFrames, table: pd.DataFrame) -> pd.DataFrame:
    """Informative: monthly output per creative person against a workload line."""
    limit = settings()["creative"]["output_per_creative_person"]["value"]
    rows = frames.candidates[[_CID, "monthly_output"]].merge(table, on=_CID, how="inner")
    rows = rows[rows["monthly_output"].notna() & (rows["creative_people"] > 0)]
    per_person = rows["monthly_output"].astype(float) / rows["creative_people"]
    verdict = np.where(
        per_person > limit,
        f" That is above {limit} a month per person: ask how it is produced and checked.",
        " That leaves room for testing and adjusting (004 §2).",
    )
    return pd.DataFrame(
        {
            _CID: rows[_CID],
            "area": AREA,
            "signal": "output_per_creative_person",
            "subject": "portfolio",
            "value": per_person,
            "unit": "pieces a month per creative person",
            "comparison": f"about {limit} a month per creative person at most",
            "confidence": settings()["confidence"]["self_declared"]["value"],
            "sources": "004 §2; 004 §7",
            "detail": (
                rows["monthly_output"].astype(int).astype(str) + " pieces a month for "
                + fmt(rows["creative_people"], ".1f") + " creative people: "
                + fmt(per_person, ".0f") + " each." + pd.Series(verdict, index=rows.index)
            ),
        }
    )


def _format_findings(frames: PortfolioFrames) -> pd.DataFrame:
    """Informative formats used, plus the per-platform adaptation check (003 §6)."""
    config = settings()["creative"]["channel_adaptation"]
    half_at = settings()["creative"]["posts_confidence_half_at"]["value"]
    posts = frames.posts[[_CID, "account", "format"]].merge(
        frames.accounts[[_CID, "account", "platform"]], on=[_CID, "account"], how="left"
    )
    posts = posts[posts["format"].notna() & posts["platform"].notna()]
    if posts.empty:
        return pd.DataFrame()
    counts = posts.groupby([_CID, "platform", "format"]).size().unstack("format", fill_value=0)
    per_platform = counts.sum(axis=1)
    by_candidate = counts.groupby(level=_CID).sum()
    n_posts = by_candidate.sum(axis=1)
    formats = pd.DataFrame(
        {
            _CID: by_candidate.index,
            "area": AREA,
            "signal": "content_formats",
            "subject": "recent posts",
            "value": (by_candidate > 0).sum(axis=1).astype(float).to_numpy(),
            "unit": "distinct formats",
            "comparison": "the formats of the candidate's own recent posts",
            "confidence": (n_posts / (n_posts + half_at)).to_numpy(),
            "sources": "003 §6; 002 §5",
            "detail": (
                _joined(by_candidate > 0) + " across " + n_posts.astype(str)
                + " recent posts on " + counts.groupby(level=_CID).size().astype(str)
                + " platform(s)."
            ).to_numpy(),
        }
    )

    platforms_seen = counts.groupby(level=_CID).size()
    enough = counts[per_platform >= config["min_posts_per_platform"]]
    shares = enough.div(enough.sum(axis=1), axis=0).reset_index()
    comparable = shares.groupby(_CID).size()
    pairs = shares.merge(shares, on=_CID, suffixes=("_a", "_b"))
    pairs = pairs[pairs["platform_a"] < pairs["platform_b"]]
    format_columns = list(enough.columns)
    distance = 0.5 * np.abs(
        pairs[[f"{c}_a" for c in format_columns]].to_numpy(float)
        - pairs[[f"{c}_b" for c in format_columns]].to_numpy(float)
    ).sum(axis=1)
    widest = pd.Series(distance, index=pairs.index).groupby(pairs[_CID]).max()
    same_mix = widest <= config["max_same_mix_distance"]
    n_enough = comparable.reindex(widest.index)
    posts_compared = enough.sum(axis=1).groupby(level=_CID).sum().reindex(widest.index)
    limit = config["max_same_mix_distance"]
    common = {
        "area": AREA,
        "signal": "channel_format_distance",
        "subject": "recent posts",
        "unit": "total variation distance",
        "comparison": f"format mixes closer than {limit:.2f} on every pair of platforms",
    }
    adaptation = pd.DataFrame(
        {
            _CID: widest.index,
            **common,
            "value": widest.to_numpy(),
            "confidence": (posts_compared / (posts_compared + half_at)).to_numpy(),
            "sources": "003 §6",
            "detail": (
                "Across " + n_enough.astype(str) + " platforms, the two most different format"
                " mixes differ by " + fmt(widest * 100, ".0f") + " percentage points: "
                + pd.Series(
                    np.where(
                        same_mix,
                        "the same content mix goes to every network.",
                        "content is shaped differently per network.",
                    ),
                    index=widest.index,
                )
            ).to_numpy(),
        }
    )
    flagged = adaptation[same_mix.to_numpy()].drop(columns=["sources"]).assign(
        **flag_columns("no_channel_adaptation")
    )
    adaptation = adaptation[~same_mix.to_numpy()]

    not_compared = widest.index.get_indexer(platforms_seen.index) < 0
    thin_ids = platforms_seen[(platforms_seen >= 2) & not_compared]
    thin = pd.DataFrame(
        {
            _CID: thin_ids.index,
            **common,
            "value": np.nan,
            "confidence": settings()["confidence"]["missing_data"]["value"],
            "sources": "003 §6",
            "detail": (
                "Recent posts cover several platforms but fewer than two have"
                f" {config['min_posts_per_platform']} or more, so adaptation per channel"
                " cannot be judged."
            ),
        }
    )
    return pd.concat([formats, adaptation, flagged, thin], ignore_index=True)


def analyse(frames: PortfolioFrames, context: SignalContext) -> pd.DataFrame:
    """Findings on creative capacity for every candidate in ``frames``."""
    del context  # creative capacity needs neither the brief nor the date
    table = _team_table(frames)
    parts = [
        _coverage_findings(frames, table),
        _team_flags(table),
        _output_findings(frames, table),
        _format_findings(frames),
    ]
    filled = [part for part in parts if not part.empty]
    return findings_frame(pd.concat(filled, ignore_index=True) if filled else [])

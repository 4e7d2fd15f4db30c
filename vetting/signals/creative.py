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
from vetting.signals._thresholds import (
    candidate_positions,
    count_per_candidate,
    flag_columns,
    fmt,
    level_from_table,
    settings,
)

AREA = "creative_capacity"
_CID = "candidate_id"
_KIND_PHRASE = {"agency": "an agency", "freelancer": "a freelancer"}
_TEAM_COLUMNS = (
    "kind", "coverage", "in_house_creative", "contracted_creative", "in_house_only_roles",
    "in_house_people", "creative_people", "in_house_list", "contracted_list", "solo_roles_list",
)






def _joined(flags: pd.DataFrame) -> pd.Series:
    """Column names whose cell is True, comma-joined per row, without a per-row loop.

    Rows are encoded as bit masks, so each distinct combination is spelled out once.
    """
    matrix = flags.to_numpy(dtype=bool).astype(np.int64)
    masks = matrix @ (np.int64(1) << np.arange(matrix.shape[1], dtype=np.int64))
    distinct, codes = np.unique(masks, return_inverse=True)
    names = [str(column).replace("_", " ") for column in flags.columns]
    texts = [
        ", ".join(name for bit, name in enumerate(names) if mask >> bit & 1) or "none"
        for mask in distinct.tolist()
    ]
    joined = np.array(texts, dtype=object)[codes.reshape(-1)] if len(texts) else masks
    return pd.Series(joined, index=flags.index, dtype=object).astype(str)


def _ordered_by_id(frames: PortfolioFrames, positions: np.ndarray) -> np.ndarray:
    """Candidate positions sorted by candidate_id, as a groupby on the ids would list them."""
    ids = frames.candidates["candidate_id"].to_numpy(dtype=object)[positions]
    return positions[np.argsort(ids, kind="stable")]


def _team_table(frames: PortfolioFrames) -> pd.DataFrame:
    """One row per candidate with a team: role coverage, in-house people, creative people."""
    config = settings()["creative"]
    creative_roles = list(config["creative_roles"]["value"])
    team = frames.team
    positions = candidate_positions(team, frames.candidates)
    listed = np.flatnonzero(count_per_candidate(positions, len(frames.candidates)) > 0)
    if team.empty or not len(listed):
        return pd.DataFrame(columns=[_CID, *_TEAM_COLUMNS])
    listed = _ordered_by_id(frames, listed)
    n_candidates, n_roles = len(frames.candidates), len(ROLES)
    role_codes = pd.Index(list(ROLES)).get_indexer(team["role"])
    in_house_rows = (team["employment"] == "in_house").to_numpy(dtype=bool)
    headcount = np.nan_to_num(team["headcount"].to_numpy(dtype=float, na_value=np.nan))
    in_house_headcount = np.where(in_house_rows, headcount, 0.0)
    contracted_headcount = np.where(in_house_rows, 0.0, headcount)

    def per_role(weights: np.ndarray) -> pd.DataFrame:
        """Headcount per candidate (rows, in id order) and role (columns in ROLES order)."""
        keys = np.where((positions >= 0) & (role_codes >= 0), positions * n_roles + role_codes, -1)
        sums = count_per_candidate(keys, n_candidates * n_roles, weights)
        return pd.DataFrame(
            sums.reshape(n_candidates, n_roles)[listed],
            index=pd.Index(frames.candidates[_CID].to_numpy()[listed], name=_CID),
            columns=list(ROLES),
        )

    in_house = per_role(in_house_headcount) > 0
    contracted = per_role(contracted_headcount) > 0
    kind = pd.Series(frames.candidates["kind"].to_numpy()[listed], index=in_house.index)
    weights = config["contracted_weight"]
    contracted_weight = kind.map({"agency": weights["agency"], "freelancer": weights["freelancer"]})
    role_weight = in_house.astype(float).where(
        in_house, contracted.astype(float).mul(contracted_weight.fillna(weights["agency"]), axis=0)
    )

    creative_rows = team["role"].isin(creative_roles).to_numpy()
    creative_in_house = count_per_candidate(
        np.where(creative_rows, positions, -1), n_candidates, in_house_headcount
    )[listed]
    creative_contracted = count_per_candidate(
        np.where(creative_rows, positions, -1), n_candidates, contracted_headcount
    )[listed]
    is_freelancer = (kind == "freelancer").to_numpy()
    in_house_creative = np.where(
        is_freelancer, np.minimum(creative_in_house, 1.0), creative_in_house
    )
    all_in_house = count_per_candidate(positions, n_candidates, in_house_headcount)[listed]
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
            "creative_people": in_house_creative + creative_contracted,
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


def _account_rows_of_posts(frames: PortfolioFrames) -> np.ndarray:
    """Row position in ``frames.accounts`` of each post's account, -1 when there is none."""
    n_candidates = max(len(frames.candidates), 1)
    account_candidates = candidate_positions(frames.accounts, frames.candidates).astype(np.int64)
    post_candidates = candidate_positions(frames.posts, frames.candidates).astype(np.int64)
    account_keys = (
        account_candidates + frames.accounts["account"].to_numpy(dtype=np.int64) * n_candidates
    )
    # Accounts of unknown candidates get distinct negative keys that no post can match.
    account_keys = np.where(
        account_candidates >= 0, account_keys, -1 - np.arange(len(account_keys))
    )
    post_keys = post_candidates + frames.posts["account"].to_numpy(dtype=np.int64) * n_candidates
    rows = pd.Index(account_keys).get_indexer(post_keys)
    return np.where(post_candidates >= 0, rows, -1)


def _format_counts(frames: PortfolioFrames) -> pd.DataFrame:
    """Recent posts per (candidate_id, platform) row and format column, sorted like a groupby.

    Counted with numpy on integer codes: candidates by the sort rank of their id,
    platforms and formats by their sorted names.
    """
    accounts, posts = frames.accounts, frames.posts
    platform_names = np.array(sorted(accounts["platform"].dropna().unique().tolist()), dtype=object)
    format_codes, format_names = pd.factorize(posts["format"])
    format_order = np.argsort(np.asarray(format_names, dtype=object), kind="stable")
    format_names = np.asarray(format_names, dtype=object)[format_order]
    format_rank = np.empty(len(format_order), dtype=np.int64)
    format_rank[format_order] = np.arange(len(format_order))
    account_platform = pd.Index(platform_names).get_indexer(accounts["platform"])

    account_rows = _account_rows_of_posts(frames)
    id_order = np.argsort(frames.candidates[_CID].to_numpy(dtype=object), kind="stable")
    id_rank = np.empty(len(id_order), dtype=np.int64)
    id_rank[id_order] = np.arange(len(id_order))
    post_candidates = candidate_positions(posts, frames.candidates)
    post_platform = np.where(account_rows >= 0, account_platform[account_rows], -1)
    usable = (format_codes >= 0) & (post_platform >= 0) & (post_candidates >= 0)
    n_platforms, n_formats = len(platform_names), len(format_names)
    if not usable.any():
        return pd.DataFrame()
    keys = (
        id_rank[post_candidates[usable]] * n_platforms + post_platform[usable]
    ) * n_formats + format_rank[format_codes[usable]]
    cube = np.bincount(keys, minlength=len(id_order) * n_platforms * n_formats).reshape(
        len(id_order), n_platforms, n_formats
    )
    seen_formats = cube.sum(axis=(0, 1)) > 0
    cube = cube[:, :, seen_formats]
    pair_rank, pair_platform = np.nonzero(cube.sum(axis=2) > 0)
    index = pd.MultiIndex.from_arrays(
        [
            frames.candidates[_CID].iloc[id_order[pair_rank]].to_numpy(),
            pd.array(platform_names[pair_platform], dtype=frames.accounts["platform"].dtype),
        ],
        names=[_CID, "platform"],
    )
    columns = pd.Index(format_names[seen_formats], dtype=posts["format"].dtype, name="format")
    return pd.DataFrame(cube[pair_rank, pair_platform], index=index, columns=columns)


def _format_findings(frames: PortfolioFrames) -> pd.DataFrame:
    """Informative formats used, plus the per-platform adaptation check (003 §6)."""
    config = settings()["creative"]["channel_adaptation"]
    half_at = settings()["creative"]["posts_confidence_half_at"]["value"]
    counts = _format_counts(frames)
    if counts.empty:
        return pd.DataFrame()
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

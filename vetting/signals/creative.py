"""Creative capacity: who designs, films, writes and photographs, and is content built per channel.

004 §7 warns that a social media marketer will need creative help; 003 §2 that the skills
"cannot belong to one person alone" (graphic designers, video creators, copywriters);
002 §5 lists the many hats; 003 §4 notes small teams do it all; 003 §6 that content must be
built for each network. Freelancers are judged by their own anchor: contracted design and
video partners are the creative help 004 §7 asks for, so they count fully for a freelancer
and half for an agency. Thresholds: ``vetting/data/signal_thresholds.yaml``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from vetting.frames import PortfolioFrames
from vetting.models import ROLES
from vetting.signals import SignalContext, findings_frame
from vetting.signals._thresholds import (
    candidate_positions,
    count_per_candidate,
    flag_columns,
    id_rank,
    level_from_table,
    matching_rows,
    names_of_true,
    number_texts,
    settings,
)

AREA = "creative_capacity"
_CID = "candidate_id"
_KIND_PHRASE = {"agency": "an agency", "freelancer": "a freelancer"}






def _joined_names(flags: np.ndarray, names: list[str]) -> np.ndarray:
    """Names whose cell is True, comma-joined per row ("none" if none), underscores as
    spaces."""
    return names_of_true(flags, [str(name).replace("_", " ") for name in names])


def _ordered_by_id(frames: PortfolioFrames, positions: np.ndarray) -> np.ndarray:
    """Candidate positions sorted by candidate_id, as a groupby on the ids would list them."""
    return positions[np.argsort(id_rank(frames.candidates["candidate_id"])[positions])]


def _row_sums(matrix: np.ndarray) -> np.ndarray:
    """Sum across columns, left to right, as DataFrame.sum(axis=1) adds them."""
    total = np.zeros(len(matrix))
    for column in range(matrix.shape[1]):
        total += matrix[:, column]
    return total


def _team_table(frames: PortfolioFrames) -> pd.DataFrame:
    """Per candidate (rows in ``frames.candidates`` order): whether a team is listed, role
    coverage, in-house people and creative people; the other columns matter only when
    ``listed`` is True.
    """
    config = settings()["creative"]
    creative_roles = list(config["creative_roles"]["value"])
    team = frames.team
    n_candidates, n_roles = len(frames.candidates), len(ROLES)
    positions = candidate_positions(team, frames.candidates)
    role_codes = pd.Index(list(ROLES)).get_indexer(team["role"])
    in_house_rows = (team["employment"] == "in_house").to_numpy(dtype=bool)
    headcount = np.nan_to_num(team["headcount"].to_numpy(dtype=float, na_value=np.nan))
    in_house_headcount = np.where(in_house_rows, headcount, 0.0)
    contracted_headcount = np.where(in_house_rows, 0.0, headcount)

    def per_role(weights: np.ndarray) -> np.ndarray:
        """Headcount per candidate (rows) and role (columns in ROLES order)."""
        keys = np.where((positions >= 0) & (role_codes >= 0), positions * n_roles + role_codes, -1)
        sums = count_per_candidate(keys, n_candidates * n_roles, weights)
        return sums.reshape(n_candidates, n_roles)

    creative = [list(ROLES).index(role) for role in creative_roles]
    in_house = per_role(in_house_headcount) > 0
    contracted = per_role(contracted_headcount) > 0
    kind = frames.candidates["kind"]
    weights = config["contracted_weight"]
    contracted_weight = (
        kind.map({"agency": weights["agency"], "freelancer": weights["freelancer"]})
        .fillna(weights["agency"])
        .to_numpy(dtype=float)
    )
    role_weight = np.where(in_house, 1.0, contracted * contracted_weight[:, np.newaxis])
    creative_contracted_only = contracted[:, creative] & ~in_house[:, creative]
    solo_roles = in_house & ~contracted

    creative_rows = team["role"].isin(creative_roles).to_numpy()
    creative_positions = np.where(creative_rows, positions, -1)
    creative_in_house = count_per_candidate(creative_positions, n_candidates, in_house_headcount)
    creative_contracted = count_per_candidate(
        creative_positions, n_candidates, contracted_headcount
    )
    is_freelancer = (kind == "freelancer").to_numpy(dtype=bool)
    in_house_creative = np.where(
        is_freelancer, np.minimum(creative_in_house, 1.0), creative_in_house
    )
    all_in_house = count_per_candidate(positions, n_candidates, in_house_headcount)
    listed = count_per_candidate(positions, n_candidates) > 0
    return pd.DataFrame(
        {
            _CID: frames.candidates[_CID].array,
            "kind": kind.array,
            "listed": listed,
            "coverage": _row_sums(role_weight[:, creative]),
            "in_house_only_roles": solo_roles.sum(axis=1),
            "in_house_people": np.where(is_freelancer, 1.0, all_in_house),
            "creative_people": in_house_creative + creative_contracted,
            "in_house_list": _joined_names(in_house[:, creative], creative_roles),
            "contracted_list": _joined_names(creative_contracted_only, creative_roles),
            "solo_roles_list": _joined_names(solo_roles, list(ROLES)),
        }
    )


def _coverage_findings(table: pd.DataFrame) -> pd.DataFrame:
    """Level-bearing: coverage of the creative roles; explicit when no team is listed."""
    config = settings()["creative"]
    has_team = table["listed"].to_numpy()
    coverage = table["coverage"].where(has_team)
    n_roles = len(config["creative_roles"]["value"])
    teams = table[has_team]
    detail = np.full(
        len(table),
        "No team roles listed: ask who designs, films, writes and photographs, in house or"
        " contracted (004 §7).",
        dtype=object,
    )
    detail[has_team] = (
        "Creative roles in house: " + teams["in_house_list"].to_numpy() + "; contracted: "
        + teams["contracted_list"].to_numpy() + " (weighted coverage "
        + number_texts(teams["coverage"].to_numpy(), ".1f") + f" of {n_roles}, as "
        + teams["kind"].map(_KIND_PHRASE).fillna("a candidate").to_numpy(dtype=object)
        + ")."
    )
    return pd.DataFrame(
        {
            _CID: table[_CID].array,
            "area": AREA,
            "signal": "creative_role_coverage",
            "subject": "portfolio",
            "value": coverage.to_numpy(),
            "unit": f"weighted creative roles (of {n_roles})",
            "comparison": (
                "graphic designer, videographer, copywriter, photographer, content creator;"
                " contracted counts half for an agency, fully for a freelancer"
            ),
            "suggested_level": level_from_table(coverage, config["coverage_levels"]).to_numpy(),
            "confidence": np.where(
                has_team,
                settings()["confidence"]["self_declared"]["value"],
                settings()["confidence"]["missing_data"]["value"],
            ),
            "sources": "004 §7; 003 §2; 002 §5",
            "detail": detail,
        }
    )


def _team_flags(frames: PortfolioFrames, table: pd.DataFrame) -> pd.DataFrame:
    """no_creative_bench and one_person_many_hats, from the declared team (in id order)."""
    config = settings()["creative"]["many_hats"]
    confidence = settings()["confidence"]["self_declared"]["value"]
    table = table.iloc[_ordered_by_id(frames, np.flatnonzero(table["listed"].to_numpy()))]
    bench = table[(table["coverage"] == 0).to_numpy()]
    hats = table[
        (
            (table["in_house_people"] <= config["max_people"])
            & (table["in_house_only_roles"] >= config["min_roles"])
        ).to_numpy()
    ]
    no_bench = pd.DataFrame(
        {
            _CID: bench[_CID].array,
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
    solo_roles = hats["in_house_only_roles"].to_numpy()
    many_hats = pd.DataFrame(
        {
            _CID: hats[_CID].array,
            "area": AREA,
            "signal": "roles_per_person",
            "subject": "portfolio",
            "value": solo_roles.astype(float),
            "unit": "roles with no contracted help",
            "comparison": (
                f"at most {config['min_roles'] - 1} roles for {config['max_people']} people or"
                " fewer"
            ),
            "confidence": confidence,
            **flag_columns("one_person_many_hats"),
            # As text, not objects, so that an empty part keeps the text dtype in the concat.
            "detail": pd.array(
                number_texts(hats["in_house_people"].to_numpy(), ".1f") + " in-house people cover "
                + number_texts(solo_roles, "d")
                + " roles with nobody contracted for them ("
                + hats["solo_roles_list"].to_numpy()
                + "); 003 §2 says these skills cannot belong to one person alone.",
                dtype="str",
            ),
        }
    )
    return pd.concat([no_bench, many_hats], ignore_index=True)


def _output_findings(frames: PortfolioFrames, table: pd.DataFrame) -> pd.DataFrame:
    """Informative: monthly output per creative person against a workload line."""
    limit = settings()["creative"]["output_per_creative_person"]["value"]
    output = frames.candidates["monthly_output"]
    counted = (
        table["listed"].to_numpy()
        & output.notna().to_numpy()
        & (table["creative_people"].to_numpy() > 0)
    )
    rows = table[counted]
    monthly = output[counted].to_numpy()
    people = rows["creative_people"].to_numpy()
    per_person = monthly.astype(float) / people
    verdict = np.where(
        per_person > limit,
        f" That is above {limit} a month per person: ask how it is produced and checked.",
        " That leaves room for testing and adjusting (004 §2).",
    ).astype(object)
    return pd.DataFrame(
        {
            _CID: rows[_CID].array,
            "area": AREA,
            "signal": "output_per_creative_person",
            "subject": "portfolio",
            "value": per_person,
            "unit": "pieces a month per creative person",
            "comparison": f"about {limit} a month per creative person at most",
            "confidence": settings()["confidence"]["self_declared"]["value"],
            "sources": "004 §2; 004 §7",
            "detail": (
                number_texts(monthly.astype(int), "d") + " pieces a month for "
                + number_texts(people, ".1f") + " creative people: "
                + number_texts(per_person, ".0f") + " each." + verdict
            ),
        }
    )


@dataclass
class _FormatCounts:
    """Recent posts per candidate (in candidate_id order), platform and format."""

    ids: pd.api.extensions.ExtensionArray  # candidate ids, sorted
    counts: np.ndarray  # candidates × platforms × formats
    formats: list[str]  # the format axis: sorted names, formats with no post left out


def _format_counts(frames: PortfolioFrames) -> _FormatCounts | None:
    """Recent posts per candidate, platform and format, counted with numpy on integer codes.

    Candidates are ranked by their id (as a groupby on the ids would list them),
    platforms and formats by their sorted names. None when no post can be counted.
    """
    accounts, posts = frames.accounts, frames.posts
    platform_names = np.array(sorted(accounts["platform"].dropna().unique().tolist()), dtype=object)
    format_codes, format_names = pd.factorize(posts["format"])
    format_order = np.argsort(np.asarray(format_names, dtype=object), kind="stable")
    format_names = np.asarray(format_names, dtype=object)[format_order]
    format_rank = np.empty(len(format_order), dtype=np.int64)
    format_rank[format_order] = np.arange(len(format_order))
    account_platform = pd.Index(platform_names).get_indexer(accounts["platform"])

    account_rows = matching_rows(posts, accounts, "account", frames.candidates)
    rank = id_rank(frames.candidates[_CID])
    id_order = np.argsort(rank)
    post_candidates = candidate_positions(posts, frames.candidates)
    post_platform = np.where(account_rows >= 0, account_platform[account_rows], -1)
    usable = (format_codes >= 0) & (post_platform >= 0) & (post_candidates >= 0)
    n_platforms, n_formats = len(platform_names), len(format_names)
    if not usable.any():
        return None
    keys = (
        rank[post_candidates[usable]] * n_platforms + post_platform[usable]
    ) * n_formats + format_rank[format_codes[usable]]
    cube = np.bincount(keys, minlength=len(id_order) * n_platforms * n_formats).reshape(
        len(id_order), n_platforms, n_formats
    )
    seen_formats = cube.sum(axis=(0, 1)) > 0
    return _FormatCounts(
        ids=frames.candidates[_CID].array.take(id_order),
        counts=cube[:, :, seen_formats],
        formats=format_names[seen_formats].tolist(),
    )


def _widest_distance(shares: np.ndarray, enough: np.ndarray) -> np.ndarray:
    """Largest total variation distance between the format mixes of two platforms.

    ``shares`` is candidates × platforms × formats, ``enough`` marks the platforms with
    enough posts to compare; the distance sums formats in order, as pandas would.
    """
    widest = np.full(len(shares), -np.inf)
    n_platforms, n_formats = shares.shape[1], shares.shape[2]
    for first in range(n_platforms):
        for second in range(first + 1, n_platforms):
            total = np.zeros(len(shares))
            for column in range(n_formats):
                total += np.abs(shares[:, first, column] - shares[:, second, column])
            both = enough[:, first] & enough[:, second]
            widest = np.where(both, np.maximum(widest, 0.5 * total), widest)
    return widest


def _format_findings(frames: PortfolioFrames) -> pd.DataFrame:
    """Informative formats used, plus the per-platform adaptation check (003 §6)."""
    config = settings()["creative"]["channel_adaptation"]
    half_at = settings()["creative"]["posts_confidence_half_at"]["value"]
    counted = _format_counts(frames)
    if counted is None:
        return pd.DataFrame()
    cube, ids = counted.counts, counted.ids
    per_platform = cube.sum(axis=2)
    platforms_seen = (per_platform > 0).sum(axis=1)
    listed = np.flatnonzero(platforms_seen > 0)
    by_candidate = cube[listed].sum(axis=1)
    n_posts = by_candidate.sum(axis=1)
    formats = pd.DataFrame(
        {
            _CID: ids.take(listed),
            "area": AREA,
            "signal": "content_formats",
            "subject": "recent posts",
            "value": (by_candidate > 0).sum(axis=1).astype(float),
            "unit": "distinct formats",
            "comparison": "the formats of the candidate's own recent posts",
            "confidence": n_posts / (n_posts + half_at),
            "sources": "003 §6; 002 §5",
            "detail": (
                _joined_names(by_candidate > 0, counted.formats) + " across "
                + number_texts(n_posts, "d") + " recent posts on "
                + number_texts(platforms_seen[listed], "d") + " platform(s)."
            ),
        }
    )

    enough = (per_platform > 0) & (per_platform >= config["min_posts_per_platform"])
    n_enough = enough.sum(axis=1)
    compared = np.flatnonzero(n_enough >= 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        shares = cube[compared] / per_platform[compared][:, :, np.newaxis]
    widest = _widest_distance(shares, enough[compared])
    limit = config["max_same_mix_distance"]
    same_mix = widest <= limit
    posts_compared = np.where(enough, per_platform, 0).sum(axis=1)[compared]
    common = {
        "area": AREA,
        "signal": "channel_format_distance",
        "subject": "recent posts",
        "unit": "total variation distance",
        "comparison": f"format mixes closer than {limit:.2f} on every pair of platforms",
    }
    adaptation = pd.DataFrame(
        {
            _CID: ids.take(compared),
            **common,
            "value": widest,
            "confidence": posts_compared / (posts_compared + half_at),
            "sources": "003 §6",
            "detail": (
                "Across " + number_texts(n_enough[compared], "d") + " platforms, the two most"
                " different format mixes differ by " + number_texts(widest * 100, ".0f")
                + " percentage points: "
                + np.where(
                    same_mix,
                    "the same content mix goes to every network.",
                    "content is shaped differently per network.",
                ).astype(object)
            ),
        }
    )
    flagged = adaptation[same_mix].drop(columns=["sources"]).assign(
        **flag_columns("no_channel_adaptation")
    )
    adaptation = adaptation[~same_mix]

    thin = pd.DataFrame(
        {
            _CID: ids.take(np.flatnonzero((platforms_seen >= 2) & (n_enough < 2))),
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
        _coverage_findings(table),
        _team_flags(frames, table),
        _output_findings(frames, table),
        _format_findings(frames),
    ]
    filled = [part for part in parts if not part.empty]
    return findings_frame(pd.concat(filled, ignore_index=True) if filled else [])

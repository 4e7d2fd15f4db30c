"""A shortlist compared: side by side, ranked, tested against its weights, priced.

Pure functions over scorecards (from :mod:`vetting.scoring`), the rubric, an optional
hiring brief and the candidates table of :mod:`vetting.frames`. Nothing here re-judges
evidence: levels, flags and the low-price warning come from the scorecards; the only
arithmetic is how the totals move when a weight moves (see :func:`weight_sensitivity`
and ``docs/comparison.md``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from vetting.display import isolate
from vetting.models import Brief, RaisedFlag, Rubric, Scorecard
from vetting.scoring import apply_knockout_cap, level_points, weighted_total

NOT_ENOUGH_DATA = "not enough data"
CLOSE_CALL_POINTS = 5.0
"""Leads smaller than this many points are "too close to call": a single criterion
moving one level under a typical weight shifts a total by about this much."""

LOW_PRICE_FLAG = "price_far_below_market"

_TIE = 1e-9  # totals closer than this (in points) are equal; the tie-break decides
_MERGE = 1e-9  # breakpoints closer than this (relative) are one point


# --------------------------------------------------------------------------- weights


def reweight(scorecards: Sequence[Scorecard], rubric: Rubric) -> list[Scorecard]:
    """Scorecards re-totalled under the rubric's current weights, levels unchanged.

    The weight sliders change weights, not evidence, so there is no need to re-run the
    signals; the arithmetic is the scorer's own (``weighted_total``, knockout cap).
    """
    cards = []
    for card in scorecards:
        levels = _levels_by_criterion(card)
        criterion_levels = [levels.get(c.id) for c in rubric.criteria]
        weights = [c.weight for c in rubric.criteria]
        uncapped, confidence = weighted_total(criterion_levels, weights)
        total = apply_knockout_cap(uncapped, card.knockout, rubric.knockout_cap)
        by_id = {c.id: c.weight for c in rubric.criteria}
        criteria = [
            score.model_copy(update={"weight": by_id.get(score.criterion_id, score.weight)})
            for score in card.criteria
        ]
        cards.append(
            card.model_copy(
                update={
                    "total": None if total is None else round(total, 1),
                    "uncapped_total": None if uncapped is None else round(uncapped, 1),
                    "confidence": round(confidence, 3),
                    "criteria": criteria,
                }
            )
        )
    return cards


def _levels_by_criterion(card: Scorecard) -> dict[str, int]:
    return {c.criterion_id: c.level for c in card.criteria if c.level is not None}


def _column_labels(scorecards: Sequence[Scorecard]) -> list[str]:
    """Candidate names as column labels, made unique with the id where names repeat."""
    names = [card.candidate_name for card in scorecards]
    return [
        f"{card.candidate_name} ({card.candidate_id})"
        if names.count(card.candidate_name) > 1
        else card.candidate_name
        for card in scorecards
    ]


# --------------------------------------------------------------------------- side by side


def side_by_side(scorecards: Sequence[Scorecard], rubric: Rubric) -> pd.DataFrame:
    """One row per criterion, one column per candidate (in ranking order), with the level.

    Columns ``row`` (criterion id, or ``total``/``confidence``/``knockout``),
    ``criterion``, ``weight``, ``weight_share``, then the candidates. A criterion a
    candidate could not be judged on reads "not enough data", never a middle level.
    """
    ordered = _ordered(scorecards)
    labels = _column_labels(ordered)
    all_weight = sum(c.weight for c in rubric.criteria)
    rows: list[dict[str, object]] = []
    levels = [_levels_by_criterion(card) for card in ordered]
    for criterion in rubric.criteria:
        row: dict[str, object] = {
            "row": criterion.id,
            "criterion": criterion.title,
            "weight": criterion.weight,
            "weight_share": round(criterion.weight / all_weight, 4),
        }
        for label, by_id in zip(labels, levels, strict=True):
            row[label] = by_id.get(criterion.id, NOT_ENOUGH_DATA)
        rows.append(row)
    summary = (
        ("total", "Total (0 to 100)", lambda card: _or_missing(card.total)),
        ("confidence", "Share of the weight judged on evidence", lambda card: card.confidence),
        ("knockout", "Knockout flag raised", lambda card: "yes" if card.knockout else "no"),
    )
    for row_id, title, value in summary:
        row = {"row": row_id, "criterion": title, "weight": None, "weight_share": None}
        for label, card in zip(labels, ordered, strict=True):
            row[label] = value(card)
        rows.append(row)
    return pd.DataFrame(rows, columns=["row", "criterion", "weight", "weight_share", *labels])


def _or_missing(value: float | None) -> object:
    return NOT_ENOUGH_DATA if value is None else value


def evidence_by_criterion(scorecards: Sequence[Scorecard], rubric: Rubric) -> pd.DataFrame:
    """Per candidate and criterion: the strongest finding and the red flags raised.

    The strongest finding is the most confident level-bearing one (first listed on a
    tie). Flags from areas the rubric has no criterion for are listed under ``other``,
    so nothing a signal raised is hidden by the choice of rubric.
    """
    rows: list[dict[str, object]] = []
    titles = {c.id: c.title for c in rubric.criteria}
    for card in _ordered(scorecards):
        scores = {score.criterion_id: score for score in card.criteria}
        for criterion_id, title in titles.items():
            score = scores.get(criterion_id)
            leveled = [
                f for f in (score.findings if score else []) if f.suggested_level is not None
            ]
            strongest = max(leveled, key=lambda f: f.confidence) if leveled else None
            rows.append(
                {
                    "candidate_id": card.candidate_id,
                    "candidate": card.candidate_name,
                    "criterion_id": criterion_id,
                    "criterion": title,
                    "level": score.level if score and score.level is not None else NOT_ENOUGH_DATA,
                    "strongest_finding": strongest.detail if strongest else "",
                    "finding_confidence": strongest.confidence if strongest else None,
                    "finding_sources": "; ".join(strongest.sources) if strongest else "",
                    "flags": _describe_flags(score.flags if score else []),
                }
            )
        unplaced = [flag for flag in card.flags if flag.criterion_id not in titles]
        if unplaced:
            rows.append(
                {
                    "candidate_id": card.candidate_id,
                    "candidate": card.candidate_name,
                    "criterion_id": "other",
                    "criterion": "Flags outside this rubric's criteria",
                    "level": None,
                    "strongest_finding": "",
                    "finding_confidence": None,
                    "finding_sources": "",
                    "flags": _describe_flags(unplaced),
                }
            )
    return pd.DataFrame(rows)


def _describe_flags(flags: Sequence[RaisedFlag]) -> str:
    return "\n".join(
        f"{flag.severity}: {flag.flag} ({'; '.join(flag.sources)}). {flag.detail}".strip()
        for flag in flags
    )


# --------------------------------------------------------------------------- ranking


@dataclass(frozen=True)
class RankedCandidate:
    position: int
    candidate_id: str
    candidate_name: str
    total: float | None
    confidence: float
    knockout: bool
    lead_over_next: float | None
    """Points ahead of the next candidate; None for the last or when a total is missing."""
    too_close_to_call: bool
    """The lead over the next candidate is under the close-call margin."""


def _order_key(card: Scorecard) -> tuple[bool, float, float, str, str]:
    total = card.total if card.total is not None else 0.0
    return (
        card.total is None,
        -total,
        -card.confidence,
        card.candidate_name.casefold(),
        card.candidate_id,
    )


def _ordered(scorecards: Sequence[Scorecard]) -> list[Scorecard]:
    return sorted(scorecards, key=_order_key)


def rank(
    scorecards: Sequence[Scorecard], close_margin: float = CLOSE_CALL_POINTS
) -> list[RankedCandidate]:
    """Best total first (no total last); ties go to the higher confidence, then the name.

    A lead smaller than ``close_margin`` points is marked too close to call: the
    evidence does not separate the two, the interview must.
    """
    ordered = _ordered(scorecards)
    ranking = []
    for position, card in enumerate(ordered, start=1):
        following = ordered[position] if position < len(ordered) else None
        lead = (
            round(card.total - following.total, 1)
            if following is not None and card.total is not None and following.total is not None
            else None
        )
        ranking.append(
            RankedCandidate(
                position=position,
                candidate_id=card.candidate_id,
                candidate_name=card.candidate_name,
                total=card.total,
                confidence=card.confidence,
                knockout=card.knockout,
                lead_over_next=lead,
                too_close_to_call=lead is not None and lead < close_margin,
            )
        )
    return ranking


def ranking_summary(ranking: Sequence[RankedCandidate]) -> str:
    """One sentence on the top of the ranking, saying when it is too close to call."""
    if not ranking or ranking[0].total is None:
        return "No candidate could be judged on any criterion."
    first = ranking[0]
    if len(ranking) == 1 or ranking[1].total is None:
        name = isolate(first.candidate_name)
        return f"{name} is the only candidate with a total ({first.total:.1f})."
    second = ranking[1]
    lead = first.lead_over_next or 0.0
    if first.too_close_to_call:
        return (
            f"{isolate(first.candidate_name)} ({first.total:.1f}) and "
            f"{isolate(second.candidate_name)} ({second.total:.1f}) are too close to call: "
            f"{lead:.1f} points apart."
        )
    return (
        f"{isolate(first.candidate_name)} leads {isolate(second.candidate_name)} "
        f"by {lead:.1f} points."
    )


def ranking_frame(ranking: Sequence[RankedCandidate]) -> pd.DataFrame:
    return pd.DataFrame(
        [asdict(entry) for entry in ranking],
        columns=list(RankedCandidate.__dataclass_fields__),
    )


# --------------------------------------------------------------------------- sensitivity


@dataclass(frozen=True)
class WeightSensitivity:
    """How far one criterion's weight can move, the others fixed, before the top changes.

    Bounds are raw weights and shares of the total weight; None means the leader
    holds however far the weight goes that way (down to 0, or without limit).
    """

    criterion_id: str
    criterion_title: str
    weight: float
    share: float
    leader_id: str | None
    leader_name: str | None
    lower_weight: float | None
    lower_share: float | None
    leader_below_id: str | None
    leader_below_name: str | None
    upper_weight: float | None
    upper_share: float | None
    leader_above_id: str | None
    leader_above_name: str | None
    sentence: str


@dataclass(frozen=True)
class _Totals:
    """Each candidate's total as a function of one criterion's weight ``w``.

    total(w) = (other_points + w·judged·points) / (other_weight + w·judged), capped at
    ``cap`` for knockouts; confidence(w) = (other_weight + w·judged) / (rest + w).
    """

    other_points: np.ndarray
    other_weight: np.ndarray
    judged: np.ndarray  # 1.0 when judged on this criterion, else 0.0
    points: np.ndarray
    capped: np.ndarray  # bool
    cap: float
    rest: float  # sum of the other criteria's weights
    name_order: np.ndarray  # position of each candidate in name order

    def at(self, w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Totals and confidences, candidates × weights."""
        w = np.asarray(w, dtype=float)[None, :]
        judged_w = self.judged[:, None] * w
        total = (self.other_points[:, None] + judged_w * self.points[:, None]) / (
            self.other_weight[:, None] + judged_w
        )
        total = np.where(self.capped[:, None], np.minimum(total, self.cap), total)
        confidence = (self.other_weight[:, None] + judged_w) / (self.rest + w)
        return total, confidence

    def leaders(self, w: np.ndarray) -> np.ndarray:
        """Index of the leader at each weight: total, then confidence, then name."""
        total, confidence = self.at(w)
        top = total >= total.max(axis=0) - _TIE
        confidence = np.where(top, confidence, -np.inf)
        top &= confidence >= confidence.max(axis=0) - _TIE
        return np.where(top, self.name_order[:, None], np.inf).argmin(axis=0)


def _matrix(
    scorecards: Sequence[Scorecard], rubric: Rubric
) -> tuple[list[Scorecard], np.ndarray, np.ndarray]:
    """Candidates with at least one judged criterion, their points (NaN = not judged)."""
    weights = np.array([c.weight for c in rubric.criteria], dtype=float)
    cards, rows = [], []
    for card in scorecards:
        levels = _levels_by_criterion(card)
        row = [level_points(levels[c.id]) if c.id in levels else math.nan for c in rubric.criteria]
        if not all(math.isnan(value) for value in row):
            cards.append(card)
            rows.append(row)
    points = np.array(rows, dtype=float).reshape(len(rows), len(weights))
    return cards, points, weights


def _totals_for(
    cards: Sequence[Scorecard],
    points: np.ndarray,
    weights: np.ndarray,
    k: int,
    cap: float | None,
) -> _Totals:
    judged = ~np.isnan(points)
    others = np.ones(len(weights), dtype=bool)
    others[k] = False
    other_points = np.where(judged[:, others], points[:, others], 0.0) @ weights[others]
    other_weight = judged[:, others] @ weights[others]
    names = sorted(
        range(len(cards)), key=lambda i: (cards[i].candidate_name.casefold(), cards[i].candidate_id)
    )
    name_order = np.empty(len(cards))
    name_order[names] = np.arange(len(cards))
    return _Totals(
        other_points=other_points.astype(float),
        other_weight=other_weight.astype(float),
        judged=judged[:, k].astype(float),
        points=np.where(judged[:, k], points[:, k], 0.0),
        capped=np.array([card.knockout for card in cards]) & (cap is not None),
        cap=math.inf if cap is None else float(cap),
        rest=float(weights[others].sum()),
        name_order=name_order,
    )


def _positive_roots(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    """Real roots w > 0 of a·w² + b·w + c = 0, elementwise (identically zero: none)."""
    a, b, c = (np.ravel(x).astype(float) for x in (a, b, c))
    roots = []
    linear = a == 0
    with np.errstate(divide="ignore", invalid="ignore"):
        roots.append(np.where(linear & (b != 0), -c / b, np.nan))
        disc = b * b - 4 * a * c
        # A tangency can come out a hair negative; treat it as a double root.
        disc = np.where(np.abs(disc) <= 1e-12 * (b * b + np.abs(4 * a * c)), 0.0, disc)
        root = np.sqrt(np.where(~linear & (disc >= 0), disc, np.nan))
        q = -0.5 * (b + np.where(b >= 0, root, -root))  # the stable quadratic formula
        roots.append(np.where(q != 0, q / a, -b / (2 * a)))
        roots.append(np.where(q != 0, c / q, np.nan))
    found = np.concatenate(roots)
    return found[np.isfinite(found) & (found > 0)]


def _breakpoints(totals: _Totals, among: np.ndarray | None = None) -> np.ndarray:
    """Weights where two totals (or confidences) cross, or a total meets the cap.

    ``among`` limits the pairs to those involving one candidate (its index); between two
    consecutive breakpoints every compared pair keeps its order.
    """
    ap, aw, j, p = totals.other_points, totals.other_weight, totals.judged, totals.points
    left = np.arange(len(ap)) if among is None else among
    i, k = np.meshgrid(left, np.arange(len(ap)), indexing="ij")
    i, k = i.ravel(), k.ravel()
    keep = i < k if among is None else i != k
    i, k = i[keep], k[keep]
    # (A_i + w j_i p_i)(B_k + w j_k) − (A_k + w j_k p_k)(B_i + w j_i) = 0
    quadratic = _positive_roots(
        j[i] * j[k] * (p[i] - p[k]),
        ap[i] * j[k] + j[i] * p[i] * aw[k] - ap[k] * j[i] - j[k] * p[k] * aw[i],
        ap[i] * aw[k] - ap[k] * aw[i],
    )
    confidence = _positive_roots(np.zeros(len(i)), j[i] - j[k], aw[i] - aw[k])
    # A capped total is flat at the cap, so anyone's total meeting the cap is a crossing.
    capped = np.arange(len(ap)) if totals.capped.any() else np.arange(0)
    at_cap = _positive_roots(
        np.zeros(len(capped)),
        j[capped] * (p[capped] - totals.cap),
        ap[capped] - totals.cap * aw[capped],
    )
    return np.unique(np.concatenate([quadratic, confidence, at_cap]))


def _merge(points: np.ndarray) -> np.ndarray:
    """Sorted breakpoints with near-duplicates (a tangency's double root) merged."""
    points = np.sort(points)
    if len(points) < 2:
        return points
    gaps = np.diff(points) > _MERGE * np.maximum(points[1:], 1.0)
    return points[np.concatenate([[True], gaps])]


def _between(low: float, high: float | None) -> float:
    return 2.0 * low + 1.0 if high is None else 0.5 * (low + high)


def _first_change_up(totals: _Totals, w0: float, leader: int, marks: np.ndarray) -> float | None:
    starts = np.concatenate([[w0], marks[marks > w0 * (1 + _MERGE)]])
    ends = np.append(starts[1:], np.nan)
    reps = np.where(np.isnan(ends), 2.0 * starts + 1.0, 0.5 * (starts + ends))
    changed = np.flatnonzero(totals.leaders(reps) != leader)
    return float(starts[changed[0]]) if len(changed) else None


def _first_change_down(totals: _Totals, w0: float, leader: int, marks: np.ndarray) -> float | None:
    ends = np.concatenate([marks[marks < w0 * (1 - _MERGE)], [w0]])[::-1]
    starts = np.append(ends[1:], 0.0)
    changed = np.flatnonzero(totals.leaders(0.5 * (starts + ends)) != leader)
    return float(ends[changed[0]]) if len(changed) else None


def weight_sensitivity(scorecards: Sequence[Scorecard], rubric: Rubric) -> list[WeightSensitivity]:
    """Per criterion: the weight range over which the current leader stays first.

    Exact, not sampled: each total is a ratio of two linear functions of the weight
    (capped for knockouts), so two totals cross where a quadratic vanishes. The leader
    can only lose at such a crossing (or a tie resolved by confidence); the segments
    between crossings are checked, from the current weight outwards, until the leader
    changes. Totals are the unrounded ones; ties go to confidence, then the name, as in
    :func:`rank`.
    """
    cards, points, weights = _matrix(scorecards, rubric)
    results = []
    for k, criterion in enumerate(rubric.criteria):
        w0 = float(weights[k])
        rest = float(weights.sum() - w0)
        share = w0 / (rest + w0)

        def share_of(w: float | None, rest: float = rest) -> float | None:
            return None if w is None else w / (rest + w)

        if not cards:
            results.append(
                _sensitivity(
                    criterion.id,
                    criterion.title,
                    w0,
                    share,
                    None,
                    None,
                    None,
                    None,
                    None,
                    None,
                    None,
                )
            )
            continue
        totals = _totals_for(cards, points, weights, k, rubric.knockout_cap)
        leader = int(totals.leaders(np.array([w0]))[0])
        own = _merge(_breakpoints(totals, among=np.array([leader])))
        upper = _first_change_up(totals, w0, leader, own)
        lower = _first_change_down(totals, w0, leader, own)
        every = _merge(_breakpoints(totals)) if upper is not None or lower is not None else own
        above = below = None
        if upper is not None:
            later = every[every > upper * (1 + _MERGE)]
            rep = _between(upper, float(later[0]) if len(later) else None)
            above = cards[int(totals.leaders(np.array([rep]))[0])]
        if lower is not None:
            earlier = every[every < lower * (1 - _MERGE)]
            rep = 0.5 * (lower + (float(earlier[-1]) if len(earlier) else 0.0))
            below = cards[int(totals.leaders(np.array([rep]))[0])]
        results.append(
            _sensitivity(
                criterion.id,
                criterion.title,
                w0,
                share,
                cards[leader],
                lower,
                share_of(lower),
                below,
                upper,
                share_of(upper),
                above,
            )
        )
    return results


def _sensitivity(
    criterion_id: str,
    title: str,
    weight: float,
    share: float,
    leader: Scorecard | None,
    lower: float | None,
    lower_share: float | None,
    below: Scorecard | None,
    upper: float | None,
    upper_share: float | None,
    above: Scorecard | None,
) -> WeightSensitivity:
    return WeightSensitivity(
        criterion_id=criterion_id,
        criterion_title=title,
        weight=weight,
        share=share,
        leader_id=leader.candidate_id if leader else None,
        leader_name=leader.candidate_name if leader else None,
        lower_weight=lower,
        lower_share=lower_share,
        leader_below_id=below.candidate_id if below else None,
        leader_below_name=below.candidate_name if below else None,
        upper_weight=upper,
        upper_share=upper_share,
        leader_above_id=above.candidate_id if above else None,
        leader_above_name=above.candidate_name if above else None,
        sentence=sensitivity_sentence(
            title,
            share,
            leader.candidate_name if leader else None,
            lower_share,
            below.candidate_name if below else None,
            upper_share,
            above.candidate_name if above else None,
        ),
    )


def _percent(share: float, now: float) -> str:
    """A share as a percentage, with decimals only where whole percent would hide a gap."""
    percent = share * 100
    if percent < 1:
        return f"{percent:.1g}%"
    whole = f"{percent:.0f}%"
    return whole if whole != f"{now * 100:.0f}%" else f"{percent:.1f}%"


def sensitivity_sentence(
    title: str,
    share: float,
    leader: str | None,
    lower_share: float | None,
    below: str | None,
    upper_share: float | None,
    above: str | None,
) -> str:
    """'The top candidate (X) stays first unless <criterion> is weighted above 35% ...'."""
    if leader is None:
        return "No candidate could be judged, so there is no ranking to test."
    now = f"now {share * 100:.0f}%"
    head = f"The top candidate ({isolate(leader)}) stays first"
    if lower_share is None and upper_share is None:
        return f"{head} whatever the weight of {title} ({now})."
    bounds = []
    if lower_share is not None:
        bounds.append(f"below {_percent(lower_share, share)} (then {isolate(str(below))} leads)")
    if upper_share is not None:
        bounds.append(f"above {_percent(upper_share, share)} (then {isolate(str(above))} leads)")
    return f"{head} unless {title} is weighted {' or '.join(bounds)} ({now})."


def sensitivity_frame(results: Sequence[WeightSensitivity]) -> pd.DataFrame:
    return pd.DataFrame(
        [asdict(result) for result in results],
        columns=list(WeightSensitivity.__dataclass_fields__),
    )


# --------------------------------------------------------------------------- value for money


def value_for_money(
    scorecards: Sequence[Scorecard], candidates: pd.DataFrame, brief: Brief | None
) -> pd.DataFrame:
    """Price against score and budget, fit to the brief, and the commercial flags.

    Prices are converted into the budget currency with the brief's own exchange rates;
    with no rate a price stays in its currency and says so. Points per 1,000 compare
    only within one price unit and currency (``value_rank`` ranks within that group).
    The low-price warning (004 closing) is the commercial signal's flag, shown here,
    not recomputed.
    """
    prices = candidates.set_index("candidate_id")
    budget = brief.budget if brief else None
    target = budget.currency if budget else None
    rates = dict(brief.exchange_rates) if brief else {}
    rows = []
    for card in _ordered(scorecards):
        amount, currency, unit = (
            _price_field(prices, card.candidate_id, column)
            for column in ("price_amount", "price_currency", "price_unit")
        )
        amount = None if amount is None else float(amount)
        converted, shown_currency, conversion = _convert(amount, currency, target, rates)
        per_1000 = (
            round(card.total / (converted / 1000.0), 2)
            if card.total is not None and converted
            else None
        )
        fit = next((score for score in card.criteria if score.area == "fit"), None)
        flags = {flag.flag: flag for flag in card.flags}
        low_price = flags.get(LOW_PRICE_FLAG)
        rows.append(
            {
                "candidate_id": card.candidate_id,
                "candidate": card.candidate_name,
                "total": card.total,
                "confidence": card.confidence,
                "price": amount,
                "price_currency": currency,
                "unit": unit,
                "price_converted": None if converted is None else round(converted, 2),
                "currency": shown_currency,
                "conversion": conversion,
                "points_per_1000": per_1000,
                "budget_position": _budget_position(converted, shown_currency, unit, brief),
                "fit_level": (
                    fit.level if fit is not None and fit.level is not None else NOT_ENOUGH_DATA
                )
                if fit is not None
                else "no fit criterion in this rubric",
                "fit_flags": _describe_flags([f for f in card.flags if f.area == "fit"]),
                "commercial_flags": _describe_flags(
                    [f for f in card.flags if f.area == "commercial"]
                ),
                "low_price_warning": (
                    f"{low_price.detail} ({'; '.join(low_price.sources)})" if low_price else ""
                ),
            }
        )
    frame = pd.DataFrame(rows)
    if frame.empty:
        return frame
    groups = frame.groupby(["unit", "currency"], dropna=False)["points_per_1000"]
    frame["value_rank"] = groups.rank(ascending=False, method="min").astype("Int64")
    return frame


def _price_field(prices: pd.DataFrame, candidate_id: str, column: str) -> object:
    if candidate_id not in prices.index or column not in prices.columns:
        return None
    value = prices.at[candidate_id, column]
    return None if pd.isna(value) else value


def _convert(
    amount: float | None, currency: object, target: str | None, rates: dict[str, float]
) -> tuple[float | None, object, str]:
    """(amount in the brief's currency or its own, that currency, how it was done)."""
    if amount is None:
        return None, currency, "no price given"
    if target is None:
        return amount, currency, "no budget currency in the brief: not converted"
    if currency == target:
        return amount, target, "same currency"
    if currency in rates:
        return (
            amount * rates[str(currency)],
            target,
            (f"converted at 1 {currency} = {rates[str(currency)]:g} {target} (brief's rate)"),
        )
    return amount, currency, f"no exchange rate for {currency} in the brief: not converted"


def _budget_position(
    converted: float | None, currency: object, unit: object, brief: Brief | None
) -> str:
    budget = brief.budget if brief else None
    if budget is None:
        return "no budget in the brief"
    if converted is None:
        return "no price given"
    if unit != budget.unit:
        return f"priced {unit}, budget {budget.unit}: not comparable"
    if currency != budget.currency:
        return "not converted: no position"
    if converted < budget.low:
        return "below budget"
    if converted > budget.high:
        return "above budget"
    return "within budget"


# --------------------------------------------------------------------------- bundle


def comparison_bundle(
    scorecards: Sequence[Scorecard],
    rubric: Rubric,
    brief: Brief | None = None,
    candidates: pd.DataFrame | None = None,
) -> dict[str, pd.DataFrame]:
    """Every comparison table, so that the CLI and the app export the same thing."""
    cards = reweight(scorecards, rubric)
    ranking = rank(cards)
    ranked = ranking_frame(ranking)
    ranked["summary"] = [ranking_summary(ranking) if i == 0 else "" for i in range(len(ranked))]
    bundle = {
        "side_by_side": side_by_side(cards, rubric),
        "ranking": ranked,
        "evidence": evidence_by_criterion(cards, rubric),
        "sensitivity": sensitivity_frame(weight_sensitivity(cards, rubric)),
    }
    if candidates is not None:
        bundle["value_for_money"] = value_for_money(cards, candidates, brief)
    return bundle

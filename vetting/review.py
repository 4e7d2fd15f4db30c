"""The review workflow: evidence saved beside the raters' levels, and scorecards that use
the panel's combined levels once a rater may see them.

The portfolio files stay the source of the evidence (follower samples included); the
database keeps what people decide about it: each rater's levels and notes, submissions
and the audit trail (see docs/persistence.md).
"""

from __future__ import annotations

from vetting.evidence import Evaluation
from vetting.loading import LoadResult
from vetting.models import Rubric, Scorecard
from vetting.panel import RaterLevel, panel_overrides
from vetting.scoring import Overrides, score_candidates
from vetting.store import Store


def save_evaluation(
    store: Store, loaded: LoadResult, evaluation: Evaluation, rubric: Rubric
) -> None:
    """Record each candidate's portfolio (a new version when it changed) and the levels
    the evidence suggests, so raters see what they accept or override."""
    for portfolio in loaded.portfolios:
        store.save_candidate(
            portfolio.candidate_id,
            portfolio.model_dump_json(exclude_none=True),
            portfolio.identity.name,
            portfolio.identity.kind,
        )
    for card in evaluation.scorecards:
        store.save_suggestions(
            card.candidate_id,
            rubric.id,
            {c.criterion_id: (c.suggested_level, c.confidence) for c in card.criteria},
        )


def _own_levels(store: Store, rubric: Rubric, candidate_ids: list[str], rater: str) -> Overrides:
    overrides: dict[str, dict[str, int | None]] = {}
    for candidate_id in candidate_ids:
        for rating in store.ratings_visible_to(candidate_id, rubric.id, rater):
            if rating.rater == rater:
                overrides.setdefault(candidate_id, {})[rating.criterion_id] = rating.level
    return overrides


def reviewed_scorecards(
    store: Store, evaluation: Evaluation, rubric: Rubric, viewer: str | None
) -> list[Scorecard]:
    """Scorecards with people's levels in place of the suggestions.

    ``viewer=None`` (exports, administration): every candidate uses the levels combined
    over the raters who submitted. A named rater sees the panel's levels only for the
    candidates they have submitted themselves, and their own levels elsewhere: their
    judgement stays independent until they commit to it.
    """
    candidate_ids = [card.candidate_id for card in evaluation.scorecards]
    levels: list[RaterLevel] = store.panel_levels(rubric.id, candidate_ids, viewer=viewer)
    overrides: dict[str, dict[str, int | None]] = {
        cid: dict(by_criterion)
        for cid, by_criterion in panel_overrides(levels, rubric.aggregation).items()
    }
    if viewer is not None:
        submitted = {cid for cid in candidate_ids if store.has_submitted(cid, rubric.id, viewer)}
        own = _own_levels(store, rubric, [c for c in candidate_ids if c not in submitted], viewer)
        overrides.update({cid: dict(levels) for cid, levels in own.items()})
    if not overrides:
        return evaluation.scorecards
    return score_candidates(
        evaluation.findings, evaluation.frames.candidates, rubric, overrides
    )

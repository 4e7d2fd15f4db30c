"""Scorecard: one candidate's evidence, suggested levels with reasons, and red flags."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path

import pandas as pd
import streamlit as st

from app_pages.state import flash, guarded, rater, reviewed, show_flash, sidebar, store
from vetting.errors import VettingError
from vetting.models import CriterionScore, Rubric, Scorecard
from vetting.panel import combine, rater_deviations
from vetting.store import Rating

SEVERITY_LABEL = {
    "knockout": ":red-background[:material/block: Knockout]",
    "serious": ":red[:material/error: Serious]",
    "caution": ":orange[:material/warning: Caution]",
}


def _findings_table(score: CriterionScore) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "what was measured": f"{f.signal.replace('_', ' ')} · {f.subject}",
                "value": "" if f.value is None else f"{f.value:,.4g} {f.unit}".strip(),
                "why": f.detail,
                "compared with": f.comparison,
                "benchmark": (
                    f"{f.benchmark_source} ({f.benchmark_year})" if f.benchmark_source else ""
                ),
                "suggests": "" if f.suggested_level is None else f"{f.suggested_level:.1f}",
                "flag": f.flag or "",
                "confidence": f.confidence,
                "rests on": ", ".join(f.sources),
            }
            for f in score.findings
        ]
    )


def _criterion(score: CriterionScore, rubric: Rubric, rate: Callable[[], None] | None) -> None:
    criterion = rubric.criterion(score.criterion_id)
    level = "not enough data to judge" if score.level is None else f"level {score.level} of 5"
    with st.expander(f"**{score.title}** — {level} · weight {score.weight:g}"):
        st.caption(f"{criterion.question}  ·  rests on {', '.join(criterion.sources)}")
        if score.level is not None:
            st.info(f"**Level {score.level}:** {criterion.levels[score.level - 1].anchor}")
        else:
            st.warning(
                "The portfolio does not hold enough evidence for this criterion. Judge it in "
                "the interview with the questions below; it is not counted in the score."
            )
        for flag in score.flags:
            st.error(f"{SEVERITY_LABEL[flag.severity]} · {flag.flag}: {flag.detail}")
        if score.findings:
            st.dataframe(
                _findings_table(score), hide_index=True, width="stretch",
                column_config={
                    "confidence": st.column_config.ProgressColumn(min_value=0, max_value=1),
                    "why": st.column_config.TextColumn(width="large"),
                },
            )
        st.markdown("**Ask in the interview**")
        for question in criterion.questions:
            st.markdown(f"- {question.text}  \n  *Strong:* {question.strong_answer}  \n"
                        f"  *Weak:* {question.weak_answer}")
        if rate is not None:
            rate()


def _follower_chart(candidate_id: str, frames_history: pd.DataFrame,
                    accounts: pd.DataFrame) -> None:
    history = frames_history[frames_history["candidate_id"] == candidate_id]
    if history.empty:
        return
    names = accounts[accounts["candidate_id"] == candidate_id].set_index("account")
    labelled = history.assign(
        account=history["account"].map(
            lambda i: f"{names.loc[i, 'handle']} ({names.loc[i, 'platform']})"
        )
    )
    st.subheader("Follower history")
    st.line_chart(labelled.pivot_table(index="date", columns="account", values="followers"))


ACCEPT = "accept the suggestion"
CANNOT = "cannot judge"


def _my_ratings(card: Scorecard, rubric: Rubric, name: str) -> dict[str, Rating]:
    return {
        r.criterion_id: r
        for r in store().ratings_visible_to(card.candidate_id, rubric.id, name)
        if r.rater == name
    }


def _rating_form(card: Scorecard, score: CriterionScore, rubric: Rubric, name: str,
                 saved: Rating | None) -> None:
    """Accept the evidence's suggestion, or set another level with a note saying why."""
    choices = [ACCEPT, "1", "2", "3", "4", "5", CANNOT]
    current = 0
    if saved is not None and not saved.accepted_suggestion:
        current = choices.index(CANNOT if saved.level is None else str(saved.level))
    with st.form(f"rate_{card.candidate_id}_{score.criterion_id}"):
        st.markdown(f"**Your level** (as {name})")
        cols = st.columns([1, 3])
        choice = cols[0].selectbox(
            "Level", choices, index=current, key=f"level_{card.candidate_id}_{score.criterion_id}",
            help=f"The evidence suggests {_level_name(score.suggested_level)}.",
        )
        note = cols[1].text_input(
            "Note (needed when you differ from the suggestion)",
            value=saved.note if saved else "",
            key=f"note_{card.candidate_id}_{score.criterion_id}",
        )
        if st.form_submit_button("Save level"):
            level = (score.suggested_level if choice == ACCEPT
                     else None if choice == CANNOT else int(choice))
            try:
                store().rate(
                    card.candidate_id, rubric.id, name, score.criterion_id, level, note,
                    accepted_suggestion=choice == ACCEPT,
                    expected_version=saved.version if saved else 0,
                )
            except VettingError as error:
                st.error(f"Not saved: {error}")
            else:
                flash(f"Saved your level for {score.title}.")
                st.rerun()
    if saved is not None:
        shown = "cannot judge" if saved.level is None else f"level {saved.level}"
        st.caption(f"Saved: {shown} (version {saved.version}, {saved.updated_at:%Y-%m-%d %H:%M} "
                   "UTC). Every change is kept in the audit trail.")


def _submit(card: Scorecard, rubric: Rubric, name: str, mine: dict[str, Rating]) -> None:
    db = store()
    submitted = db.has_submitted(card.candidate_id, rubric.id, name)
    st.subheader("Your scorecard")
    judged = len(mine)
    st.write(f"You have rated {judged} of {len(card.criteria)} criteria. Other raters' levels "
             "stay hidden until you submit: independent judgement first, then the panel.")
    if submitted:
        st.success("Submitted. The score above now uses the panel's combined levels.")
        _panel(card, rubric, name)
    elif st.button("Submit my scorecard", type="primary", disabled=not mine):
        db.submit(card.candidate_id, rubric.id, name)
        st.rerun()


def _panel(card: Scorecard, rubric: Rubric, name: str) -> None:
    db = store()
    levels = db.panel_levels(rubric.id, [card.candidate_id], viewer=name)
    titles = {c.criterion_id: c.title for c in card.criteria}
    st.subheader("The panel")
    st.caption(f"Levels of every rater who submitted, combined by the rubric's "
               f"{rubric.aggregation}; the score above uses them.")
    panels = combine(levels, rubric.aggregation)
    if panels:
        st.dataframe(
            pd.DataFrame(
                [
                    {"criterion": titles.get(p.criterion_id, p.criterion_id),
                     "panel level": p.level, "spread": p.spread,
                     "disagreement": "yes" if p.disagreement else "",
                     **{f"{r}": v for r, v in p.levels.items()}}
                    for p in panels
                ]
            ),
            hide_index=True, width="stretch",
        )
    for deviation in rater_deviations(levels):
        if deviation.flagged:
            st.warning(f"{deviation.rater} rates {deviation.direction} than the panel "
                       f"({deviation.mean_difference:+.1f} levels on average over "
                       f"{deviation.shared_criteria} criteria): worth a calibration talk.")
    with st.expander("Every change (audit trail)"):
        trail = db.audit_trail(card.candidate_id, rubric.id, viewer=name)
        st.dataframe(
            pd.DataFrame(
                [
                    {"when": e.at, "who": e.rater, "what": e.action,
                     "criterion": titles.get(e.criterion_id or "", e.criterion_id or ""),
                     "old": e.old_level, "new": e.new_level, "note": e.note}
                    for e in trail
                ]
            ),
            hide_index=True, width="stretch",
        )


def _level_name(level: int | None) -> str:
    return "not enough data" if level is None else str(level)


def page() -> None:
    sidebar()
    loaded, rubric, _brief, evaluation, reviewed_cards = reviewed()
    cards = {card.candidate_id: card for card in reviewed_cards}
    if not cards:
        st.info("Load portfolios on the Candidates page first.")
        return
    chosen = st.selectbox(
        "Candidate", list(cards), format_func=lambda cid: cards[cid].candidate_name,
        key="scorecard_candidate",
    )
    card = cards[chosen]
    st.title(card.candidate_name)
    source = Path(loaded.sources.get(chosen, "")).name
    st.caption(f"{card.candidate_kind} · {source} · scored with the {rubric.title} rubric")
    cols = st.columns(4)
    total = "–" if card.total is None else f"{card.total:.0f}"
    cols[0].metric("Score (0–100)", total)
    cols[1].metric("Judged on evidence", f"{card.confidence:.0%}")
    grouped = card.flags_by_severity()
    cols[2].metric("Serious flags", len(grouped["serious"]) + len(grouped["knockout"]))
    cols[3].metric("Cautions", len(grouped["caution"]))
    if card.knockout:
        capped = (
            f" The score is capped at {rubric.knockout_cap:g}"
            + (f" (it would be {card.uncapped_total:.0f})." if card.uncapped_total is not None
               else ".")
            if rubric.knockout_cap is not None else ""
        )
        st.error(f"**Knockout.**{capped} Read the knockout flag below before going further.")
    if card.flags:
        st.subheader("Red flags")
        for severity in ("knockout", "serious", "caution"):
            for flag in grouped[severity]:
                st.markdown(f"{SEVERITY_LABEL[severity]} · **{flag.flag.replace('_', ' ')}** — "
                            f"{flag.detail} *({', '.join(flag.sources)})*")
    name = rater()
    mine = _my_ratings(card, rubric, name) if name else {}
    show_flash()
    st.subheader("Criteria")
    if not name:
        st.info("Enter your name in the sidebar to rate this candidate.")
    for score in card.criteria:
        rate = (
            partial(_rating_form, card, score, rubric, name, mine.get(score.criterion_id))
            if name else None
        )
        _criterion(score, rubric, rate)
    _follower_chart(chosen, evaluation.frames.history, evaluation.frames.accounts)
    if name:
        _submit(card, rubric, name, mine)


guarded(page)

"""Scorecard: one candidate's evidence, suggested levels with reasons, and red flags."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_pages.state import current, guarded, sidebar
from vetting.models import CriterionScore, Rubric

SEVERITY_LABEL = {"knockout": "🛑 Knockout", "serious": "🔴 Serious", "caution": "🟡 Caution"}


def _findings_table(score: CriterionScore) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "what was measured": f"{f.signal.replace('_', ' ')} · {f.subject}",
                "value": "" if f.value is None else f"{f.value:,.4g} {f.unit}".strip(),
                "compared with": f.comparison,
                "benchmark": (
                    f"{f.benchmark_source} ({f.benchmark_year})" if f.benchmark_source else ""
                ),
                "suggests": "" if f.suggested_level is None else f"{f.suggested_level:.1f}",
                "flag": f.flag or "",
                "confidence": f.confidence,
                "rests on": ", ".join(f.sources),
                "why": f.detail,
            }
            for f in score.findings
        ]
    )


def _criterion(score: CriterionScore, rubric: Rubric) -> None:
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


def page() -> None:
    sidebar()
    loaded, rubric, _brief, evaluation = current()
    cards = {card.candidate_id: card for card in evaluation.scorecards}
    if not cards:
        st.info("Load portfolios on the Candidates page first.")
        return
    chosen = st.selectbox(
        "Candidate", list(cards), format_func=lambda cid: cards[cid].candidate_name,
        key="scorecard_candidate",
    )
    card = cards[chosen]
    st.title(card.candidate_name)
    st.caption(f"{card.candidate_kind} · {loaded.sources.get(chosen, '')} · {rubric.title}")
    cols = st.columns(4)
    total = "–" if card.total is None else f"{card.total:.0f}"
    cols[0].metric("Score (0–100)", total)
    cols[1].metric("Judged on evidence", f"{card.confidence:.0%}")
    grouped = card.flags_by_severity()
    cols[2].metric("Serious flags", len(grouped["serious"]) + len(grouped["knockout"]))
    cols[3].metric("Cautions", len(grouped["caution"]))
    if card.knockout:
        st.error(
            f"🛑 **Knockout.** The score is capped at {rubric.knockout_cap:g} (it would be "
            f"{card.uncapped_total:.0f}). Read the knockout flag below before going further."
        )
    if card.flags:
        st.subheader("Red flags")
        for severity in ("knockout", "serious", "caution"):
            for flag in grouped[severity]:
                st.markdown(f"{SEVERITY_LABEL[severity]} · **{flag.flag.replace('_', ' ')}** — "
                            f"{flag.detail} *({', '.join(flag.sources)})*")
    st.subheader("Criteria")
    for score in card.criteria:
        _criterion(score, rubric)
    _follower_chart(chosen, evaluation.frames.history, evaluation.frames.accounts)


guarded(page)

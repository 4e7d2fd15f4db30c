"""Compare: the shortlist side by side, ranking, weight sensitivity, value for money."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_pages.state import guarded, rater, reviewed, sidebar, store
from vetting.comparison import (
    comparison_bundle,
    rank,
    ranking_summary,
    reweight,
    weight_sensitivity,
)
from vetting.exports import to_csv, to_excel, to_json
from vetting.panel import level_distribution, rater_deviations


def _calibration(rubric_id: str, candidate_ids: list[str]) -> None:
    """How each rater uses the scale, across the candidates this rater may see."""
    name = rater()
    if not name:
        return
    levels = store().panel_levels(rubric_id, candidate_ids, viewer=name)
    if not levels:
        return
    with st.expander("Raters: calibration across the shortlist"):
        st.caption("Levels of raters who submitted, for the candidates you have submitted "
                   "too. A rater far from the panel's median on many criteria may read the "
                   "anchors differently: worth a calibration talk, not an overrule.")
        distribution = pd.DataFrame(level_distribution(levels)).T
        st.dataframe(distribution.rename(columns=lambda level: f"level {level}"))
        for deviation in rater_deviations(levels):
            text = (f"{deviation.rater}: {deviation.mean_difference:+.2f} levels from the panel "
                    f"median over {deviation.shared_criteria} criteria ({deviation.direction})")
            (st.warning if deviation.flagged else st.write)(text)


def page() -> None:
    sidebar()
    _loaded, rubric, brief, evaluation, cards = reviewed()
    st.title("Compare the shortlist")
    by_id = {card.candidate_id: card for card in cards}
    default = [card.candidate_id for card in cards[:5]]
    shortlist = st.multiselect(
        "Shortlist", list(by_id), default=default, key="shortlist",
        format_func=lambda cid: by_id[cid].candidate_name,
    )
    if len(shortlist) < 2:
        st.info("Pick at least two candidates to compare.")
        return
    chosen = [by_id[cid] for cid in shortlist]

    with st.expander("What if the weights were different?"):
        st.caption("Move a weight to see the ranking change; the rubric itself is unchanged.")
        weighted = rubric.model_copy(deep=True)
        cols = st.columns(3)
        for i, criterion in enumerate(weighted.criteria):
            criterion.weight = cols[i % 3].slider(
                criterion.title, 0.0, 40.0, float(criterion.weight), 0.5,
                key=f"w_{rubric.id}_{criterion.id}",
            ) or 0.01
    chosen = reweight(chosen, weighted)
    ranking = rank(chosen)
    st.subheader("Ranking")
    st.write(ranking_summary(ranking))
    st.dataframe(
        pd.DataFrame(
            [
                {"#": r.position, "candidate": r.candidate_name, "score": r.total,
                 "judged on evidence": r.confidence, "knockout": "KNOCKOUT" if r.knockout else "",
                 "lead over next": r.lead_over_next}
                for r in ranking
            ]
        ),
        hide_index=True, width="stretch",
        column_config={"judged on evidence": st.column_config.NumberColumn(format="percent")},
    )
    st.markdown("**How firm is the top place?**")
    sensitivity = weight_sensitivity(chosen, weighted)
    for item in sensitivity:
        if item.lower_share is not None or item.upper_share is not None:
            st.markdown(f"- {item.sentence}")
    steady = [item.criterion_title for item in sensitivity
              if item.lower_share is None and item.upper_share is None]
    if steady:
        st.markdown(f"- Whatever their weight, the top place holds for: {', '.join(steady)}.")

    bundle = comparison_bundle(chosen, weighted, brief, evaluation.frames.candidates)
    st.subheader("Side by side")
    # Levels and "not enough data" share a column: shown as text, exported as they are.
    st.dataframe(bundle["side_by_side"].astype(str), hide_index=True, width="stretch")
    levels = pd.DataFrame(
        {card.candidate_name: {c.title: c.level for c in card.criteria} for card in chosen}
    )
    st.bar_chart(levels, stack=False, height=360, y_label="level (1–5)")
    st.subheader("Strongest evidence and red flags")
    st.dataframe(bundle["evidence"], hide_index=True, width="stretch")
    if "value_for_money" in bundle:
        st.subheader("Fit and value for money")
        st.caption(f"Prices converted into the brief's budget currency with the brief's rates "
                   f"({brief.title}).")
        st.dataframe(bundle["value_for_money"], hide_index=True, width="stretch")

    _calibration(rubric.id, shortlist)

    st.subheader("Export")
    cols = st.columns(3)
    cols[0].download_button(
        "CSV (side by side)", data=lambda frame=bundle["side_by_side"]: to_csv(frame),
        file_name="comparison.csv", mime="text/csv",
    )
    cols[1].download_button(
        "Excel (every table)", data=lambda tables=bundle: to_excel(tables),
        file_name="comparison.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    cols[2].download_button(
        "JSON", data=lambda tables=bundle: to_json(tables), file_name="comparison.json",
        mime="application/json",
    )


guarded(page)

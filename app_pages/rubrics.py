"""Rubrics: read the criteria, reweight them, or load an edited copy (validated)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_pages.state import guarded, rubric_text, sidebar
from vetting.errors import RubricError
from vetting.rubrics import dump_rubric, parse_rubric


def page() -> None:
    sidebar()
    rubric = parse_rubric(rubric_text(), st.session_state["rubric_choice"])
    st.title(rubric.title)
    if rubric.description:
        st.write(rubric.description)
    total_weight = sum(c.weight for c in rubric.criteria)
    st.subheader("Weights")
    edited = st.data_editor(
        pd.DataFrame(
            [
                {"criterion": c.title, "area": c.area, "weight": c.weight,
                 "rests on": ", ".join(c.sources)}
                for c in rubric.criteria
            ]
        ),
        disabled=["criterion", "area", "rests on"], hide_index=True, width="stretch",
        column_config={"weight": st.column_config.NumberColumn(min_value=0.1, max_value=100)},
        key=f"weights_{rubric.id}_{st.session_state['rubric_choice']}",
    )
    st.caption(f"Total weight {total_weight:g}; each criterion counts weight / total.")
    if st.button("Use these weights as a new rubric"):
        copy = rubric.model_copy(deep=True)
        for criterion, weight in zip(copy.criteria, edited["weight"], strict=True):
            criterion.weight = float(weight)
        title = f"{rubric.title} (reweighted)"
        st.session_state["custom_rubrics"][title] = dump_rubric(copy)
        st.success(f"Saved as '{title}'; pick it in the sidebar.")

    st.subheader("Copy, edit and load a rubric")
    rubric_yaml = dump_rubric(rubric)
    st.download_button(
        "Download this rubric (YAML)", data=lambda text=rubric_yaml: text,
        file_name=f"{rubric.id}.yaml", mime="application/yaml",
    )
    upload = st.file_uploader("Load an edited rubric", type=["yaml", "yml"])
    if upload is not None:
        text = upload.getvalue().decode("utf-8", errors="replace")
        try:
            loaded = parse_rubric(text, upload.name)
        except RubricError as error:
            st.error(f"**{upload.name} cannot be used yet.** Fix these and load it again:")
            for problem in error.problems:
                st.markdown(f"- `{problem.field or 'file'}`: {problem.message}")
        else:
            st.session_state["custom_rubrics"][loaded.title] = text
            st.success(f"Loaded '{loaded.title}'; pick it in the sidebar.")

    st.subheader("Criteria")
    for criterion in rubric.criteria:
        with st.expander(f"**{criterion.title}** · weight {criterion.weight:g}"):
            st.write(criterion.question)
            st.caption(f"Rests on {', '.join(criterion.sources)}")
            for level in reversed(criterion.levels):
                st.markdown(f"**{level.score}** — {level.anchor}")
            if criterion.red_flags:
                st.markdown("**Red flags**")
                for flag in criterion.red_flags:
                    st.markdown(f"- *{flag.severity}* · `{flag.id}`: {flag.description}")


guarded(page)

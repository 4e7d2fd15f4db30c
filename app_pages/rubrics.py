"""Rubrics: read the criteria, reweight them, or load an edited copy (validated)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_pages.state import flash, guarded, rubric_text, show_flash, sidebar
from vetting.errors import RubricError
from vetting.models import Rubric
from vetting.rubrics import dump_rubric, parse_rubric


@st.cache_data(max_entries=32)
def _as_yaml(text: str, name: str) -> str:
    return dump_rubric(parse_rubric(text, name))


def _reweight(rubric: Rubric, editor_key: str) -> None:
    """Button callback (runs before the page, so the sidebar can switch to the copy)."""
    edits = st.session_state.get(editor_key, {}).get("edited_rows", {})
    copy = rubric.model_copy(deep=True)
    for row, changes in edits.items():
        if changes.get("weight") is not None:
            copy.criteria[int(row)].weight = float(changes["weight"])
    copy.title = f"{rubric.title} (reweighted)"
    # Its own id, so its suggested levels and ratings never mix with the original's.
    copy.id = f"{rubric.id}-reweighted"[:80]
    st.session_state["custom_rubrics"][copy.title] = dump_rubric(copy)
    st.session_state["rubric_choice"] = copy.title
    flash(f"Now scoring with '{copy.title}'.")


def page() -> None:
    sidebar()
    show_flash()
    name = st.session_state["rubric_choice"]
    rubric = parse_rubric(rubric_text(), name)
    st.title(rubric.title)
    if rubric.description:
        st.write(rubric.description)
    total_weight = sum(c.weight for c in rubric.criteria)
    st.subheader("Weights")
    editor_key = f"weights_{rubric.id}_{name}"
    st.data_editor(
        pd.DataFrame(
            [
                {"criterion": c.title, "area": c.area, "weight": c.weight,
                 "rests on": ", ".join(c.sources)}
                for c in rubric.criteria
            ]
        ),
        disabled=["criterion", "area", "rests on"], hide_index=True, width="stretch",
        column_config={"weight": st.column_config.NumberColumn(min_value=0.1, max_value=100)},
        key=editor_key,
    )
    st.caption(f"Total weight {total_weight:g}; each criterion counts weight / total.")
    st.button(
        "Use these weights as a new rubric", on_click=_reweight, args=(rubric, editor_key)
    )

    st.subheader("Copy, edit and load a rubric")
    rubric_yaml = _as_yaml(rubric_text(), name)
    st.download_button(
        "Download this rubric (YAML)", data=lambda text=rubric_yaml: text,
        file_name=f"{rubric.id}.yaml", mime="application/yaml",
    )
    upload = st.file_uploader("Load an edited rubric", type=["yaml", "yml"])
    if upload is not None:
        try:
            loaded = parse_rubric(upload.getvalue(), upload.name)
        except RubricError as error:
            st.error(f"**{upload.name} cannot be used yet.** Fix these and load it again:")
            for problem in error.problems:
                st.markdown(f"- `{problem.field or 'file'}`: {problem.message}")
        else:
            st.session_state["custom_rubrics"][loaded.title] = upload.getvalue().decode("utf-8")
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

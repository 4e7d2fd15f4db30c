"""Candidates: choose the portfolios (samples or uploads), see problems and the ranking."""

from __future__ import annotations

import json

import pandas as pd
import streamlit as st

from app_pages.state import ROOT, guarded, reviewed, sidebar
from vetting.models import json_schema


def _schema_json() -> str:
    return json.dumps(json_schema(), indent=2, ensure_ascii=False)


def _template(name: str) -> bytes:
    return (ROOT / "templates" / name).read_bytes()


def _use_uploads() -> None:
    """Button callback: runs before the page, so the sidebar already says what is scored."""
    files = st.session_state.get("portfolio_files") or []
    st.session_state["uploads"] = [(f.name, f.getvalue()) for f in files]


def _use_samples() -> None:
    st.session_state["uploads"] = None


def page() -> None:
    sidebar()
    st.title("Candidates")
    st.write(
        "Load the portfolios your shortlisted freelancers and agencies sent, then open a "
        "scorecard. Every number is computed from their data and every judgement cites the "
        "warning it rests on."
    )
    with st.expander("Load portfolios", expanded=st.session_state["uploads"] is None):
        files = st.file_uploader(
            "Portfolio files (.json, .yaml) with their CSVs (posts, follower history, "
            "follower samples)",
            type=["json", "yaml", "yml", "csv"], accept_multiple_files=True,
            key="portfolio_files",
        )
        cols = st.columns(2)
        cols[0].button("Use these files", disabled=not files, type="primary",
                       on_click=_use_uploads)
        cols[1].button("Use the sample portfolios", on_click=_use_samples)
        brief = st.file_uploader("Hiring brief (.yaml or .json)", type=["yaml", "yml", "json"])
        # Removing the uploaded brief brings the sample brief back.
        st.session_state["brief_upload"] = (
            None if brief is None else (brief.name, brief.getvalue())
        )
        st.caption("Send candidates a blank template, or the schema their files must follow:")
        dl = st.columns(3)
        dl[0].download_button(
            "Portfolio template", data=lambda: _template("portfolio.yaml"),
            file_name="portfolio-template.yaml", mime="application/yaml",
        )
        dl[1].download_button(
            "Brief template", data=lambda: _template("brief.yaml"),
            file_name="brief-template.yaml", mime="application/yaml",
        )
        dl[2].download_button(
            "JSON Schema", data=_schema_json, file_name="portfolio.schema.json",
            mime="application/json",
        )

    loaded, rubric, brief, evaluation, cards = reviewed()
    st.caption(f"Hiring brief: **{brief.title}** · rubric: **{rubric.title}**")
    if loaded.problems:
        errors, warnings = loaded.errors, loaded.warnings
        label = f"{len(errors)} problem(s) stopped something loading · {len(warnings)} to check"
        with st.expander(label, expanded=bool(errors)):
            for problem in errors:
                st.error(str(problem))
            for problem in warnings:
                st.warning(str(problem))
    if not cards:
        st.info("No portfolio loaded yet.")
        return

    info = evaluation.frames.candidates.set_index("candidate_id")
    rows = []
    for rank, card in enumerate(cards, start=1):
        by_severity = card.flags_by_severity()
        price = info.loc[card.candidate_id]
        rows.append(
            {
                "rank": rank,
                "candidate": card.candidate_name,
                "kind": card.candidate_kind,
                "score (0–100)": card.total,
                "judged on evidence": card.confidence,
                "knockout": "KNOCKOUT" if card.knockout else "",
                "serious flags": len(by_severity["serious"]),
                "cautions": len(by_severity["caution"]),
                "price": (
                    f"{price['price_amount']:,.0f} {price['price_currency']} "
                    f"/ {str(price['price_unit']).replace('_', ' ')}"
                    if pd.notna(price["price_amount"]) else "not stated"
                ),
            }
        )
    st.subheader(f"{len(rows)} candidate{'' if len(rows) == 1 else 's'}, ranked")
    st.dataframe(
        pd.DataFrame(rows), hide_index=True, width="stretch",
        column_config={
            "score (0–100)": st.column_config.ProgressColumn(
                min_value=0, max_value=100, format="%.0f"
            ),
            "judged on evidence": st.column_config.NumberColumn(format="percent"),
        },
    )
    st.caption(
        "Score: weighted mean of the criterion levels that could be judged. 'Judged on "
        "evidence' is the share of the rubric's weight with enough data; the rest is left "
        "to your interview. A knockout flag caps the score."
    )


guarded(page)

"""What every page shares: the inputs in st.session_state and the cached evaluation.

Per-user data (uploaded files, the chosen rubric, an edited rubric) lives in
``st.session_state``; the evaluation is a pure function of those inputs, so it is cached
with ``st.cache_data`` keyed on their bytes.
"""

from __future__ import annotations

import hashlib
import logging
import pickle
from collections.abc import Callable
from datetime import date
from pathlib import Path

import streamlit as st

from vetting.errors import StoreError, VettingError
from vetting.evidence import Evaluation, evaluate
from vetting.loading import LoadResult, load_portfolios, load_uploads, parse_brief
from vetting.models import Brief, Rubric, Scorecard
from vetting.review import reviewed_scorecards, save_evaluation
from vetting.rubrics import parse_rubric
from vetting.store import Store

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "sample_portfolios"
RUBRICS = ROOT / "rubrics"
BUILT_IN_RUBRICS = {"Agency": RUBRICS / "agency.yaml", "Freelancer": RUBRICS / "freelancer.yaml"}
log = logging.getLogger("vetting.app")


def init() -> None:
    st.session_state.setdefault("uploads", None)  # [(name, bytes), ...] or None for samples
    st.session_state.setdefault("rubric_choice", "Agency")
    st.session_state.setdefault("custom_rubrics", {})  # title -> YAML text
    st.session_state.setdefault("brief_upload", None)  # bytes or None for the sample brief
    st.session_state.setdefault("rater", "")
    st.session_state.setdefault("saved_evaluations", set())


def rubric_text() -> str:
    choice = st.session_state["rubric_choice"]
    if choice in st.session_state["custom_rubrics"]:
        return st.session_state["custom_rubrics"][choice]
    return BUILT_IN_RUBRICS[choice].read_text(encoding="utf-8")


def rubric_file_name() -> str:
    choice = st.session_state["rubric_choice"]
    if choice in BUILT_IN_RUBRICS:
        return str(BUILT_IN_RUBRICS[choice].relative_to(ROOT))
    return choice


def brief_bytes() -> tuple[str, bytes]:
    upload = st.session_state["brief_upload"]
    if upload is not None:
        return upload
    return ("sample_portfolios/brief.yaml", (SAMPLES / "brief.yaml").read_bytes())


@st.cache_data(show_spinner="Scoring candidates…", max_entries=16)
def _evaluate(
    uploads: tuple[tuple[str, bytes], ...] | None,
    rubric_name: str,
    rubric_yaml: str,
    brief_file: tuple[str, bytes],
    today: date,
) -> tuple[LoadResult, Rubric, Brief, Evaluation]:
    rubric = parse_rubric(rubric_yaml, rubric_name)
    brief = parse_brief(brief_file[0], brief_file[1], today)
    loaded = load_portfolios(SAMPLES, today) if uploads is None else load_uploads(uploads)
    return loaded, rubric, brief, evaluate(loaded, rubric, brief=brief, today=today)


def current() -> tuple[LoadResult, Rubric, Brief, Evaluation]:
    return _evaluate(*_inputs())


def _inputs() -> tuple[tuple[tuple[str, bytes], ...] | None, str, str, tuple[str, bytes], date]:
    """Everything the evaluation depends on (and so the key of its cache)."""
    uploads = st.session_state["uploads"]
    files = None if uploads is None else tuple(uploads)
    return files, rubric_file_name(), rubric_text(), brief_bytes(), date.today()


def _fingerprint(inputs: object) -> str:
    return hashlib.sha256(pickle.dumps(inputs)).hexdigest()


@st.cache_resource
def store() -> Store:
    """One database connection pool for every session (SQLAlchemy engines are
    thread-safe); the URL comes from VETTING_DATABASE_URL or the data directory."""
    return Store.open()


def rater() -> str:
    return str(st.session_state["rater"]).strip()


def reviewed() -> tuple[LoadResult, Rubric, Brief, Evaluation, list[Scorecard]]:
    """The evaluation with people's levels in place of suggestions (as this rater may
    see them), after saving the evidence's suggestions once per evaluation."""
    loaded, rubric, brief, evaluation = current()
    key = _fingerprint(_inputs())
    if key not in st.session_state["saved_evaluations"]:
        save_evaluation(store(), loaded, evaluation, rubric)
        st.session_state["saved_evaluations"].add(key)
    name = rater()
    if not name:  # nobody to show the panel to: the evidence's suggestions only
        return loaded, rubric, brief, evaluation, evaluation.scorecards
    cards = reviewed_scorecards(store(), evaluation, rubric, viewer=name)
    return loaded, rubric, brief, evaluation, cards


def flash(message: str) -> None:
    """A success message shown once, after the rerun that an action triggers."""
    st.session_state["flash"] = message


def show_flash() -> None:
    if "flash" in st.session_state:
        st.success(st.session_state.pop("flash"))


def guarded(page: Callable[[], None]) -> None:
    """Run a page; explain input errors, never show a traceback."""
    init()
    try:
        page()
    except StoreError as error:
        log.warning("database: %s", error)
        st.error(f"**The database did not answer.** Nothing was lost; try again.\n\n{error}")
    except VettingError as error:
        st.error(f"**This input cannot be used.**\n\n{error}")
    except Exception:
        log.exception("page failed")
        st.error(
            "Something went wrong on our side while preparing this page. Your saved work is "
            "safe. Please try again, or report it with the files you used."
        )


def sidebar() -> None:
    """The rubric picker every page shows."""
    choices = [*BUILT_IN_RUBRICS, *st.session_state["custom_rubrics"]]
    if st.session_state["rubric_choice"] not in choices:
        st.session_state["rubric_choice"] = "Agency"
    st.sidebar.selectbox(
        "Rubric", choices, key="rubric_choice",
        help="Candidates are scored against this rubric. Edit or upload one on Rubrics.",
    )
    st.sidebar.text_input(
        "Your name (as a rater)", key="rater",
        help="Your levels stay yours until you submit; then you see the panel's.",
    )
    source = "uploaded files" if st.session_state["uploads"] else "the sample portfolios"
    st.sidebar.caption(f"Scoring {source}.")

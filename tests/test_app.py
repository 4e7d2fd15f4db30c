"""Page-level tests of the Streamlit app with AppTest (fast; no browser)."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT


def run_page(page: str) -> AppTest:
    """Run one page module the way st.navigation runs it."""
    app = AppTest.from_file(str(ROOT / "app_pages" / page), default_timeout=60)
    app.run()
    assert_page_ok(app)
    return app


def assert_page_ok(app: AppTest) -> None:
    """Pages catch their own errors (no traceback reaches a user), so look for the
    message they show instead of an exception."""
    assert not app.exception, app.exception
    failures = [e.value for e in app.error if "went wrong" in e.value or "database" in e.value]
    assert failures == []


def test_candidates_page_ranks_the_samples() -> None:
    app = run_page("candidates.py")
    assert app.title[0].value == "Candidates"
    [subheader] = [s.value for s in app.subheader if "candidates, ranked" in s.value]
    count = int(subheader.split()[0])
    assert count >= 10
    frame = app.dataframe[0].value
    assert len(frame) == count
    assert list(frame["rank"]) == list(range(1, count + 1))
    scores = frame["score (0–100)"].dropna().tolist()
    assert scores == sorted(scores, reverse=True)
    assert not app.error, [e.value for e in app.error]


def test_scorecard_page_shows_evidence_for_the_chosen_candidate() -> None:
    app = run_page("scorecard.py")
    select = app.selectbox(key="scorecard_candidate")
    assert len(select.options) >= 10
    first_title = app.title[0].value
    select.select_index(len(select.options) - 1).run()
    assert_page_ok(app)
    assert app.title[0].value != first_title
    assert [m.label for m in app.metric][:2] == ["Score (0–100)", "Judged on evidence"]
    assert any("level" in e.label or "not enough data" in e.label for e in app.expander)


def test_rubrics_page_reweights_into_a_new_rubric() -> None:
    app = run_page("rubrics.py")
    original = app.title[0].value
    [button] = [b for b in app.button if b.label == "Use these weights as a new rubric"]
    button.click().run()
    assert_page_ok(app)
    assert app.title[0].value == f"{original} (reweighted)"
    assert app.sidebar.selectbox(key="rubric_choice").value == f"{original} (reweighted)"
    assert any("Now scoring with" in s.value for s in app.success)


def test_switching_rubric_rescores() -> None:
    app = run_page("candidates.py")
    agency_scores = app.dataframe[0].value["score (0–100)"].tolist()
    app.sidebar.selectbox(key="rubric_choice").select("Freelancer").run()
    assert_page_ok(app)
    assert app.dataframe[0].value["score (0–100)"].tolist() != agency_scores


def _rate_first_criterion(app: AppTest, level: str, note: str) -> None:
    """Fill in and save the rating form of the first criterion, as a rater would."""
    [level_box] = [s for s in app.selectbox if (s.key or "").startswith("level_")][:1]
    [note_box] = [t for t in app.text_input if (t.key or "").startswith("note_")][:1]
    level_box.set_value(level)
    note_box.set_value(note)
    next(b for b in app.button if b.label == "Save level").click().run()


def test_raters_score_independently_then_see_the_panel() -> None:
    app = AppTest.from_file(str(ROOT / "app_pages" / "scorecard.py"), default_timeout=60)
    app.session_state["rater"] = "Ana"
    app.run()
    assert_page_ok(app)
    candidate = app.selectbox(key="scorecard_candidate").value

    _rate_first_criterion(app, "2", "")
    assert any("Not saved" in e.value and "note" in e.value for e in app.error)

    _rate_first_criterion(app, "2", "engagement is mostly from one account")
    assert any("Saved your level" in s.value for s in app.success)
    assert any("level 2 (version 1" in c.value for c in app.caption)
    submit = [b for b in app.button if b.label == "Submit my scorecard"]
    submit[0].click().run()
    assert any("Submitted" in s.value for s in app.success)

    ben = AppTest.from_file(str(ROOT / "app_pages" / "scorecard.py"), default_timeout=60)
    ben.session_state["rater"] = "Ben"
    ben.run()
    ben.selectbox(key="scorecard_candidate").set_value(candidate).run()
    assert not [s for s in ben.subheader if s.value == "The panel"]  # hidden before submitting
    _rate_first_criterion(ben, "4", "two strong accounts")
    next(b for b in ben.button if b.label == "Submit my scorecard").click().run()
    assert [s for s in ben.subheader if s.value == "The panel"]
    [panel] = [d.value for d in ben.dataframe if "panel level" in d.value.columns]
    assert {"Ana", "Ben"} <= set(panel.columns)
    row = panel.iloc[0]
    assert (row["Ana"], row["Ben"], row["spread"]) == (2, 4, 2)


def test_compare_page_ranks_tests_weights_and_shows_rater_calibration() -> None:
    from vetting.store import Store

    app = AppTest.from_file(str(ROOT / "app_pages" / "compare.py"), default_timeout=60)
    app.session_state["rater"] = "Cara"
    app.run()
    assert_page_ok(app)
    assert app.title[0].value == "Compare the shortlist"
    assert any("stays first" in m.value or "holds" in m.value for m in app.markdown)
    shortlist = app.multiselect(key="shortlist").value
    assert len(shortlist) == 5

    store = Store.open()
    criteria = ["followers_engagement", "authenticity", "repeatability"]
    for rater, level in (("Cara", 2), ("Dev", 4), ("Eli", 4), ("Fay", 4)):
        for criterion in criteria:
            store.rate(shortlist[0], "agency", rater, criterion, level, "calibration test")
        store.submit(shortlist[0], "agency", rater)
    app.run()
    [calibration] = [e for e in app.expander if e.label.startswith("Raters: calibration")]
    warnings = [w.value for w in calibration.warning]
    assert any(w.startswith("Cara: -2.00 levels") and "harsher" in w for w in warnings)

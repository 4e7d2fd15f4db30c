"""The evidence engine's entry point: the analysers that read the answers run on a second
thread, and that must change nothing but the time it takes."""

from __future__ import annotations

import dataclasses

import pandas as pd
from pandas.testing import assert_frame_equal

from tests.conftest import SAMPLES, TODAY
from vetting.evidence import ANALYSERS, READS_ANSWERS, analyse, analysers
from vetting.frames import FINDING_COLUMNS, PortfolioFrames, build_frames
from vetting.loading import load_brief, load_portfolios
from vetting.signals import SignalContext, combine_findings, findings_frame
from vetting.synthetic import synthetic_frames


def _serial(frames: PortfolioFrames, context: SignalContext) -> pd.DataFrame:
    parts = [analyse_one(frames, context) for _, analyse_one in analysers()]
    return combine_findings([part for part in parts if len(part)])


def test_answer_analysers_are_the_ones_that_read_answers() -> None:
    assert set(ANALYSERS) >= READS_ANSWERS
    assert {"claims", "strategy", "measurement", "community"} == READS_ANSWERS


def test_two_threads_give_exactly_the_serial_findings_on_the_samples() -> None:
    loaded = load_portfolios(SAMPLES, TODAY)
    context = SignalContext(today=TODAY, brief=load_brief(SAMPLES / "brief.yaml"),
                            follower_samples=loaded.follower_samples)
    concurrent = analyse(build_frames(loaded.portfolios), context)
    serial = _serial(build_frames(loaded.portfolios), context)
    assert_frame_equal(concurrent, serial, check_exact=True)


def test_two_threads_give_exactly_the_serial_findings_at_scale() -> None:
    """Enough answers (thousands of distinct texts) that the text module uses its own
    threads too."""
    answers = [text for p in load_portfolios(SAMPLES, TODAY).portfolios
               for text in p.strategy_answers.values()]
    context = SignalContext(today=TODAY)
    concurrent = analyse(synthetic_frames(400, answers, seed=11), context)
    serial = _serial(synthetic_frames(400, answers, seed=11), context)
    assert_frame_equal(concurrent, serial, check_exact=True)


def test_an_error_on_the_answer_thread_reaches_the_caller() -> None:
    built = build_frames(load_portfolios(SAMPLES, TODAY).portfolios)
    # The answer analysis needs the text column.
    frames = dataclasses.replace(built, answers=built.answers.drop(columns=["text"]))
    try:
        analyse(frames, SignalContext(today=TODAY))
    except KeyError as error:
        assert "text" in str(error)
    else:
        raise AssertionError("the answer thread's error was swallowed")


def test_combining_no_findings_gives_the_empty_table() -> None:
    empty = combine_findings([])
    assert list(empty.columns) == list(FINDING_COLUMNS)
    assert empty.empty


def test_candidate_ids_and_subjects_are_text_in_every_findings_table() -> None:
    """An analyser that builds them as Python objects gets pandas' str, so the combined
    column stays str and combining never converts the other tables' ids."""
    from_objects = findings_frame(
        pd.DataFrame({"candidate_id": pd.Series(["c1", "c2"], dtype=object),
                      "subject": pd.Series(["a", None], dtype=object)})
    )
    assert from_objects["candidate_id"].dtype == "str"
    assert from_objects["subject"].dtype == "str"
    assert from_objects["subject"].isna().tolist() == [False, True]
    loaded = load_portfolios(SAMPLES, TODAY)
    context = SignalContext(today=TODAY, brief=load_brief(SAMPLES / "brief.yaml"),
                            follower_samples=loaded.follower_samples)
    findings = analyse(build_frames(loaded.portfolios), context)
    assert findings["candidate_id"].dtype == "str"
    assert findings["subject"].dtype == "str"

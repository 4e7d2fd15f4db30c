"""Crisis readiness from the crisis answer, and stated response times."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from vetting.frames import FINDING_COLUMNS, PortfolioFrames
from vetting.signals import SignalContext, to_findings
from vetting.signals.community import analyse

CONTEXT = SignalContext(today=date(2026, 11, 22))


def _frames(answers: dict[str, dict[str, str]]) -> PortfolioFrames:
    return PortfolioFrames.from_rows(
        {
            "candidates": [{"candidate_id": cid} for cid in answers],
            "answers": [
                {"candidate_id": cid, "question_id": qid, "text": text}
                for cid, by_q in answers.items() for qid, text in by_q.items()
            ],
        }
    )


def _row(findings: pd.DataFrame, cid: str, signal: str) -> pd.Series:
    rows = findings[(findings["candidate_id"] == cid) & (findings["signal"] == signal)]
    assert len(rows) == 1
    return rows.iloc[0]


FULL = ("Within 30 minutes we post a holding statement, escalate to the client and legal, "
        "hide abusive comments under our community guidelines, rotate the team so nobody "
        "faces the abuse alone, and run a post-mortem during the week.")


def test_columns_and_models() -> None:
    findings = analyse(_frames({"a": {"crisis": FULL}, "b": {}}), CONTEXT)
    assert tuple(findings.columns) == FINDING_COLUMNS
    assert len(to_findings(findings)) == len(findings)


def test_no_crisis_plan_fires_when_missing_or_empty_of_elements() -> None:
    findings = analyse(_frames({
        "missing": {"channels": "Instagram, because our buyers are there."},
        "empty": {"crisis": "I would wait for it to calm down and post something nice later."},
        "full": {"crisis": FULL},
    }), CONTEXT)
    flagged = set(findings.loc[findings["flag"] == "no_crisis_plan", "candidate_id"])
    assert flagged == {"missing", "empty"}
    assert _row(findings, "full", "crisis_plan_elements")["suggested_level"] == 5


def test_crisis_level_grows_with_the_elements_named() -> None:
    findings = analyse(_frames({
        "one": {"crisis": "I would escalate to the client straight away and wait for them."},
        "three": {"crisis": "Within an hour we post a holding statement and escalate it to "
                            "the client's PR team."},
    }), CONTEXT)
    one = _row(findings, "one", "crisis_plan_elements")["suggested_level"]
    three = _row(findings, "three", "crisis_plan_elements")["suggested_level"]
    assert one < three


def test_unjudgeable_crisis_answer_is_not_a_missing_plan() -> None:
    findings = analyse(_frames({"fr": {"crisis": "Nous publions un communiqué dans l'heure "
                                                 "et prévenons le client immédiatement."}}),
                       CONTEXT)
    assert findings["flag"].dropna().empty
    row = _row(findings, "fr", "crisis_plan_elements")
    assert np.isnan(row["suggested_level"]) and "French (fr)" in row["detail"]


@pytest.mark.parametrize(
    ("text", "hours"),
    [
        ("We reply to every message within 2 hours on weekdays, and post a holding statement.", 2),
        ("30분 이내에 1차 입장문을 올리고 클라이언트에게 보고합니다.", 0.5),
        ("ภายใน 1 ชั่วโมงเราออกแถลงการณ์เบื้องต้นและแจ้งผู้บริหาร", 1),
        ("خلال ساعتين نرد على كل الرسائل وننشر بيانًا أوليًا للجمهور.", 2),
        ("Brenda 30 minutave publikojmë një deklaratë dhe njoftojmë klientin.", 0.5),
    ],
)
def test_stated_response_time_in_hours(text: str, hours: float) -> None:
    findings = analyse(_frames({"a": {"crisis": text}}), CONTEXT)
    assert _row(findings, "a", "stated_response_time")["value"] == pytest.approx(hours)


def test_day_to_day_response_time_found_outside_the_crisis_answer() -> None:
    findings = analyse(_frames({"a": {
        "data_reporting": "Our inbox target is a response time of 4 hours; the dashboard "
                          "is reviewed weekly with the marketing director.",
    }}), CONTEXT)
    row = _row(findings, "a", "stated_response_time")
    assert row["subject"] == "answer: data_reporting"

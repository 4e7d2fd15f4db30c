"""Guaranteed virality, hacks and overnight results, in answers and case studies."""

from __future__ import annotations

from datetime import date

import pandas as pd

from vetting.frames import FINDING_COLUMNS, PortfolioFrames
from vetting.signals import SignalContext, to_findings
from vetting.signals.claims import analyse

CONTEXT = SignalContext(today=date(2026, 11, 22))


def _frames(answers: dict[str, dict[str, str]],
            cases: dict[str, tuple[str, list[str]]] | None = None) -> PortfolioFrames:
    cases = cases or {}
    return PortfolioFrames.from_rows(
        {
            "candidates": [{"candidate_id": c} for c in sorted(set(answers) | set(cases))],
            "answers": [
                {"candidate_id": cid, "question_id": qid, "text": text}
                for cid, by_q in answers.items() for qid, text in by_q.items()
            ],
            "cases": [
                {"candidate_id": cid, "case": 0, "client": "Cafe Nord", "industry": "food",
                 "platforms": "instagram", "n_platforms": 1, "period_start": "2026-01-01",
                 "period_end": "2026-04-01", "period_days": 90, "objective": objective,
                 "paid_budget": None, "paid_currency": None, "tactics": "\n".join(tactics),
                 "n_tactics": len(tactics), "reference_contactable": False}
                for cid, (objective, tactics) in cases.items()
            ],
        }
    )


def _flagged(findings: pd.DataFrame) -> set[str]:
    return set(findings.loc[findings["flag"] == "guaranteed_virality_claim", "candidate_id"])


def test_columns_and_models() -> None:
    findings = analyse(_frames({"a": {"roi_paid": "We guarantee viral results every time."}}),
                       CONTEXT)
    assert tuple(findings.columns) == FINDING_COLUMNS
    assert len(to_findings(findings)) == 1
    assert findings.iloc[0]["area"] == "repeatability"


def test_claims_in_answers_fire_and_negations_do_not() -> None:
    findings = analyse(_frames({
        "en": {"roi_paid": "Our secret formula makes every post go viral overnight."},
        "honest": {"roi_paid": "There are no hacks and nobody can guarantee virality; we test "
                               "and learn for months."},
        "th": {"roi_paid": "เรามีสูตรลับที่การันตีไวรัลทุกโพสต์"},
        "ar": {"roi_paid": "لا توجد خلطة سرية، ولا أحد يضمن الانتشار."},
    }), CONTEXT)
    assert _flagged(findings) == {"en", "th"}


def test_claims_in_case_study_tactics_and_objectives() -> None:
    findings = analyse(_frames({}, {
        "tactic": ("Grow local orders", ["Weekly reels", "Growth hacks"]),
        "objective": ("Guaranteed viral reach for the launch", ["Reels"]),
        "clean": ("Grow local orders by 20%", ["Weekly reels", "A/B tested offers"]),
    }), CONTEXT)
    assert _flagged(findings) == {"tactic", "objective"}
    row = findings[findings["candidate_id"] == "tactic"].iloc[0]
    assert row["subject"] == "case study: Cafe Nord" and '"Growth hacks"' in row["detail"]


def test_one_flag_per_candidate_counting_every_place() -> None:
    findings = analyse(_frames(
        {"a": {"roi_paid": "We guarantee viral reach.", "crisis": "No crisis, only hacks."}},
        {"a": ("Overnight success for the brand", ["Secret formula"])},
    ), CONTEXT)
    assert len(findings) == 1
    assert findings.iloc[0]["value"] >= 3

"""Measurement literacy: KPI definitions, vanity-only KPI sets, attribution claims."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from vetting.frames import FINDING_COLUMNS, PortfolioFrames
from vetting.signals import SignalContext, to_findings
from vetting.signals.measurement import analyse, classify_kpi_names, kpi_kinds

CONTEXT = SignalContext(today=date(2026, 11, 22))


def _frames(kpis: dict[str, list[tuple[str, str | None]]],
            answers: dict[str, dict[str, str]] | None = None) -> PortfolioFrames:
    candidates = sorted(set(kpis) | set(answers or {}))
    return PortfolioFrames.from_rows(
        {
            "candidates": [{"candidate_id": cid} for cid in candidates],
            "kpis": [
                {"candidate_id": cid, "case": 0, "name": name, "definition": definition,
                 "baseline": 1.0, "result": 2.0, "unit": None}
                for cid, rows in kpis.items() for name, definition in rows
            ],
            "answers": [
                {"candidate_id": cid, "question_id": qid, "text": text}
                for cid, by_q in (answers or {}).items() for qid, text in by_q.items()
            ],
        }
    )


def _signal(findings: pd.DataFrame, cid: str, signal: str) -> pd.DataFrame:
    return findings[(findings["candidate_id"] == cid) & (findings["signal"] == signal)]


def test_columns_and_models() -> None:
    findings = analyse(_frames({"a": [("Followers", None)]}), CONTEXT)
    assert tuple(findings.columns) == FINDING_COLUMNS
    assert len(to_findings(findings)) == len(findings)


def test_undefined_kpis_fires_only_when_most_lack_definitions() -> None:
    findings = analyse(_frames({
        "vague": [("Leads", None), ("CTR", ""), ("Sales", "orders from the shop")],
        "clear": [("Leads", "form fills from paid social"), ("CTR", "link clicks / impressions")],
    }), CONTEXT)
    assert len(_signal(findings, "vague", "undefined_kpis")) == 1
    assert _signal(findings, "clear", "undefined_kpis").empty
    share = _signal(findings, "clear", "kpi_definition_share").iloc[0]
    assert share["value"] == 1.0 and share["suggested_level"] == 5


def test_vanity_only_kpi_sets_in_any_language() -> None:
    findings = analyse(_frames({
        "en": [("Followers", "count"), ("Likes", "total likes"), ("Impressions", "from insights")],
        "mixed": [("Followers", "count"), ("Conversion rate", "orders / sessions")],
        "sq": [("Ndjekës", "numri total"), ("Pëlqime", "numri total i pëlqimeve")],
        "ko": [("팔로워 수", "전체 팔로워"), ("좋아요", "게시물별 합계")],
        "th": [("ผู้ติดตาม", "จำนวนทั้งหมด"), ("ยอดไลก์", "รวมทุกโพสต์")],
        "ar": [("المتابعون", "العدد الكلي"), ("الإعجابات", "مجموع الإعجابات")],
    }), CONTEXT)
    flagged = set(findings.loc[findings["flag"] == "vanity_metrics_only", "candidate_id"])
    assert flagged == {"en", "sq", "ko", "th", "ar"}


def test_classify_kpi_names() -> None:
    kinds = classify_kpi_names(pd.Series(["Follower growth", "Cost per lead", "Reach"]))
    assert kinds["vanity"].tolist() == [True, False, False]
    assert kinds["outcome"].tolist() == [False, True, False]



def test_kpi_kinds_are_classified_once_per_table() -> None:
    """Repeatability and measurement read the same table's kinds: the second call gets the
    first call's result, and another table gets its own."""
    kpis = pd.DataFrame({"name": ["Reach", "Cost per lead"]}, index=[7, 9])
    kinds = kpi_kinds(kpis)
    pd.testing.assert_frame_equal(kinds, classify_kpi_names(kpis["name"]))
    assert kpi_kinds(kpis) is kinds
    other = pd.DataFrame({"name": ["Sales"]})
    assert kpi_kinds(other) is not kinds
    assert kpi_kinds(other)["outcome"].tolist() == [True]

def test_no_kpis_means_no_level_not_a_middle_score() -> None:
    findings = analyse(_frames({}, {"a": {"crisis": "We post a holding statement quickly."}}),
                       CONTEXT)
    share = _signal(findings, "a", "kpi_definition_share").iloc[0]
    assert np.isnan(share["suggested_level"]) and "No KPIs" in share["detail"]


def test_claims_full_attribution_fires_and_respects_negation() -> None:
    findings = analyse(_frames({}, {
        "claims": {"metric_definitions": "We track every sale back to the exact post that "
                                         "made it, with full attribution."},
        "honest": {"metric_definitions": "We cannot track every sale; people see a post "
                                         "several times before they buy."},
        "ar": {"roi_paid": "نتتبع كل عملية بيع إلى المنشور الذي جاءت منه بدقة تامة."},
    }), CONTEXT)
    flagged = set(findings.loc[findings["flag"] == "claims_full_attribution", "candidate_id"])
    assert flagged == {"claims", "ar"}


def test_measurement_answers_get_a_level_from_both_answers() -> None:
    findings = analyse(_frames({}, {"a": {
        "data_reporting": "UTM links feed a Looker Studio dashboard; I send a weekly report "
                          "to the marketing director.",
        "metric_definitions": "Engagement rate is defined as interactions divided by reach; "
                              "these KPIs are reported monthly. Not everything can be tracked.",
    }}), CONTEXT)
    level = _signal(findings, "a", "measurement_answers_score").iloc[0]["suggested_level"]
    assert level >= 4

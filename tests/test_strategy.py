"""Strategy depth from written answers: levels, quotes with positions, and the three flags."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pyarrow as pa

from vetting.frames import FINDING_COLUMNS, PortfolioFrames
from vetting.rubrics import strategy_questions
from vetting.signals import SignalContext, to_findings
from vetting.signals.strategy import analyse, join_per_row

CONTEXT = SignalContext(today=date(2026, 11, 22))
QUESTIONS = [q.id for q in strategy_questions()]

STRONG = {
    "target_audience": "Our target audience is practice managers aged 30-50 at small clinics. "
    "Not all of our followers buy from us, so we interview customers and run a survey.",
    "channels": "LinkedIn and Instagram, because our buyers use LinkedIn at work; audience "
    "insights show 60% of clinic managers there.",
    "engagers": "Mostly suppliers and students: the analytics demographics report and a CRM "
    "match of commenters against customers show only 15% are buyers.",
    "stories_objective": "It depends on the goal: for awareness we watch views, for traffic "
    "link taps, and we test both for 2 weeks before deciding.",
    "campaign_length": "Eight weeks, because the buying cycle is a month; the first two weeks "
    "test three creative angles.",
    "share_of_voice": "We track share of voice against three competitors with social "
    "listening, aiming for 20% within six months as a KPI.",
    "data_reporting": "UTM links feed a Looker Studio dashboard; I send a weekly report to the "
    "marketing director and a monthly review to leadership.",
    "metric_definitions": "Engagement rate is defined as interactions divided by reach; our "
    "KPIs are reported monthly. Not everything can be tracked, people see posts several times.",
    "roi_paid": "We split the test budget across three ad sets, scale the winners, and judge "
    "ROAS and cost per lead over 4 weeks; a lift test shows what is incremental.",
    "crisis": "Within 30 minutes we post a holding statement, escalate to the client and legal, "
    "hide abusive comments under our community guidelines, rotate the team, and hold a "
    "post-mortem in the first week.",
    "objectives_kpis": "Realistic objectives from a baseline: lift qualified leads from 40 to 60 "
    "a month, with KPIs tied to our brand voice and the target audience of clinic managers.",
    "keeping_current": "I follow the platforms' creator blogs and industry newsletters, took a "
    "certification this year, and after the algorithm change we tested short video.",
}

WEAK = {
    "target_audience": "Everyone, really. All people can be customers of the brand.",
    "channels": "All of them, everywhere, we post a lot every single day.",
    "engagers": "People who like the page and comment on posts, many of them.",
    "stories_objective": "Views are the most important thing for stories in my opinion.",
    "campaign_length": "As long as needed, until the client is happy with everything.",
    "crisis": "I would wait for it to calm down and post something nice later on.",
}


def _frames(answers: dict[str, dict[str, str]]) -> PortfolioFrames:
    return PortfolioFrames.from_rows(
        {
            "candidates": [{"candidate_id": cid} for cid in answers],
            "answers": [
                {"candidate_id": cid, "question_id": qid, "text": text}
                for cid, by_question in answers.items()
                for qid, text in by_question.items()
            ],
        }
    )


def _one(findings: pd.DataFrame, cid: str, signal: str) -> pd.Series:
    rows = findings[(findings["candidate_id"] == cid) & (findings["signal"] == signal)]
    assert len(rows) == 1, rows
    return rows.iloc[0]


def test_columns_and_models() -> None:
    findings = analyse(_frames({"strong": STRONG, "weak": WEAK}), CONTEXT)
    assert tuple(findings.columns) == FINDING_COLUMNS
    assert len(to_findings(findings)) == len(findings)


def test_strong_answers_get_a_high_level_and_no_flags() -> None:
    assert set(STRONG) == set(QUESTIONS)
    findings = analyse(_frames({"strong": STRONG}), CONTEXT)
    overall = _one(findings, "strong", "strategy_depth_score")
    assert overall["suggested_level"] >= 4
    assert findings["flag"].dropna().empty


def test_weak_answers_raise_shallow_and_unanswered_flags() -> None:
    findings = analyse(_frames({"weak": WEAK}), CONTEXT)
    shallow = _one(findings, "weak", "shallow_strategy_answers")
    assert shallow["flag"] == "shallow_strategy_answers" and shallow["severity"] == "serious"
    unanswered = _one(findings, "weak", "unanswered_strategy_questions")
    assert unanswered["value"] == 6
    assert "share_of_voice" in unanswered["detail"]
    assert "target_audience" not in unanswered["detail"]
    assert _one(findings, "weak", "strategy_depth_score")["suggested_level"] <= 2


def test_detail_quotes_the_matched_text_with_its_position() -> None:
    text = "Our target audience is clinic managers. Not all of our followers are buyers."
    findings = analyse(_frames({"a": {"target_audience": text}}), CONTEXT)
    answer = _one(findings, "a", "strategy_answer")
    assert '"target audience", chars 4-19' in answer["detail"]
    assert text[4:19] == "target audience"
    assert '"Not all of our followers", chars 40-64' in answer["detail"]
    assert np.isnan(answer["suggested_level"])


def test_followers_as_audience_fires_and_does_not_fire() -> None:
    findings = analyse(_frames({
        "bad": {"target_audience": "Our followers are our audience, so the goal is to grow "
                                   "followers as fast as we can."},
        "good": {"target_audience": "Not all of our followers are our target audience: the "
                                    "buyers are clinic managers aged 30-50."},
        "ko": {"target_audience": "팔로워가 곧 고객입니다. "
                                  "팔로워 수를 늘리는 것이 가장 중요한 목표입니다."},
    }), CONTEXT)
    flagged = set(findings.loc[findings["flag"] == "followers_as_audience", "candidate_id"])
    assert flagged == {"bad", "ko"}
    bad = _one(findings, "bad", "followers_as_audience")
    assert '"Our followers are our audience"' in bad["detail"]


def test_unknown_language_is_reported_plainly_and_not_scored() -> None:
    answers = dict(STRONG)
    answers["crisis"] = "Nous répondons dans l'heure et nous prévenons le client immédiatement."
    findings = analyse(_frames({"fr": answers}), CONTEXT)
    crisis = findings[(findings["signal"] == "strategy_answer")
                      & (findings["subject"] == "answer: crisis")].iloc[0]
    assert crisis["detail"].startswith("Cannot judge this answer (language French (fr) not in")
    assert np.isnan(crisis["value"]) and crisis["confidence"] == 0
    assert "1 cannot be judged" in _one(findings, "fr", "strategy_depth_score")["detail"]


def test_too_short_answers_cannot_be_judged_and_too_few_judged_means_no_level() -> None:
    findings = analyse(_frames({"short": {"target_audience": "Young people.",
                                          "channels": "TikTok."}}), CONTEXT)
    answers = findings[findings["signal"] == "strategy_answer"]
    assert answers["detail"].str.startswith("Cannot judge this answer (too short").all()
    assert np.isnan(_one(findings, "short", "strategy_depth_score")["suggested_level"])


def test_candidate_without_answers_gets_every_question_unanswered() -> None:
    frames = PortfolioFrames.from_rows({"candidates": [{"candidate_id": "none"}]})
    findings = analyse(frames, CONTEXT)
    assert _one(findings, "none", "unanswered_strategy_questions")["value"] == len(QUESTIONS)
    assert np.isnan(_one(findings, "none", "strategy_depth_score")["suggested_level"])


def test_every_language_scores_a_strong_crisis_answer() -> None:
    answers = {
        "en": "Within 30 minutes we post a holding statement and escalate to the client.",
        "sq": "Brenda 30 minutave publikojmë një deklaratë fillestare dhe njoftojmë klientin.",
        "ko": "30분 이내에 1차 입장문을 올리고 클라이언트에게 즉시 보고합니다.",
        "th": "ภายใน 30 นาทีเราออกแถลงการณ์เบื้องต้นและแจ้งผู้บริหารทันที",
        "ar": "خلال ٣٠ دقيقة ننشر بيانًا أوليًا ونبلغ العميل فورًا بما حدث.",
    }
    findings = analyse(_frames({lang: {"crisis": text} for lang, text in answers.items()}),
                       CONTEXT)
    crisis = findings[findings["subject"] == "answer: crisis"].set_index("candidate_id")
    for lang in answers:
        assert crisis.loc[lang, "detail"].startswith("Covers 3 of 6"), (lang, crisis.loc[lang])


def test_join_per_row_keeps_input_order_and_leaves_empty_rows_null() -> None:
    joined = join_per_row(np.array([1, 2, 2]), pa.array(["b", "a", "c"]), 4, "; ")
    assert joined.to_pylist() == [None, "b", "a; c", None]


def test_count_text_formats_each_combination_even_past_int64() -> None:
    from vetting.signals.strategy import count_text

    small = count_text("{} of {}", np.array([1, 2, 1]), np.array([3, 3, 3]))
    assert small.to_pylist() == ["1 of 3", "2 of 3", "1 of 3"]
    big = count_text("{} {}", np.array([2**40, 3]), np.array([2**40, 1]))
    assert big.to_pylist() == [f"{2**40} {2**40}", "3 1"]

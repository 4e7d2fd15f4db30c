"""Language detection, normalisation, concept matching and specificity, in five languages."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
import yaml

from vetting.models import SOURCE_PATTERN
from vetting.rubrics import strategy_questions
from vetting.text import (
    LEXICON_FILE,
    detect_language,
    detect_languages,
    duration_hours,
    find_concepts,
    first_hits,
    lexicon,
    normalise,
    normalise_series,
    parse_number,
    specificity,
    specificity_table,
)


def _hits(text: str, lang: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for hit in find_concepts(text, lang):
        assert text[hit.start:hit.end] == hit.matched_text
        found.setdefault(hit.concept, []).append(hit.matched_text)
    return found


def _first(text: str, lang: str, concept: str) -> tuple[int, int, str]:
    hit = next(h for h in find_concepts(text, lang) if h.concept == concept)
    return hit.start, hit.end, hit.matched_text


# --------------------------------------------------------------------------- concepts


def test_english_concepts_at_their_positions() -> None:
    text = ("Our target audience is clinic managers aged 30-50. Not all of our followers "
            "buy, so we ran a survey. We focus on LinkedIn because that is where buyers are.")
    assert _first(text, "en", "target_audience") == (4, 19, "target audience")
    assert _first(text, "en", "followers_vs_audience") == (51, 75, "Not all of our followers")
    assert _first(text, "en", "audience_research")[2] == "survey"
    assert _first(text, "en", "reasoned_choice")[2] == "because"
    assert _first(text, "en", "platform_choice")[2] == "LinkedIn"


def test_english_word_boundaries_and_plurals() -> None:
    assert "kpis" in _hits("Our KPIs are defined below.", "en")
    assert "kpis" not in _hits("The backpack is new.", "en")  # no 'kpi' inside a word
    assert "testing" in _hits("We ran A/B tests on the hooks.", "en")


def test_albanian_definite_endings_and_missing_diacritics() -> None:
    text = "Audiencën e synuar e njohim. Jo te gjithe ndjekesit jane kliente, prandaj bëmë anketa."
    found = _hits(text, "sq")
    assert found["target_audience"] == ["Audiencën e synuar"]
    assert found["followers_vs_audience"] == ["Jo te gjithe ndjekesit"]  # typed without ë
    assert found["reasoned_choice"] == ["prandaj"]
    assert found["audience_research"] == ["anketa"]


def test_korean_stems_with_particles_attached() -> None:
    text = "우리 타깃층을 먼저 정하고, 팔로워와 실제 고객은 다르기 때문에 설문 조사를 합니다."
    found = _hits(text, "ko")
    assert found["target_audience"] == ["타깃"]
    assert found["followers_vs_audience"][0].startswith("팔로워")
    assert "때문" in found["reasoned_choice"]
    assert "설문" in found["audience_research"]
    start, end, _ = _first(text, "ko", "target_audience")
    assert (start, end) == (3, 5)


def test_thai_substrings_without_spaces() -> None:
    text = "กลุ่มเป้าหมายของเราคือแม่ค้าออนไลน์เพราะพวกเขาซื้อบ่อยเราจึงทำแบบสอบถาม"
    found = _hits(text, "th")
    assert found["target_audience"] == ["กลุ่มเป้าหมาย"]
    assert _first(text, "th", "target_audience")[:2] == (0, 13)
    assert "เพราะ" in found["reasoned_choice"]
    assert found["audience_research"] == ["แบบสอบถาม"]


def test_arabic_prefixes_diacritics_and_letter_variants() -> None:
    # diacritics inside the words, a conjunction prefix and teh marbuta/alef variants
    text = "وَالجُمهورُ المُستهدَفُ هو أصحاب المتاجر. ليس كل المتابعين عملاء، لذلك أجرينا استطلاعًا."
    found = _hits(text, "ar")
    assert found["target_audience"] == ["وَالجُمهورُ المُستهدَفُ"]  # original text, marks kept
    assert _first(text, "ar", "target_audience")[:2] == (0, 23)
    assert found["followers_vs_audience"] == ["ليس كل المتابعين"]
    assert found["audience_research"] == ["استطلاعًا"]
    plain = "الفئه المستهدفه"  # heh for teh marbuta, as often typed
    assert "target_audience" in _hits(plain, "ar")


def test_english_terms_are_borrowed_by_every_language() -> None:
    assert "kpis" in _hits("KPI를 매월 점검합니다.", "ko")
    assert "share_of_voice" in _hits("เราวัด Share of Voice ทุกเดือน", "th")
    assert "roi_measurement" in _hits("نقيس ROI لكل حملة", "ar")


def test_negation_is_a_known_limit_for_positive_concepts() -> None:
    # Lexicon matching does not read negation: the concept is still "found". Documented
    # in docs/strategy-analysis.md; the manager reads the quote.
    assert "data_tracking_system" in _hits("We do not use any dashboard at all.", "en")


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("No one can guarantee virality, and there are no hacks.", "en"),
        ("Askush nuk mund të garantojë rezultate brenda natës.", "sq"),
        ("바이럴을 보장할 수는 없습니다.", "ko"),
        ("ไม่มีใครการันตีไวรัลได้", "th"),
        ("لا أحد يضمن الانتشار، ولا توجد حيل.", "ar"),
    ],
)
def test_guards_cancel_negated_virality_claims(text: str, lang: str) -> None:
    assert "guaranteed_virality_claim" not in _hits(text, lang)


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("We guarantee viral results with our secret formula.", "en"),
        ("Garantojmë rezultate brenda natës.", "sq"),
        ("무조건 떡상합니다. 바이럴 보장!", "ko"),
        ("การันตีไวรัลทุกโพสต์", "th"),
        ("نضمن الانتشار بين ليلة وضحاها.", "ar"),
    ],
)
def test_virality_claims_are_found(text: str, lang: str) -> None:
    assert "guaranteed_virality_claim" in _hits(text, lang)


def _assert_same_as_single_texts(texts: pd.Series, langs: pd.Series,
                                 vectorised: pd.DataFrame) -> None:
    """Each text's first hit of each concept, as the column path found it, is the first
    hit the single-text path finds."""
    for row, text in enumerate(texts):
        expected = {}
        for hit in find_concepts(text, langs[row]):
            expected.setdefault(hit.concept, (hit.start, hit.end, hit.matched_text))
        got = {
            r.concept: (r.start, r.end, r.matched_text)
            for r in vectorised[vectorised["row"] == row].itertuples()
        }
        assert got == expected, text


def test_vectorised_hits_agree_with_single_text_hits() -> None:
    texts = pd.Series([
        "Within 30 minutes we post a holding statement and escalate to the client.",
        "Brenda një ore publikojmë një deklaratë dhe njoftojmë klientin.",
        "30분 이내에 1차 입장문을 올리고 법무팀에 보고합니다.",
        "ภายใน 1 ชั่วโมงเราออกแถลงการณ์และแจ้งผู้บริหาร",
        "خلال ساعةٍ ننشرُ بيانًا أوليًا ونبلغ الإدارة، ولا نحذف النقد.",
        "Not all of our followers are our target audience; our followers are our audience.",
    ])
    langs = detect_languages(texts)
    lex = lexicon()
    scope = {c: np.ones(len(texts), dtype=bool) for c in lex.concepts}
    vectorised = first_hits(texts, langs, scope)
    _assert_same_as_single_texts(texts, langs, vectorised)


def test_vectorised_positions_survive_marks_composition_and_ascii_shortcuts() -> None:
    """The column path maps positions through removed Arabic marks, NFC composition and
    tatweel with numpy (and skips the character index for all-ASCII blocks); every span
    must still be the one the single-text path gives."""
    import unicodedata

    texts = pd.Series([
        "نحدد الجمهورَ المستهدَفَ أولاً ثم نختار القنوات ونقيس الوصول شهرياً.",
        "نحدد الجمهور المستهدف " + "ا\u0654" + "ولاً ونرسل تقريراً شهرياً للعميل.",  # decomposed hamza
        "نحدد الجمهـــور المستهدف ونراجع مؤشرات الأداء كل أسبوع مع الفريق.",  # tatweel
        unicodedata.normalize("NFD", "우리는 타겟 고객을 먼저 정하고 매주 보고서를 보냅니다."),
        "We define the target audience first and report weekly to the client.",
        "Ｋey target audience: define the KPIs with the client every month.",
        # NFC shortens one place and lengthens another: the same length, other positions
        "نحدد" + "\u064a\u0654" + " \u0f73 " + "الجمهورَ المستهدف أولاً ثم نختار القنوات.",
    ])
    langs = pd.Series(["ar", "ar", "ar", "ko", "en", "en", "ar"], dtype=object)
    lex = lexicon()
    scope = {c: np.ones(len(texts), dtype=bool) for c in lex.concepts}
    vectorised = first_hits(texts, langs, scope)
    _assert_same_as_single_texts(texts, langs, vectorised)
    assert set(vectorised["row"]) == set(range(len(texts)))


def test_repeated_texts_get_the_hits_of_their_own_rows_and_scope() -> None:
    """Each distinct text is searched once; every row still gets its own hits, only for
    the concepts in its scope, in the order one search per row would give."""
    english = "We guarantee viral reach and define KPIs with the client every month."
    arabic = "نضمن الانتشار الواسع ونحدد مؤشرات الأداء مع العميل كل شهر."
    texts = pd.Series([english, arabic, english, english, arabic])
    langs = pd.Series(["en", "ar", "en", "sq", "ar"], dtype=object)  # same text, two langs
    lex = lexicon()
    concepts = [c for c in lex.concepts if c in ("guaranteed_virality_claim", "kpis",
                                                  "metric_definition", "reporting_cadence")]
    scope = {c: np.array([True, True, i % 2 == 0, True, False]) for i, c in enumerate(concepts)}
    together = first_hits(texts, langs, scope)
    one_by_one = pd.concat(
        [first_hits(texts.iloc[[row]], langs.iloc[[row]],
                    {c: mask[[row]] for c, mask in scope.items()}).assign(row=row)
         for row in range(len(texts))],
        ignore_index=True,
    )
    assert len(together) > 0
    order = ["row", "concept"]
    assert (together.sort_values(order).reset_index(drop=True).values.tolist()
            == one_by_one.sort_values(order).reset_index(drop=True).values.tolist())
    rank = {lang: i for i, lang in enumerate(lex.languages)}
    keys = list(zip(langs[together["row"]].map(rank), together["concept"].map(concepts.index),
                    together["row"], strict=True))
    assert keys == sorted(keys)  # language, then concept, then row


def test_specificity_table_with_repeated_texts_and_selected_rows() -> None:
    texts = pd.Series(["CTR rose 20% in 6 weeks.", "Bonjour 12", "CTR rose 20% in 6 weeks."])
    langs = detect_languages(texts)
    table = specificity_table(texts, langs, rows=np.array([True, True, False]))
    single = specificity(texts[0], langs[0])
    assert table.iloc[0].tolist() == [
        single.numbers, single.percentages, single.time_frames, single.named_metrics
    ]
    assert table.iloc[2].tolist() == [0, 0, 0, 0]  # not selected, though its text is


# --------------------------------------------------------------------------- detection


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("We would focus on the audience that buys from us, not the one that follows.", "en"),
        ("Ne do të fokusohemi te audienca që blen, jo te ajo që na ndjek në rrjete.", "sq"),
        ("우리는 KPI와 타깃 고객을 먼저 정의합니다.", "ko"),
        ("เราจะวัด KPI และ Engagement Rate ทุกเดือน", "th"),
        ("سنركز على الجمهور المستهدف وليس على المتابعين.", "ar"),
        ("Nous allons définir la cible et les objectifs de la marque.", "fr"),
        ("Мы определим целевую аудиторию и цели бренда.", "ru"),
        ("ما مخاطبان هدف را با پژوهش و گفتگو پیدا می‌کنیم.", "fa"),
    ],
)
def test_detect_language(text: str, lang: str) -> None:
    assert detect_language(text) == lang


def test_detect_language_gives_none_when_it_cannot_tell() -> None:
    assert detect_language("ok") is None
    assert detect_language("") is None
    assert detect_language("2026") is None


# --------------------------------------------------------------------------- normalising


def test_normalise_folds_and_keeps_length_where_it_can() -> None:
    assert normalise("إِدارةُ الأزمة", "ar") == "اداره الازمه"
    assert normalise("audiencës së synuar", "sq") == "audiences se synuar"
    assert normalise("e\u0308", "sq") == "e"  # decomposed ë composed, then folded
    assert normalise("don\u2019t\u00a0stop", "en") == "don't stop"


def test_normalise_series_matches_normalise() -> None:
    texts = pd.Series(["إِدارةُ الأزمة", "audiencës së synuar", "타깃 고객", "ไม่ใช่", "don\u2019t"])
    langs = pd.Series(["ar", "sq", "ko", "th", "en"], dtype=object)
    assert normalise_series(texts, langs).tolist() == [
        normalise(t, lang) for t, lang in zip(texts, langs, strict=True)
    ]


def test_normalise_series_matches_normalise_where_nfc_reorders_or_composes() -> None:
    """The column path skips NFC for Arabic and Thai texts it cannot change (or whose
    Arabic marks it only reorders before they are removed); texts it does change must
    still come out as the single-text path makes them."""
    texts = pd.Series([
        "الجمهورّ" + "\u064e\u0651" + " المستهدف",  # fatha before shadda: NFC reorders
        "الجمهور" + "\u0651\u064e",  # canonical order already
        "و\u0654" + "ولوية" + "\u064b",  # decomposed waw with hamza: NFC composes
        "ผู้" + "\u0e48\u0e38" + "ชม",  # tone mark before sara u: NFC reorders
        "ผู้" + "\u0e38\u0e48" + "ชม",
        "กลุ่มเป้าหมาย\u0e3a\u0e39",
        "ไม่ใช่ e\u0301",  # a Latin mark in a Thai text
        "الجمهور" + "\u064e" + " \u212b",  # a mark and a character NFC replaces
    ])
    langs = pd.Series(["ar", "ar", "ar", "th", "th", "th", "th", "ar"], dtype=object)
    assert normalise_series(texts, langs).tolist() == [
        normalise(t, lang) for t, lang in zip(texts, langs, strict=True)
    ]


def test_the_unicode_facts_the_nfc_shortcut_rests_on() -> None:
    """vetting.text._NFC_MATTERS: in Latin (below U+0300) and the Arabic and Thai blocks
    no character is changed by NFC on its own; the only compositions with a second
    character there are hamza and madda; the only marks are the removed Arabic marks (and
    hamza and madda) and the Thai marks, with the combining classes the Thai pattern
    lists."""
    import unicodedata

    from vetting.text import _ARABIC_MARK_RANGES

    def removed(code: int) -> bool:
        return any(low <= code <= high for low, high in _ARABIC_MARK_RANGES)

    arabic = [*range(0x300), *range(0x600, 0x700)]
    thai = [*range(0x300), *range(0xE00, 0xE80)]
    for code in {*arabic, *thai}:
        assert unicodedata.normalize("NFC", chr(code)) == chr(code), hex(code)
    for code in arabic:
        if unicodedata.combining(chr(code)):
            assert removed(code) or 0x653 <= code <= 0x655, hex(code)
    thai_classes = {c: unicodedata.combining(chr(c)) for c in range(0xE00, 0xE80)}
    assert {c: k for c, k in thai_classes.items() if k} == {
        0xE38: 103, 0xE39: 103, 0xE3A: 9, 0xE48: 107, 0xE49: 107, 0xE4A: 107, 0xE4B: 107,
    }
    inside = set(arabic) | set(thai)
    for code in range(0x110000):
        decomposition = unicodedata.decomposition(chr(code))
        if not decomposition or decomposition.startswith("<"):
            continue
        parts = [int(part, 16) for part in decomposition.split()]
        if len(parts) == 2 and parts[1] in inside:
            assert 0x653 <= parts[1] <= 0x655, hex(code)


# --------------------------------------------------------------------------- specificity


def test_digits_in_every_script_count_as_numbers() -> None:
    assert specificity("We aim for 25% more leads in 6 weeks.", "en").numbers == 2
    assert specificity("نستهدف زيادة ٢٥٪ خلال ٦ أسابيع", "ar").numbers == 2  # Arabic-Indic
    assert specificity("هدف ۲۵ درصد", "ar").numbers == 1  # Extended Arabic-Indic
    assert specificity("เพิ่มขึ้น ๒๕ เปอร์เซ็นต์ใน ๖ สัปดาห์", "th").numbers == 2  # Thai digits


def test_percentages_time_frames_and_named_metrics() -> None:
    en = specificity("CTR rose 20% in 6 weeks; we report monthly on reach.", "en")
    assert (en.percentages, en.time_frames) == (1, 2)
    assert en.named_metrics == 2
    assert specificity("نستهدف ٪٢٠ خلال شهرين", "ar").percentages == 1
    assert specificity("참여율 20% 증가, 3개월 동안 매주 보고", "ko").time_frames == 2
    assert specificity("อัตราการคลิก 2% รายเดือน", "th").named_metrics == 1
    assert specificity("Shkalla e angazhimit 3% çdo javë", "sq").time_frames == 1
    assert not specificity("We will post great content.", "en").is_specific


def test_specificity_table_matches_single_texts() -> None:
    texts = pd.Series(["CTR rose 20% in 6 weeks.", "نستهدف ٢٥٪ خلال ٦ أسابيع", "Bonjour 12"])
    langs = detect_languages(texts)
    table = specificity_table(texts, langs)
    for i, text in enumerate(texts[:2]):
        single = specificity(text, langs[i])
        assert table.iloc[i].tolist() == [
            single.numbers, single.percentages, single.time_frames, single.named_metrics
        ]
    assert table.iloc[2].tolist() == [1, 0, 0, 0]  # French: numbers only, no lexicon


@pytest.mark.parametrize(
    ("text", "lang", "hours"),
    [
        ("within 2 hours", "en", 2.0),
        ("within thirty minutes", "en", 0.5),
        ("brenda një ore", "sq", 1.0),
        ("30분 이내", "ko", 0.5),
        ("ภายใน 1 ชั่วโมง", "th", 1.0),
        ("خلال ساعتين", "ar", 2.0),
        ("خلال ٣٠ دقيقة", "ar", 0.5),
    ],
)
def test_duration_hours(text: str, lang: str, hours: float) -> None:
    assert duration_hours(text, lang) == pytest.approx(hours)


def test_parse_number_reads_any_digits() -> None:
    assert parse_number("٣٠ دقيقة") == 30
    assert parse_number("๑๒") == 12
    assert parse_number("no number") is None


# --------------------------------------------------------------------------- the lexicon


def test_lexicon_questions_are_the_strategy_questions() -> None:
    assert set(lexicon().expected) == {q.id for q in strategy_questions()}
    for concepts in lexicon().expected.values():
        assert all(c in lexicon().concepts for c in concepts)


def test_every_concept_cites_warnings_and_covers_five_languages() -> None:
    lex = lexicon()
    for concept in lex.concepts.values():
        assert concept.sources and all(re.match(SOURCE_PATTERN, s) for s in concept.sources)
        assert set(concept.patterns) == set(lex.languages), concept.id
        if concept.kind == "anti":
            assert set(concept.guards) == set(lex.languages), concept.id
    for flag in lex.flags.values():
        assert all(re.match(SOURCE_PATTERN, s) for s in flag["sources"])


def test_patterns_use_only_the_shared_regex_subset() -> None:
    data = yaml.safe_load(LEXICON_FILE.read_text(encoding="utf-8"))

    def sources(node: object) -> list[str]:
        if isinstance(node, str):
            return [node]
        if isinstance(node, dict) and "re" in node:
            return [node["re"]]
        if isinstance(node, list):
            return [s for item in node for s in sources(item)]
        return []

    entries = [
        source
        for concept in data["concepts"].values()
        for key in ("patterns", "guards")
        for per_lang in (concept.get(key) or {}).values()
        for source in sources(per_lang)
    ] + [s for kind in data["specificity"].values() for lst in kind.values() for s in sources(lst)]
    for source in entries:
        assert not re.search(r"\\[bwdWDB]|\(\?<?[=!]|\\p", source), source

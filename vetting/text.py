"""Language detection, normalisation and concept matching for candidates' written answers.

Why it is built this way:

- The lexicon (which concepts a strong answer names, in English, Albanian, Korean, Thai
  and Arabic) is data in ``vetting/data/concepts.yaml`` so a translator can review it.
- Each pattern is compiled twice from the same source: for RE2 (through pyarrow, linear
  time, used on whole answer columns) and for Python ``re`` (used on one text to list
  every hit for highlighting, and to confirm "anti-concept" hits against their guards).
  Tests check that the two agree.
- Positions are always reported in the ORIGINAL text (0-based, end exclusive), so the app
  can highlight the words that were matched, even when normalisation removed Arabic
  diacritics or composed decomposed letters.

Matching is lexical: it finds words, not understanding. "We never use hacks" and "we use
hacks" contain the same word; anti-concepts carry guard patterns for the common negated
forms, positive concepts do not (documented in docs/strategy-analysis.md).
"""

from __future__ import annotations

import re
import sys
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import yaml

LEXICON_FILE = Path(__file__).resolve().parent / "data" / "concepts.yaml"

# Decimal digits in the scripts candidates write in: ASCII, Arabic-Indic, Extended
# Arabic-Indic (Persian/Urdu) and Thai. Written out (not \d) so RE2 and Python agree.
DIGIT = "[0-9\u0660-\u0669\u06f0-\u06f9\u0e50-\u0e59]"
NUMBER = DIGIT + "+(?:[.,\u066b\u066c]" + DIGIT + "+)*"
_DIGIT_VALUES = str.maketrans(
    {**{chr(0x0660 + i): str(i) for i in range(10)},
     **{chr(0x06F0 + i): str(i) for i in range(10)},
     **{chr(0x0E50 + i): str(i) for i in range(10)},
     "\u066b": ".", "\u066c": ""}
)

# Character folds. Each maps one character to one (or, for marks, zero) characters, so
# positions survive everything except the removal of Arabic marks and NFC composition.
_SPACES = "\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u3000"
_APOSTROPHES = "\u2018\u2019\u02bc\u2032"
# Arabic marks removed before matching (harakat, Quranic marks, tatweel), as code point
# ranges so the regex class, the per-character fold and the numpy offset map agree.
_ARABIC_MARK_RANGES: tuple[tuple[int, int], ...] = (
    (0x0610, 0x061A), (0x064B, 0x065F), (0x0670, 0x0670), (0x06D6, 0x06DC),
    (0x06DF, 0x06E8), (0x06EA, 0x06ED), (0x0640, 0x0640),
)
_ARABIC_MARKS = "".join(
    chr(lo) if lo == hi else f"{chr(lo)}-{chr(hi)}" for lo, hi in _ARABIC_MARK_RANGES
)
_ARABIC_FOLDS: dict[str, str] = {
    "\u0623": "\u0627", "\u0625": "\u0627", "\u0622": "\u0627", "\u0671": "\u0627",  # alef
    "\u0649": "\u064a", "\u06cc": "\u064a",  # alef maqsura, Farsi yeh -> yeh
    "\u0629": "\u0647",  # teh marbuta -> heh
    "\u06a9": "\u0643",  # keheh -> kaf
}
_ALBANIAN_FOLDS: dict[str, str] = {"ë": "e", "Ë": "E", "ç": "c", "Ç": "C"}


def _utf8_pair(code: int) -> int:
    """The two UTF-8 bytes of a character of U+0080-U+07FF, read as one native 16-bit
    number (as :func:`_arabic_pairs` reads them)."""
    return int.from_bytes(bytes([0xC0 | code >> 6, 0x80 | (code & 0x3F)]), sys.byteorder)


_MARK, _FOLD = 1, 2


def _arabic_tables() -> tuple[np.ndarray, np.ndarray]:
    """Lookup tables indexed by a pair of UTF-8 bytes (see
    :func:`_arabic_pairs`): what the character is (:data:`_MARK`, :data:`_FOLD` or 0),
    and the folded character's pair. Every mark and folded letter is a two-byte character
    of the Arabic block."""
    kinds = np.zeros(0x10000, dtype=np.uint8)
    for low, high in _ARABIC_MARK_RANGES:
        for code in range(low, high + 1):
            kinds[_utf8_pair(code)] = _MARK
    folds = np.zeros(0x10000, dtype=np.uint16)
    for source, target in _ARABIC_FOLDS.items():
        kinds[_utf8_pair(ord(source))] = _FOLD
        folds[_utf8_pair(ord(source))] = _utf8_pair(ord(target))
    return kinds, folds


_ARABIC_KINDS, _ARABIC_FOLD_PAIRS = _arabic_tables()

_THREADS = 2  # the benchmark machine's cores
_Task = TypeVar("_Task")
_Result = TypeVar("_Result")
_PARALLEL_MIN_TEXTS = 2_000  # below this, starting threads costs more than they save
_DIGIT_CHARS = "0-9\u0660-\u0669\u06f0-\u06f9\u0e50-\u0e59"
# Arabic proclitics that attach to the first word: wa-/fa- then bi-/ka- + al-, li-l-, or
# a bare bi-/li-/ka-. Stems in the lexicon are written without them.
_ARABIC_PROCLITICS = (
    "(?:[\u0648\u0641])?(?:[\u0628\u0643]?\u0627\u0644|\u0644\u0644|[\u0628\u0644\u0643])?"
)


@dataclass(frozen=True)
class ConceptHit:
    """One concept found in a text, at ``text[start:end]`` of the original text."""

    concept: str
    start: int
    end: int
    matched_text: str


@dataclass(frozen=True)
class Specificity:
    """How concrete an answer is: numbers, time frames and named metrics it contains."""

    numbers: int
    percentages: int
    time_frames: int
    named_metrics: int

    @property
    def total(self) -> int:
        return self.numbers + self.time_frames + self.named_metrics

    @property
    def is_specific(self) -> bool:
        return self.total > 0


@dataclass
class Pattern:
    """One compiled lexicon entry: RE2 source (group ``m`` = the match) and the
    equivalent Python source, compiled only when first needed."""

    re2: str
    python_source: str
    _python: re.Pattern[str] | None = None

    @property
    def re2_unnamed(self) -> str:
        """The RE2 source without its flags and group name, to join into a union."""
        return self.re2.removeprefix("(?i)").replace("(?P<m>", "(?:", 1)

    @property
    def python(self) -> re.Pattern[str]:
        if self._python is None:
            self._python = re.compile(self.python_source, re.IGNORECASE)
        return self._python


@dataclass(frozen=True)
class Concept:
    id: str
    kind: str  # concept | anti | metric
    label: str
    sources: tuple[str, ...]
    patterns: Mapping[str, tuple[Any, ...]]
    guards: Mapping[str, tuple[Any, ...]]


# --------------------------------------------------------------------------- lexicon


class Lexicon:
    """The concepts file, with patterns compiled for both regex engines on demand."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        self.data = data
        self.languages: dict[str, dict[str, Any]] = dict(data["languages"])
        self.concepts: dict[str, Concept] = {
            cid: Concept(
                id=cid,
                kind=node.get("kind", "concept"),
                label=node["label"],
                sources=tuple(node["sources"]),
                patterns={k: tuple(v or ()) for k, v in (node.get("patterns") or {}).items()},
                guards={k: tuple(v or ()) for k, v in (node.get("guards") or {}).items()},
            )
            for cid, node in data["concepts"].items()
        }
        self.expected: dict[str, tuple[str, ...]] = {
            qid: tuple(ids) for qid, ids in data["questions"].items()
        }
        self.specificity: dict[str, dict[str, tuple[Any, ...]]] = {
            kind: {lang: tuple(p) for lang, p in per_lang.items()}
            for kind, per_lang in data["specificity"].items()
        }
        self.detection: dict[str, Any] = data["detection"]
        self.judging: dict[str, Any] = data["judging"]
        self.flags: dict[str, dict[str, Any]] = data["flags"]
        self.time_units: dict[str, dict[str, list[str]]] = data["time_units"]
        self.number_words: dict[str, dict[str, float]] = data.get("number_words", {})
        self._names: dict[str, str] = {
            **self.detection.get("names", {}),
            **{code: spec["name"] for code, spec in self.languages.items()},
        }
        self._compiled: dict[tuple[str, str, str], Pattern | None] = {}

    def supports(self, lang: str | None) -> bool:
        return lang is not None and lang in self.languages

    def language_name(self, lang: str | None) -> str:
        """"Albanian (sq)"; "not recognised" for None."""
        if lang is None:
            return "not recognised"
        return f"{self._names.get(lang, lang)} ({lang})"

    def label(self, concept: str) -> str:
        return self.concepts[concept].label

    def letters(self, lang: str) -> str:
        """The letters of a language as the inside of a character class. Explicit ranges
        (not \\pL) keep RE2's automaton small and mean the same in both engines."""
        return str(self.languages[lang]["letters"])

    # ---- compiling -------------------------------------------------------------------

    def _sources(self, entries: Iterable[Any], lang: str, borrowed: bool) -> tuple[str, str]:
        """(RE2, Python) alternations of one pattern list, each entry wrapped by style."""
        style = "english" if borrowed else self.languages[lang]["style"]
        gap = str(self.data["gaps"].get(lang, self.data["gaps"]["default"]))
        rest = str(self.data["rests"].get(lang, self.data["rests"]["default"]))
        letter = "[a-z]" if style == "english" else f"[{self.letters(lang)}]"
        re2_parts: list[str] = []
        py_parts: list[str] = []
        for entry in entries:
            source, bounded = (
                (entry["re"], entry.get("bounded", True)) if isinstance(entry, dict)
                else (entry, True)
            )
            core = _expand(source, "en" if borrowed else lang, style, letter, gap, rest)
            if not bounded or style in ("substring", "word"):
                # "word": the boundary is added once around the whole alternation.
                re2_parts.append(f"(?:{core})")
                py_parts.append(f"(?:{core})")
            elif style == "english":
                re2_parts.append(rf"\b(?:{core})\b")  # RE2's \b is ASCII, like (?a:)
                py_parts.append(rf"(?a:\b(?:{core})\b)")
            else:  # arabic: optional proclitics glued to the first word
                re2_parts.append(f"(?:{_ARABIC_PROCLITICS}(?:{core}))")
                py_parts.append(f"(?:{_ARABIC_PROCLITICS}(?:{core}))")
        return "|".join(re2_parts), "|".join(py_parts)

    def _compile(self, kind: str, key: str, per_lang: Mapping[str, tuple[Any, ...]],
                 lang: str) -> Pattern | None:
        """One language's patterns plus the English terms borrowed into every language."""
        cache_key = (kind, key, lang)
        if cache_key in self._compiled:
            return self._compiled[cache_key]
        own = per_lang.get(lang, ())
        borrowed = per_lang.get("en", ()) if lang != "en" else ()
        own_re2, own_py = self._sources(own, lang, borrowed=False) if own else ("", "")
        en_re2, en_py = self._sources(borrowed, lang, borrowed=True) if borrowed else ("", "")
        re2_inner = "|".join(p for p in (own_re2, en_re2) if p)
        py_inner = "|".join(p for p in (own_py, en_py) if p)
        result: Pattern | None = None
        if re2_inner:
            if self.languages[lang]["style"] in ("word", "arabic"):
                # Word boundaries on the language's own letters. RE2 has no look-around,
                # so the boundary characters are consumed outside the group ``m``, which
                # gives the span; Python uses look-around with the same class.
                word = self.letters(lang) + _DIGIT_CHARS
                re2 = f"(?i)(?:^|[^{word}])(?P<m>{re2_inner})(?:[^{word}]|$)"
                py = f"(?<![{word}])(?:{py_inner})(?![{word}])"
            else:
                re2 = f"(?i)(?P<m>{re2_inner})"
                py = py_inner
            result = Pattern(re2, py)
        self._compiled[cache_key] = result
        return result

    def concept_pattern(self, concept: str, lang: str) -> Pattern | None:
        """The concept's pattern in a language; None when it has none there."""
        return self._compile("concept", concept, self.concepts[concept].patterns, lang)

    def guard_pattern(self, concept: str, lang: str) -> Pattern | None:
        """Negated forms that cancel an anti-concept hit they overlap."""
        return self._compile("guard", concept, self.concepts[concept].guards, lang)

    def specificity_pattern(self, kind: str, lang: str) -> Pattern | None:
        return self._compile("specificity", kind, self.specificity[kind], lang)


def _fold_source(source: str, lang: str) -> str:
    """Apply the text folds to a pattern, so authors can write natural spelling."""
    if lang == "ar":
        return "".join(_ARABIC_FOLDS.get(ch, ch) for ch in source)
    if lang == "sq":
        return "".join(_ALBANIAN_FOLDS.get(ch, ch) for ch in source)
    return source


def _expand(source: str, lang: str, style: str, letter: str, gap: str, rest: str) -> str:
    """Macros and spaces of a pattern source (the result is valid in RE2 and Python)."""
    text = _spaces(_fold_source(source, lang), r"\s*" if style == "substring" else r"\s+")
    return (
        text.replace("{L}", letter)
        .replace("{N}", NUMBER)
        .replace("{D}", DIGIT)
        .replace("{GAP}", gap)
        .replace("{REST}", rest)
    )


def _spaces(source: str, space: str) -> str:
    """A literal space means "spaces" outside [...] and a whitespace character inside."""
    out: list[str] = []
    in_class = escaped = False
    for ch in source:
        if escaped:
            out.append(ch)
            escaped = False
        elif ch == "\\":
            out.append(ch)
            escaped = True
        elif ch == "[" and not in_class:
            in_class = True
            out.append(ch)
        elif ch == "]" and in_class:
            in_class = False
            out.append(ch)
        elif ch == " ":
            out.append(r"\s" if in_class else space)
        else:
            out.append(ch)
    return "".join(out)


@cache
def lexicon(path: Path = LEXICON_FILE) -> Lexicon:
    """The concepts file, read once per process."""
    # libyaml's loader when installed: the pure-Python one takes most of the start-up.
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return Lexicon(yaml.load(path.read_text(encoding="utf-8"), Loader=loader))


# --------------------------------------------------------------------------- normalising


def _is_arabic_mark(ch: str) -> bool:
    code = ord(ch)
    return any(lo <= code <= hi for lo, hi in _ARABIC_MARK_RANGES)


def _fold_char(ch: str, lang: str | None) -> str:
    if ch in _SPACES:
        return " "
    if ch in _APOSTROPHES:
        return "'"
    if lang == "ar":
        return "" if _is_arabic_mark(ch) else _ARABIC_FOLDS.get(ch, ch)
    if lang == "sq":
        return _ALBANIAN_FOLDS.get(ch, ch)
    return ch


def _attaches(ch: str) -> bool:
    """Whether a character belongs with the one before it (marks, tatweel, Hangul jamo)."""
    return bool(unicodedata.combining(ch)) or "\u1160" <= ch <= "\u11ff" or ch == "\u0640"


def _clusters(text: str) -> Iterable[tuple[int, int]]:
    """Spans of a base character with the combining marks (or Hangul jamo) after it."""
    i, n = 0, len(text)
    while i < n:
        j = i + 1
        while j < n and _attaches(text[j]):
            j += 1
        yield i, j
        i = j


def _translation(lang: str | None) -> dict[int, str]:
    """The one-to-one character folds of a language, as a str.translate table."""
    table = {ord(ch): " " for ch in _SPACES} | {ord(ch): "'" for ch in _APOSTROPHES}
    folds = _ARABIC_FOLDS if lang == "ar" else _ALBANIAN_FOLDS if lang == "sq" else {}
    return table | {ord(k): v for k, v in folds.items()}


_TRANSLATIONS: dict[str | None, dict[int, str]] = {}
_ARABIC_MARK_RE = re.compile(f"[{_ARABIC_MARKS}]")
_ARABIC_MARK_RUN_RE = re.compile(f"[{_ARABIC_MARKS}]+")


def normalise_with_offsets(
    text: str, lang: str | None
) -> tuple[str, Sequence[int], Sequence[int]]:
    """Normalised text, and for each of its characters the original span it came from."""
    if unicodedata.is_normalized("NFC", text):
        if lang not in _TRANSLATIONS:
            _TRANSLATIONS[lang] = _translation(lang)
        table = _TRANSLATIONS[lang]
        if not (lang == "ar" and _ARABIC_MARK_RE.search(text)):
            # Only one-to-one folds apply: positions are unchanged (the common case).
            return text.translate(table), range(len(text)), range(1, len(text) + 1)
        return _without_marks(text, table)
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for i, j in _clusters(text):
        for ch in unicodedata.normalize("NFC", text[i:j]):
            for folded in _fold_char(ch, lang):
                out.append(folded)
                starts.append(i)
                ends.append(j)
    return "".join(out), starts, ends


def _without_marks(text: str, table: dict[int, str]) -> tuple[str, list[int], list[int]]:
    """Arabic text without its marks; a letter's span extends over the marks after it."""
    starts: list[int] = []
    ends: list[int] = []
    position = 0
    for run in _ARABIC_MARK_RUN_RE.finditer(text):
        starts.extend(range(position, run.start()))
        ends.extend(range(position + 1, run.start() + 1))
        if ends and ends[-1] == run.start():
            ends[-1] = run.end()
        position = run.end()
    starts.extend(range(position, len(text)))
    ends.extend(range(position + 1, len(text) + 1))
    return _ARABIC_MARK_RUN_RE.sub("", text).translate(table), starts, ends


def normalise(text: str, lang: str | None) -> str:
    """NFC, plain spaces and apostrophes; Arabic marks removed and alef/yeh/teh marbuta
    variants folded; Albanian ë/ç folded to e/c (people often type them without)."""
    return normalise_with_offsets(text, lang)[0]


_MAY_COMPOSE = r"[\p{M}\x{1100}-\x{11FF}]"  # NFC can only change texts with these
# Texts of a language that contain marks, but that NFC cannot change (Thai), or can only
# change in ways the mark removal undoes (Arabic), are those that match none of these.
# Arabic: outside Latin and the Arabic block, or the hamza and madda marks that compose
# with the letter before them; the other marks there are removed anyway, so NFC's
# reordering of them does not matter. Thai: outside Latin and the Thai block, or two
# marks out of canonical order (combining classes 107 > 103 > 9), which NFC reorders.
# (Checked against unicodedata in tests/test_text.py.)
_NFC_MATTERS: dict[str | None, str] = {
    "ar": r"[^\x{0000}-\x{02FF}\x{0600}-\x{06FF}]|[\x{0653}-\x{0655}]",
    "th": (r"[^\x{0000}-\x{02FF}\x{0E00}-\x{0E7F}]"
           r"|[\x{0E48}-\x{0E4B}][\x{0E38}-\x{0E3A}]|[\x{0E38}\x{0E39}]\x{0E3A}"),
}


def _on_rows_matching(arr: pa.Array, pattern: str, change: Any) -> pa.Array:
    """Apply ``change`` only to the texts that contain ``pattern`` (most contain none)."""
    mask = pc.match_substring_regex(arr, pattern)
    if not pc.any(mask).as_py():
        return arr
    changed = change(arr.filter(mask))
    return pc.replace_with_mask(arr, mask, changed)


def _compose(arr: pa.Array, lang: str | None) -> tuple[pa.Array, np.ndarray]:
    """NFC of the texts that may compose (most do not), and which of them it changed."""
    changed = np.zeros(len(arr), dtype=bool)
    composes = _present(arr, _MAY_COMPOSE)
    if lang in _NFC_MATTERS and composes.any():
        rows = np.flatnonzero(composes)
        composes[rows] = _present(_rows_of(arr, rows), _NFC_MATTERS[lang])
    if not composes.any():
        return arr, changed
    mask = pa.array(composes)
    before = arr.filter(mask)
    after = pc.utf8_normalize(before, form="NFC")
    changed[composes] = np.asarray(
        pc.not_equal(before, after).to_numpy(zero_copy_only=False), dtype=bool
    )
    return pc.replace_with_mask(arr, mask, after), changed


def _fold_array(out: pa.Array, lang: str | None) -> tuple[pa.Array, np.ndarray | None]:
    """The one-to-one folds and the removal of Arabic marks, after :func:`_compose`; for
    Arabic also the byte positions (in the input) of the marks removed."""
    out = _on_rows_matching(
        out, f"[{_SPACES}{_APOSTROPHES}]",
        lambda a: pc.replace_substring_regex(
            pc.replace_substring_regex(a, f"[{_SPACES}]", " "), f"[{_APOSTROPHES}]", "'"
        ),
    )
    if lang == "ar":
        return _fold_arabic(out)
    if lang == "sq":
        out = _fold_albanian(out)
    return out, None


def _fold_albanian(arr: pa.Array) -> pa.Array:
    """ë/ç folded to e/c (:data:`_ALBANIAN_FOLDS`)."""
    for source, target in _ALBANIAN_FOLDS.items():
        arr = pc.replace_substring(arr, source, target)
    return arr


def _arabic_pairs(data: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(sorted byte positions, kinds) of the Arabic marks and folded letters in UTF-8
    bytes (:data:`_ARABIC_KINDS`).

    The bytes are read as 16-bit numbers at even and at odd positions (two views, no
    copies). A pair that starts inside another character never matches: the lead bytes
    of the Arabic block (0xD8-0xDB) occur nowhere else.
    """
    usable = len(data) - 1  # pairs that start at each byte but the last
    kinds = np.empty(usable, dtype=np.uint8)
    kinds[0::2] = np.take(_ARABIC_KINDS, data[: usable + usable % 2].view(np.uint16))
    kinds[1::2] = np.take(_ARABIC_KINDS, data[1: 1 + usable - usable % 2].view(np.uint16))
    positions = np.flatnonzero(kinds)
    return positions, kinds[positions]


def _fold_arabic(arr: pa.Array) -> tuple[pa.Array, np.ndarray]:
    """Arabic marks removed and letter variants folded (:data:`_ARABIC_FOLDS`), on the
    UTF-8 bytes: every mark and every folded letter is a two-byte character in the Arabic
    block, and each fold is another, so this is a byte mask and a byte rewrite. Also
    returns the byte positions of the marks."""
    data, offsets = _utf8_bytes(arr)
    if len(data) < 2:
        return arr, np.zeros(0, dtype=np.int64)
    positions, kinds = _arabic_pairs(data)
    marks, folded = positions[kinds == _MARK], positions[kinds == _FOLD]
    if not len(marks) and not len(folded):
        return arr, marks
    if len(folded):
        data = data.copy()
        pairs = np.column_stack([data[folded], data[folded + 1]])  # one row per letter
        target = _ARABIC_FOLD_PAIRS[pairs.view(np.uint16).ravel()].view(np.uint8)
        data[folded], data[folded + 1] = target[0::2], target[1::2]
    keep = np.ones(len(data), dtype=bool)
    keep[marks] = keep[marks + 1] = False
    # Each mark before a row's start moves it two bytes back.
    new_offsets = offsets - 2 * np.searchsorted(marks, offsets)
    folded_arr = pa.LargeStringArray.from_buffers(
        len(arr), pa.py_buffer(new_offsets), pa.py_buffer(data[keep])
    )
    return folded_arr, marks


def _arrow(texts: pd.Series) -> pa.Array:
    """A large_string Arrow array of a text column (missing -> empty)."""
    if isinstance(texts.dtype, pd.StringDtype) and len(texts):
        converted = pa.array(texts.array)  # a ChunkedArray when pandas holds several chunks
        if isinstance(converted, pa.ChunkedArray):
            converted = converted.combine_chunks()
        return pc.fill_null(converted, "").cast(pa.large_string())
    values = texts.astype(object).where(texts.notna(), "").astype(str).to_numpy(dtype=object)
    return pa.array(values, type=pa.large_string())


def normalise_series(texts: pd.Series, langs: pd.Series) -> pd.Series:
    """Vectorised :func:`normalise`, one language at a time."""
    columns = TextColumns(texts, langs)
    distinct = np.empty(columns.n_distinct, dtype=object)
    for lang in columns.languages():
        block = columns.block(lang)
        distinct[block.positions] = block.normalised.to_pylist()
    return pd.Series(distinct[columns.distinct_of_row], index=texts.index, dtype=object)


# --------------------------------------------------------------------------- detection


def _map_texts(function: Callable[[_Task], _Result], tasks: Sequence[_Task],
               n_texts: int) -> list[_Result]:
    """``[function(task) for task in tasks]``, on both cores when there are enough texts
    to repay starting the threads: RE2 in Arrow releases the GIL."""
    if n_texts < _PARALLEL_MIN_TEXTS or _THREADS < 2:
        return [function(task) for task in tasks]
    with ThreadPoolExecutor(max_workers=_THREADS) as pool:
        return list(pool.map(function, tasks))


def _count(arr: pa.Array, pattern: str) -> np.ndarray:
    return np.asarray(
        pc.count_substring_regex(arr, pattern).to_numpy(zero_copy_only=False), dtype=float
    )


def _present(arr: pa.Array, pattern: str) -> np.ndarray:
    return np.asarray(
        pc.match_substring_regex(arr, pattern).to_numpy(zero_copy_only=False), dtype=bool
    )


def detect_languages(texts: pd.Series) -> pd.Series:
    """Language code of each text, by script, and for Latin script by function words.

    Hangul -> ko, Thai -> th, Arabic script -> ar (fa or ur when their letters appear),
    other scripts to the codes in the detection section of the lexicon; Latin script ->
    en or sq (or another Latin language listed there, which the lexicon lacks). None
    when a text has too few letters or function words to tell.
    """
    # Texts repeat (candidates reuse answers): each distinct one is detected once.
    encoded = pc.dictionary_encode(_arrow(texts))
    codes = np.asarray(encoded.indices.to_numpy(), dtype=np.int64)
    return pd.Series(_languages_of(encoded.dictionary)[codes], index=texts.index,
                     dtype=object)


def _languages_of(distinct: pa.Array) -> np.ndarray:
    """:func:`detect_languages` of distinct texts (an Arrow column), as an object array.

    Only the first few hundred characters are read: they tell the language as well as
    the whole text. Distinct texts rarely share those, so prefixes are not deduplicated
    again (in the benchmark's answers, 1.6% would be, for more than that in hashing).
    """
    if len(distinct) == 0:
        return np.full(0, None, dtype=object)
    prefix_chars = int(lexicon().detection.get("prefix_chars", 400))
    prefixes = pc.utf8_slice_codeunits(distinct, 0, prefix_chars)
    # Each text is told on its own, so halves can run on both cores.
    half = (len(prefixes) + 1) // 2
    halves = [prefixes.slice(0, half), prefixes.slice(half)]
    return np.concatenate(_map_texts(_detect_distinct, halves, len(prefixes)))


def _detect_distinct(arr: pa.Array) -> np.ndarray:
    """Language code (or None) of each text prefix (see :func:`detect_languages`)."""
    settings = lexicon().detection
    scripts = settings["scripts"]
    main = [s for s in scripts if s.get("main") and s["lang"] != "latin"]
    rest = [s for s in scripts if not s.get("main")]
    refinements = settings.get("refinements", [])
    latin_class = next(s["class"] for s in scripts if s["lang"] == "latin")
    other_class = "[" + "".join(s["class"].strip("[]") for s in rest) + "]"
    candidates = [*main, {"lang": "other", "class": other_class}]
    # Each text's language so far, as a number into `labels` (-1: none): comparing numbers
    # holds the GIL (which the other analysers wait for) far less than comparing strings.
    labels = list(dict.fromkeys([
        *(s["lang"] for s in candidates), *(s["lang"] for s in rest), "latin",
        *(r["lang"] for r in refinements),
    ]))
    number = {lang: i for i, lang in enumerate(labels)}
    code = np.full(len(arr), -1, dtype=np.int64)
    # One scan finds the first non-Latin letter of each text; its script is the text's
    # candidate script, which wins when it has at least as many words as Latin script.
    any_class = "[" + "".join(s["class"].strip("[]") for s in candidates) + "]"
    first = pc.extract_regex(arr, f"(?P<c>{any_class})").field("c")  # null: none
    unassigned = np.asarray(first.is_valid().to_numpy(zero_copy_only=False), dtype=bool)
    for spec in candidates:
        has = np.flatnonzero(unassigned)
        if not len(has):
            break
        rows = has[_present(first.take(pa.array(has, type=pa.int64())), spec["class"])]
        unassigned[rows] = False
        if not len(rows):
            continue
        subset = arr.take(pa.array(rows, type=pa.int64()))
        latin_words = _count(subset, latin_class + "+")
        # The text has at least one word of the script (its first letter), so its words
        # are only counted where Latin script has more than one word's weight.
        weight = float(spec.get("word_weight", 1.0))
        words = np.full(len(rows), weight)
        uncertain = np.flatnonzero(latin_words > weight)
        if len(uncertain):
            words[uncertain] = weight * _count(
                subset.take(pa.array(uncertain, type=pa.int64())), spec["class"] + "+"
            )
        wins = words >= latin_words
        code[rows[wins]] = number[spec["lang"]]
    undecided = np.flatnonzero(code < 0)
    if len(undecided):
        subset = arr.take(pa.array(undecided))
        latin = _present(subset, latin_class)
        code[undecided[latin]] = number["latin"]
    other_rows = np.flatnonzero(code == number["other"])
    if len(other_rows):
        subset = arr.take(pa.array(other_rows))
        counts = np.column_stack(
            [_count(subset, s["class"]) * float(s.get("weight", 1.0)) for s in rest]
        )
        code[other_rows] = np.array([number[s["lang"]] for s in rest])[counts.argmax(axis=1)]
    for script_lang in dict.fromkeys(r["script_lang"] for r in refinements):
        of_script = [r for r in refinements if r["script_lang"] == script_lang]
        script_code = number.get(script_lang, -2)  # -2: a script no text can have
        rows = np.flatnonzero(code == script_code)
        if len(of_script) > 1 and len(rows):  # most texts have none of their letters
            any_class = "[" + "".join(r["class"].strip("[]") for r in of_script) + "]"
            rows = rows[_present(arr.take(pa.array(rows)), any_class)]
        for refinement in of_script:  # in order: the first that applies wins
            rows = rows[code[rows] == script_code]
            if len(rows):
                found = _count(arr.take(pa.array(rows)), refinement["class"])
                code[rows[found >= int(refinement.get("min", 1))]] = number[refinement["lang"]]
    result = np.array([*labels, None], dtype=object)[code]  # code -1 takes the None
    latin_rows = np.flatnonzero(code == number["latin"])
    if len(latin_rows):
        result[latin_rows] = _latin_languages(arr.take(pa.array(latin_rows)), settings)
    return result


def _function_word_regex(words: Sequence[str], ascii_bounded: bool) -> str:
    alternation = "|".join(re.escape(w) for w in words)
    if ascii_bounded:  # all-ASCII words: RE2's (ASCII) \b is exact and consumes nothing
        return rf"(?i)\b(?:{alternation})\b"
    return rf"(?i)(?:^|[^\p{{Latin}}])(?:{alternation})(?:[^\p{{Latin}}]|$)"


def _latin_languages(arr: pa.Array, settings: Mapping[str, Any]) -> np.ndarray:
    """en / sq (or another listed Latin language) by function words per word.

    Albanian is scored on text with ë/ç folded to e/c, so its function words are ASCII
    and word boundaries are exact; words that fold onto English ones (më, për) are left
    out of the list, and each ë or ç counts half a function word instead.
    """
    words = np.asarray(
        pc.count_substring(arr, " ").to_numpy(zero_copy_only=False), dtype=float
    ) + 1.0
    function_words: dict[str, list[str]] = settings["latin_function_words"]
    primary = list(settings["latin_primary"])
    min_share = float(settings["latin_min_share"])
    min_hits = float(settings["latin_min_hits"])
    # Only texts with the letters need folding (English ones have none).
    folded = _on_rows_matching(arr, "[" + "".join(_ALBANIAN_FOLDS) + "]", _fold_albanian)

    def score(lang: str, rows: pa.Array, folded_rows: pa.Array) -> np.ndarray:
        listed = [_fold_source(str(w), lang) for w in function_words[lang]]
        ascii_words = all(w.isascii() for w in listed)
        text = folded_rows if lang == "sq" else rows
        values = _count(text, _function_word_regex(listed, ascii_words))
        extra = settings.get("latin_letters", {}).get(lang)
        return values + 0.5 * _count(rows, f"[{extra}]") if extra else values

    scores = np.column_stack([score(lang, arr, folded) for lang in primary])
    top = scores.max(axis=1)
    tied = (scores == top[:, None]).sum(axis=1) > 1
    confident = (top >= min_hits) & (top / words >= min_share) & ~tied
    out = np.where(confident, np.array(primary, dtype=object)[scores.argmax(axis=1)], None)
    out = out.astype(object)
    others = [lang for lang in function_words if lang not in primary]
    unsure = np.flatnonzero(~confident & (words >= min_hits))
    if len(unsure) and others:
        index = pa.array(unsure, type=pa.int64())
        subset, folded_subset = arr.take(index), folded.take(index)
        all_scores = np.column_stack(
            [scores[unsure]] + [score(lang, subset, folded_subset)[:, None] for lang in others]
        )
        a_top = all_scores.max(axis=1)
        a_tied = (all_scores == a_top[:, None]).sum(axis=1) > 1
        ok = (a_top >= min_hits) & ~a_tied
        out[unsure[ok]] = np.array(primary + others, dtype=object)[all_scores.argmax(axis=1)[ok]]
    return out


def detect_language(text: str) -> str | None:
    """Language code of one text (see :func:`detect_languages`)."""
    value = detect_languages(pd.Series([text], dtype=object)).iloc[0]
    return None if value is None else str(value)


# --------------------------------------------------------------------------- one text


def _python_hits(normalised: str, pattern: Pattern, guard: Pattern | None
                 ) -> list[tuple[int, int]]:
    spans = [(m.start(), m.end()) for m in pattern.python.finditer(normalised)
             if m.end() > m.start()]
    if guard is None or not spans:
        return spans
    guards = [(m.start(), m.end()) for m in guard.python.finditer(normalised)]
    return [(s, e) for s, e in spans if not any(gs < e and s < ge for gs, ge in guards)]


def find_concepts(
    text: str, lang: str, concepts: Iterable[str] | None = None
) -> list[ConceptHit]:
    """Every concept hit in one text, positions in the original text, sorted by start.

    Anti-concepts drop hits that overlap one of their guards (e.g. "no one can guarantee
    virality"). Raises ValueError for a language the lexicon lacks.
    """
    lex = lexicon()
    if not lex.supports(lang):
        raise ValueError(f"no lexicon for language {lang!r}")
    normalised, starts, ends = normalise_with_offsets(text, lang)
    hits: list[ConceptHit] = []
    for concept in concepts if concepts is not None else lex.concepts:
        pattern = lex.concept_pattern(concept, lang)
        if pattern is None:
            continue
        for s, e in _python_hits(normalised, pattern, lex.guard_pattern(concept, lang)):
            o_s, o_e = starts[s], ends[e - 1]
            hits.append(ConceptHit(concept, o_s, o_e, text[o_s:o_e]))
    hits.sort(key=lambda hit: (hit.start, hit.end, hit.concept))
    return hits


def specificity(text: str, lang: str | None = None) -> Specificity:
    """Numbers (any script), percentages, time frames and named metrics in one text."""
    lex = lexicon()
    lang = lang or detect_language(text)
    normalised = normalise(text, lang)
    counts = {}
    for kind in ("percentages", "time_frames", "named_metrics"):
        pattern = lex.specificity_pattern(kind, lang) if lex.supports(lang) else None
        counts[kind] = 0 if pattern is None else len(pattern.python.findall(normalised))
    return Specificity(numbers=len(re.findall(NUMBER, normalised)), **counts)


# --------------------------------------------------------------------------- columns


@dataclass
class _Block:
    """The texts of one language: positions in the column, composed and normalised."""

    positions: np.ndarray
    composed: pa.Array  # after NFC, before the folds
    normalised: pa.Array
    shifted: np.ndarray  # normalised length differs from the original
    nfc_stable: np.ndarray  # NFC changed nothing (only marks may have gone)
    marks: np.ndarray | None  # Arabic: byte positions in ``composed`` of the marks removed
    _char_index: tuple[np.ndarray, np.ndarray | None] | None = None
    _unmark_index: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None = None

    def unmark_index(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """For Arabic texts, counted in characters over the whole block, once: (each
        row's start in the normalised texts, its start in the composed texts, its end
        there, and for each removed mark the normalised character it came before).

        The k-th normalised character is then composed character k plus the number of
        marks that came before it (see :meth:`TextColumns._locate`).
        """
        if self._unmark_index is None:
            marks = self.marks if self.marks is not None else np.zeros(0, dtype=np.int64)
            # Each earlier mark took two bytes out of the normalised texts.
            normalised_bytes = marks - 2 * np.arange(len(marks))
            offsets, _ = self.char_index()
            row = np.searchsorted(offsets, normalised_bytes, side="right") - 1
            norm_starts = _starts(self.normalised)
            before = norm_starts[row] + self.char_offsets(row, normalised_bytes - offsets[row])
            composed_starts = _starts(self.composed)
            self._unmark_index = (norm_starts[:-1], composed_starts[:-1], composed_starts[1:],
                                  before)
        return self._unmark_index

    def char_index(self) -> tuple[np.ndarray, np.ndarray | None]:
        """(row byte offsets, running count of UTF-8 lead bytes or None when every text
        is ASCII) of the normalised texts (see :meth:`char_spans`).

        The count is only ever read as a difference within one text, so when every text
        is shorter than 2**16 bytes it is kept in 16 bits, wrapping (exact for such
        differences, and a quarter of the memory of 64 bits to write).
        """
        if self._char_index is None:
            data, offsets = _utf8_bytes(self.normalised)
            cum = None
            if len(data) and data.max() >= 0x80:
                short = len(offsets) < 2 or int(np.diff(offsets).max()) < 2**16
                cum = np.empty(len(data) + 1, dtype=np.uint16 if short else np.int64)
                cum[0] = 0
                # Summed in the type it is stored in: numpy releases the GIL for that,
                # but not for a cumsum that casts as it goes (the answers thread shares
                # the GIL with the other analysers, so this matters more than its CPU).
                leads = ((data & 0xC0) != 0x80).astype(cum.dtype)
                np.add.accumulate(leads, dtype=cum.dtype, out=cum[1:])
            self._char_index = (offsets, cum)
        return self._char_index

    def char_spans(self, local: np.ndarray, byte_spans: np.ndarray
                   ) -> tuple[np.ndarray, np.ndarray]:
        """Character (start, end) in the normalised texts at ``local`` of RE2's byte
        spans (rows of [byte start, byte length])."""
        byte_start = byte_spans[:, 0].astype(np.int64)
        byte_end = byte_start + byte_spans[:, 1]
        return self.char_offsets(local, byte_start), self.char_offsets(local, byte_end)

    def char_offsets(self, local: np.ndarray, byte_offsets: np.ndarray) -> np.ndarray:
        """Character offsets in the normalised texts at ``local`` of byte offsets."""
        offsets, cum = self.char_index()
        if cum is None:  # ASCII: a byte is a character
            return np.asarray(byte_offsets, dtype=np.int64)
        row_start = offsets[local]
        return (cum[row_start + byte_offsets] - cum[row_start]).astype(np.int64)


def _lengths_differ(texts: pa.Array, others: pa.Array) -> np.ndarray:
    """Whether each text has another number of characters than its counterpart."""
    differ = pc.not_equal(pc.utf8_length(texts), pc.utf8_length(others))
    return np.asarray(differ.to_numpy(zero_copy_only=False), dtype=bool)


def _starts(arr: pa.Array) -> np.ndarray:
    """Each text's first character in the texts end to end, and the total at the end."""
    lengths = pc.utf8_length(arr).to_numpy(zero_copy_only=False)
    return np.concatenate([[0], np.cumsum(lengths, dtype=np.int64)])


def _char_slices(texts: pa.Array, start: np.ndarray, end: np.ndarray) -> pa.Array:
    """``texts[i][start[i]:end[i]]`` (offsets in characters) for each i, cut from the
    UTF-8 bytes with numpy: no Python strings are made, and numpy releases the GIL the
    other analysers are waiting for.

    >>> _char_slices(pa.array(["añb", "xyz"], pa.large_string()),
    ...              np.array([1, 0]), np.array([3, 2])).to_pylist()
    ['ñb', 'xy']
    """
    data, offsets = _utf8_bytes(texts)
    first_char = _starts(texts)
    n_chars = np.diff(first_char)
    end = np.clip(end, 0, n_chars)
    start = np.clip(start, 0, end)
    if len(data) and data.max() >= 0x80:
        # The byte each character starts at, texts end to end, then the end of the last.
        char_byte = np.append(np.flatnonzero((data & 0xC0) != 0x80), len(data))
        byte_start = char_byte[first_char[:-1] + start]
        byte_end = char_byte[first_char[:-1] + end]
    else:  # ASCII: a character is a byte
        byte_start, byte_end = offsets[:-1] + start, offsets[:-1] + end
    lengths = byte_end - byte_start
    new_offsets = np.zeros(len(lengths) + 1, dtype=np.int64)
    np.cumsum(lengths, out=new_offsets[1:])
    picked = np.repeat(byte_start - new_offsets[:-1], lengths) + np.arange(new_offsets[-1])
    return pa.LargeStringArray.from_buffers(
        len(lengths), pa.py_buffer(new_offsets), pa.py_buffer(data[picked])
    )


def _utf8_bytes(arr: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """(UTF-8 bytes, row byte offsets rebased to 0) of a large_string array, no copies
    beyond Arrow's own compaction."""
    arr = pa.concat_arrays([arr])
    offsets = np.frombuffer(arr.buffers()[1], dtype=np.int64)[
        arr.offset: arr.offset + len(arr) + 1
    ]
    buffer = arr.buffers()[2]
    data = np.frombuffer(buffer, dtype=np.uint8) if buffer is not None else np.zeros(0, np.uint8)
    return data[offsets[0]: offsets[-1]], offsets - offsets[0]




@dataclass(frozen=True)
class _Hits:
    """The first hit of one concept in each text of a block that has one."""

    concept: str
    rows: np.ndarray  # distinct-text positions
    start: np.ndarray
    end: np.ndarray
    matched: pa.Array  # large_string


# One concept search: the block, its language, the concept, its pattern and the texts
# (positions in the block) to search.
_Search = tuple[_Block, str, str, Pattern, np.ndarray]


def _rows_of(arr: pa.Array, local: np.ndarray) -> pa.Array:
    """``arr`` at positions ``local`` (sorted, unique): the array itself when that is all
    of it, which is common and saves a copy."""
    if len(local) == len(arr):
        return arr
    return arr.take(pa.array(local, type=pa.int64()))


class TextColumns:
    """A column of texts prepared once for many concept searches (normalised per
    language, lazily), so the strategy, measurement and crisis signals share the work.

    Candidates (and agencies) reuse answers, so each distinct (text, language) pair is
    normalised and searched once; ``arrow``, ``langs`` and the blocks hold
    the distinct pairs, and ``distinct_of_row`` maps each input row to its pair.
    ``row_langs`` is each row's language: the one given, or detected when none is.
    """

    def __init__(self, texts: pd.Series, langs: pd.Series | None = None) -> None:
        row_texts = _arrow(texts)
        if langs is None:
            # A detected language depends on the text alone: the distinct texts are the
            # distinct pairs, and only they are detected. (Arrow numbers the distinct
            # values in the order they first appear.)
            encoded = pc.dictionary_encode(row_texts)
            self.arrow = encoded.dictionary
            self.distinct_of_row = np.asarray(encoded.indices.to_numpy(), dtype=np.int64)
            self.langs = _languages_of(self.arrow)
            row_langs = self.langs[self.distinct_of_row]
        else:
            row_langs = langs.to_numpy(dtype=object)
            first_rows, self.distinct_of_row = _distinct_pairs(row_texts, row_langs)
            self.arrow = row_texts.take(pa.array(first_rows, type=pa.int64()))
            self.langs = row_langs[first_rows]
        self.row_langs = pd.Series(row_langs, index=texts.index, dtype=object)
        self.n_rows = len(row_langs)
        self.n_distinct = len(self.arrow)
        # The languages as numbers (-1: none), for masks that compare numbers, not strings.
        self._lang_codes, lang_names = pd.factorize(pd.Series(self.langs, dtype=object))
        self._lang_code_of = {name: code for code, name in enumerate(lang_names)}
        self._blocks: dict[str | None, _Block] = {}

    def _in_language(self, lang: str | None) -> np.ndarray:
        """Which distinct texts are in ``lang`` (None: in no language)."""
        code = -1 if lang is None else self._lang_code_of.get(lang, -2)
        return self._lang_codes == code

    def _distinct_mask(self, row_mask: np.ndarray) -> np.ndarray:
        """Which distinct texts have at least one of the selected rows."""
        mask = np.zeros(self.n_distinct, dtype=bool)
        mask[self.distinct_of_row[row_mask]] = True
        return mask

    def languages(self) -> list[str | None]:
        return list(pd.unique(pd.Series(self.langs, dtype=object)))

    def block(self, lang: str | None) -> _Block:
        if lang not in self._blocks:
            positions = np.flatnonzero(self._in_language(lang))
            original = self.arrow.take(pa.array(positions, type=pa.int64()))
            composed, changed = _compose(original, lang)
            normalised, marks = _fold_array(composed, lang)
            if lang == "ar":  # marks were removed: any text may be shorter
                shifted = _lengths_differ(original, normalised)
            else:  # the folds put one character for one: only NFC changes a length
                shifted = np.zeros(len(positions), dtype=bool)
                rows = np.flatnonzero(changed)
                if len(rows):
                    shifted[rows] = _lengths_differ(_rows_of(original, rows),
                                                    _rows_of(composed, rows))
            self._blocks[lang] = _Block(positions, composed, normalised, shifted, ~changed,
                                        marks)
        return self._blocks[lang]

    def first_hits(self, scope: Mapping[str, np.ndarray | pd.Series]) -> pd.DataFrame:
        """The first hit of each concept in each text (see :func:`first_hits`): found
        once per distinct text, then copied to every row in the concept's scope."""
        return self.first_hits_and_specificity(scope, None)[0]

    def first_hits_and_specificity(
        self, scope: Mapping[str, np.ndarray | pd.Series], rows: np.ndarray | None
    ) -> tuple[pd.DataFrame, pd.DataFrame | None]:
        """:meth:`first_hits`, and :meth:`specificity` of ``rows`` unless None: their RE2
        passes run in one batch, so both cores stay busy until the last one ends."""
        row_masks = {c: np.asarray(m, dtype=bool) for c, m in scope.items()}
        distinct_masks = {c: self._distinct_mask(m) for c, m in row_masks.items()}
        selected = None if rows is None else np.asarray(rows, dtype=bool)
        distinct_selected = None if selected is None else self._distinct_mask(selected)
        self._index_blocks(distinct_masks, distinct_selected)
        searches = self._searches(distinct_masks)
        counts = [] if distinct_selected is None else self._counts(distinct_selected)
        tasks: list[Callable[[], Any]] = [
            *(lambda search=search: self._search(*search) for search in searches),
            *(lambda count=count: _count(count[2], count[3]) for count in counts),
        ]
        results = _map_texts(lambda task: task(), tasks, self.n_distinct)
        found = self._hits_frame([hit for hit in results[:len(searches)] if hit is not None])
        hits = self._spread_hits(found, row_masks) if len(found) else found
        if distinct_selected is None or selected is None:  # no specificity asked for
            return hits, None
        values = np.zeros((self.n_distinct, 4), dtype=np.int64)
        for (where, column, _, _), count in zip(counts, results[len(searches):], strict=True):
            values[where, column] = count
        values[~distinct_selected] = 0  # blank or too short: counted with the rest, dropped
        return hits, self._specificity_frame(values, selected)

    def _spread_hits(self, found: pd.DataFrame, row_masks: Mapping[str, np.ndarray]
                     ) -> pd.DataFrame:
        """Hits of the distinct texts -> hits of the rows, in the order one search per
        (language, concept) over all rows gives: language, then concept, then row."""
        lang_rank = {lang: i for i, lang in enumerate(lexicon().languages)}
        # Each distinct text's language rank, looked up once per language (-1: none).
        rank_of_code = [lang_rank.get(name, -1) for name in self._lang_code_of]
        distinct_rank = np.array([*rank_of_code, -1])[self._lang_codes]
        concept_codes, concept_names = pd.factorize(found["concept"])
        code_of = {name: code for code, name in enumerate(concept_names)}
        found_rows = found["row"].to_numpy(dtype=np.int64)
        rows_parts: list[np.ndarray] = []
        hit_parts: list[np.ndarray] = []
        concept_parts: list[np.ndarray] = []
        for concept_number, (concept, mask) in enumerate(row_masks.items()):
            of_concept = np.flatnonzero(concept_codes == code_of.get(concept, -1))
            if not len(of_concept):
                continue
            hit_of_distinct = np.full(self.n_distinct, -1, dtype=np.int64)
            hit_of_distinct[found_rows[of_concept]] = of_concept
            rows = np.flatnonzero(mask)
            hit = hit_of_distinct[self.distinct_of_row[rows]]
            rows_parts.append(rows[hit >= 0])
            hit_parts.append(hit[hit >= 0])
            concept_parts.append(np.full((hit >= 0).sum(), concept_number))
        rows = np.concatenate(rows_parts)
        hits = np.concatenate(hit_parts)
        concept_numbers = np.concatenate(concept_parts)
        order = np.lexsort((rows, concept_numbers, distinct_rank[self.distinct_of_row[rows]]))
        rows, hits = rows[order], hits[order]
        return pd.DataFrame(
            {
                "row": rows,
                "concept": found["concept"].array.take(hits),
                "start": found["start"].to_numpy(dtype=np.int64)[hits],
                "end": found["end"].to_numpy(dtype=np.int64)[hits],
                "matched_text": found["matched_text"].array.take(hits),
            }
        )

    def _index_blocks(self, masks: Mapping[str, np.ndarray], selected: np.ndarray | None
                      ) -> None:
        """Normalise (on both cores when there are enough texts) the languages that will
        be searched or counted, before the threads that search them share the blocks."""
        lex = lexicon()
        searched = np.logical_or.reduce([*masks.values(), np.zeros(self.n_distinct, bool)])
        counted = searched if selected is None else selected

        def prepare(lang: str) -> None:
            in_language = self._in_language(lang)
            if (searched & in_language).any():
                self._indexed_block(lang)  # with the indexes the searches read
            elif (counted & in_language).any():
                self.block(lang)

        _map_texts(prepare, list(lex.languages), self.n_distinct)

    def _searches(self, masks: Mapping[str, np.ndarray]) -> list[_Search]:
        """One search per (language, concept) with texts in scope, in the order the hits
        are reported: language, then concept."""
        lex = lexicon()
        searches: list[_Search] = []
        for lang in lex.languages:
            if lang not in self._blocks:
                continue
            block = self._blocks[lang]
            lang_searches = []
            for concept, mask in masks.items():
                pattern = lex.concept_pattern(concept, lang)
                local = np.flatnonzero(mask[block.positions])
                if pattern is None or not len(local):
                    continue
                lex.guard_pattern(concept, lang)  # build lazily cached sources here
                lang_searches.append((block, lang, concept, pattern, local))
            searches += _prefiltered(lang_searches)
        return searches

    @staticmethod
    def _hits_frame(found: Sequence[_Hits]) -> pd.DataFrame:
        columns = ["row", "concept", "start", "end", "matched_text"]
        if not found:
            return pd.DataFrame(columns=columns)
        concepts = pa.array([hit.concept for hit in found], type=pa.large_string())
        of_hit = np.repeat(np.arange(len(found)), [len(hit.rows) for hit in found])
        return pd.DataFrame(
            {
                "row": np.concatenate([hit.rows for hit in found]),
                "concept": pd.array(concepts.take(pa.array(of_hit)), dtype="str"),
                "start": np.concatenate([hit.start for hit in found]),
                "end": np.concatenate([hit.end for hit in found]),
                "matched_text": pd.array(pa.concat_arrays([hit.matched for hit in found]),
                                         dtype="str"),
            }
        )

    def _indexed_block(self, lang: str | None) -> _Block:
        """The block of a language with its character index (and for Arabic its mark
        index) built, before the threads that search it share it."""
        block = self.block(lang)
        block.char_index()
        if lang == "ar" and block.shifted.any():
            block.unmark_index()
        return block

    def _search(self, block: _Block, lang: str, concept: str, pattern: Pattern,
                local: np.ndarray) -> _Hits | None:
        """RE2 finds which texts match, then the span of the group ``m`` (in bytes, turned
        into characters); spans go back to the original text in :meth:`_locate`."""
        subset = _rows_of(block.normalised, local)
        # One RE2 pass: texts without a match come back null.
        spans = pc.extract_regex_span(subset, pattern.re2)
        if spans.null_count == len(spans):
            return None
        hit = np.asarray(spans.is_valid().to_numpy(zero_copy_only=False), dtype=bool)
        local_hit = local[hit]
        # The span column has a (zero) span for the texts without a match too.
        flat = spans.field("m").flatten().to_numpy(zero_copy_only=False).reshape(-1, 2)[hit]
        start, end = block.char_spans(local_hit, flat)
        return self._locate(block, lang, concept, local_hit, start, end)

    def _locate(self, block: _Block, lang: str, concept: str, local: np.ndarray,
                start: np.ndarray, end: np.ndarray) -> _Hits | None:
        """Normalised spans -> original spans; anti-concepts confirmed against guards.

        Texts whose normalised length equals the original keep their positions; Arabic
        texts that only lost marks are mapped with numpy; the rest (NFC changes, texts
        where a guard also matches) go through :func:`normalise_with_offsets`.
        """
        lex = lexicon()
        start = start.astype(np.int64)
        end = end.astype(np.int64)
        rows = block.positions[local]
        shifted = block.shifted[local]
        needs_python = np.zeros(len(rows), dtype=bool)  # guard cases the columns cannot settle
        mapped = np.zeros(len(rows), dtype=bool)  # Arabic spans mapped column-wise
        keep = np.ones(len(rows), dtype=bool)
        pattern = lex.concept_pattern(concept, lang)
        guard = lex.guard_pattern(concept, lang)
        assert pattern is not None
        if guard is not None:
            self._apply_guard(block, pattern, guard, local, start, end, keep, needs_python)
        if lang == "ar" and shifted.any():
            # Texts that only lost marks: a normalised character's position in the
            # block, plus the marks that came before it, is its position in the original
            # block. The end extends over the marks after the last matched letter, as
            # the Python path does.
            norm_starts, row_starts, row_ends, mark_before = block.unmark_index()
            fast = np.flatnonzero(shifted & block.nfc_stable[local])
            if len(fast):
                rows_fast = local[fast]
                first = norm_starts[rows_fast] + start[fast]
                after = norm_starts[rows_fast] + end[fast]
                first += np.searchsorted(mark_before, first, side="right")
                after += np.searchsorted(mark_before, after, side="right")
                start[fast] = first - row_starts[rows_fast]
                end[fast] = np.minimum(after, row_ends[rows_fast]) - row_starts[rows_fast]
                mapped[fast] = True
        slow = np.flatnonzero(((shifted & ~mapped) | needs_python) & keep)
        # Only these texts become Python strings.
        originals = self.arrow.take(pa.array(rows[slow], type=pa.int64())).to_pylist()
        for i, text in zip(slow, originals, strict=True):
            normalised, starts, ends = normalise_with_offsets(text, lang)
            spans = _python_hits(normalised, pattern, guard)
            if not spans:
                keep[i] = False
                continue
            start[i], end[i] = starts[spans[0][0]], ends[spans[0][1] - 1]
        if not keep.any():
            return None
        rows, start, end = rows[keep], start[keep], end[keep]
        matched = _char_slices(self.arrow.take(pa.array(rows, type=pa.int64())), start, end)
        return _Hits(concept, rows, start, end, matched)

    def _apply_guard(self, block: _Block, pattern: Pattern, guard: Pattern,
                     local: np.ndarray, start: np.ndarray, end: np.ndarray,
                     keep: np.ndarray, slow: np.ndarray) -> None:
        """Drop anti-concept hits a guard overlaps (in normalised positions).

        Decided column-wise when the text holds one hit and one guard match; texts with
        more go to the Python path (``slow``), which checks every occurrence.
        """
        texts = _rows_of(block.normalised, local)
        # One RE2 pass finds the guarded texts and the guard spans (each call compiles
        # the pattern again, which is most of the cost on a few texts).
        all_spans = pc.extract_regex_span(texts, guard.re2)
        present = np.asarray(all_spans.is_valid().to_numpy(zero_copy_only=False), dtype=bool)
        guarded = np.flatnonzero(present)
        if not len(guarded):
            return
        subset = texts.take(pa.array(guarded, type=pa.int64()))
        flat = all_spans.field("m").flatten().to_numpy(zero_copy_only=False).reshape(-1, 2)
        flat = flat[present]
        guard_start, guard_end = block.char_spans(local[guarded], flat)
        single = (_count(subset, pattern.re2) == 1) & (_count(subset, guard.re2) == 1)
        overlap = (guard_start < end[guarded]) & (start[guarded] < guard_end)
        keep[guarded[single & overlap]] = False
        slow[guarded[~single]] = True

    def specificity(self, rows: np.ndarray | None = None) -> pd.DataFrame:
        """Numbers, percentages, time_frames, named_metrics per text (zeros outside
        ``rows`` and for languages the lexicon lacks)."""
        selected = (np.ones(self.n_rows, dtype=bool) if rows is None
                    else np.asarray(rows, dtype=bool))
        table = self.first_hits_and_specificity({}, selected)[1]
        assert table is not None  # rows were given
        return table

    def _counts(self, selected: np.ndarray) -> list[tuple[np.ndarray, int, pa.Array, str]]:
        """The RE2 counts behind the specificity of the selected distinct texts: (where
        the counts go, column, texts, pattern). Whole columns are counted and the
        unselected texts zeroed afterwards: those are blank or too short, so counting
        them costs less than copying out the selection."""
        lex = lexicon()
        counts: list[tuple[np.ndarray, int, pa.Array, str]] = []
        if not selected.any():
            return counts
        # Numbers need no lexicon: they are counted in every text.
        counts.append((np.arange(self.n_distinct), 0, self.arrow, NUMBER))
        for lang in lex.languages:
            if not (selected & self._in_language(lang)).any():
                continue
            block = self.block(lang)
            for column, kind in enumerate(("percentages", "time_frames", "named_metrics"), 1):
                pattern = lex.specificity_pattern(kind, lang)
                if pattern is not None:
                    counts.append((block.positions, column, block.normalised, pattern.re2))
        return counts

    def _specificity_frame(self, values: np.ndarray, selected: np.ndarray) -> pd.DataFrame:
        """The counts of the distinct texts spread to the rows, zero outside ``selected``."""
        rows = values[self.distinct_of_row]
        rows[~selected] = 0
        return pd.DataFrame(
            rows, columns=["numbers", "percentages", "time_frames", "named_metrics"]
        )


def _prefiltered(searches: list[_Search]) -> list[_Search]:
    """The searches of one language, those over most of its texts narrowed first to the
    texts where any of them matches.

    The concepts looked for in every answer (the red-flag ones, response times) rarely
    match, and one RE2 pass for their union costs about as much as one for each. The
    texts it rules out cannot match any of them, so the hits are the same.
    """
    if not searches:
        return searches
    block_size = len(searches[0][0].positions)
    wide = [i for i, search in enumerate(searches) if 2 * len(search[4]) >= block_size]
    if len(wide) < 2:
        return searches
    normalised = searches[0][0].normalised
    scope = np.unique(np.concatenate([searches[i][4] for i in wide]))
    union = "(?i)" + "|".join(f"(?:{searches[i][3].re2_unnamed})" for i in wide)
    candidate = np.zeros(block_size, dtype=bool)
    candidate[scope[_present(_rows_of(normalised, scope), union)]] = True
    narrowed = list(searches)
    for i in wide:
        block, lang, concept, pattern, local = searches[i]
        narrowed[i] = (block, lang, concept, pattern, local[candidate[local]])
    return [search for search in narrowed if len(search[4])]


def first_hits(
    texts: pd.Series, langs: pd.Series, scope: Mapping[str, np.ndarray | pd.Series]
) -> pd.DataFrame:
    """The first hit of each concept in each text, computed column-wise with RE2.

    ``scope`` maps a concept id to a boolean mask (aligned with ``texts``) of the rows
    to search for it. Returns columns row (position in ``texts``), concept, start, end,
    matched_text, positions in the original texts. Rows whose language the lexicon lacks
    are skipped. Anti-concept hits are confirmed against their guards.
    """
    return TextColumns(texts, langs).first_hits(scope)


def specificity_table(
    texts: pd.Series, langs: pd.Series, rows: np.ndarray | pd.Series | None = None
) -> pd.DataFrame:
    """Vectorised :func:`specificity`, indexed like ``texts``."""
    table = TextColumns(texts, langs).specificity(None if rows is None else np.asarray(rows))
    table.index = texts.index
    return table


def _distinct_pairs(texts: pa.Array, langs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(first row of each distinct (text, language) pair, in row order; each row's pair)."""
    if len(texts) == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    text_codes = np.asarray(pc.dictionary_encode(texts).indices.to_numpy(), dtype=np.int64)
    lang_codes, lang_values = pd.factorize(pd.Series(langs, dtype=object),
                                           use_na_sentinel=False)
    keys = text_codes * max(len(lang_values), 1) + lang_codes
    _, first_rows, pair_of_row = np.unique(keys, return_index=True, return_inverse=True)
    # Number the pairs in the order of their first row.
    order = np.argsort(first_rows, kind="stable")
    renumber = np.empty_like(order)
    renumber[order] = np.arange(len(order))
    return first_rows[order], renumber[pair_of_row.reshape(-1)]


# --------------------------------------------------------------------------- numbers


def parse_number(text: str) -> float | None:
    """The first number in a text, whatever its digits (Arabic-Indic, Thai...)."""
    found = re.search(NUMBER, text)
    if not found:
        return None
    try:
        return float(found.group(0).translate(_DIGIT_VALUES).replace(",", "."))
    except ValueError:
        return None


def duration_hours(matched_text: str, lang: str) -> float | None:
    """Hours in a stated response time ("within 2 hours", "30분 이내", "خلال ساعتين")."""
    units = lexicon().time_units.get(lang, {})
    normalised = normalise(matched_text, lang).lower()
    per_unit = {"minutes": 1 / 60, "hours": 1.0, "days": 24.0}
    for unit, words in units.items():
        folded = [normalise(str(word), lang) for word in words]
        if unit.endswith("_dual"):
            if any(word in normalised for word in folded):
                return 2 * per_unit[unit.removesuffix("_dual")]
            continue
        if any(word in normalised for word in folded):
            number = parse_number(normalised)
            if number is None:
                number = _number_word(normalised, lang)
            return (1.0 if number is None else number) * per_unit[unit]
    return None


def _number_word(normalised: str, lang: str) -> float | None:
    """A number written as a word ("thirty", "një", "두"), per the lexicon's list."""
    substring = lexicon().languages.get(lang, {}).get("style") == "substring"
    for word, value in lexicon().number_words.get(lang, {}).items():
        folded = re.escape(normalise(str(word), lang).lower())
        pattern = folded if substring else rf"(?<![^\W_]){folded}(?![^\W_])"
        if re.search(pattern, normalised):
            return float(value)
    return None


__all__ = [
    "DIGIT",
    "NUMBER",
    "Concept",
    "ConceptHit",
    "Lexicon",
    "Pattern",
    "Specificity",
    "TextColumns",
    "detect_language",
    "detect_languages",
    "duration_hours",
    "find_concepts",
    "first_hits",
    "lexicon",
    "normalise",
    "normalise_series",
    "normalise_with_offsets",
    "parse_number",
    "specificity",
    "specificity_table",
]

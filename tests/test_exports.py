"""Exports: formula injection neutralised in CSV and Excel, JSON readable, scripts intact."""

from __future__ import annotations

import csv
import io
import json

import pandas as pd
import pytest
from openpyxl import load_workbook

from vetting.comparison import comparison_bundle
from vetting.exports import neutralise, to_csv, to_excel, to_json
from vetting.frames import PortfolioFrames
from vetting.models import Rubric
from vetting.scoring import score_candidates
from vetting.signals import findings_frame

HOSTILE = [
    '=HYPERLINK("http://evil.example","click")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1:A9)",
    "\t=1+1",
    "\r=1+1",
    "\uff1d1+1",  # full-width equals sign
]
SCRIPTS = ["스튜디오 한나", "สตูดิโอ ฮานา", "استوديو هناء", "Studio Hënë"]


def hostile_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "candidate": HOSTILE,
            "total": [71.5, 0.0, -3.0, 12.0, 50.0, None, 99.9],
            "level": [5, 4, 3, 2, 1, 3, 4],
            "=header": ["ok"] * len(HOSTILE),
        }
    )


def script_frame() -> pd.DataFrame:
    return pd.DataFrame({"candidate": SCRIPTS, "total": [80.0, 70.0, 60.0, 50.0]})


@pytest.mark.parametrize("text", HOSTILE)
def test_neutralise_prefixes_a_quote(text: str) -> None:
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("text", ["Studio Hana", "a=b", "", "'already", "1+1", *SCRIPTS])
def test_neutralise_leaves_ordinary_text(text: str) -> None:
    assert neutralise(text) == text


def _read_csv(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs for UTF-8
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_csv_neutralises_text_cells_and_headers_and_keeps_numbers() -> None:
    rows = _read_csv(to_csv(hostile_frame()))
    header, body = rows[0], rows[1:]
    assert header == ["candidate", "total", "level", "'=header"]
    assert [row[0] for row in body] == ["'" + text for text in HOSTILE]
    assert all(not row[0].startswith(("=", "+", "-", "@", "\t", "\r")) for row in body)
    # Numbers are written as numbers (a negative total is not a formula); missing is empty.
    assert [row[1] for row in body] == ["71.5", "0.0", "-3.0", "12.0", "50.0", "", "99.9"]
    assert [row[2] for row in body] == ["5", "4", "3", "2", "1", "3", "4"]


def test_csv_round_trips_hangul_thai_arabic() -> None:
    rows = _read_csv(to_csv(script_frame()))
    assert [row[0] for row in rows[1:]] == SCRIPTS


def test_excel_cells_are_text_not_formulas_and_numbers_stay_numbers() -> None:
    book = load_workbook(io.BytesIO(to_excel(hostile_frame())))
    sheet = book["comparison"]
    cells = list(sheet.iter_rows(min_row=2, values_only=False))
    for row, text in zip(cells, HOSTILE, strict=True):
        assert row[0].data_type == "s"
        # XML reads a carriage return back as a line feed; the quote is what matters.
        assert row[0].value == "'" + text.replace("\r", "\n")
    assert sheet["D1"].value == "'=header"
    assert sheet["D1"].data_type == "s"
    assert [row[1].value for row in cells] == [71.5, 0.0, -3.0, 12.0, 50.0, None, 99.9]
    assert all(row[1].data_type == "n" for row in cells if row[1].value is not None)
    assert not any(cell.data_type == "f" for row in sheet.iter_rows() for cell in row)


def test_excel_several_sheets_and_scripts_survive() -> None:
    tables = {"side/by:side*": script_frame(), "x" * 40: hostile_frame()}
    book = load_workbook(io.BytesIO(to_excel(tables)))
    assert book.sheetnames == ["side_by_side_", "x" * 31]
    assert [c.value for c in book["side_by_side_"]["A"][1:]] == SCRIPTS


def test_excel_drops_characters_xml_cannot_hold() -> None:
    frame = pd.DataFrame({"name": ["Ana\x00\x07 Lee"]})
    book = load_workbook(io.BytesIO(to_excel(frame)))
    assert book["comparison"]["A2"].value == "Ana Lee"


def test_json_is_readable_and_unaltered() -> None:
    text = to_json({"ranking": hostile_frame(), "names": script_frame()})
    assert "스튜디오 한나" in text
    assert "استوديو هناء" in text
    data = json.loads(text)
    assert [row["candidate"] for row in data["ranking"]] == HOSTILE
    assert data["ranking"][5]["total"] is None
    assert data["ranking"][2]["total"] == -3.0
    assert data["names"][1]["candidate"] == "สตูดิโอ ฮานา"


def _bundle() -> dict[str, pd.DataFrame]:
    rubric = Rubric.model_validate(
        {
            "id": "t",
            "title": "T",
            "criteria": [
                {
                    "id": cid,
                    "title": cid,
                    "question": "?",
                    "area": area,
                    "weight": weight,
                    "sources": ["004 closing"],
                    "levels": [{"score": s, "anchor": str(s)} for s in range(1, 6)],
                    "questions": [
                        {
                            "id": f"q{cid}",
                            "text": "?",
                            "strong_answer": "a",
                            "weak_answer": "b",
                            "sources": ["004 closing"],
                        }
                    ],
                }
                for cid, area, weight in (
                    ("reach", "followers_engagement", 2),
                    ("plan", "strategy_depth", 1),
                )
            ],
        }
    )
    people = PortfolioFrames.from_rows(
        {
            "candidates": [
                {
                    "candidate_id": "h",
                    "name": '=HYPERLINK("x")',
                    "kind": "agency",
                    "price_amount": 900.0,
                    "price_currency": "EUR",
                    "price_unit": "hourly",
                },
                {"candidate_id": "k", "name": "스튜디오 한나", "kind": "agency"},
            ]
        }
    ).candidates
    findings = findings_frame(
        [
            {
                "candidate_id": cid,
                "area": area,
                "signal": "s",
                "subject": "portfolio",
                "suggested_level": level,
                "confidence": 0.9,
                "sources": "004 §3",
                "detail": "-5% month on month",
            }
            for cid, area, level in (
                ("h", "followers_engagement", 4),
                ("k", "strategy_depth", 5),
                ("k", "followers_engagement", 2),
            )
        ]
    )
    return comparison_bundle(score_candidates(findings, people, rubric), rubric, None, people)


def test_bundle_exports_neutralise_candidate_names_used_as_headers() -> None:
    bundle = _bundle()
    header = _read_csv(to_csv(bundle["side_by_side"]))[0]
    assert '\'=HYPERLINK("x")' in header
    assert "스튜디오 한나" in header
    book = load_workbook(io.BytesIO(to_excel(bundle)))
    assert set(book.sheetnames) == set(bundle)
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f"
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(("=", "+", "-", "@"))
    evidence = book["evidence"]
    assert "'-5% month on month" in [c.value for c in evidence["F"]]
    data = json.loads(to_json(bundle))
    assert {row["candidate"] for row in data["evidence"]} == {'=HYPERLINK("x")', "스튜디오 한나"}

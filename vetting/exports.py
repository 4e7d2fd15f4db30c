"""Comparison tables out as CSV, Excel and JSON, safe to open in a spreadsheet.

Candidate names, handles and answers are text a stranger wrote. A spreadsheet treats a
cell that starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return) as a
formula, so a name like ``=HYPERLINK(...)`` would run when the manager opens the file
(OWASP, "CSV Injection"). Every such text cell, headers included, gets a leading single
quote; numbers stay numbers. JSON is not opened by spreadsheets and is left as written.
"""

from __future__ import annotations

import io
import json
import math
import re
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

import numpy as np
import pandas as pd
from openpyxl import Workbook

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
"""First characters that make a spreadsheet read text as a formula. The full-width
forms are included because some spreadsheet input paths fold them to ASCII."""

EXCEL_CELL_LIMIT = 32_767  # characters Excel keeps in one cell
_EXCEL_SHEET_NAME = re.compile(r"[\[\]:*?/\\]")
# Control characters XML 1.0 (and so .xlsx) cannot hold; tab, LF and CR are allowed.
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

Sheets = Mapping[str, pd.DataFrame]


def neutralise(text: str) -> str:
    """Text a spreadsheet will show, never evaluate.

    >>> neutralise("=1+1"), neutralise("Studio Hana")
    ("'=1+1", 'Studio Hana')
    """
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


def _plain(value: Any) -> Any:
    """A cell as a plain Python value: None for missing, numbers as int/float."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if isinstance(value, (date, datetime, str)):
        return value
    return str(value)


def _safe_cell(value: Any) -> Any:
    value = _plain(value)
    return neutralise(value) if isinstance(value, str) else value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy with every text cell and header neutralised and missing values empty."""
    safe = frame.astype(object).map(_safe_cell)
    safe.columns = [neutralise(str(column)) for column in frame.columns]
    return safe


def to_csv(frame: pd.DataFrame) -> bytes:
    """CSV in UTF-8 with a byte-order mark, so Excel reads Hangul, Thai and Arabic."""
    return safe_frame(frame).to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


def to_excel(tables: pd.DataFrame | Sheets) -> bytes:
    """An .xlsx workbook, one sheet per table; text cells are written as text."""
    sheets = {"comparison": tables} if isinstance(tables, pd.DataFrame) else dict(tables)
    workbook = Workbook()
    workbook.remove(workbook.active)
    used: set[str] = set()
    for name, frame in sheets.items():
        sheet = workbook.create_sheet(_sheet_name(name, used))
        sheet.append([_excel_value(str(column)) for column in frame.columns])
        for row in frame.astype(object).itertuples(index=False):
            sheet.append([_excel_value(value) for value in row])
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _excel_value(value: Any) -> Any:
    value = _safe_cell(value)
    if isinstance(value, str):
        value = _XML_ILLEGAL.sub("", value)[:EXCEL_CELL_LIMIT]
    if isinstance(value, datetime) and value.tzinfo is not None:
        value = value.replace(tzinfo=None)  # Excel has no time zones
    return value


def _sheet_name(name: str, used: set[str]) -> str:
    """Excel's rules: 31 characters at most, none of []:*?/\\, unique in the book."""
    base = _EXCEL_SHEET_NAME.sub("_", name).strip("'")[:31] or "sheet"
    candidate, n = base, 2
    while candidate.casefold() in used:
        suffix = f" ({n})"
        candidate, n = base[: 31 - len(suffix)] + suffix, n + 1
    used.add(candidate.casefold())
    return candidate


def to_json(comparison: pd.DataFrame | Sheets) -> str:
    """Readable JSON: one list of row objects per table, non-Latin text kept as is."""
    if isinstance(comparison, pd.DataFrame):
        payload: Any = _records(comparison)
    else:
        payload = {name: _records(frame) for name, frame in comparison.items()}
    return json.dumps(payload, ensure_ascii=False, indent=2, allow_nan=False, default=str)


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    columns = [str(column) for column in frame.columns]
    return [
        {column: _json_value(value) for column, value in zip(columns, row, strict=True)}
        for row in frame.astype(object).itertuples(index=False)
    ]


def _json_value(value: Any) -> Any:
    value = _plain(value)
    return value.isoformat() if isinstance(value, (date, datetime)) else value

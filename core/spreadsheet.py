"""Cells for CSV files that people open in spreadsheets: text never runs as a formula.

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read as a formula by
Excel, LibreOffice and Google Sheets (CSV injection); such text gets a leading apostrophe, which the
spreadsheet shows as plain text. Plain numbers (``-20.00``) stay numbers.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?")


def cell(value: object) -> str:
    """The value as CSV text a spreadsheet shows as written."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_START) and not _NUMBER.fullmatch(text):
        return "'" + text
    return text


def row(values: Iterable[object]) -> list[str]:
    """Every value of one CSV row through cell()."""
    return [cell(v) for v in values]

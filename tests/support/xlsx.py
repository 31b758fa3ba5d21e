"""Workbooks as the import screens receive them."""

from __future__ import annotations

import io

from openpyxl import Workbook


def workbook(headings: list[str], rows: list[list]) -> bytes:
    """An .xlsx file: ``headings`` on the first row, then ``rows``."""
    book = Workbook()
    sheet = book.active
    sheet.append(headings)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()

"""Workbooks as the import screens receive them."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable

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


# --- workbooks crafted by hand: what the import screens must refuse ------------------------

SHEET = "xl/worksheets/sheet1.xml"
NOT_A_ZIP = b"PK\x03\x04" + b"xl/[Content_Types].xml" + bytes(range(256)) * 8  # sniffs as .xlsx


def with_sheet_xml(content: bytes, edit: Callable[[str], str]) -> bytes:
    """``content`` (an .xlsx) with its first worksheet's XML rewritten by ``edit``."""
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == SHEET:
                data = edit(data.decode()).encode()
            target.writestr(info.filename, data)
    return out.getvalue()


def _before_sheet_end(content: bytes, xml: str) -> bytes:
    return with_sheet_xml(
        content, lambda sheet: sheet.replace("</sheetData>", xml + "</sheetData>")
    )


def inflated(content: bytes, extra_bytes: int) -> bytes:
    """A zip bomb of sorts: the sheet's XML grows by ``extra_bytes`` of blanks (a few KB zipped)."""
    return _before_sheet_end(content, " " * extra_bytes)


def with_wide_row(content: bytes, row: int, cells: int) -> bytes:
    """A row of ``cells`` empty cells (``<c/>``, four bytes each) at sheet row ``row``."""
    return _before_sheet_end(content, f'<row r="{row}">' + "<c/>" * cells + "</row>")


def with_far_row(content: bytes, row: int = 1_048_576, value: str = "X") -> bytes:
    """One cell with ``value`` at row ``row`` (Excel's last row by default), far below the rest."""
    return _before_sheet_end(
        content,
        f'<row r="{row}"><c r="A{row}" t="inlineStr"><is><t>{value}</t></is></c></row>',
    )


def with_empty_rows(content: bytes, first: int, count: int) -> bytes:
    """``count`` empty rows (``<row r="…"/>``) from sheet row ``first``: elements, no data."""
    rows = "".join(f'<row r="{n}"/>' for n in range(first, first + count))
    return _before_sheet_end(content, rows)

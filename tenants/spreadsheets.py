"""Spreadsheets in and out (``.xlsx``), for every domain that reads or writes one.

Out: ``write_xlsx`` writes every cell through ``text_cell``: a text that Excel would take for a
formula (it starts with ``= + - @``, a tab or a carriage return) gets a leading ``'`` and stays
text, and a control character that the format cannot hold becomes U+FFFD instead of failing the
whole file. Numbers, dates and empty cells are written as they are.

In: ``read_sheet`` bounds an upload before openpyxl parses it, then reads its first worksheet.
An ``.xlsx`` is a zip of XML parts, and a few KB of zip can expand to gigabytes, or to millions
of XML elements that openpyxl would build in memory (a row of five million ``<c/>`` is 20 MB of
XML, 24 KB zipped, and 1.6 GB in openpyxl). So, in order:

1. the zip: at most ``max_members`` parts, ``max_unzipped_bytes`` in all as the zip declares
   them (``zipfile`` never inflates a part beyond its declared size: a lie fails its CRC);
2. each XML part, at C speed: at most ``max_elements`` start tags in a worksheet or the shared
   strings (openpyxl streams those) and ``MAX_PART_ELEMENTS`` in any other part (openpyxl
   builds those whole), and no DTD (no entity expansion);
3. openpyxl opens the workbook (read-only: worksheets are not parsed yet);
4. the first worksheet streams through expat, building nothing, up to the first excess: more
   than ``max_cells_per_row`` cells in a row (openpyxl parses a whole row at once), a value
   further down than row ``max_sheet_rows``;
5. openpyxl reads at most ``max_sheet_rows`` rows and ``max_columns`` columns of it; a text
   over ``max_cell_chars`` is ``CELL_TOO_LONG``, more than ``max_rows`` rows that are not blank
   ``TOO_MANY_ROWS``.

Each refusal is a ``SheetRefused`` with a stable ``code`` and a Chinese message. It is CPU work:
callers run ``read_sheet`` (and ``write_xlsx``) in a thread, never on the event loop.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any
from xml.parsers import expat

from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter

# --- writing ----------------------------------------------------------------------------------

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def text_cell(value: Any) -> Any:
    """The value to write in a cell: a text never starts a formula (it gets a leading ``'``)
    and holds no character the format cannot store; other values are as they are."""
    if not isinstance(value, str):
        return value
    value = ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)
    return "'" + value if value.startswith(FORMULA_TRIGGERS) else value


@dataclass(frozen=True)
class SheetOut:
    """One worksheet to write: its title, its rows, and optionally its columns' widths."""

    title: str
    rows: Iterable[Sequence[Any]]
    widths: Sequence[float] = ()


def write_xlsx(*sheets: SheetOut) -> bytes:
    """An ``.xlsx`` file of ``sheets`` (write-only mode: rows are streamed, not kept)."""
    book = Workbook(write_only=True)
    for spec in sheets:
        sheet = book.create_sheet(spec.title)
        for index, width in enumerate(spec.widths, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width
        for row in spec.rows:
            sheet.append([text_cell(v) for v in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# --- reading ----------------------------------------------------------------------------------

MAX_PART_ELEMENTS = 100_000  # a part openpyxl parses whole (workbook, styles, relationships …)
_STREAMED_PARTS = re.compile(r"xl/(worksheets/[^/]+|sharedStrings)\.xml")  # parsed row by row
_XML_SUFFIXES = (".xml", ".rels", ".vml")
_DOCTYPE = tuple("<!DOCTYPE".encode(e) for e in ("utf-8", "utf-16-le", "utf-16-be"))


class SheetRefused(Exception):
    """An upload that is not read: ``code`` is stable, ``message`` is for people."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class SheetLimits:
    """What an import reads at most. ``max_rows`` counts the rows below the heading that are
    not blank; blank rows may make the sheet up to ``max_sheet_rows`` long."""

    max_rows: int
    max_columns: int = 50
    max_cell_chars: int = 32_767  # Excel's own limit for one cell
    max_unzipped_bytes: int = 20 * 1024 * 1024
    max_members: int = 1_000
    max_elements: int = 400_000  # in a worksheet or the shared strings
    max_cells_per_row: int = 1_024
    unit: str = "行"  # what a row is, in messages: 行, 个事项

    @property
    def max_sheet_rows(self) -> int:
        return 2 * self.max_rows + 1


@dataclass
class Sheet:
    """The first worksheet: its first row, and the rows below it that are not blank, each with
    its row number in the sheet."""

    heading: tuple[Any, ...] | None
    rows: list[tuple[int, tuple[Any, ...]]] = field(default_factory=list)


def _invalid() -> SheetRefused:
    return SheetRefused("INVALID_FILE", "无法读取该文件,请上传 Excel(.xlsx)文件")


def _too_large(limits: SheetLimits) -> SheetRefused:
    megabytes = limits.max_unzipped_bytes // (1024 * 1024)
    return SheetRefused("FILE_TOO_LARGE", f"文件内容过多(解压后不能超过 {megabytes} MB)")


def _too_many_rows(limits: SheetLimits) -> SheetRefused:
    return SheetRefused(
        "TOO_MANY_ROWS",
        f"一次最多导入 {limits.max_rows} {limits.unit}"
        f"(表格连同空行不超过 {limits.max_sheet_rows} 行)",
    )


def _cell_too_long(limits: SheetLimits) -> SheetRefused:
    return SheetRefused("CELL_TOO_LONG", f"单元格内容不能超过 {limits.max_cell_chars} 个字符")


def _check_package(archive: zipfile.ZipFile, limits: SheetLimits) -> None:
    """Steps 1 and 2 at C speed: the zip's parts, and in each XML part the number of start tags
    (an upper bound of its elements) and no DTD."""
    members = archive.infolist()
    if len(members) > limits.max_members:
        raise _too_large(limits)
    if sum(m.file_size for m in members) > limits.max_unzipped_bytes:
        raise _too_large(limits)
    for member in members:
        if not member.filename.endswith(_XML_SUFFIXES):
            continue
        data = archive.read(member)  # never more than its declared size
        streamed = _STREAMED_PARTS.fullmatch(member.filename) is not None
        cap = limits.max_elements if streamed else MAX_PART_ELEMENTS
        tags = data.count(b"<") - data.count(b"</") - data.count(b"<?") - data.count(b"<!")
        if tags > cap:
            raise _too_large(limits)
        if any(doctype in data for doctype in _DOCTYPE):
            raise _invalid()  # an .xlsx part never has one; its entities could expand


_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_CELL, _ROW, _VALUE = 1, 2, 3
_KINDS = {_MAIN + "c": _CELL, _MAIN + "row": _ROW, _MAIN + "v": _VALUE, _MAIN + "is": _VALUE}


class _SheetScan:
    """Streams the first worksheet through expat (nothing is built) and stops at the first
    excess: too many cells in a row, a value below ``max_sheet_rows``. One small callback per
    element; texts are measured on the values openpyxl reads."""

    def __init__(self, limits: SheetLimits) -> None:
        self.limits = limits
        self.row = 0
        self.cells_in_row = 0
        self.parser = expat.ParserCreate(namespace_separator="}")
        self.parser.StartDoctypeDeclHandler = self._doctype
        self.parser.StartElementHandler = self._start

    def scan(self, data: bytes) -> None:
        try:
            self.parser.Parse(data, True)
        except expat.ExpatError:
            raise _invalid() from None

    def _doctype(self, *_: Any) -> None:
        raise _invalid()

    def _start(self, name: str, attrs: dict[str, str]) -> None:
        kind = _KINDS.get(name)
        if kind is None:
            return
        if kind == _CELL:
            self.cells_in_row += 1
            if self.cells_in_row > self.limits.max_cells_per_row:
                raise SheetRefused(
                    "TOO_MANY_COLUMNS", f"每行最多 {self.limits.max_cells_per_row} 个单元格"
                )
        elif kind == _ROW:
            number = attrs.get("r")
            try:
                self.row = int(number) if number else self.row + 1
            except ValueError:
                raise _invalid() from None
            self.cells_in_row = 0
        elif self.row > self.limits.max_sheet_rows:
            raise _too_many_rows(self.limits)


def read_sheet(content: bytes, limits: SheetLimits) -> Sheet:
    """The first worksheet of an ``.xlsx`` upload, bounded by ``limits``; ``SheetRefused``
    when the file is not one or goes beyond them. CPU-bound: run it in a thread."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            _check_package(archive, limits)
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except SheetRefused:
        raise
    except Exception:  # not a zip, a damaged or encrypted part: anywhere inside openpyxl
        raise _invalid() from None
    try:
        if not book.worksheets:
            return Sheet(heading=None)
        worksheet = book.worksheets[0]
        # openpyxl's read-only workbook keeps its zip and each sheet's part name (private
        # names, pinned by uv.lock; the tests read a workbook through here)
        _SheetScan(limits).scan(book._archive.read(worksheet._worksheet_path))
        sheet = Sheet(heading=None)
        rows = worksheet.iter_rows(
            max_row=limits.max_sheet_rows, max_col=limits.max_columns, values_only=True
        )
        for number, values in enumerate(rows, start=1):
            blank = True
            for value in values:
                if isinstance(value, str):
                    if len(value) > limits.max_cell_chars:
                        raise _cell_too_long(limits)
                    blank = blank and not value.strip()
                elif value is not None:
                    blank = False
            if number == 1:
                sheet.heading = tuple(values)
            elif not blank:
                if len(sheet.rows) >= limits.max_rows:
                    raise _too_many_rows(limits)
                sheet.rows.append((number, tuple(values)))
        return sheet
    except SheetRefused:
        raise
    except Exception:
        raise _invalid() from None
    finally:
        book.close()

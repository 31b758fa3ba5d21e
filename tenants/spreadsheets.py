"""Spreadsheets in and out (``.xlsx``), for every domain that reads or writes one.

Out: ``write_xlsx`` writes every cell through ``text_cell``: a text that Excel would take for a
formula (it starts with ``= + - @``, a tab or a carriage return) gets a leading ``'`` and stays
text, and a control character that the format cannot hold becomes U+FFFD instead of failing the
whole file. Numbers, dates and empty cells are written as they are.

In: ``read_sheet`` bounds an upload before openpyxl parses it, then reads its first worksheet.
An ``.xlsx`` is a zip of XML parts, and a few KB of zip can expand to gigabytes, or to millions
of XML elements that openpyxl would build in memory. So, in order:

1. the zip: at most ``max_members`` parts, ``max_unzipped_bytes`` in all as the zip declares
   them (``zipfile`` never inflates a part beyond its declared size: a lie fails its CRC);
2. every XML part, streamed through expat without building anything: no DTD (no entity
   expansion), at most ``max_elements`` elements in a worksheet or the shared strings and
   ``MAX_PART_ELEMENTS`` in any other part (openpyxl parses those whole), at most
   ``max_cells_per_row`` cells in a row, no cell text over ``max_cell_chars``;
3. openpyxl in read-only mode reads at most ``max_sheet_rows`` rows and ``max_columns``
   columns of the first worksheet; a value further down, or more than ``max_rows`` rows that
   are not blank, is ``TOO_MANY_ROWS``.

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
_WORKSHEET = re.compile(r"xl/worksheets/[^/]+\.xml")
_SHARED_STRINGS = "xl/sharedStrings.xml"
_XML_SUFFIXES = (".xml", ".rels", ".vml")
_TEXT_ELEMENTS = frozenset({"v", "t", "f"})
_VALUE_ELEMENTS = frozenset({"v", "is"})
_CHUNK = 256 * 1024


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
    max_elements: int = 400_000
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


class _PartScan:
    """Streams one XML part through expat, counting; raises ``SheetRefused`` at the first
    excess. Remembers the last row number that holds a value (worksheets)."""

    def __init__(self, limits: SheetLimits, max_elements: int, cells: bool) -> None:
        self.limits = limits
        self.max_elements = max_elements
        self.cells = cells  # a worksheet or the shared strings: check rows and cell texts
        self.elements = 0
        self.row = 0
        self.cells_in_row = 0
        self.last_value_row = 0
        self.text = -1  # characters of the current v/t/f element; -1 outside one
        self.parser = expat.ParserCreate(namespace_separator="}")
        self.parser.StartDoctypeDeclHandler = self._doctype
        self.parser.StartElementHandler = self._start
        if cells:
            self.parser.EndElementHandler = self._end
            self.parser.CharacterDataHandler = self._chars

    def feed(self, source: io.BufferedIOBase) -> None:
        while chunk := source.read(_CHUNK):
            self.parser.Parse(chunk, False)
        self.parser.Parse(b"", True)

    def _doctype(self, *_: Any) -> None:
        raise _invalid()  # an .xlsx part never has one; entities could expand without bound

    def _start(self, name: str, attrs: dict[str, str]) -> None:
        self.elements += 1
        if self.elements > self.max_elements:
            raise _too_large(self.limits)
        if not self.cells:
            return
        local = name.rpartition("}")[2]
        if local == "row":
            number = attrs.get("r")
            try:
                self.row = int(number) if number else self.row + 1
            except ValueError:
                raise _invalid() from None
            self.cells_in_row = 0
        elif local == "c":
            self.cells_in_row += 1
            if self.cells_in_row > self.limits.max_cells_per_row:
                raise SheetRefused(
                    "TOO_MANY_COLUMNS", f"每行最多 {self.limits.max_cells_per_row} 个单元格"
                )
        elif local in _TEXT_ELEMENTS:
            self.text = 0
        if local in _VALUE_ELEMENTS and self.row > self.last_value_row:
            self.last_value_row = self.row

    def _end(self, name: str) -> None:
        if self.text >= 0 and name.rpartition("}")[2] in _TEXT_ELEMENTS:
            self.text = -1

    def _chars(self, data: str) -> None:
        if self.text >= 0:
            self.text += len(data)
            if self.text > self.limits.max_cell_chars:
                raise _cell_too_long(self.limits)


def _scan_package(archive: zipfile.ZipFile, limits: SheetLimits) -> dict[str, int]:
    """Checks the zip and each XML part (steps 1 and 2); the last row holding a value, per
    worksheet part."""
    members = archive.infolist()
    if len(members) > limits.max_members:
        raise _too_large(limits)
    if sum(m.file_size for m in members) > limits.max_unzipped_bytes:
        raise _too_large(limits)
    last_value_rows: dict[str, int] = {}
    for member in members:
        if not member.filename.endswith(_XML_SUFFIXES):
            continue
        worksheet = _WORKSHEET.fullmatch(member.filename) is not None
        cells = worksheet or member.filename == _SHARED_STRINGS
        scan = _PartScan(limits, limits.max_elements if cells else MAX_PART_ELEMENTS, cells)
        with archive.open(member) as source:
            try:
                scan.feed(source)
            except expat.ExpatError:
                raise _invalid() from None
        if worksheet:
            last_value_rows[member.filename] = scan.last_value_row
    return last_value_rows


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def read_sheet(content: bytes, limits: SheetLimits) -> Sheet:
    """The first worksheet of an ``.xlsx`` upload, bounded by ``limits``; ``SheetRefused``
    when the file is not one or goes beyond them. CPU-bound: run it in a thread."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError):
        raise _invalid() from None
    with archive:
        try:
            last_value_rows = _scan_package(archive, limits)
        except SheetRefused:
            raise
        except Exception:  # a damaged or encrypted part, an unknown compression …
            raise _invalid() from None
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # a damaged workbook can fail anywhere inside openpyxl
        raise _invalid() from None
    try:
        if not book.worksheets:
            return Sheet(heading=None)
        worksheet = book.worksheets[0]
        path = getattr(worksheet, "_worksheet_path", None)
        if last_value_rows.get(path, 0) > limits.max_sheet_rows:
            raise _too_many_rows(limits)
        sheet = Sheet(heading=None)
        rows = worksheet.iter_rows(
            max_row=limits.max_sheet_rows, max_col=limits.max_columns, values_only=True
        )
        for number, values in enumerate(rows, start=1):
            if any(isinstance(v, str) and len(v) > limits.max_cell_chars for v in values):
                raise _cell_too_long(limits)
            if number == 1:
                sheet.heading = tuple(values)
            elif not all(_blank(v) for v in values):
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

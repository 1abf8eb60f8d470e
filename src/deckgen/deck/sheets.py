"""Spreadsheet card sources: the rows of cards/*.csv and cards/*.xlsx as positioned nodes.

Each row becomes the same `yamlsrc.Map` a YAML card gives, keyed by the column headers, so the
loader checks a spreadsheet card exactly as it checks a YAML one. A value remembers its cell:
`Pos(file, row, column, sheet)`, where `sheet` is the sheet's name in a workbook and "" in a CSV
file, and a CSV row is the line its record starts on. Problems with a column itself (no header,
a header twice, a field the deck does not declare) are reported once, at the header.
A workbook is untrusted: it is checked as a zip before openpyxl opens it.
"""

from __future__ import annotations

import datetime as dt
import re
import warnings
import zipfile
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from deckgen.deck import yamlsrc as ys
from deckgen.deck.fields import INTERNAL_TYPES, RESERVED, FieldSpec
from deckgen.diagnostics import Diagnostics, Pos, did_you_mean

if TYPE_CHECKING:
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

SUFFIXES = (".csv", ".xlsx")
MAX_CSV_BYTES = 16_000_000
MAX_XLSX_BYTES = 16_000_000
# A workbook's parts unpacked. Real sheet XML packs 5 to 30 times smaller; a zip bomb packs
# hundreds to millions of times, so the ratio refuses one before anything is unpacked.
MAX_UNPACKED = 64_000_000
MAX_RATIO = 200
MAX_MEMBERS = 2_000
MAX_ROWS = 20_000
MAX_COLUMNS = 200

# Characters no card text may hold (tab and line breaks are text); a PDF font has no glyph.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SAVE_UTF8 = "save it as 'CSV UTF-8' (Excel: File > Save As; LibreOffice: Character set UTF-8)"


@dataclass(frozen=True)
class _Cell:
    text: str
    pos: Pos


def is_source(path: Path) -> bool:
    # "~$deck.xlsx" is the lock file Excel keeps beside an open workbook, not a workbook.
    return path.suffix.lower() in SUFFIXES and not path.name.startswith("~$")


def read_rows(path: Path, fields: Mapping[str, FieldSpec],
              diags: Diagnostics) -> tuple[list[ys.Map], bool]:
    """The card rows of one spreadsheet file, and whether every row could be read.

    Rows that could not be read (a ragged row, a sheet without a required column) are reported
    here and left out; the loader then stays quiet about references to them.
    """
    is_csv = path.suffix.lower() == ".csv"
    tables = _csv_tables(path, diags) if is_csv else _xlsx_tables(path, diags)
    if tables is None:
        return [], False
    rows: list[ys.Map] = []
    complete = True
    for table in tables:
        complete = _table_rows(table, is_csv, fields, rows, diags) and complete
    return rows, complete


def _table_rows(table: list[list[_Cell]], ragged_matters: bool, fields: Mapping[str, FieldSpec],
                out: list[ys.Map], diags: Diagnostics) -> bool:
    """Turn a header row and data rows into Maps; False when some rows were left out."""
    if not table:
        return True
    header, data = table[0], table[1:]
    known = [n for n, spec in fields.items() if spec.type not in INTERNAL_TYPES]
    allowed = [*RESERVED, *known]
    by_lower = {n.lower(): n for n in allowed}
    needed = ["id", "category", *(n for n, spec in fields.items() if spec.required)]
    names = {by_lower.get(c.text.strip().lower(), c.text.strip()) for c in header}
    missing = [n for n in needed if n not in names]
    if missing and header:
        hint = "add the column to the first row"
        if header[0].pos.sheet:
            hint += "; a sheet that holds no cards can be hidden, and is then not read"
        diags.add(header[0].pos, "", "no column " + ", ".join(f"'{n}'" for n in missing)
                  + "; every card needs " + ("one" if len(missing) == 1 else "them"), hint)
        if len(missing) == len(needed):
            return False  # not a sheet of cards at all: what else it has is beside the point
    columns: dict[int, ys.Scalar] = {}  # index in the row -> its header, for usable columns
    seen: dict[str, Pos] = {}
    for i, cell in enumerate(header):
        raw = cell.text.strip()
        if not raw:
            if any(i < len(row) and row[i].text.strip() for row in data):
                diags.add(cell.pos, "", f"column {cell.pos.col} has values but no header",
                          "write the field name in the first row")
            continue  # an unused column an export left behind
        name = raw if raw in allowed else by_lower.get(raw.lower(), raw)
        if name in seen:
            diags.add(cell.pos, name, f"column '{name}' appears twice (first in column "
                      f"{seen[name].col})", "keep one of them; delete or rename the other")
            continue
        seen[name] = cell.pos
        if name not in allowed:
            diags.add(cell.pos, name, f"unknown column '{ys.short(raw)}'",
                      did_you_mean(raw, allowed)
                      or "declare it under `fields:` in deck.yaml; known: " + ", ".join(allowed))
            continue
        columns[i] = ys.Scalar(name, True, False, cell.pos)
    if not ragged_matters:  # a workbook row may run past the header; a CSV row is then ragged
        for i in range(len(header), max((len(row) for row in data), default=0)):
            filled = [row[i] for row in data if i < len(row) and row[i].text.strip()]
            if filled:
                at = filled[0].pos
                diags.add(Pos(at.file, header[0].pos.line, i + 1, at.sheet), "",
                          f"column {i + 1} has values but no header",
                          "write the field name in the first row")
    if missing:
        return False
    complete = True
    for row in data:
        if not any(cell.text.strip() for cell in row):
            continue  # a blank line or an empty row between groups of cards
        if ragged_matters and len(row) != len(header):
            _ragged(row, len(header), diags)
            complete = False
            continue
        entries: list[tuple[ys.Scalar, ys.Node]] = []
        for i, key in columns.items():
            if i >= len(row):
                continue
            node = _value(row[i], fields.get(key.value), key.value in needed, diags)
            if node is not None:
                entries.append((key, node))
        out.append(ys.Map(tuple(entries), row[0].pos))
    return complete


def _ragged(row: list[_Cell], width: int, diags: Diagnostics) -> None:
    if len(row) > width:
        diags.add(row[width].pos, "", f"this row has {len(row)} cells but the header has {width}",
                  "put a value that holds a comma in double quotes: \"red, green\"")
    else:
        last = row[-1].pos
        diags.add(Pos(last.file, last.line, last.col + 1, last.sheet), "",
                  f"this row has {len(row)} cells but the header has {width}",
                  "give every row a cell for each column, even an empty one (,,)")


def _value(cell: _Cell, spec: FieldSpec | None, needed: bool,
           diags: Diagnostics) -> ys.Node | None:
    """One cell as the node a YAML card would have; None for an empty cell (an absent field)."""
    text = cell.text
    if not text.strip():
        # A required field's empty cell stays, so the message points at the cell.
        return ys.Scalar("", True, True, cell.pos) if needed else None
    bad = _CONTROL.search(text)
    if bad is not None:
        diags.add(cell.pos, "", f"the cell holds the invisible control character "
                  f"U+{ord(bad.group()):04X}", "retype the cell's text")
        return None
    if spec is not None and spec.type in ("list", "refs"):
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        return ys.Seq(tuple(ys.Scalar(line, False, False, cell.pos) for line in lines), cell.pos)
    return ys.Scalar(text.replace("\r\n", "\n").replace("\r", "\n"), False, False, cell.pos)


# CSV ------------------------------------------------------------------------------------------


def _csv_tables(path: Path, diags: Diagnostics) -> list[list[list[_Cell]]] | None:
    data = _read_bytes(path, MAX_CSV_BYTES, diags)
    if data is None:
        return None
    # Excel's "CSV UTF-8" starts with a byte order mark: accepted, nothing to report.
    text = ys.decode_utf8(path, data, diags, _SAVE_UTF8)
    if text is None:
        return None
    first = text.split("\n", 1)[0]
    delimiter = "," if "," in first else ";" if ";" in first else "\t" if "\t" in first else ","
    rows = _parse_csv(text, delimiter, path, diags)
    return [rows] if rows is not None else None


def _parse_csv(text: str, delimiter: str, path: Path,
               diags: Diagnostics) -> list[list[_Cell]] | None:
    """Records as RFC 4180 reads them, each cell at (line its record starts on, column)."""
    plain = re.compile(f"[^{re.escape(delimiter)}\r\n]*")
    quoted = re.compile('"[^"]*(?:""[^"]*)*"')  # unrolled: linear, even unclosed
    rows: list[list[_Cell]] = []
    at, line, end = 0, 1, len(text)
    while at < end:
        start_line, cells = line, list[_Cell]()
        while True:
            col = len(cells) + 1
            pos = Pos(path, start_line, col, "")
            if text.startswith('"', at):
                match = quoted.match(text, at)
                if match is None:
                    diags.add(pos, "", f"a quote opened on line {line} is never closed",
                              'close it with "; a quote inside a quoted value is written ""')
                    return None
                raw = match.group()
                line += raw.count("\n") + raw.count("\r") - raw.count("\r\n")
                value = raw[1:-1].replace('""', '"')
                at = match.end()
                if at < end and text[at] not in (delimiter, "\r", "\n"):
                    diags.add(pos, "", "text after a closing quote",
                              'put the whole value in quotes, writing a quote inside it as ""')
                    return None
            else:
                match = plain.match(text, at)
                assert match is not None  # the pattern matches the empty string
                value, at = match.group(), match.end()
            cells.append(_Cell(value, pos))
            if len(cells) > MAX_COLUMNS:
                diags.add(pos, "", f"more than {MAX_COLUMNS} columns",
                          "a card file holds one card per row and one field per column")
                return None
            if at < end and text[at] == delimiter:
                at += 1
                continue
            break
        if text.startswith("\r\n", at):
            at += 2
            line += 1
        elif at < end:  # \r or \n
            at += 1
            line += 1
        rows.append(cells)
        if len(rows) > MAX_ROWS + 1:
            diags.add(Pos(path, start_line, 1, ""), "", f"more than {MAX_ROWS:,} rows",
                      "split the cards over several files in cards/")
            return None
    return rows


# XLSX -----------------------------------------------------------------------------------------


def _xlsx_tables(path: Path, diags: Diagnostics) -> list[list[list[_Cell]]] | None:
    if _read_bytes(path, MAX_XLSX_BYTES, diags, keep=False) is None or not _zip_ok(path, diags):
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # unsupported extensions are no concern of a deck
            sheets = _read_sheets(path, diags, data_only=False)
            if sheets is None:
                return None
            formulas = [(i, r, c) for i, (_, rows) in enumerate(sheets)
                        for r, row in enumerate(rows) for c, v in enumerate(row[1])
                        if isinstance(v, _Formula)]
            if formulas and not _use_saved_results(path, sheets, formulas, diags):
                return None
    except Exception as exc:  # any fault in an untrusted file is the file's, not deckgen's
        damaged = isinstance(exc, (zipfile.BadZipFile, zlib.error, EOFError))
        diags.add(Pos(path), "", ("the workbook is damaged" if damaged else
                                  "cannot read the workbook") + f" ({_first_line(exc)})",
                  "open it in Excel or LibreOffice and save it again as an Excel workbook")
        return None
    return [_table(path, name, rows, diags) for name, rows in sheets]


@dataclass(frozen=True)
class _Formula:
    text: str


_Rows = list[tuple[int, list[object]]]  # (row number, its values), leading empty rows dropped


def _read_sheets(path: Path, diags: Diagnostics, *,
                 data_only: bool) -> list[tuple[str, _Rows]] | None:
    """Every worksheet's rows; a formula is a _Formula unless `data_only` (its saved result)."""
    import openpyxl  # here: a deck without workbooks never pays for importing it
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    book = openpyxl.load_workbook(path, read_only=True, data_only=data_only)
    out: list[tuple[str, _Rows]] = []
    try:
        for sheet in book.worksheets:
            if not isinstance(sheet, ReadOnlyWorksheet) or sheet.sheet_state != "visible":
                continue  # a chart sheet, or a hidden one (e.g. the choices of a drop-down)
            rows = _sheet_rows(sheet, path, diags)
            if rows is None:
                return None
            out.append((sheet.title, rows))
    finally:
        book.close()
    return out


def _sheet_rows(sheet: ReadOnlyWorksheet, path: Path, diags: Diagnostics) -> _Rows | None:
    name = sheet.title
    declared_rows, declared_cols = sheet.max_row or 0, sheet.max_column or 0
    if declared_rows > MAX_ROWS + 1 or declared_cols > MAX_COLUMNS:
        diags.add(Pos(path, 1, 1, name), "", f"the sheet spans {declared_rows:,} rows and "
                  f"{declared_cols:,} columns; the limit is {MAX_ROWS + 1:,} rows and "
                  f"{MAX_COLUMNS} columns", "delete the unused rows and columns, or split the "
                  "cards over several files")
        return None
    # Bounded in both directions, so a sheet that does not declare its size cannot make
    # openpyxl pad every row to Excel's 16,384 columns or read a million empty rows.
    width = min(declared_cols or MAX_COLUMNS, MAX_COLUMNS)
    rows: _Rows = []
    cells_by_row = sheet.iter_rows(  # type: ignore[misc]  # the stubs know only Worksheet's
        min_row=1, max_row=MAX_ROWS + 2, max_col=width)
    for number, cells in enumerate(cells_by_row, start=1):
        values: list[object] = [_Formula(str(c.value)) if c.data_type == "f" else c.value
                                for c in cells]
        while values and (values[-1] is None or values[-1] == ""):
            values.pop()  # openpyxl pads a row to the sheet's width
        if not rows and all(v is None or v == "" for v in values):
            continue  # the header is the first row with anything in it
        rows.append((number, values))
        if len(rows) > MAX_ROWS + 1:
            diags.add(Pos(path, number, 1, name), "", f"more than {MAX_ROWS:,} rows",
                      "split the cards over several files in cards/")
            return None
    return rows


def _use_saved_results(path: Path, sheets: list[tuple[str, _Rows]],
                       formulas: list[tuple[int, int, int]], diags: Diagnostics) -> bool:
    """Put each formula's saved result in its place; False (reported) if the workbook has none.

    Excel and LibreOffice save a formula's result beside it, and that is what a card shows.
    A workbook written by a program that cannot calculate has no results at all; an empty
    result and a missing one look alike, so only "none at all" can be told apart.
    """
    saved = _read_sheets(path, diags, data_only=True)
    if saved is None:
        return False
    by_number = [dict(rows) for _, rows in saved]
    results: list[object] = []
    for i, r, c in formulas:
        number, _ = sheets[i][1][r]
        found = by_number[i].get(number) if i < len(by_number) else None
        results.append(found[c] if found is not None and c < len(found) else None)
    if all(v is None for v in results):
        i, r, c = formulas[0]
        formula = sheets[i][1][r][1][c]
        assert isinstance(formula, _Formula)
        diags.add(Pos(path, sheets[i][1][r][0], c + 1, sheets[i][0]), "",
                  f"the formula {ys.short(formula.text)} has no saved result, nor has any other "
                  "formula in the workbook", "open the file in Excel or LibreOffice and save it "
                  "(that stores each formula's result), or paste the values instead")
        return False
    for (i, r, c), value in zip(formulas, results, strict=True):
        sheets[i][1][r][1][c] = value
    return True


def _zip_ok(path: Path, diags: Diagnostics) -> bool:
    """Refuse what is no workbook, or would unpack to far too much, from the zip's directory.

    The sizes are the ones the zip declares; Python's zip reader never unpacks more than that.
    """
    hint = "save it from Excel or LibreOffice as an Excel workbook (.xlsx)"
    count = _declared_members(path)
    if count is not None and count > MAX_MEMBERS:
        diags.add(Pos(path), "", f"the workbook has {count:,} parts; the limit is "
                  f"{MAX_MEMBERS:,}", hint)
        return False
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        diags.add(Pos(path), "", "not an Excel workbook (.xlsx): the file is not a zip archive",
                  hint + "; .xls and .ods files are not read")
        return False
    names = {m.filename for m in members}
    if "xl/workbook.xml" not in names:
        diags.add(Pos(path), "", "not an Excel workbook (.xlsx): a zip archive without "
                  "xl/workbook.xml", hint)
        return False
    if len(members) > MAX_MEMBERS:
        diags.add(Pos(path), "", f"the workbook has {len(members):,} parts; the limit is "
                  f"{MAX_MEMBERS:,}", hint)
        return False
    total = sum(m.file_size for m in members)
    if total > MAX_UNPACKED:
        diags.add(Pos(path), "", f"the workbook unpacks to {total:,} bytes; the limit is "
                  f"{MAX_UNPACKED:,}", "split the cards over several files in cards/")
        return False
    for m in members:
        if m.file_size > 1_000_000 and m.file_size > MAX_RATIO * max(m.compress_size, 1):
            diags.add(Pos(path), "", f"the workbook's part {ys.short(m.filename)} would unpack "
                      f"{m.file_size // max(m.compress_size, 1):,} times larger than it is "
                      "stored; refused as a likely zip bomb", hint)
            return False
    return True


def _first_line(exc: Exception) -> str:
    text = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    return text if len(text) <= 160 else text[:159] + "…"


def _declared_members(path: Path) -> int | None:
    """The member count a zip's end record declares (65,535 for a ZIP64 one), or None.

    Read before the zip module lists the members: a 16 MB file can list 350,000 of them, and
    the list alone would take hundreds of megabytes.
    """
    try:
        with path.open("rb") as f:
            f.seek(0, 2)
            f.seek(max(f.tell() - 65_557, 0))  # the end record and the longest comment
            tail = f.read()
    except OSError:
        return None
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) < at + 12:
        return None
    return int.from_bytes(tail[at + 10:at + 12], "little")


def _table(path: Path, name: str, rows: _Rows, diags: Diagnostics) -> list[list[_Cell]]:
    table = [[_Cell(_cell_text(v), Pos(path, number, i + 1, name)) for i, v in enumerate(values)]
             for number, values in rows]
    for row in table:
        for cell in row:
            if cell.text in _EXCEL_ERRORS:
                diags.add(cell.pos, "", f"the cell shows the error {cell.text}",
                          "fix the formula, or type the value")
    return table


_EXCEL_ERRORS = frozenset(("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A",
                           "#GETTING_DATA", "#SPILL!", "#CALC!"))


def _cell_text(value: object) -> str:
    """A cell's value as the text its author typed, as far as the workbook still tells it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))  # a 3 in a text column is stored as 3.0
        return repr(value)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time():
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="seconds" if value.second else "minutes")
    if isinstance(value, dt.time):
        return value.isoformat(timespec="seconds" if value.second else "minutes")
    return str(value)


def _read_bytes(path: Path, limit: int, diags: Diagnostics, *, keep: bool = True) -> bytes | None:
    try:
        if not path.is_file():
            diags.add(Pos(path), "", "not a regular file", "card files are plain files")
            return None
        size = path.stat().st_size
        if size > limit:
            diags.add(Pos(path), "", f"file is {size:,} bytes; the limit is {limit:,}",
                      "split the cards over several files in cards/")
            return None
        return path.read_bytes() if keep else b""
    except OSError as exc:
        diags.add(Pos(path), "", f"cannot read the file: {exc.strerror or exc}")
        return None

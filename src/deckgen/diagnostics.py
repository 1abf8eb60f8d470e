"""Diagnostics: user-facing problems with a file, line, column, field path and a hint."""

from __future__ import annotations

import difflib
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True, order=True)
class Pos:
    """A place in a source file; line and column count from 1."""

    file: Path
    line: int = 0
    col: int = 0
    # Set for a spreadsheet cell: the sheet's name in an .xlsx file, "" in a .csv file. Line and
    # column are then a row and a column number, not a place in a line of text.
    sheet: str | None = None


@dataclass(frozen=True)
class Diagnostic:
    pos: Pos
    field: str
    message: str
    hint: str | None = None

    def format(self) -> str:
        where = _display_path(self.pos.file)
        if self.pos.line:
            where += f":{self.pos.line}:{self.pos.col}"
        if self.pos.sheet and self.pos.line:
            where += f": {cell_name(self.pos)}"
        head = f"{where}: {self.field}: " if self.field else f"{where}: "
        head += self.message
        lines = [head]
        # A cell's column is not a character offset, so a caret under the line would mislead.
        source = _source_line(self.pos) if self.pos.sheet is None else None
        if source is not None:
            lines.append(f"    {source}")
            lines.append("    " + _caret_padding(source, self.pos.col) + "^")
        if self.hint:
            lines.append(f"  hint: {self.hint}")
        return "\n".join(lines)


@dataclass
class Diagnostics:
    """Collects every problem so the user sees them all at once."""

    items: list[Diagnostic] = field(default_factory=list)
    # Things worth a look that do not stop a build (e.g. low contrast); never counted as problems.
    warnings: list[Diagnostic] = field(default_factory=list)

    def warn(self, pos: Pos, field_path: str, message: str, hint: str | None = None) -> None:
        diag = Diagnostic(pos, field_path, message, hint)
        if diag not in self.warnings:
            self.warnings.append(diag)

    def merge(self, other: Diagnostics) -> None:
        self.extend(other.items)
        for diag in other.warnings:
            if diag not in self.warnings:
                self.warnings.append(diag)

    def format_warnings(self) -> str:
        ordered = sorted(self.warnings, key=lambda d: (str(d.pos.file), d.pos.line, d.pos.col))
        return "\n".join(_as_warning(d) for d in ordered)

    def add(self, pos: Pos, field_path: str, message: str, hint: str | None = None) -> None:
        diag = Diagnostic(pos, field_path, message, hint)
        if diag not in self.items:
            self.items.append(diag)

    def extend(self, other: Iterable[Diagnostic]) -> None:
        for diag in other:
            if diag not in self.items:
                self.items.append(diag)

    def __bool__(self) -> bool:
        return bool(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def sorted(self) -> list[Diagnostic]:
        return sorted(self.items, key=lambda d: (str(d.pos.file), d.pos.sheet or "", d.pos.line,
                                                 d.pos.col))

    def format(self) -> str:
        return "\n".join(d.format() for d in self.sorted())


def _as_warning(diag: Diagnostic) -> str:
    """The diagnostic's text with 'warning:' before its message."""
    text = diag.format()
    head, _, rest = text.partition("\n")
    marker = f": {diag.field}: " if diag.field else ": "
    where, _, message = head.partition(marker)
    return f"{where}{marker}warning: {message}" + (f"\n{rest}" if rest else "")


class DeckError(Exception):
    """Raised when a deck cannot be used; carries every diagnostic found."""

    def __init__(self, diagnostics: Diagnostics, *, more_checks: bool = False) -> None:
        self.diagnostics = diagnostics
        # True when the files could not be read into a deck, so the checks that need one
        # (layouts, fonts, text fit) have not run yet and may find more.
        self.more_checks = more_checks
        super().__init__(diagnostics.format())


def did_you_mean(word: str, choices: Iterable[str]) -> str | None:
    """A hint naming the closest choice, or None when nothing is close."""
    close = difflib.get_close_matches(word, sorted(set(choices)), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else None


def cell_name(pos: Pos) -> str:
    """A spreadsheet cell as its program names it, e.g. Sheet1!C12 or 'My cards'!A2."""
    letters = ""
    col = max(pos.col, 1)
    while col:
        col, rest = divmod(col - 1, 26)
        letters = chr(ord("A") + rest) + letters
    sheet = pos.sheet or ""
    if sheet and not sheet.replace("_", "").isalnum():
        sheet = "'" + sheet.replace("'", "''") + "'"
    return f"{sheet}!{letters}{pos.line}" if sheet else f"{letters}{pos.line}"


def _display_path(path: Path) -> str:
    try:
        rel = os.path.relpath(path)
    except ValueError:  # a different drive on Windows
        return str(path)
    return rel if not rel.startswith(".." + os.sep + "..") else str(path)


_line_cache: dict[Path, list[str] | None] = {}


def source_line(pos: Pos) -> str | None:
    """The source line a position points at (shortened when very long), if it can be read."""
    return _source_line(pos)


def _source_line(pos: Pos) -> str | None:
    if pos.line <= 0:
        return None
    if pos.file not in _line_cache:
        try:
            text = pos.file.read_bytes().decode("utf-8", errors="replace")
            _line_cache[pos.file] = text.splitlines()
        except OSError:
            _line_cache[pos.file] = None
    lines = _line_cache[pos.file]
    if lines is None or pos.line > len(lines):
        return None
    line = lines[pos.line - 1].rstrip()
    return line if len(line) <= 200 else line[:200] + "…"


def _caret_padding(source: str, col: int) -> str:
    # Keep tabs so the caret lines up under the same column in a terminal.
    prefix = source[: max(col - 1, 0)]
    return "".join("\t" if ch == "\t" else " " for ch in prefix)


def forget_sources() -> None:
    """Drop cached source lines (files may have been edited, e.g. by `watch`)."""
    _line_cache.clear()

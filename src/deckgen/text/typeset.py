"""Text stage: inline markup, line breaking with hyphenation, shrink-to-fit and drawing."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, NamedTuple

from reportlab.lib.colors import CMYKColor
from reportlab.pdfgen.canvas import Canvas

from deckgen.deck import icons
from deckgen.svg import load_svg
from deckgen.text.breaking import _break_lines, _Piece, _prepare, _Prepared
from deckgen.text.fonts import FontChain
from deckgen.text.markup import Span, parse_inline, uncovered

__all__ = [
    "Align",
    "Block",
    "Fit",
    "Line",
    "Run",
    "Span",
    "TextStyle",
    "candidate_sizes",
    "cuts_a_word",
    "draw",
    "fit",
    "parse_inline",
    "uncovered",
]

Align = Literal["left", "center", "right"]

_STEP = 0.25  # font size granularity in points

_EPS = 1e-6  # points; absorbs float noise when comparing against the box

_ALIGN_FACTOR: dict[str, float] = {"left": 0.0, "center": 0.5, "right": 1.0}

@dataclass(frozen=True)
class Block:
    """A paragraph or list item: its spans, an optional hanging bullet and spacing."""

    spans: tuple[Span, ...]
    bullet: str | None = None
    space_before: float = 0.0  # in multiples of this block's font size; ignored at the top
    size_scale: float = 1.0  # this block's size relative to the fitted size

    @classmethod
    def from_markup(
        cls,
        text: str,
        *,
        bold: bool = False,
        italic: bool = False,
        bullet: str | None = None,
        space_before: float = 0.0,
        size_scale: float = 1.0,
    ) -> Block:
        return cls(parse_inline(text, bold, italic), bullet, space_before, size_scale)

@dataclass(frozen=True)
class TextStyle:
    chain: FontChain
    size: float
    min_size: float
    leading: float = 1.2  # baseline-to-baseline distance as a ratio of the font size
    align: Align = "left"
    hyphenate: bool = True
    lang: str = "en_US"
    max_lines: int | None = None

    def __post_init__(self) -> None:
        if not 0 < self.min_size <= self.size:
            raise ValueError(f"need 0 < min_size <= size, got {self.min_size} and {self.size}")
        if self.leading <= 0:
            raise ValueError(f"leading must be positive, got {self.leading}")
        if self.align not in _ALIGN_FACTOR:
            raise ValueError(f"align must be left, center or right, got {self.align!r}")
        if self.max_lines is not None and self.max_lines < 1:
            raise ValueError(f"max_lines must be at least 1, got {self.max_lines}")

class Run(NamedTuple):
    """Text set in one font: x offset from the box's left edge, text, font, size, width."""

    x: float
    text: str
    font: str
    size: float
    width: float

@dataclass(frozen=True)
class Line:
    """One line of a fit; `baseline` is measured down from the top of the box."""

    baseline: float
    runs: tuple[Run, ...]
    block: int  # index of the block the line belongs to
    bullet_runs: int = 0  # leading runs that set the block's bullet

    @property
    def text(self) -> str:
        """The line's text without its bullet."""
        return "".join(run.text for run in self.runs[self.bullet_runs :])

    @property
    def left(self) -> float:
        return self.runs[0].x if self.runs else 0.0

    @property
    def right(self) -> float:
        return self.runs[-1].x + self.runs[-1].width if self.runs else 0.0

@dataclass(frozen=True)
class Fit:
    """The laid-out text at the chosen size. Run positions already honour the alignment."""

    size: float
    lines: tuple[Line, ...]
    height: float  # from the box top to the lowest descender
    overflow_lines: int  # lines that do not fit at min_size (or beyond max_lines)
    width: float = 0.0  # box width the runs were aligned in
    align: Align = "left"

    @property
    def fits(self) -> bool:
        return self.overflow_lines == 0

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)

class _Placed(NamedTuple):
    block: int
    line_no: int  # line number within its block
    size: float
    baseline: float
    pieces: list[_Piece]
    width: float  # content width in ems, without the indent

class _Attempt(NamedTuple):
    lines: list[_Placed]
    height: float
    overflow: int

_UNLIMITED = 1 << 30

def _attempt(
    preps: Sequence[tuple[int, Block, _Prepared]],
    size: float,
    style: TextStyle,
    width: float,
    height: float,
    strict: bool,
    complete: bool,
) -> _Attempt | None:
    """Lay out every block at `size`.

    Unless `complete`, gives up (None) as soon as the layout cannot fit: the search only needs
    a yes or no for sizes it rejects, and the final overflow report asks for a complete one.
    """
    placed: list[_Placed] = []
    baseline = 0.0
    bottom = 0.0
    overflow = 0
    leading = style.leading
    max_lines = style.max_lines
    for index, block, prep in preps:
        s = size * block.size_scale
        step = s * leading
        first = baseline + step + block.space_before * s if placed else prep.ascent * s
        max_count = _UNLIMITED
        if not complete:
            # Lines whose descenders stay in the box, and lines left under max_lines.
            room = height + _EPS - prep.descent * s - first
            max_count = int(room / step + 1e-9) + 1 if room >= 0 else 0
            if max_lines is not None:
                max_count = min(max_count, max_lines - len(placed))
            if max_count <= 0:
                return None
        lines = _break_lines(prep, width / s - prep.indent, style, strict, max_count)
        if lines is None:
            return None
        descent = prep.descent * s
        baseline = first
        for li, (pieces, w) in enumerate(lines):
            if li:
                baseline += step
            bottom = baseline + descent
            placed.append(_Placed(index, li, s, baseline, pieces, w))
            if (
                bottom > height + _EPS
                or (max_lines is not None and len(placed) > max_lines)
                or (prep.indent + w) * s > width + _EPS
            ):
                if not complete:
                    return None
                overflow += 1
    return _Attempt(placed, bottom, overflow)

@functools.lru_cache(maxsize=256)
def candidate_sizes(size: float, min_size: float) -> tuple[float, ...]:
    """Sizes from min_size up to size in 0.25 pt steps down from `size`, ascending."""
    steps = int((size - min_size) / _STEP + 1e-9)
    sizes = [round(size - k * _STEP, 6) for k in range(steps + 1)]
    if sizes[-1] > min_size:
        sizes.append(min_size)
    sizes.reverse()
    return tuple(sizes)

def fit(blocks: Sequence[Block], style: TextStyle, width: float, height: float) -> Fit:
    """Lay out `blocks` in a width × height box at the largest size that fits.

    Sizes run from style.size down to style.min_size in 0.25 pt steps, found by bisection. A
    size at which some word would have to be cut between arbitrary letters counts as not
    fitting while a smaller size avoids that. Nothing is ever set below min_size: text that
    does not fit there is laid out at min_size with `overflow_lines` > 0.
    """
    preps = [(i, b, _prepare(b, style.chain)) for i, b in enumerate(blocks)]
    preps = [p for p in preps if p[2].items]
    if not preps:
        return Fit(style.size, (), 0.0, 0, width, style.align)
    sizes = candidate_sizes(style.size, style.min_size)
    tried: dict[tuple[int, bool], _Attempt | None] = {}

    def attempt(k: int, strict: bool) -> _Attempt | None:
        key = (k, strict)
        if key not in tried:
            tried[key] = _attempt(preps, sizes[k], style, width, height, strict, complete=False)
        return tried[key]

    top = len(sizes) - 1
    for strict in (True, False):
        result = attempt(top, strict)
        if result is not None:
            return _build(result, sizes[top], preps, style, width)
        # Bisect with sizes[hi] known not to fit; min_size is only tried if everything above
        # it fails, since most text that does not fit at full size fits somewhere above it.
        lo, hi = 0, top
        best: _Attempt | None = None
        while hi - lo > 1:
            mid = (lo + hi) // 2
            candidate = attempt(mid, strict)
            if candidate is not None:
                lo, best = mid, candidate
            else:
                hi = mid
        if best is None:
            best = attempt(0, strict)
        if best is not None:
            return _build(best, sizes[lo], preps, style, width)
    overflowing = _attempt(preps, sizes[0], style, width, height, strict=False, complete=True)
    assert overflowing is not None  # a complete, non-strict layout always exists
    return _build(overflowing, sizes[0], preps, style, width)

def cuts_a_word(fit: Fit, text: str) -> bool:
    """Whether `fit` splits a word of `text` across lines (by hyphenation or, failing that, an
    arbitrary cut) rather than breaking only at spaces and hyphens the text already has."""
    source = " ".join(text.split())
    pos = 0
    for i, line in enumerate(fit.lines):
        part = line.text.strip()
        if i:
            start = pos
            while pos < len(source) and source[pos] == " ":
                pos += 1
            if pos == start and source[pos - 1:pos] != "-":
                return True
        if not source.startswith(part, pos):
            return True  # a hyphen was added, or the line is not the text's own words
        pos += len(part)
    return False

def _build(
    result: _Attempt,
    size: float,
    preps: Sequence[tuple[int, Block, _Prepared]],
    style: TextStyle,
    width: float,
) -> Fit:
    by_index = {index: prep for index, _, prep in preps}
    factor = _ALIGN_FACTOR[style.align]
    lines: list[Line] = []
    for placed in result.lines:
        prep = by_index[placed.block]
        s = placed.size
        shift = (width - (prep.indent + placed.width) * s) * factor
        runs: list[Run] = []
        if placed.line_no == 0 and prep.bullet:
            x = shift
            for piece in prep.bullet:
                runs.append(Run(x, piece.text, piece.font, s, piece.width * s))
                x += piece.width * s
        bullet_runs = len(runs)
        x_units = prep.indent
        font = ""
        parts: list[str] = []
        start = run_w = 0.0
        for text, piece_font, piece_w in placed.pieces:
            if piece_font != font:
                if parts:
                    runs.append(Run(shift + start * s, "".join(parts), font, s, run_w * s))
                font, parts, start, run_w = piece_font, [text], x_units, piece_w
            else:
                parts.append(text)
                run_w += piece_w
            x_units += piece_w
        if parts:
            runs.append(Run(shift + start * s, "".join(parts), font, s, run_w * s))
        lines.append(Line(placed.baseline, tuple(runs), placed.block, bullet_runs))
    return Fit(size, tuple(lines), result.height, result.overflow, width, style.align)

def draw(canvas: Canvas, fit: Fit, x: float, top: float, width: float) -> None:
    """Draw `fit` in a box whose left edge is `x` and top edge `top`, in the current fill colour.

    When `width` differs from the width the text was fitted in, lines are re-aligned in it.
    """
    if not fit.lines:
        return
    shift = x + (width - fit.width) * _ALIGN_FACTOR[fit.align]
    inline_icons: list[tuple[float, float, Run]] = []
    text = canvas.beginText()
    font: tuple[str, float] | None = None
    end: tuple[float, float] | None = None
    for line in fit.lines:
        y = top - line.baseline
        for run in line.runs:
            rx = shift + run.x
            if run.font == icons.ICON_FONT:
                inline_icons.append((rx, y, run))  # paths cannot go inside a text object
                end = None
                continue
            # Runs that continue where the previous one ended need no new text position, which
            # also keeps a word split across fonts together for text extraction.
            if end is None or end[1] != y or abs(end[0] - rx) > 1e-6:
                text.setTextOrigin(rx, y)
            if font != (run.font, run.size):
                text.setFont(run.font, run.size)
                font = (run.font, run.size)
            text.textOut(run.text)
            end = (rx + run.width, y)
    canvas.drawText(text)
    if inline_icons:
        _draw_icons(canvas, inline_icons)

def _draw_icons(canvas: Canvas, placed: list[tuple[float, float, Run]]) -> None:
    # Icons take the text's colour; a CMYK colour means a CMYK build.
    color = canvas._fillColorObj
    cmyk = isinstance(color, CMYKColor)
    for x, y, run in placed:
        side = icons.ICON_SIZE * run.size
        pad = (icons.ICON_ADVANCE - icons.ICON_SIZE) * run.size / 2
        for i, ch in enumerate(run.text):
            name = icons.name_for(ch)
            path = icons.icon_path(name) if name else None
            if path is None:
                continue
            vector = load_svg(path, color, cmyk=cmyk)
            left = x + i * icons.ICON_ADVANCE * run.size + pad
            vector.draw(canvas, left, y - icons.ICON_DROP * run.size, side, side)

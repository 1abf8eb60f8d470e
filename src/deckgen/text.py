"""Text stage: inline markup, line breaking with hyphenation, shrink-to-fit and drawing."""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, NamedTuple

import pyphen
from reportlab.lib.colors import CMYKColor
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from deckgen import icons
from deckgen.fonts import SOFT_HYPHEN, FontChain, coverage, vertical_metrics

__all__ = [
    "Align",
    "Block",
    "Fit",
    "Line",
    "Run",
    "Span",
    "TextStyle",
    "draw",
    "fit",
    "parse_inline",
    "uncovered",
]

Align = Literal["left", "center", "right"]

_STEP = 0.25  # font size granularity in points
_EPS = 1e-6  # points; absorbs float noise when comparing against the box
# A hanging bullet takes its own width plus this gap, and never less than _MIN_INDENT (in ems).
_BULLET_GAP = 0.4
_MIN_INDENT = 1.0
# Hyphenate into the rest of a line only when the gap left otherwise is at least this share of
# the line, and the hyphenated prefix fills at least half of that gap: no hyphen for a sliver.
_HYPHEN_GAP = 0.2
_HYPHEN_FILL = 0.5
_BREAK_AFTER = frozenset("-/\u2013\u2014")  # a line may end after these without adding "-"
_ALIGN_FACTOR: dict[str, float] = {"left": 0.0, "center": 0.5, "right": 1.0}


# ---------------------------------------------------------------------------------------------
# Inline markup


@dataclass(frozen=True)
class Span:
    """A run of text in one style."""

    text: str
    bold: bool = False
    italic: bool = False


class _Delim:
    """A run of unescaped asterisks while emphasis is being matched."""

    __slots__ = ("can_close", "can_open", "close_marks", "count", "open_marks", "orig")

    def __init__(self, count: int, can_open: bool, can_close: bool) -> None:
        self.count = count
        self.orig = count
        self.can_open = can_open
        self.can_close = can_close
        self.open_marks: list[str] = []
        self.close_marks: list[str] = []


def _may_match(opener: _Delim, closer: _Delim) -> bool:
    # CommonMark's "rule of three": stops "*a**b*" from pairing the wrong runs.
    both = (opener.can_open and opener.can_close) or (closer.can_open and closer.can_close)
    if not both:
        return True
    total = opener.orig + closer.orig
    return total % 3 != 0 or (opener.orig % 3 == 0 and closer.orig % 3 == 0)


_ICON = re.compile(r":([a-z0-9]+(?:-[a-z0-9]+)*):")


def parse_inline(s: str, bold: bool = False, italic: bool = False) -> tuple[Span, ...]:
    """Split `**bold**` / `*italic*` markup (nestable, `\\*` escapes) into styled spans.

    `:name:` with the name of a bundled icon becomes that icon, set as one character of the
    text (see deckgen.icons); any other `:word:` and `\\:` stay colons.

    Markers without a partner stay as literal asterisks; `bold`/`italic` apply to every span.
    """
    return _parse_inline(s, bold, italic)


@functools.lru_cache(maxsize=8192)
def _parse_inline(s: str, bold: bool, italic: bool) -> tuple[Span, ...]:
    nodes: list[str | _Delim] = []
    buf: list[str] = []
    i, n = 0, len(s)
    while i < n:
        c = s[i]
        if c == "\\" and i + 1 < n and s[i + 1] == "*":
            buf.append("*")
            i += 2
            continue
        if c == "\\" and i + 1 < n and s[i + 1] == ":":
            buf.append(":")  # a colon that never starts an :icon:
            i += 2
            continue
        if c == ":" and (m := _ICON.match(s, i)) and (ch := icons.char_for(m.group(1))):
            buf.append(ch)
            i = m.end()
            continue
        if c != "*":
            buf.append(c)
            i += 1
            continue
        j = i
        while j < n and s[j] == "*":
            j += 1
        before = s[i - 1] if i > 0 else " "
        after = s[j] if j < n else " "
        if buf:
            nodes.append("".join(buf))
            buf = []
        nodes.append(_Delim(j - i, can_open=not after.isspace(), can_close=not before.isspace()))
        i = j
    if buf:
        nodes.append("".join(buf))

    openers: list[_Delim] = []
    for node in nodes:
        if isinstance(node, str):
            continue
        if node.can_close:
            while node.count > 0:
                k = len(openers) - 1
                while k >= 0 and not _may_match(openers[k], node):
                    k -= 1
                if k < 0:
                    break
                opener = openers[k]
                use = 2 if opener.count >= 2 and node.count >= 2 else 1
                mark = "b" if use == 2 else "i"
                opener.count -= use
                node.count -= use
                # Each later match wraps the earlier ones, so it sits further out on both sides.
                opener.open_marks.insert(0, mark)
                node.close_marks.append(mark)
                # Runs between a matched pair can no longer open anything.
                del openers[k + 1 :]
                if opener.count == 0:
                    openers.pop()
        if node.can_open and node.count > 0:
            openers.append(node)

    spans: list[Span] = []
    depth = {"b": 0, "i": 0}

    def emit(text: str) -> None:
        if not text:
            return
        b = bold or depth["b"] > 0
        it = italic or depth["i"] > 0
        if spans and spans[-1].bold == b and spans[-1].italic == it:
            spans[-1] = Span(spans[-1].text + text, b, it)
        else:
            spans.append(Span(text, b, it))

    for node in nodes:
        if isinstance(node, str):
            emit(node)
            continue
        for mark in node.close_marks:
            depth[mark] -= 1
        emit("*" * node.count)
        for mark in node.open_marks:
            depth[mark] += 1
    return tuple(spans)


def uncovered(s: str, chain: FontChain, bold: bool = False, italic: bool = False) -> list[str]:
    """Distinct characters of marked-up text that no font of `chain` covers in their style."""
    seen: set[str] = set()
    missing: list[str] = []
    for span in parse_inline(s, bold, italic):
        for ch in chain.uncovered(span.text, span.bold, span.italic):
            if ch not in seen:
                seen.add(ch)
                missing.append(ch)
    return missing


# ---------------------------------------------------------------------------------------------
# Public layout types


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


# ---------------------------------------------------------------------------------------------
# Tokenising: once per (block, chain), in ems, independent of size


class _Piece(NamedTuple):
    text: str
    font: str
    width: float  # at size 1


class _Word(NamedTuple):
    pieces: tuple[_Piece, ...]
    width: float
    text: str
    space: _Piece | None  # the space set before the word when it follows another on a line
    shy: tuple[int, ...]  # soft-hyphen positions in `text`
    # The pieces to append mid-line: the space merged into the first piece when they share a
    # font, which halves the pieces a line is built from.
    joined: tuple[_Piece, ...]


class _Prepared(NamedTuple):
    items: tuple[_Word | None, ...]  # None is a hard line break
    bullet: tuple[_Piece, ...]
    indent: float  # in ems; 0 without a bullet
    # Largest ascent and descent (ems) of any font in the block. Taken block-wide rather than per
    # line: only the first line's top and the last line's bottom depend on it, and a fallback
    # glyph anywhere in a paragraph moves them by a few hundredths of an em at most.
    ascent: float
    descent: float


_widths: dict[tuple[str, str], float] = {}


def _width(text: str, font: str) -> float:
    key = (font, text)
    w = _widths.get(key)
    if w is None:
        if len(_widths) > 200_000:  # a long-running process laying out many decks
            _widths.clear()
        w = _widths[key] = (len(text) * icons.ICON_ADVANCE if font == icons.ICON_FONT
                            else pdfmetrics.stringWidth(text, font, 1.0))
    return w


_MISSING = _Word((), 0.0, "", None, (), ())  # sentinel for the word cache

_TOKEN = re.compile(r"\n|[ \t]+|[^ \t\n]+")


def _font_pieces(text: str, bold: bool, italic: bool, chain: FontChain) -> list[tuple[str, str]]:
    font = chain.primary.style(bold, italic)
    if coverage(font).issuperset(text):
        return [(text, font)]
    pieces: list[tuple[str, str]] = []
    for ch in text:
        # An uncovered character is reported by validation; set it in the primary font anyway.
        f = chain.font_for(ch, bold, italic) or font
        if pieces and pieces[-1][1] == f:
            pieces[-1] = (pieces[-1][0] + ch, f)
        else:
            pieces.append((ch, f))
    return pieces


def _make_word(
    segments: list[tuple[str, bool, bool]], space: _Piece | None, chain: FontChain
) -> _Word | None:
    raw: list[tuple[str, str]] = []
    shy: list[int] = []
    pos = 0
    for text, bold, italic in segments:
        if SOFT_HYPHEN in text:
            parts = text.split(SOFT_HYPHEN)
            for part in parts[:-1]:
                pos += len(part)
                shy.append(pos)
            pos += len(parts[-1])
            text = "".join(parts)
        else:
            pos += len(text)
        if not text:
            continue
        for chunk, font in _font_pieces(text, bold, italic, chain):
            if raw and raw[-1][1] == font:
                raw[-1] = (raw[-1][0] + chunk, font)
            else:
                raw.append((chunk, font))
    if not raw:
        return None
    pieces = tuple(_Piece(t, f, _width(t, f)) for t, f in raw)
    text = "".join(p.text for p in pieces)
    return _Word(
        pieces,
        sum(p.width for p in pieces),
        text,
        space,
        tuple(sorted({p for p in shy if 0 < p < len(text)})),
        _joined(space, pieces),
    )


def _joined(space: _Piece | None, pieces: tuple[_Piece, ...]) -> tuple[_Piece, ...]:
    if space is None:
        return pieces
    first = pieces[0]
    if first.font != space.font:
        return (space, *pieces)
    return (_Piece(" " + first.text, first.font, space.width + first.width), *pieces[1:])


# Words recur across cards ("the", "customer"), so their pieces are kept per chain.
_WordKey = tuple[tuple[tuple[str, bool, bool], ...], _Piece | None]
_word_cache: dict[FontChain, dict[_WordKey, _Word | None]] = {}


@functools.lru_cache(maxsize=4096)
def _prepare(block: Block, chain: FontChain) -> _Prepared:
    words = _word_cache.setdefault(chain, {})
    if len(words) > 100_000:
        words.clear()
    spaces: dict[tuple[bool, bool], _Piece] = {}
    items: list[_Word | None] = []
    segments: list[tuple[str, bool, bool]] = []
    space: _Piece | None = None
    pending: _Piece | None = None  # a space seen since the last word on this line

    def flush() -> None:
        if segments:
            key = (tuple(segments), space)
            word = words.get(key, _MISSING)
            if word is _MISSING:
                word = words[key] = _make_word(segments, space, chain)
            if word is not None:
                items.append(word)
            segments.clear()

    for span in block.spans:
        text = span.text.replace("\r\n", "\n").replace("\r", "\n")
        for tok in _TOKEN.findall(text):
            if tok == "\n":
                flush()
                items.append(None)
                space = pending = None
            elif tok[0] in " \t":
                flush()
                if items and items[-1] is not None:
                    style = (span.bold, span.italic)
                    pending = spaces.get(style)
                    if pending is None:
                        font = chain.font_for(" ", *style) or chain.primary.regular
                        pending = spaces[style] = _Piece(" ", font, _width(" ", font))
            else:
                if not segments:
                    space = pending
                    pending = None
                segments.append((tok, span.bold, span.italic))
    flush()
    # Trailing newlines (YAML block scalars end with one) and leading ones add no visible lines.
    while items and items[-1] is None:
        items.pop()
    while items and items[0] is None:
        items.pop(0)
    bullet: tuple[_Piece, ...] = ()
    indent = 0.0
    if block.bullet:
        raw = _font_pieces(block.bullet, False, False, chain)
        bullet = tuple(_Piece(t, f, _width(t, f)) for t, f in raw)
        indent = max(sum(p.width for p in bullet) + _BULLET_GAP, _MIN_INDENT)
    fonts = {chain.primary.regular}
    fonts.update(p.font for p in bullet)
    for word in items:
        if word is not None:
            fonts.update(p.font for p in word.pieces)
    metrics = [vertical_metrics(f) for f in sorted(fonts - {icons.ICON_FONT})]
    return _Prepared(
        tuple(items),
        bullet,
        indent,
        max(a for a, _ in metrics),
        max(d for _, d in metrics),
    )


# ---------------------------------------------------------------------------------------------
# Breaking words


@functools.lru_cache(maxsize=16)
def _dictionary(lang: str) -> pyphen.Pyphen | None:
    try:
        return pyphen.Pyphen(lang=lang, left=3, right=3)
    except KeyError:  # no patterns for this language: break at spaces and hyphens only
        return None


_LETTERS = re.compile(r"[^\W\d_]{6,}")


@functools.lru_cache(maxsize=16384)
def _break_points(
    text: str, shy: tuple[int, ...], lang: str, hyphenate: bool
) -> tuple[tuple[int, bool], ...]:
    """Positions where `text` may break, each with whether a hyphen must be added there."""
    points: dict[int, bool] = {}
    # After a dash or slash with something on both sides ("e-mail", "and/or"), as is.
    for i in range(2, len(text) - 1):
        if text[i - 1] in _BREAK_AFTER:
            points[i] = False
    if shy:
        # The author marked the breaks, so the dictionary is not consulted.
        for i in shy:
            points.setdefault(i, True)
    elif hyphenate:
        dic = _dictionary(lang)
        if dic is not None:
            for m in _LETTERS.finditer(text):
                for p in dic.positions(m.group()):
                    points.setdefault(m.start() + int(p), True)
    return tuple(sorted(points.items()))


def _split(word: _Word, at: int, hyphen: bool) -> tuple[list[_Piece], float, _Word]:
    """Cut `word` before character `at`: the line's pieces, their width, and the rest."""
    head: list[_Piece] = []
    tail: list[_Piece] = []
    pos = 0
    for piece in word.pieces:
        end = pos + len(piece.text)
        if end <= at:
            head.append(piece)
        elif pos >= at:
            tail.append(piece)
        else:
            cut = at - pos
            a, b = piece.text[:cut], piece.text[cut:]
            head.append(_Piece(a, piece.font, _width(a, piece.font)))
            tail.append(_Piece(b, piece.font, _width(b, piece.font)))
        pos = end
    if hyphen:
        last = head[-1]
        head[-1] = _Piece(last.text + "-", last.font, _width(last.text + "-", last.font))
    rest = _Word(
        tuple(tail),
        sum(p.width for p in tail),
        word.text[at:],
        None,
        tuple(p - at for p in word.shy if p > at),
        tuple(tail),
    )
    return head, sum(p.width for p in head), rest


def _head_width(word: _Word, at: int, hyphen: bool) -> float:
    """Width in ems of the first `at` characters of `word`, plus a hyphen if one is added."""
    total = 0.0
    pos = 0
    for piece in word.pieces:
        end = pos + len(piece.text)
        if end < at or (end == at and not hyphen):
            total += piece.width
        else:
            head = piece.text[: at - pos] + ("-" if hyphen else "")
            return total + _width(head, piece.font)
        pos = end
    return total


def _hyphen_split(
    word: _Word, avail: float, style: TextStyle
) -> tuple[list[_Piece], float, _Word] | None:
    """The longest break of `word` whose first part fits in `avail` ems, if any."""
    if avail <= 0:
        return None
    points = _break_points(word.text, word.shy, style.lang, style.hyphenate)
    for at, hyphen in reversed(points):
        if _head_width(word, at, hyphen) <= avail:
            return _split(word, at, hyphen)
    return None


def _char_split(word: _Word, avail: float) -> tuple[list[_Piece], float, _Word]:
    """Last resort for a word with no usable break: as many characters as fit, at least one."""
    total = 0.0
    at = 0
    for piece in word.pieces:
        for ch in piece.text:
            w = _width(ch, piece.font)
            if at > 0 and total + w > avail:
                return _split(word, at, False)
            total += w
            at += 1
    return _split(word, max(len(word.text) - 1, 1), False)


_RawLine = tuple[list[_Piece], float]


def _break_lines(
    prep: _Prepared, avail: float, style: TextStyle, strict: bool, max_count: int
) -> list[_RawLine] | None:
    """Greedy line breaking in ems.

    None when `strict` and a word had to be cut between arbitrary letters, or when more than
    `max_count` lines would be needed (the caller already knows that cannot fit).
    """
    lines: list[_RawLine] = []
    cur: list[_Piece] = []
    cur_w = 0.0
    limit = avail + 1e-9  # ems; keeps float noise from pushing out a word that fits exactly
    for word in prep.items:
        if word is None:
            lines.append((cur, cur_w))
            if len(lines) >= max_count:
                return None
            cur, cur_w = [], 0.0
            continue
        if cur:
            space = word.space
            space_w = space.width if space is not None else 0.0
            if cur_w + space_w + word.width <= limit:
                cur.extend(word.joined)
                cur_w += space_w + word.width
                continue
            gap = avail - cur_w
            if gap >= _HYPHEN_GAP * avail:
                split = _hyphen_split(word, gap - space_w, style)
                if split is not None and split[1] + space_w >= _HYPHEN_FILL * gap:
                    head, head_w, word = split
                    if space is not None:
                        cur.append(space)
                    cur.extend(head)
                    cur_w += space_w + head_w
            lines.append((cur, cur_w))
            if len(lines) >= max_count:
                return None
            cur, cur_w = [], 0.0
        while word.width > limit and len(word.text) > 1:
            split = _hyphen_split(word, avail, style)
            if split is None:
                if strict:
                    return None
                split = _char_split(word, avail)
            head, head_w, word = split
            lines.append((head, head_w))
            if len(lines) >= max_count:
                return None
        cur = list(word.pieces)
        cur_w = word.width
    if prep.items:
        lines.append((cur, cur_w))
    return lines


# ---------------------------------------------------------------------------------------------
# Fitting


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
def _candidates(size: float, min_size: float) -> tuple[float, ...]:
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
    sizes = _candidates(style.size, style.min_size)
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


# ---------------------------------------------------------------------------------------------
# Drawing


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
    from deckgen.svg import load_svg

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

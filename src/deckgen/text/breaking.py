"""Line breaking: words measured once per font chain, hyphenation points, and the
breaking of a block into lines of a given width."""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING, NamedTuple

import pyphen
from reportlab.pdfbase import pdfmetrics

from deckgen.deck import icons
from deckgen.text.fonts import SOFT_HYPHEN, FontChain, coverage, vertical_metrics

if TYPE_CHECKING:
    from deckgen.text.typeset import Block, TextStyle


# A hanging bullet takes its own width plus this gap, and never less than _MIN_INDENT (in ems).
_BULLET_GAP = 0.4

_MIN_INDENT = 1.0

# Hyphenate into the rest of a line only when the gap left otherwise is at least this share of
# the line, and the hyphenated prefix fills at least half of that gap: no hyphen for a sliver.
_HYPHEN_GAP = 0.2

_HYPHEN_FILL = 0.5

_BREAK_AFTER = frozenset("-/\u2013\u2014")  # a line may end after these without adding "-"

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

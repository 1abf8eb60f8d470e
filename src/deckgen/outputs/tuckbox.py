"""Tuck box: takes a deck, gives `tuckbox.pdf`, a printable box net for the printed deck.

The box is sized from the deck: its inside is the card's trim size plus a little play, and as
deep as the printed cards are thick at STOCK_MM a card. The net is a strip of four walls
(side, front, side, back) and a glue flap; the front carries the bottom and its glue tab, the
back the lid and its tuck flap, the sides their dust flaps. Cut lines are solid, fold lines
dashed, glue areas tinted and labelled. When the whole net does not fit the paper it is split
in two pieces, each with its own glue flap; when even a piece does not fit, the page says so
and gives the box's size instead.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from reportlab.pdfgen.canvas import Canvas

from deckgen.deck.model import Deck
from deckgen.text.fonts import load_family
from deckgen.units import WHITE, Color, mm
from deckgen.workbook.context import PAPERS, rl
from deckgen.workbook.doc import draw_logo

STOCK_MM = 0.32  # a typical 300–350 g/m² card, per card
PLAY = mm(1.5)  # room around the cards so the deck slides out without a fight
TUCK = mm(16)  # the flap that tucks into the front
GLUE = mm(10)  # glue flaps and tabs
MARGIN = mm(8)  # what a home printer leaves blank, with room to cut
_INK = Color((0.1, 0.1, 0.1))
_PAPER_NAMES = {"a4": "A4", "letter": "Letter"}
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Box:
    """The inside of the box, in points: card width, card height and deck depth."""

    width: float
    height: float
    depth: float
    cards: int


@dataclass(frozen=True)
class Part:
    """One area of the net: a wall, flap or tab, with its lower-left corner in net space."""

    name: str
    x: float
    y: float
    w: float
    h: float
    glue: bool = False


def box_for(deck: Deck) -> Box:
    cards = sum(card.copies for card in deck.cards)
    depth = max(cards * mm(STOCK_MM), mm(4)) + mm(1)
    return Box(deck.card.width + PLAY, deck.card.height + PLAY, depth, cards)


def strip(box: Box, walls: tuple[str, ...], glue_to: str) -> list[Part]:
    """The named walls side by side from x = 0, with their flaps, and a glue flap after them.

    The walls stand on y = bottom, where bottom leaves room for the flaps hanging below.
    """
    below = box.depth + GLUE
    parts: list[Part] = []
    x = 0.0
    dust = min(box.depth, mm(15))
    for wall in walls:
        w = box.depth if wall.startswith("side") else box.width
        parts.append(Part(wall, x, below, w, box.height))
        if wall == "front":
            parts.append(Part("bottom", x, below - box.depth, w, box.depth))
            parts.append(Part("glue under the back", x, below - box.depth - GLUE, w, GLUE,
                              glue=True))
        elif wall == "back":
            parts.append(Part("lid", x, below + box.height, w, box.depth))
            parts.append(Part("tuck", x, below + box.height + box.depth, w, TUCK))
        else:
            parts.append(Part("dust", x, below + box.height, w, dust))
            parts.append(Part("dust", x, below - dust, w, dust))
        x += w
    # The flap that closes the ring of walls, glued under the wall named.
    parts.append(Part(f"glue under the {glue_to}", x, below, GLUE, box.height, glue=True))
    return parts


def pieces(box: Box) -> list[list[Part]]:
    """The net in one piece: side, front, side, back and glue flap."""
    return [strip(box, ("side", "front", "side-2", "back"), glue_to="side")]


def split_pieces(box: Box) -> list[list[Part]]:
    """Two pieces: side, front, side with a glue flap to the back; back with one to the side."""
    return [strip(box, ("side", "front", "side-2"), glue_to="back"),
            strip(box, ("back",), glue_to="side")]


def extent(parts: list[Part]) -> tuple[float, float]:
    return (max(p.x + p.w for p in parts) - min(p.x for p in parts),
            max(p.y + p.h for p in parts) - min(p.y for p in parts))


def layout(box: Box, paper: tuple[float, float]) -> list[tuple[list[Part], bool]] | None:
    """Pieces and, for each, whether its page is landscape; None when nothing fits."""
    room = [(paper[0] - 2 * MARGIN, paper[1] - 2 * MARGIN, False),
            (paper[1] - 2 * MARGIN, paper[0] - 2 * MARGIN, True)]
    for candidate in (pieces(box), split_pieces(box)):
        placed = []
        for piece in candidate:
            w, h = extent(piece)
            turn = next((land for rw, rh, land in room if w <= rw and h <= rh), None)
            if turn is None:
                break
            placed.append((piece, turn))
        else:
            return placed
    return None


def write_tuckbox(deck: Deck, out: Path, paper: str) -> None:
    size = PAPERS.get(paper, PAPERS["a4"])
    box = box_for(deck)
    fonts = load_family("Lato")
    canvas = Canvas(str(out), pagesize=size, invariant=1, pageCompression=1,
                    initialFontName=fonts.regular, initialFontSize=9)
    canvas.setTitle(f"{deck.title} — tuck box")
    canvas.setAuthor(deck.brand.name)
    canvas.setCreator("deckgen")
    canvas.setProducer("deckgen")
    placed = layout(box, size)
    if placed is None:
        log.warning("tuckbox.pdf: %s; it does not fit %s paper even in two pieces, and the "
                    "page says so", _caption(box), _PAPER_NAMES.get(paper, paper))
        _too_big(canvas, deck, box, size, paper, fonts.bold, fonts.regular)
    else:
        for n, (piece, landscape) in enumerate(placed, 1):
            page = (size[1], size[0]) if landscape else size
            canvas.setPageSize(page)
            _draw_piece(canvas, deck, box, piece, page, (fonts.bold, fonts.regular),
                        f"piece {n} of {len(placed)}" if len(placed) > 1 else "")
            canvas.showPage()
    canvas.save()


def _caption(box: Box) -> str:
    return (f"Tuck box for {box.cards} cards at {STOCK_MM:g} mm each: inside "
            f"{box.width / mm(1):.1f} × {box.height / mm(1):.1f} × {box.depth / mm(1):.1f} mm")


def _too_big(c: Canvas, deck: Deck, box: Box, size: tuple[float, float], paper: str,
             bold: str, regular: str) -> None:
    c.setFont(bold, 14)
    c.drawString(MARGIN * 2, size[1] - MARGIN * 4, f"{deck.title}: the tuck box does not fit")
    c.setFont(regular, 10)
    c.drawString(MARGIN * 2, size[1] - MARGIN * 4 - 20, _caption(box) + ".")
    name = _PAPER_NAMES.get(paper, paper)
    c.drawString(MARGIN * 2, size[1] - MARGIN * 4 - 34,
                 f"Even split in two pieces, a piece is larger than {name} paper. "
                 "Print the deck in two boxes, or use a larger sheet.")
    c.showPage()


def _draw_piece(c: Canvas, deck: Deck, box: Box, piece: list[Part], page: tuple[float, float],
                fonts: tuple[str, str], label: str) -> None:
    bold, regular = fonts
    w, h = extent(piece)
    x0 = (page[0] - w) / 2 - min(p.x for p in piece)
    y0 = (page[1] - h) / 2 - min(p.y for p in piece) - mm(3)
    c.saveState()
    c.translate(x0, y0)
    primary = deck.color("primary", Color((0.12, 0.23, 0.37)))
    for part in piece:
        _fill_part(c, deck, part, primary, bold, regular)
    _fold_lines(c, piece)
    _cut_outline(c, piece)
    c.restoreState()
    c.setFillColor(rl(_INK))
    c.setFont(regular, 8)
    text = _caption(box) + (f" · {label}" if label else "")
    c.drawString(MARGIN, MARGIN, text)
    c.drawRightString(page[0] - MARGIN, MARGIN,
                      "cut on solid lines · fold on dashed lines · glue the tinted flaps")


def _fill_part(c: Canvas, deck: Deck, part: Part, primary: Color, bold: str,
               regular: str) -> None:
    if part.glue:
        c.setFillColor(rl(_INK.mix(WHITE, 0.88)))
        c.rect(part.x, part.y, part.w, part.h, stroke=0, fill=1)
        c.setFillColor(rl(_INK.mix(WHITE, 0.45)))
        c.setFont(bold, 7)
        c.saveState()
        c.translate(part.x + part.w / 2, part.y + part.h / 2)
        if part.h > part.w:
            c.rotate(90)
        c.drawCentredString(0, -2.5, part.name.upper())
        c.restoreState()
        return
    if part.name == "front":
        c.setFillColor(rl(primary))
        c.rect(part.x, part.y, part.w, part.h, stroke=0, fill=1)
        ink = WHITE if primary.contrast(WHITE) >= 3 else _INK
        top = part.y + part.h - mm(10)
        if deck.brand.logo is not None:
            drawn = draw_logo(c, deck.brand.logo, part.x + mm(6), top - mm(12), part.w - mm(12),
                              mm(12))
            if drawn:
                top -= mm(18)
        _title(c, deck.title, bold, 15, ink, part.x + part.w / 2, top, part.w - mm(10))
        if deck.brand.name != deck.title:
            c.setFont(regular, 8)
            c.drawCentredString(part.x + part.w / 2, part.y + mm(6), deck.brand.name)
    elif part.name == "back":
        c.setFillColor(rl(primary.mix(WHITE, 0.9)))
        c.rect(part.x, part.y, part.w, part.h, stroke=0, fill=1)
        _title(c, deck.title, bold, 11, _INK, part.x + part.w / 2, part.y + part.h / 2,
               part.w - mm(10))
        c.setFont(regular, 8)
        c.drawCentredString(part.x + part.w / 2, part.y + part.h / 2 - mm(8),
                            f"{sum(1 for _ in deck.cards)} cards · {len(deck.categories)} "
                            "categories")
    elif part.name.startswith("side") and part.w > mm(10):
        c.setFillColor(rl(primary))
        c.rect(part.x, part.y, part.w, part.h, stroke=0, fill=1)
        c.saveState()
        c.translate(part.x + part.w / 2, part.y + part.h / 2)
        c.rotate(90)
        ink = WHITE if primary.contrast(WHITE) >= 3 else _INK
        _title(c, deck.title, bold, min(10, part.w / mm(1) * 0.9), ink, 0, 3, part.h - mm(8))
        c.restoreState()
    elif part.name == "tuck":
        c.setFillColor(rl(_INK.mix(WHITE, 0.5)))
        c.setFont(regular, 6.5)
        c.drawCentredString(part.x + part.w / 2, part.y + mm(4), "tuck into the front")


def _title(c: Canvas, text: str, font: str, size: float, color: Color, x: float, y: float,
           width: float) -> None:
    """Centred title, smaller until it fits the panel's width."""
    while size > 6 and c.stringWidth(text, font, size) > width:
        size -= 0.5
    c.setFillColor(rl(color))
    c.setFont(font, size)
    c.drawCentredString(x, y - size * 0.35, text)


Edge = tuple[float, float, float, float]


def _edges(part: Part) -> list[Edge]:
    """Its four edges, rounded so that edges two parts share compare equal."""
    x1, y1, x2, y2 = (round(v, 3) for v in (part.x, part.y, part.x + part.w, part.y + part.h))
    return [(x1, y1, x2, y1), (x1, y2, x2, y2), (x1, y1, x1, y2), (x2, y1, x2, y2)]


def _shared(piece: list[Part]) -> set[Edge]:
    """Edges two parts have in common: the folds."""
    seen: dict[Edge, int] = {}
    for part in piece:
        for edge in _edges(part):
            seen[edge] = seen.get(edge, 0) + 1
    return {edge for edge, count in seen.items() if count > 1}


def _fold_lines(c: Canvas, piece: list[Part]) -> None:
    c.setStrokeColor(rl(_INK.mix(WHITE, 0.35)))
    c.setLineWidth(0.5)
    c.setDash(3, 2)
    for x1, y1, x2, y2 in sorted(_shared(piece)):
        c.line(x1, y1, x2, y2)
    c.setDash()


def _cut_outline(c: Canvas, piece: list[Part]) -> None:
    """Every part edge that is not a fold is cut; overlapping wall edges are merged by drawing
    each part's free edges only."""
    folds = _shared(piece)
    c.setStrokeColor(rl(_INK))
    c.setLineWidth(0.6)
    for part in piece:
        for edge in _edges(part):
            if edge not in folds:
                c.line(*edge)

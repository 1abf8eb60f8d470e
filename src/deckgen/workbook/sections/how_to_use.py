"""How-to-use section: takes the context, gives a card's anatomy, the legend, the blanks."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.platypus import Flowable, Paragraph, Spacer, Table

from deckgen.deck.model import Card, Deck
from deckgen.deck.workbook_model import AnatomyPart
from deckgen.i18n import mark
from deckgen.units import mm
from deckgen.workbook.blocks import booklet_table, draw_face, thumb_grid
from deckgen.workbook.context import Context, Flowables, rl
from deckgen.workbook.deckdata import role_words, sentence_case
from deckgen.workbook.doc import new_section, section_text, subheading
from deckgen.workbook.typeset import paragraph
from deckgen.workbook.words import head

# How to use the deck


def how_to_use(ctx: Context) -> Flowables:
    out = new_section(ctx, "How to use the deck", key="how-to-use",
                      intro="Every card answers one question. Its colour says which.")
    card = _anatomy_card(ctx)
    if card is not None:
        out += [subheading(ctx, "Anatomy of a card"), _Anatomy(ctx, card), Spacer(1, mm(4))]
    out += [subheading(ctx, "The categories"), _legend(ctx)]
    blanks = [cat for cat in ctx.deck.categories if cat.blanks != 0]
    if blanks:
        title, intros = section_text(ctx, "blank-cards", "Blank cards", (
            "Each category has blank cards. Use them to write your own: write cards, sort them "
            "into groups, then keep the ones that matter."))
        out += [
            subheading(ctx, title),
            *(ctx.p(text) for text in intros),
            thumb_grid(ctx, [(ctx.faces.blank(cat), f"blank:{cat.id}", cat.name, None)
                             for cat in blanks], mm(19)),
        ]
    return out


def _anatomy_card(ctx: Context) -> Card | None:
    deck = ctx.deck
    if ctx.wb.anatomy is not None and (card := deck.card_by_id(ctx.wb.anatomy.id)) is not None:
        return card
    # Prefer a card that shows every part the callouts name.
    # min() keeps the first of equals, so deck order breaks ties.
    return min(deck.cards, key=lambda c: -bool(c.body) - bool(c.prompts) - (
        _role_of(deck, c) is not None), default=None)


def _role_of(deck: Deck, card: Card) -> str | None:
    for cat in deck.categories:
        if cat.id == card.category:
            return cat.role
    return None


def _legend(ctx: Context) -> Table:
    st = ctx.st
    deck = ctx.deck
    # With codes, the range of each category's: a code read aloud leads to its colour.
    coded = deck.reference_field is not None
    heads = mark("Category", "Question it answers", "Cards", "Codes")
    rows: list[list[Any]] = [[
        "", *(Paragraph(head(ctx.w(text)), st.cell_head) for text in heads[:4 if coded else 3])]]
    extra: list[tuple[Any, ...]] = []
    for i, cat in enumerate(deck.categories, 1):
        cards = deck.cards_in(cat.id)
        name = f"**{cat.name}**" + (f"\n{role_words(deck, cat.role)}" if cat.role else "")
        row: list[Any] = ["", paragraph(name, st.cell, ctx.fonts),
                          paragraph(cat.question, st.cell, ctx.fonts),
                          Paragraph(str(len(cards)), st.cell)]
        if coded:
            codes = [code for card in cards if (code := deck.reference(card)) != card.id]
            span = (codes[0] if len(codes) == 1 else f"{codes[0]} – {codes[-1]}") if codes else ""
            row.append(Paragraph(escape(span), st.cell))
        rows.append(row)
        extra.append(("BACKGROUND", (0, i), (0, i), rl(cat.color)))
        extra.append(("LINEBELOW", (0, i), (0, i), 2.5, colors.white))
    codes_w = mm(26) if coded else 0.0
    widths = [mm(6), ctx.width * 0.3, ctx.width * 0.7 - mm(6) - mm(16) - codes_w, mm(16)]
    return booklet_table(rows, widths + ([codes_w] if coded else []), ctx, extra)


_Box = tuple[float, float, float, float]  # left, bottom, right, top


@dataclass(frozen=True)
class _Part:
    label: str
    explain: str
    box: _Box  # in card points


_MOST_PARTS = 7  # callouts that fit beside the card without crowding


def _locate_parts(ctx: Context, card: Card, width: float, height: float) -> list[_Part]:
    """The card's parts where the card drawer put them, from its own element boxes.

    `anatomy_parts:` names the elements to call out; without it, every element the card drew
    is called out by its name (a flow by its fields), thin ones such as rules left out.
    """
    boxes = ctx.faces.renderer.element_boxes(card)
    wanted = ctx.wb.anatomy_parts or tuple(
        AnatomyPart(name, sentence_case(name.rsplit(".", 1)[-1].replace("-", " ")))
        for name, box in boxes.items()
        if box[3] - box[1] >= mm(2) and not any(k.startswith(name + ".") for k in boxes))
    parts = []
    for want in wanted[:_MOST_PARTS]:
        box = boxes.get(want.element)
        if box is None:
            continue  # this card leaves the element empty
        left, bottom, right, top = box
        # Air beside the text, never past the card's edge; little above and below, where the
        # next element may sit within a millimetre.
        parts.append(_Part(want.name, want.note or "",
                           (max(left - mm(1.2), 0.0), max(bottom - mm(0.4), 0.0),
                            min(right + mm(1.2), width), min(top + mm(0.4), height))))
    return parts


class _Anatomy(Flowable):  # type: ignore[misc]
    """A real card, enlarged, each located part outlined and named by a callout on the right."""

    def __init__(self, ctx: Context, card: Card) -> None:
        super().__init__()
        self.ctx = ctx
        self.card = card
        self.face = ctx.faces.front(card)
        self.parts = _locate_parts(ctx, card, self.face.width, self.face.height)
        self.scale = min(mm(100) / self.face.height, ctx.width * 0.48 / self.face.width)

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        self.width = aw
        self.height = self.face.height * self.scale + mm(4)
        return aw, self.height

    def draw(self) -> None:
        c, s, face, ctx = self.canv, self.scale, self.face, self.ctx
        card_x, card_y = mm(4), mm(2)
        draw_face(c, face, f"front:{self.card.id}", card_x, card_y, s, ctx.pal.rule)
        label_x = card_x + face.width * s + mm(20)
        targets = [(p, card_y + (p.box[1] + p.box[3]) / 2 * s) for p in self.parts]
        placed = _spread_labels(targets, [self._label(p, self.width - label_x)
                                          for p in self.parts], self.height)
        primary = rl(ctx.pal.primary)
        c.setStrokeColor(primary)
        c.setFillColor(primary)
        for (part, target_y), (para, top) in zip(targets, placed, strict=True):
            left, bottom, right, up = (v * s for v in part.box)
            c.setLineWidth(0.8)
            c.setDash(2, 1.5)
            c.roundRect(card_x + left, card_y + bottom, right - left, up - bottom, mm(1))
            c.setDash()
            start_x = card_x + right
            label_y = top - 6
            c.circle(start_x, target_y, 1.6, stroke=0, fill=1)
            path = c.beginPath()
            path.moveTo(start_x, target_y)
            path.lineTo(label_x - mm(9), target_y)
            path.lineTo(label_x - mm(3), label_y)
            path.lineTo(label_x - mm(1), label_y)
            c.setLineWidth(0.7)
            c.drawPath(path, stroke=1, fill=0)
            para.drawOn(c, label_x, top - para.height)

    def _label(self, part: _Part, width: float) -> Paragraph:
        para = paragraph(f"**{part.label}**\n{part.explain}", self.ctx.st.small, self.ctx.fonts)
        para.wrap(width, self.height)
        return para


def _spread_labels(targets: list[tuple[_Part, float]], paras: list[Paragraph],
                   height: float) -> list[tuple[Paragraph, float]]:
    """Label tops near their targets, pushed apart so no two labels overlap."""
    order = sorted(range(len(targets)), key=lambda i: -targets[i][1])
    tops: dict[int, float] = {}
    floor = height
    for i in order:
        top = min(targets[i][1] + 6, floor)
        tops[i] = top
        floor = top - paras[i].height - mm(3)
    lowest = min((tops[i] - paras[i].height for i in order), default=0.0)
    if lowest < 0:
        tops = {i: t - lowest for i, t in tops.items()}
    return [(paras[i], tops[i]) for i in range(len(targets))]


# Card thumbnails


def _form_name(key: str) -> str:
    return "card" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]

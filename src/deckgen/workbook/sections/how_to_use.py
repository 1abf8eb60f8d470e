"""How-to-use section: takes the context, gives a card's anatomy, the legend, the blanks."""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from typing import Any

from reportlab.lib import colors
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph, Spacer, Table

from deckgen.faces import Face
from deckgen.fonts import load_family
from deckgen.model import Card, Category, Deck
from deckgen.units import mm
from deckgen.workbook.blocks import booklet_table, draw_face, thumb_grid
from deckgen.workbook.context import Context, Flowables, rl
from deckgen.workbook.deckdata import find_category, role_words
from deckgen.workbook.doc import new_section, section_text, subheading
from deckgen.workbook.typeset import paragraph, plain

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
    rows: list[list[Any]] = [[
        "", Paragraph("CATEGORY", st.cell_head), Paragraph("QUESTION IT ANSWERS", st.cell_head),
        Paragraph("CARDS", st.cell_head)]]
    extra: list[tuple[Any, ...]] = []
    for i, cat in enumerate(ctx.deck.categories, 1):
        name = f"**{cat.name}**" + (f"\n{role_words(ctx.deck, cat.role)}" if cat.role else "")
        rows.append(["", paragraph(name, st.cell, ctx.fonts),
                     paragraph(cat.question, st.cell, ctx.fonts),
                     Paragraph(str(len(ctx.deck.cards_in(cat.id))), st.cell)])
        extra.append(("BACKGROUND", (0, i), (0, i), rl(cat.color)))
        extra.append(("LINEBELOW", (0, i), (0, i), 2.5, colors.white))
    widths = [mm(6), ctx.width * 0.3, ctx.width * 0.7 - mm(6) - mm(16), mm(16)]
    return booklet_table(rows, widths, ctx, extra)




_Box = tuple[float, float, float, float]  # left, bottom, right, top


@dataclass(frozen=True)
class _Part:
    label: str
    explain: str
    box: _Box  # in card points


def _locate_parts(face: Face, card: Card, category: Category | None, safe: float
                  ) -> list[_Part]:
    """Find where the card's parts landed by drawing it once and searching its text.

    The layout engine decides where things go; reading the drawn page back keeps the callouts
    right for any layout without the workbook knowing layout internals.
    """
    import pypdfium2

    buf = io.BytesIO()
    canvas = Canvas(buf, pagesize=(face.width, face.height), invariant=1,
                    initialFontName=load_family("Lato").regular)
    face.draw(canvas, 0, 0)
    canvas.showPage()
    canvas.save()
    last_prompt = card.prompts[-1] if card.prompts else ""
    wanted = [
        ("Category band", "Colour and name of the category: which question the card answers.",
         category.name if category else "", ""),
        ("Title", "What the card is, in a few words.", card.title, card.title),
        ("Body", "What it means for your product, with an example.", card.body or "",
         card.body or ""),
        ("Prompts", "Questions to ask the room when the card is on the table.",
         card.prompts[0] if card.prompts else "", last_prompt),
        ("Footer and id", "The card's id: write it on worksheets and recipes.", card.id, ""),
    ]
    pdf = pypdfium2.PdfDocument(buf.getvalue())
    try:
        textpage = pdf[0].get_textpage()
        parts = []
        for label, explain, first, last in wanted:
            box = _text_block(textpage, first, last)
            if box is not None:
                left = 0.0 if label == "Category band" else max(box[0] - mm(1.2), mm(0.6))
                right = face.width - (0.0 if label == "Category band" else safe - mm(1.2))
                parts.append(_Part(label, explain,
                                   (left, box[1] - mm(1), right, box[3] + mm(1))))
        return parts
    finally:
        pdf.close()


def _text_block(textpage: Any, first: str, last: str) -> _Box | None:
    """The box from the first words of a text to its last words, as drawn."""
    top = _search_box(textpage, " ".join(plain(first).split()[:3]), last_match=False)
    if top is None or not last:
        return top
    bottom = _search_box(textpage, " ".join(plain(last).split()[-2:]), last_match=True)
    if bottom is None or bottom[3] > top[3]:
        return top
    return (min(top[0], bottom[0]), bottom[1], max(top[2], bottom[2]), top[3])


def _search_box(textpage: Any, needle: str, last_match: bool) -> _Box | None:
    for words in (needle, needle.split(" ")[-1 if last_match else 0]):
        if len(words) < 2:
            continue
        searcher = textpage.search(words, match_case=False)
        found = searcher.get_next()
        while last_match and found and (following := searcher.get_next()):
            found = following
        if found:
            index, count = found
            boxes = [textpage.get_charbox(i) for i in range(index, index + count)]
            return (min(b[0] for b in boxes), min(b[1] for b in boxes),
                    max(b[2] for b in boxes), max(b[3] for b in boxes))
    return None


class _Anatomy(Flowable):  # type: ignore[misc]
    """A real card, enlarged, each located part outlined and named by a callout on the right."""

    def __init__(self, ctx: Context, card: Card) -> None:
        super().__init__()
        self.ctx = ctx
        self.card = card
        self.face = ctx.faces.front(card)
        self.parts = _locate_parts(self.face, card, find_category(ctx.deck, card.category),
                                   ctx.deck.card.safe)
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

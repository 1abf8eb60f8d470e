"""Card reference section: takes the cards, gives a thumbnail and full text of each."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import CondPageBreak, Flowable, Paragraph, Table, TableStyle

from deckgen.deck.model import Card, Category, slug
from deckgen.i18n import word
from deckgen.units import WHITE, mm
from deckgen.workbook.blocks import draw_face
from deckgen.workbook.context import Context, Flowables, rl
from deckgen.workbook.deckdata import (
    category_with_role,
    deck_levels,
    example_code,
    family_name,
    recipe_rows,
)
from deckgen.workbook.doc import Heading, new_section
from deckgen.workbook.typeset import paragraph, plain, text_width, to_markup

# Card reference


def card_reference(ctx: Context) -> Flowables:
    deck = ctx.deck
    code = example_code(deck)
    out = new_section(ctx, "Card reference", key="card-reference", count=len(deck.cards), intro=(
        "All {count} cards, by category, with their full text. Card ids are what you write on "
        "worksheets and recipes." if code is None else
        "All {count} cards, by category, with their full text. A card's code, such as {code}, "
        "is what you write on worksheets and recipes."), values={"code": code or ""})
    for cat in deck.categories:
        cards = deck.cards_in(cat.id)
        if not cards:
            continue
        out.append(CondPageBreak(mm(70)))
        out.append(_category_heading(ctx, cat, len(cards)))
        out.append(ctx.p(cat.question, ctx.st.small))
        out.append(_card_rows(ctx, cards))
    return out


def _category_heading(ctx: Context, cat: Category, count: int) -> Heading:
    """A category heading led by a square of its colour, with the number of cards."""
    many = ctx.w("1 card") if count == 1 else ctx.w("{count} cards", count=count)
    markup = (f'{to_markup(cat.name, ctx.fonts)}'
              f'<font size="9" color="{ctx.pal.muted.hex}">  ·  {escape(many)}</font>')
    # Bookmarked but left out of the contents, which then fits on one page.
    return Heading(cat.name, ctx.st.h2, ctx, level=1, markup=markup, toc=False,
                   swatch=cat.color)


def _card_rows(ctx: Context, cards: Sequence[Card]) -> Table:
    half = ctx.width / 2
    thumb_w = mm(24)
    cells = [_CardEntry(ctx, card, thumb_w, half - mm(5)) for card in cards]
    rows: list[list[Any]] = [cells[i:i + 2] for i in range(0, len(cells), 2)]
    if len(rows[-1]) == 1:
        rows[-1].append("")
    return Table(rows, colWidths=[half, half], hAlign="LEFT", style=TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), ctx.fonts.regular),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), mm(5)),
        ("TOPPADDING", (0, 0), (-1, -1), mm(3)),
        ("BOTTOMPADDING", (0, 0), (-1, -1), mm(3)),
        ("LINEBELOW", (0, 0), (-1, -2), 0.4, rl(ctx.pal.rule)),
    ]))


class _CardEntry(Flowable):  # type: ignore[misc]
    """A card thumbnail with the card's full text beside it."""

    def __init__(self, ctx: Context, card: Card, thumb_w: float, width: float) -> None:
        super().__init__()
        self.ctx = ctx
        self.card = card
        self.face = ctx.faces.front(card)
        self.thumb_w = thumb_w
        self.scale = thumb_w / self.face.width
        self.width = width
        self.paras = _card_text(ctx, card)
        self.height = 0.0

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        # The entry's width never changes, so its text is wrapped once, not once per table pass.
        if not self.height:
            text_w = self.width - self.thumb_w - mm(4)
            text_h = sum(p.wrap(text_w, 1e6)[1] + p.getSpaceBefore() + p.getSpaceAfter()
                         for p in self.paras)
            self.height = max(self.face.height * self.scale, text_h)
        return self.width, self.height

    def draw(self) -> None:
        c = self.canv
        thumb_h = self.face.height * self.scale
        draw_face(c, self.face, f"front:{self.card.id}", 0, self.height - thumb_h, self.scale,
                  self.ctx.pal.rule)
        y = self.height
        for para in self.paras:
            y -= para.getSpaceBefore() + para.height
            para.drawOn(c, self.thumb_w + mm(4), y)
            y -= para.getSpaceAfter()


def _card_text(ctx: Context, card: Card) -> list[Paragraph]:
    st, fonts = ctx.st, ctx.fonts
    small = ctx.st.small
    head = to_markup(card.title, fonts, bold=True)
    if card.copies > 1:
        head += to_markup(f"  ×{card.copies}", fonts)
    meta = [ctx.deck.reference(card)]
    if card.family:  # interaction cards: their family and usual size
        meta.append(family_name(ctx.deck, card.family))
        levels = deck_levels(ctx.deck)
        if card.level is not None and 1 <= card.level <= len(levels):
            meta.append(levels[card.level - 1][0])
    # The code is what a reader looks up: set in bold, the rest of the line muted.
    meta_markup = f"<b>{escape(meta[0])}</b>" + "".join(
        f'<font color="{ctx.pal.muted.hex}">  ·  {escape(m)}</font>' for m in meta[1:])
    out = [Paragraph(head, st.card_title),
           Paragraph(meta_markup, ParagraphStyle("id", parent=st.small, fontSize=7.5,
                                                 leading=9.5, spaceAfter=3))]
    if card.subtitle:
        out.append(paragraph(card.subtitle, small, fonts, italic=True))
    if card.body:
        out.append(paragraph(card.body, small, fonts))
    bullet = ParagraphStyle("card-bullet", parent=small, leftIndent=8, spaceAfter=1.5)
    out += [Paragraph(to_markup(item, fonts), bullet, bulletText="•") for item in card.items]
    out += [Paragraph(to_markup(q, fonts), bullet, bulletText="?") for q in card.prompts]
    if card.examples:
        examples = "; ".join(to_markup(example, fonts) for example in card.examples)
        lead = to_markup(word(ctx.deck, "For example:"), fonts, italic=True)
        out.append(Paragraph(f"{lead} {examples}", small))
    if card.recipe:
        out += _recipe_lines(ctx, card, small)
    return out


def _recipe_lines(ctx: Context, card: Card, style: ParagraphStyle) -> list[Paragraph]:
    """The recipe as short labelled lines, one per recipe row: IF audience / AND trigger / ..."""
    ingredients = dict(card.recipe)
    rows = recipe_rows(ctx.deck)
    # As wide as the longest row word (MESSGRÖSSE), so every card's title starts in one column.
    label_w = max([mm(15), *(text_width(row.word, ctx.fonts.bold, 7, ctx.fonts) + mm(2.5)
                             for row in rows)])
    out: list[Paragraph] = []
    guarded = {row.role for row in rows if row.guardrail}
    for row in rows:
        role, word = row.role, row.word
        ids = ingredients.get(role, ())
        if role in guarded:
            # A role with a guardrail row: its first card is the measure, the others the
            # guardrails, which must not get worse; not alternatives joined by "or".
            ids = ids[1:] if row.guardrail else ids[:1]
        if not ids:
            continue
        cat = category_with_role(ctx.deck, role)
        label = cat.color if cat and cat.color.contrast(WHITE) >= 3 else ctx.pal.text
        line = ParagraphStyle(f"recipe-{role}", parent=style, leftIndent=label_w, bulletIndent=0,
                              bulletFontName=ctx.fonts.bold, bulletFontSize=7,
                              bulletColor=rl(label),
                              spaceBefore=3 if not out else 0, spaceAfter=1)
        names = ctx.w(" or ").join(card_name(ctx, card_id) for card_id in ids)
        out.append(Paragraph(names, line, bulletText=word))
    return out


def card_name(ctx: Context, card_id: str) -> str:
    """A card's title as markup, with its code; without codes, with its id when the id is not
    simply the title spelt out."""
    card = ctx.deck.card_by_id(card_id)
    if card is None:
        return escape(card_id)
    name = to_markup(card.title, ctx.fonts)
    reference = ctx.deck.reference(card)
    if reference != card_id or slug(plain(card.title)) != card_id:
        name += f'<font color="{ctx.pal.muted.hex}" size="7"> ({escape(reference)})</font>'
    return name

"""Worksheets for exploring: landscape, sizing ladder and card sort."""

from __future__ import annotations

from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfgen.canvas import Canvas

from deckgen.units import WHITE, mm
from deckgen.workbook.context import GAP, Context, rl
from deckgen.workbook.deckdata import (
    deck_families,
    deck_levels,
    family_name,
    sheet_word,
    sheet_words,
)
from deckgen.workbook.typeset import plain, text_width
from deckgen.workbook.worksheets.draw import (
    draw_block,
    draw_box,
    draw_label,
    fitted_para,
    write_line,
)

LANDSCAPE_PER_PAGE = 15  # the most example boxes a landscape page holds legibly (5 a column)


def landscape_pages(ctx: Context) -> int:
    return max(1, -(-ctx.wb.group.examples // LANDSCAPE_PER_PAGE))


def landscape_slots(ctx: Context) -> int:
    """Boxes per column: together the pages hold at least the examples the group plans."""
    return max(3, -(-ctx.wb.group.examples // (3 * landscape_pages(ctx))))


def sheet_landscape(c: Canvas, ctx: Context, w: float, h: float) -> None:
    columns = sheet_words(ctx.deck, "landscape", "columns")
    slot_fields = [label.name for label in sheet_words(ctx.deck, "landscape", "fields")]
    # The prompts along the foot: the deck's families, else the examples it names.
    families = deck_families(ctx.deck)
    prompts = ([family_name(ctx.deck, f) for f in families] if families else
               [label.name for label in sheet_words(ctx.deck, "landscape", "examples")])
    strip = mm(16) if prompts else 0.0
    col_w = (w - (len(columns) - 1) * GAP) / max(len(columns), 1)
    for i, column in enumerate(columns):
        title, sub = column.name, column.note or ""
        x = i * (col_w + GAP)
        draw_box(c, x, strip + GAP, col_w, h - strip - GAP, ctx.pal.rule, ctx.pal.faint)
        draw_label(c, ctx, x + mm(4), h - mm(8), title, 12, color=ctx.pal.primary)
        draw_label(c, ctx, x + mm(4), h - mm(13), sub, 8, bold=False, color=ctx.pal.muted)
        slots = landscape_slots(ctx)
        top = h - mm(18)
        slot_h = (top - strip - GAP - mm(3)) / slots
        for s in range(slots):
            sy = top - (s + 1) * slot_h
            draw_box(c, x + mm(3), sy + mm(1.5), col_w - mm(6), slot_h - mm(3), ctx.pal.rule, WHITE)
            band = (slot_h - mm(7)) / max(len(slot_fields), 1)
            for f, name in enumerate(slot_fields):
                band_top = sy + slot_h - mm(3.5) - f * band
                draw_label(c, ctx, x + mm(6), band_top - mm(3), name, 6.5, bold=False,
                           color=ctx.pal.muted)
                write_line(c, ctx, x + mm(6), band_top - band + mm(1), col_w - mm(12))
    if prompts:
        across = sheet_word(ctx.deck, "landscape", "across")
        draw_label(c, ctx, 0, strip - mm(5), across, 8, width=mm(33))
        # The prompts follow a short label closely; a long one is cut at 33 mm.
        x = min(mm(34), text_width(across, ctx.fonts.bold, 8, ctx.fonts) + mm(4))
        draw_block(c, ctx, "  ·  ".join(prompts), ctx.st.sheet_small, x, strip - mm(2), w - x)


def sheet_sizing_ladder(c: Canvas, ctx: Context, w: float, h: float) -> None:
    # Without declared levels the steps are numbered, their names left to write in.
    levels = deck_levels(ctx.deck) or [("", None)] * 5
    n = len(levels)
    col_w = (w - (n - 1) * mm(3)) / n
    foot = mm(24)
    rise = mm(9)
    for i, (name, body) in enumerate(levels):
        x = i * (col_w + mm(3))
        head_h = mm(24)
        head_top = h - (n - 1 - i) * rise
        draw_box(c, x, head_top - head_h, col_w, head_h, ctx.pal.primary,
                 ctx.pal.primary.mix(WHITE, 0.82 - 0.14 * i / max(n - 1, 1)))
        draw_label(c, ctx, x + mm(3), head_top - mm(6), f"{i + 1}", 8, color=ctx.pal.primary)
        if name:
            draw_label(c, ctx, x + mm(8), head_top - mm(6), name, 11, width=col_w - mm(10))
        else:
            write_line(c, ctx, x + mm(8), head_top - mm(7), col_w - mm(12))
        if body:
            style = ParagraphStyle("lvl", parent=ctx.st.sheet_small, textColor=rl(ctx.pal.text))
            para = fitted_para(ctx, plain(body), style, col_w - mm(6), head_h - mm(10.5))
            para.drawOn(c, x + mm(3), head_top - mm(9) - para.height)
        area_top = head_top - head_h - mm(2)
        draw_box(c, x, foot, col_w, area_top - foot, ctx.pal.rule, ctx.pal.faint)
        for row, label in enumerate(
                mark.name for mark in sheet_words(ctx.deck, "sizing-ladder", "marks")):
            y = foot - mm(7) - row * mm(8)
            draw_box(c, x + mm(3), y - mm(1), mm(4), mm(4), ctx.pal.muted, WHITE, radius=0.8)
            draw_label(c, ctx, x + mm(9), y, label, 8, bold=False)


def sheet_card_sort(c: Canvas, ctx: Context, w: float, h: float) -> None:
    # The categories that have blank cards are the ones meant to be co-created.
    cats = [cat for cat in ctx.deck.categories if cat.blanks != 0] or list(ctx.deck.categories)
    cols = 2 if len(cats) > 3 else 1
    rows = max(1, -(-len(cats) // cols))
    cell_w = (w - (cols - 1) * GAP) / cols
    cell_h = (h - (rows - 1) * mm(3)) / rows
    for i, cat in enumerate(cats):
        col, row = i % cols, i // cols
        x = col * (cell_w + GAP)
        y = h - (row + 1) * cell_h - row * mm(3)
        draw_box(c, x, y, cell_w, cell_h, ctx.pal.rule)
        c.setFillColor(rl(cat.color))
        c.rect(x, y + cell_h - mm(7), mm(2.2), mm(7), stroke=0, fill=1)
        draw_label(c, ctx, x + mm(5), y + cell_h - mm(5), cat.name, 9.5, width=cell_w * 0.45)
        draw_label(c, ctx, x + mm(5) + cell_w * 0.45, y + cell_h - mm(5), cat.question, 7,
                   bold=False, color=ctx.pal.muted, width=cell_w * 0.55 - mm(8))
        line_y = y + cell_h - mm(14)
        while line_y > y + mm(3):
            write_line(c, ctx, x + mm(5), line_y, cell_w - mm(10))
            line_y -= mm(7)

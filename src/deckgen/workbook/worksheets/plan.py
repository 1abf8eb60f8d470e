"""Worksheets for planning: recipe builder, pitch, roadmap, parking lot."""

from __future__ import annotations

from reportlab.pdfgen.canvas import Canvas

from deckgen.units import WHITE, mm
from deckgen.workbook.context import GAP, Context, rl
from deckgen.workbook.deckdata import (
    category_with_role,
    deck_levels,
    recipe_rows,
    sheet_word,
    sheet_words,
)
from deckgen.workbook.typeset import text_width
from deckgen.workbook.words import OWNER
from deckgen.workbook.worksheets.draw import (
    draw_block,
    draw_box,
    draw_label,
    grid_table,
    id_boxes,
    write_line,
)


def sheet_recipe_builder(c: Canvas, ctx: Context, w: float, h: float) -> None:
    gap = mm(6)
    block_h = (h - gap) / 2
    for i in range(2):
        _recipe_block(c, ctx, w, block_h, h - i * (block_h + gap))


def _recipe_block(c: Canvas, ctx: Context, w: float, h: float, top: float) -> None:
    """One recipe: a row per ingredient, each with one card-id box and a line to write on."""
    draw_box(c, 0, top - h, w, h, ctx.pal.rule)
    recipe, by = (sheet_word(ctx.deck, "recipe-builder", "heads", i) for i in range(2))
    draw_label(c, ctx, mm(4), top - mm(7), recipe, 10, color=ctx.pal.primary)
    write_line(c, ctx, _after(ctx, recipe, mm(4), 10, mm(22)), top - mm(8), w * 0.45)
    draw_label(c, ctx, w * 0.56, top - mm(7), by, 8, bold=False, color=ctx.pal.muted)
    by_x = _after(ctx, by, w * 0.56, 8, w * 0.56 + mm(9), bold=False)
    write_line(c, ctx, by_x, top - mm(8), w - mm(4) - by_x)
    # Guardrails (a measure that must not get worse while the first improves) come last.
    ordered = sorted(recipe_rows(ctx.deck), key=lambda row: row.guardrail)
    rows = [(row.word, category_with_role(ctx.deck, row.role), row.label, row.guardrail)
            for row in ordered]
    row_h = (h - mm(13)) / max(len(rows), 1)
    box_x, box_w = mm(62), mm(26)
    for i, (word, cat, generic, guardrail) in enumerate(rows):
        y = top - mm(12) - (i + 1) * row_h
        color = cat.color if cat else ctx.pal.primary
        c.setFillColor(rl(color))
        c.rect(mm(4), y + mm(1.5), mm(1.6), row_h - mm(3), stroke=0, fill=1)
        draw_label(c, ctx, mm(8), y + row_h - mm(6), word, 11, color=color)
        if guardrail:
            name = f"{cat.name} · {generic}" if cat else generic
        else:
            name = f"{cat.name} · {cat.question}" if cat else generic
        draw_label(c, ctx, mm(8), y + row_h - mm(10), name, 6.5, bold=False, color=ctx.pal.muted,
                   width=mm(52))
        used = id_boxes(c, ctx, box_x, y + row_h - mm(10.5), 1, w=box_w)
        write_line(c, ctx, box_x + used + mm(5), y + row_h - mm(10.5),
                   w - box_x - used - mm(9))
        if i < len(rows) - 1:
            write_line(c, ctx, mm(4), y, w - mm(8))


def sheet_jtbd_pitch(c: Canvas, ctx: Context, w: float, h: float) -> None:
    top = h
    pitch, measure, size, cards, by, date = (
        sheet_word(ctx.deck, "jtbd-pitch", "labels", i) for i in range(6))
    draw_label(c, ctx, 0, top - mm(6), pitch, 9, color=ctx.pal.primary)
    x = _after(ctx, pitch, 0, 9, mm(24))
    write_line(c, ctx, x, top - mm(7), w - x)
    top -= mm(16)
    for lead in (label.name for label in sheet_words(ctx.deck, "jtbd-pitch", "leads")):
        draw_label(c, ctx, 0, top - mm(8), lead, 16, color=ctx.pal.primary)
        lead_w = text_width(lead, ctx.fonts.bold, 16, ctx.fonts) + mm(4)
        write_line(c, ctx, lead_w, top - mm(9), w - lead_w)
        write_line(c, ctx, 0, top - mm(19), w)
        top -= mm(25)
    draw_label(c, ctx, 0, top - mm(6), measure, 9, color=ctx.pal.primary)
    x = _after(ctx, measure, 0, 9, mm(62))
    write_line(c, ctx, x, top - mm(7), w - x)
    write_line(c, ctx, 0, top - mm(16), w)
    top -= mm(24)
    draw_label(c, ctx, 0, top - mm(5), size, 9, color=ctx.pal.primary)
    x = _after(ctx, size, 0, 9, mm(14))
    # Without declared levels, five boxes to tick and name.
    for name, _ in deck_levels(ctx.deck) or [("", None)] * 5:
        draw_box(c, x, top - mm(6), mm(3.6), mm(3.6), ctx.pal.muted, WHITE, radius=0.8)
        draw_label(c, ctx, x + mm(5), top - mm(5.2), name, 8, bold=False)
        if not name:
            write_line(c, ctx, x + mm(5), top - mm(6), mm(20))
        x += mm(8) + (text_width(name, ctx.fonts.regular, 8, ctx.fonts) if name else mm(20))
    top -= mm(13)
    draw_label(c, ctx, 0, top - mm(5), cards, 9, color=ctx.pal.primary)
    x = _after(ctx, cards, 0, 9, mm(26))
    id_boxes(c, ctx, x, top - mm(7), 6, w=(w - x - mm(10)) / 6)
    top -= mm(16)
    boxes = [(box.name, box.note or "") for box in sheet_words(ctx.deck, "jtbd-pitch", "boxes")]
    bw = (w - (len(boxes) - 1) * GAP) / max(len(boxes), 1)
    box_h = top - mm(12)
    for i, (title, sub) in enumerate(boxes):
        bx = i * (bw + GAP)
        draw_box(c, bx, mm(12), bw, box_h, ctx.pal.rule, ctx.pal.faint)
        draw_label(c, ctx, bx + mm(3), top - mm(6), title, 9.5, color=ctx.pal.primary)
        draw_block(c, ctx, sub, ctx.st.sheet_small, bx + mm(3), top - mm(8), bw - mm(6))
    draw_label(c, ctx, 0, mm(3), by, 8, bold=False, color=ctx.pal.muted)
    x = _after(ctx, by, 0, 8, mm(18), bold=False)
    write_line(c, ctx, x, mm(2.5), w * 0.45 + mm(18) - x)
    draw_label(c, ctx, w * 0.6, mm(3), date, 8, bold=False, color=ctx.pal.muted)
    x = _after(ctx, date, w * 0.6, 8, w * 0.6 + mm(10), bold=False)
    write_line(c, ctx, x, mm(2.5), w - x)


def _after(ctx: Context, label: str, x: float, size: float, least: float,
           bold: bool = True) -> float:
    """Where a write-in line starts after a label: at `least`, or further for a long label."""
    font = ctx.fonts.bold if bold else ctx.fonts.regular
    return max(least, x + text_width(label, font, size, ctx.fonts) + mm(2))


def sheet_roadmap(c: Canvas, ctx: Context, w: float, h: float) -> None:
    columns = [(label.name, label.note or "")
               for label in sheet_words(ctx.deck, "roadmap", "columns")]
    lanes = [(label.name, label.note or "") for label in sheet_words(ctx.deck, "roadmap", "lanes")]
    lane_w = mm(42)
    head_h = mm(12)
    col_w = (w - lane_w) / max(len(columns), 1)
    row_h = (h - head_h) / max(len(lanes), 1)
    for i, (name, sub) in enumerate(columns):
        x = lane_w + i * col_w
        fill = ctx.pal.primary.mix(WHITE, 0.7 * i / max(len(columns) - 1, 1))
        ink = WHITE if fill.contrast(WHITE) >= 3 else ctx.pal.text
        c.setFillColor(rl(fill))
        c.rect(x + 1, h - head_h, col_w - 2, head_h, stroke=0, fill=1)
        draw_label(c, ctx, x + mm(4), h - mm(7.5), name, 11, color=ink)
        draw_label(c, ctx, x + mm(4) + text_width(name, ctx.fonts.bold, 11, ctx.fonts) + mm(3),
                   h - mm(7.5), sub, 8, bold=False, color=ink)
    for r, (name, sub) in enumerate(lanes):
        y = h - head_h - (r + 1) * row_h
        draw_box(c, 0, y + 1, lane_w - mm(2), row_h - 2, ctx.pal.rule, ctx.pal.tint, radius=0)
        draw_label(c, ctx, mm(3), y + row_h - mm(7), name, 9.5, width=lane_w - mm(6))
        draw_block(c, ctx, sub, ctx.st.sheet_small, mm(3), y + row_h - mm(9), lane_w - mm(7))
        for i in range(len(columns)):
            draw_box(c, lane_w + i * col_w + 1, y + 1, col_w - 2, row_h - 2, ctx.pal.rule,
                     radius=0)


def sheet_parking_lot(c: Canvas, ctx: Context, w: float, h: float) -> None:
    cols = [("Question, idea or concern", 0.52), ("Raised by", 0.16), (OWNER, 0.16),
            ("Answer by", 0.16)]
    rows = 20
    grid_table(c, ctx, cols, w, h, rows=rows, row_h=(h - mm(10)) / rows)

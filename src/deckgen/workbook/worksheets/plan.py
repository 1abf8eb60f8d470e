"""Worksheets for planning: recipe builder, pitch, roadmap, parking lot."""

from __future__ import annotations

from reportlab.pdfgen.canvas import Canvas

from deckgen.deck.workbook_model import Example
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
    example_watermark,
    grid_table,
    id_boxes,
    pen,
    pen_block,
    write_line,
)


def written(ctx: Context, card_id: str) -> str:
    """What a hand writes in a card box: the card's code where the deck has codes."""
    card = ctx.deck.card_by_id(card_id)
    return ctx.deck.reference(card) if card is not None else card_id


def sheet_recipe_builder(c: Canvas, ctx: Context, w: float, h: float,
                         fill: Example | None = None) -> None:
    if fill is not None:
        # One worked recipe, given the whole page so every row reads comfortably.
        example_watermark(c, ctx, w, h)
        _recipe_block(c, ctx, w, h, h, fill)
        return
    gap = mm(6)
    block_h = (h - gap) / 2
    for i in range(2):
        _recipe_block(c, ctx, w, block_h, h - i * (block_h + gap))


def _recipe_block(c: Canvas, ctx: Context, w: float, h: float, top: float,
                  fill: Example | None = None) -> None:
    """One recipe: a row per ingredient, each with one card-id box and a line to write on."""
    draw_box(c, 0, top - h, w, h, ctx.pal.rule)
    recipe, by = (sheet_word(ctx.deck, "recipe-builder", "heads", i) for i in range(2))
    draw_label(c, ctx, mm(4), top - mm(7), recipe, 10, color=ctx.pal.primary)
    name_x = _after(ctx, recipe, mm(4), 10, mm(22))
    write_line(c, ctx, name_x, top - mm(8), w * 0.45)
    draw_label(c, ctx, w * 0.56, top - mm(7), by, 8, bold=False, color=ctx.pal.muted)
    by_x = _after(ctx, by, w * 0.56, 8, w * 0.56 + mm(9), bold=False)
    write_line(c, ctx, by_x, top - mm(8), w - mm(4) - by_x)
    filled = fill.rows.get("rows", ()) if fill else ()
    if fill:
        pen(c, ctx, name_x + mm(1), top - mm(7), fill.text("name"), 11, w * 0.45 - mm(2))
        pen(c, ctx, by_x + mm(1), top - mm(7), fill.text("by"), 10, w - mm(6) - by_x)
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
        line_x = box_x + used + mm(5)
        line_w = w - box_x - used - mm(9)
        # As many lines as the row holds, 7 mm apart: room to write a sentence by hand.
        lines = [y + row_h - mm(10.5) - k * mm(7)
                 for k in range(max(1, int((row_h - mm(12)) // mm(7)) + 1))]
        for line_y in lines:
            write_line(c, ctx, line_x, line_y, line_w)
        if i < len(filled):
            card_id, words = filled[i]
            pen(c, ctx, box_x + box_w / 2, y + row_h - mm(8.3), written(ctx, card_id), 9,
                box_w - mm(2), align="center")
            _pen_on_rules(c, ctx, words, line_x + mm(1), lines, line_w - mm(2), 9.5)
        if i < len(rows) - 1:
            write_line(c, ctx, mm(4), y, w - mm(8))


def sheet_jtbd_pitch(c: Canvas, ctx: Context, w: float, h: float,
                     fill: Example | None = None) -> None:
    text = fill.text if fill else (lambda key: "")
    if fill:
        example_watermark(c, ctx, w, h)
    top = h
    pitch, measure, size, cards, by, date = (
        sheet_word(ctx.deck, "jtbd-pitch", "labels", i) for i in range(6))
    draw_label(c, ctx, 0, top - mm(6), pitch, 9, color=ctx.pal.primary)
    x = _after(ctx, pitch, 0, 9, mm(24))
    write_line(c, ctx, x, top - mm(7), w - x)
    pen(c, ctx, x + mm(1), top - mm(6.3), text("title"), 11, w - x - mm(2))
    top -= mm(16)
    leads = [label.name for label in sheet_words(ctx.deck, "jtbd-pitch", "leads")]
    for lead, key in zip(leads, ("when", "want", "so") + ("",) * len(leads), strict=False):
        draw_label(c, ctx, 0, top - mm(8), lead, 16, color=ctx.pal.primary)
        lead_w = text_width(lead, ctx.fonts.bold, 16, ctx.fonts) + mm(4)
        write_line(c, ctx, lead_w, top - mm(9), w - lead_w)
        write_line(c, ctx, 0, top - mm(19), w)
        _pen_on_lines(c, ctx, text(key), lead_w, top - mm(8.3), w - lead_w, w)
        top -= mm(25)
    draw_label(c, ctx, 0, top - mm(6), measure, 9, color=ctx.pal.primary)
    x = _after(ctx, measure, 0, 9, mm(62))
    write_line(c, ctx, x, top - mm(7), w - x)
    write_line(c, ctx, 0, top - mm(16), w)
    _pen_on_lines(c, ctx, text("measure"), x, top - mm(6.3), w - x, w, step=mm(9))
    top -= mm(24)
    draw_label(c, ctx, 0, top - mm(5), size, 9, color=ctx.pal.primary)
    x = _after(ctx, size, 0, 9, mm(14))
    # Without declared levels, five boxes to tick and name.
    for name, _ in deck_levels(ctx.deck) or [("", None)] * 5:
        draw_box(c, x, top - mm(6), mm(3.6), mm(3.6), ctx.pal.muted, WHITE, radius=0.8)
        if name and name.casefold() == text("size").casefold():
            _tick(c, ctx, x, top - mm(6))
        draw_label(c, ctx, x + mm(5), top - mm(5.2), name, 8, bold=False)
        if not name:
            write_line(c, ctx, x + mm(5), top - mm(6), mm(20))
        x += mm(8) + (text_width(name, ctx.fonts.regular, 8, ctx.fonts) if name else mm(20))
    top -= mm(13)
    draw_label(c, ctx, 0, top - mm(5), cards, 9, color=ctx.pal.primary)
    x = _after(ctx, cards, 0, 9, mm(26))
    # A box per recipe row (a guardrail included), and one for each card the example names.
    filled_cards = fill.rows.get("cards", ()) if fill else ()
    # Up to the 12 cards the reader accepts for an example, so none is left off.
    count = max(4, min(12, max(len(recipe_rows(ctx.deck)) or 6, len(filled_cards))))
    box_w = (w - x - mm(2) * (count - 1)) / count
    id_boxes(c, ctx, x, top - mm(7), count, w=box_w)
    for i, (card_id,) in enumerate(filled_cards[:count]):
        pen(c, ctx, x + i * (box_w + mm(2)) + box_w / 2, top - mm(4.8), written(ctx, card_id),
            9, box_w - mm(2), align="center")
    top -= mm(16)
    boxes = [(box.name, box.note or "") for box in sheet_words(ctx.deck, "jtbd-pitch", "boxes")]
    bw = (w - (len(boxes) - 1) * GAP) / max(len(boxes), 1)
    box_h = top - mm(12)
    for i, (title, sub) in enumerate(boxes):
        bx = i * (bw + GAP)
        draw_box(c, bx, mm(12), bw, box_h, ctx.pal.rule, ctx.pal.faint)
        draw_label(c, ctx, bx + mm(3), top - mm(6), title, 9.5, color=ctx.pal.primary)
        used = draw_block(c, ctx, sub, ctx.st.sheet_small, bx + mm(3), top - mm(8), bw - mm(6))
        filled = fill.rows.get("boxes", ()) if fill else ()
        if i < len(filled):
            pen_block(c, ctx, filled[i][0], bx + mm(3), top - mm(11) - used, bw - mm(6),
                      box_h - mm(14) - used, size=9)
    draw_label(c, ctx, 0, mm(3), by, 8, bold=False, color=ctx.pal.muted)
    x = _after(ctx, by, 0, 8, mm(18), bold=False)
    write_line(c, ctx, x, mm(2.5), w * 0.45 + mm(18) - x)
    pen(c, ctx, x + mm(1), mm(3.2), text("by"), 9.5, w * 0.45 + mm(16) - x)
    draw_label(c, ctx, w * 0.6, mm(3), date, 8, bold=False, color=ctx.pal.muted)
    x = _after(ctx, date, w * 0.6, 8, w * 0.6 + mm(10), bold=False)
    write_line(c, ctx, x, mm(2.5), w - x)
    pen(c, ctx, x + mm(1), mm(3.2), text("date"), 9.5, w - x - mm(2))


def _pen_on_rules(c: Canvas, ctx: Context, text: str, x: float, rules: list[float],
                  width: float, size: float) -> None:
    """Example words written on the rules as a hand would, a line of words per rule; words left
    over for the last rule are written smaller on it."""
    words = text.split()
    for n, rule_y in enumerate(rules):
        line = ""
        if n == len(rules) - 1:
            line, words = " ".join(words), []
        while words and text_width(f"{line} {words[0]}".strip(), ctx.fonts.italic, size,
                                   ctx.fonts) <= width:
            line = f"{line} {words.pop(0)}".strip()
        pen(c, ctx, x, rule_y + mm(1.3), line, size, width)
        if not words:
            break


def _pen_on_lines(c: Canvas, ctx: Context, text: str, x: float, y: float, first: float,
                  width: float, step: float = mm(10.5), size: float = 11) -> None:
    """Example words on a write-in line and, when they run on, on the full line below it."""
    if not text:
        return
    words = text.split()
    line = ""
    while words and text_width(f"{line} {words[0]}".strip(), ctx.fonts.italic, size,
                               ctx.fonts) <= first - mm(2):
        line = f"{line} {words.pop(0)}".strip()
    pen(c, ctx, x + mm(1), y, line, size)
    pen(c, ctx, mm(1), y - step, " ".join(words), size, width - mm(2))


def _tick(c: Canvas, ctx: Context, x: float, y: float) -> None:
    c.setStrokeColor(rl(ctx.pal.ink))
    c.setLineWidth(1.4)
    c.line(x + mm(0.6), y + mm(1.9), x + mm(1.5), y + mm(0.6))
    c.line(x + mm(1.5), y + mm(0.6), x + mm(4.2), y + mm(4.4))


def _after(ctx: Context, label: str, x: float, size: float, least: float,
           bold: bool = True) -> float:
    """Where a write-in line starts after a label: at `least`, or further for a long label."""
    font = ctx.fonts.bold if bold else ctx.fonts.regular
    return max(least, x + text_width(label, font, size, ctx.fonts) + mm(2))


def sheet_roadmap(c: Canvas, ctx: Context, w: float, h: float,
                  fill: Example | None = None) -> None:
    if fill:
        example_watermark(c, ctx, w, h)
    columns = [(label.name, label.note or "")
               for label in sheet_words(ctx.deck, "roadmap", "columns")]
    lanes = [(label.name, label.note or "") for label in sheet_words(ctx.deck, "roadmap", "lanes")]
    lane_w = mm(42)
    head_h = mm(12)
    col_w = (w - lane_w) / max(len(columns), 1)
    row_h = (h - head_h) / max(len(lanes), 1)
    for i, (name, sub) in enumerate(columns):
        x = lane_w + i * col_w
        shade = ctx.pal.primary.mix(WHITE, 0.7 * i / max(len(columns) - 1, 1))
        ink = WHITE if shade.contrast(WHITE) >= 3 else ctx.pal.text
        c.setFillColor(rl(shade))
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
    if fill:
        _roadmap_notes(c, ctx, fill, [n for n, _ in columns], [n for n, _ in lanes],
                       (lane_w, col_w, head_h, row_h, h))


def _roadmap_notes(c: Canvas, ctx: Context, fill: Example, columns: list[str], lanes: list[str],
                   grid: tuple[float, float, float, float, float]) -> None:
    """The example's notes as sticky notes in their cells, stacked when a cell has several."""
    lane_w, col_w, head_h, row_h, h = grid
    # Loading placed each note by position (deck.workbook_plans.place_roadmap_notes).
    notes = [(int(col), int(lane), text) for col, lane, text in fill.rows.get("notes", ())
             if col.isdigit() and lane.isdigit()
             and int(col) < len(columns) and int(lane) < len(lanes)]
    placed: dict[tuple[int, int], int] = {}
    per_cell = {key: sum(1 for n in notes if n[:2] == key) for key in {n[:2] for n in notes}}
    sticky = ctx.pal.ink.mix(WHITE, 0.86)
    for col, lane, text in notes:
        index = placed.get((col, lane), 0)
        placed[(col, lane)] = index + 1
        share = (row_h - mm(4)) / per_cell[(col, lane)]
        x = lane_w + col * col_w + mm(3)
        top = h - head_h - lane * row_h - mm(2) - index * share
        draw_box(c, x, top - share + mm(1), col_w - mm(6), share - mm(1), sticky, sticky,
                 radius=mm(0.8))
        pen_block(c, ctx, text, x + mm(2), top - mm(1.5), col_w - mm(10), share - mm(3), size=8.5)


def sheet_parking_lot(c: Canvas, ctx: Context, w: float, h: float) -> None:
    cols = [("Question, idea or concern", 0.52), ("Raised by", 0.16), (OWNER, 0.16),
            ("Answer by", 0.16)]
    rows = 20
    grid_table(c, ctx, cols, w, h, rows=rows, row_h=(h - mm(10)) / rows)

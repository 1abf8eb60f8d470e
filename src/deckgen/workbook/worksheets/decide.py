"""Worksheets for deciding: four-quadrant grid, risk register, effort and impact, dot vote."""

from __future__ import annotations

import re
from collections.abc import Sequence

from reportlab.pdfgen.canvas import Canvas

from deckgen.deck.model import Card
from deckgen.deck.workbook_model import Example
from deckgen.i18n import mark
from deckgen.units import WHITE, mm
from deckgen.workbook.context import Context, rl
from deckgen.workbook.deckdata import grid_card, risk_titles, sheet_word
from deckgen.workbook.typeset import plain
from deckgen.workbook.words import EFFORT, IMPACT, OWNER
from deckgen.workbook.worksheets.draw import (
    draw_arrow,
    draw_block,
    draw_box,
    draw_dots,
    draw_label,
    example_watermark,
    grid_table,
    pen,
    pen_block,
    write_line,
)


def sheet_two_by_two(c: Canvas, ctx: Context, w: float, h: float) -> None:
    card = grid_card(ctx.deck)
    quadrants = list(card.items[:4]) if card and len(card.items) >= 4 else ["", "", "", ""]
    (left, right), (top, bottom) = _grid_axes(card)
    tally_h = mm(44)
    size = min(w - mm(10), h - tally_h - mm(16))
    x0, y0 = mm(10), tally_h + mm(12)
    half = size / 2
    for q, name in enumerate(quadrants):
        qx = x0 + (q % 2) * half
        qy = y0 + (1 - q // 2) * half
        draw_box(c, qx, qy, half, half, ctx.pal.rule, ctx.pal.faint if q in (0, 3) else WHITE,
                 radius=0)
        if name:
            draw_block(c, ctx, f"**{name}**", ctx.st.sheet_label, qx + mm(4), qy + half - mm(4),
                       half - mm(8))
        else:
            write_line(c, ctx, qx + mm(4), qy + half - mm(10), half * 0.6)
        # Room for every vote of the group in each quadrant: all of them may land in one.
        votes = ctx.wb.group.grid_votes
        r, per_row = _dot_grid(votes, half - mm(8))
        rows = -(-votes // per_row)
        base = qy + mm(4) + r
        draw_label(c, ctx, qx + mm(4), base + (rows - 1) * r * 2.8 + r + mm(2),
                   f"Votes (room for {votes})", 7, bold=False, color=ctx.pal.muted)
        draw_dots(c, ctx, qx + mm(4), base + (rows - 1) * r * 2.8, votes, r=r, per_row=per_row)
    c.setStrokeColor(rl(ctx.pal.primary))
    c.setLineWidth(1.2)
    c.line(x0 + half, y0, x0 + half, y0 + size)
    c.line(x0, y0 + half, x0 + size, y0 + half)
    # Poles sit outside the grid: horizontal ends below it, vertical ends up its left side.
    _axis_label(c, ctx, f"← {left}" if left else "", x0, y0 - mm(6), "left")
    _axis_label(c, ctx, f"{right} →" if right else "", x0 + size, y0 - mm(6), "right")
    c.saveState()
    c.translate(x0 - mm(3), y0)
    c.rotate(90)
    _axis_label(c, ctx, f"← {bottom}" if bottom else "", 0, 0, "left")
    _axis_label(c, ctx, f"{top} →" if top else "", size, 0, "right")
    c.restoreState()
    _vote_tally(c, ctx, quadrants, w, tally_h)


def _dot_grid(count: int, width: float) -> tuple[float, int]:
    """Dot radius and dots per row so `count` dots fit `width` in as few rows as legible."""
    r = mm(1.8)
    while r > mm(1.2) and count * r * 2.8 > width * 3:
        r -= mm(0.1)
    return r, max(1, int(width // (r * 2.8)))


def _axis_label(c: Canvas, ctx: Context, text: str, x: float, y: float, align: str) -> None:
    if text:
        draw_label(c, ctx, x, y, text, 9, color=ctx.pal.primary, align=align)
    else:
        start = x - mm(40) if align == "right" else x
        write_line(c, ctx, start, y, mm(40))


def _vote_tally(c: Canvas, ctx: Context, quadrants: Sequence[str], w: float, top: float) -> None:
    """Votes per team and quadrant: the spread shows where each department sees its upside."""
    names = [q or ctx.w("Quadrant {number}", number=i + 1) for i, q in enumerate(quadrants)]
    cols = [("Team or department", 0.28)] + [(name, 0.18) for name in names]
    grid_table(c, ctx, cols, w, top, rows=5, row_h=mm(7))


_AXIS_SPLIT = re.compile(r"\s*(?:↔|<->|<>|—|–| vs\.? )\s*")


def _grid_axes(card: Card | None) -> tuple[tuple[str, str], tuple[str, str]]:
    """((left, right), (top, bottom)) axis ends from the grid card, or blanks to write in.

    The card's `axes` field names them; a card without it may state each axis as
    "one end ↔ other end" in `examples`, `prompts` or its subtitle, horizontal first.
    """
    blank = ("", "")
    if card is None:
        return blank, blank
    if card.axes is not None:
        return card.axes
    candidates: list[str] = []
    for text in (*card.examples, *card.prompts, card.subtitle or "", card.body or ""):
        candidates += [part for part in re.split(r"\s*[×]\s*|\n", plain(text)) if part]
    axes = []
    for text in candidates:
        ends = [e.strip(" .") for e in _AXIS_SPLIT.split(text) if e.strip(" .")]
        if len(ends) == 2:
            axes.append((ends[0], ends[1]))
    if len(axes) >= 2:
        return axes[0], axes[1]
    return (axes[0] if axes else blank), blank


def sheet_risk_register(c: Canvas, ctx: Context, w: float, h: float,
                        fill: Example | None = None) -> None:
    if fill:
        example_watermark(c, ctx, w, h)
    risks = risk_titles(ctx.deck)
    top = h
    if risks:
        lead = sheet_word(ctx.deck, "risk-register", "prompts")
        used = draw_block(c, ctx, f"**{lead}** " + "  ·  ".join(risks),
                          ctx.st.sheet_small, 0, top, w)
        top -= used + mm(4)
    cols = [("Risk or barrier", 0.26), ("Likelihood", 0.11), (IMPACT, 0.11),
            ("Mitigation: the first concrete step", 0.30), (OWNER, 0.13), ("By when", 0.09)]
    rows = 9
    row_h = (top - mm(10)) / rows
    grid_table(c, ctx, cols, w, top, rows=rows, row_h=row_h, dots_for=(1, 2))
    if fill:
        _fill_register(c, ctx, fill, [frac for _, frac in cols], w, top - mm(8), row_h)


def _fill_register(c: Canvas, ctx: Context, fill: Example, fracs: Sequence[float], w: float,
                   top: float, row_h: float) -> None:
    """Example rows: words in the text columns, a ring round L, M or H in the rating ones."""
    xs = [sum(fracs[:i]) * w for i in range(len(fracs) + 1)]
    for r, row in enumerate(fill.rows.get("rows", ())[:9]):
        y = top - r * row_h
        for col, value in enumerate(row):
            if col in (1, 2):
                _ring(c, ctx, xs[col] + mm(2), y - row_h / 2, value)
            elif col in (0, 3):
                pen_block(c, ctx, value, xs[col] + mm(2), y - mm(1.5), xs[col + 1] - xs[col]
                          - mm(4), row_h - mm(2), size=8.5)
            else:
                pen(c, ctx, xs[col] + mm(2), y - row_h / 2 - mm(1.2), value, 8.5,
                    xs[col + 1] - xs[col] - mm(4))


def _ring(c: Canvas, ctx: Context, x: float, y: float, rating: str) -> None:
    # Matches draw_lmh's circles: L, M, H from the left.
    index = "LMH".find(rating.strip()[:1].upper())
    if index < 0:
        return
    c.setStrokeColor(rl(ctx.pal.ink))
    c.setLineWidth(1.3)
    c.circle(x + mm(2.6) + index * mm(6.5), y, mm(3.0), stroke=1, fill=0)


_QUADRANTS = mark(("Quick wins", "High impact, low effort: start here."),
                  ("Big bets", "High impact, high effort: plan and fund."),
                  ("Fill-ins", "Low impact, low effort: when there is slack."),
                  ("Not now", "Low impact, high effort: park it."))


def sheet_effort_impact(c: Canvas, ctx: Context, w: float, h: float) -> None:
    names = [(ctx.w(name), ctx.w(sub)) for name, sub in _QUADRANTS]
    x0, y0 = mm(12), mm(12)

    gw, gh = w - x0 - mm(4), h - y0 - mm(2)
    for q, (name, sub) in enumerate(names):
        qx = x0 + (q % 2) * gw / 2
        qy = y0 + (1 - q // 2) * gh / 2
        draw_box(c, qx, qy, gw / 2, gh / 2, ctx.pal.rule, ctx.pal.tint if q == 0 else
                 (ctx.pal.faint if q == 1 else WHITE), radius=0)
        draw_label(c, ctx, qx + mm(4), qy + gh / 2 - mm(7), name, 11, color=ctx.pal.primary)
        draw_label(c, ctx, qx + mm(4), qy + gh / 2 - mm(11.5), sub, 7.5, bold=False,
                   color=ctx.pal.muted)
    draw_arrow(c, x0, y0 - mm(5), x0 + gw, y0 - mm(5), ctx.pal.primary)
    draw_label(c, ctx, x0 + gw / 2, y0 - mm(10.5), EFFORT, 9, color=ctx.pal.primary,
               align="center")
    draw_arrow(c, x0 - mm(5), y0, x0 - mm(5), y0 + gh, ctx.pal.primary)
    c.saveState()
    c.translate(x0 - mm(7.5), y0 + gh / 2)
    c.rotate(90)
    draw_label(c, ctx, 0, 0, IMPACT, 9, color=ctx.pal.primary, align="center")
    c.restoreState()


def sheet_dot_vote(c: Canvas, ctx: Context, w: float, h: float) -> None:
    candidate = sheet_word(ctx.deck, "dot-vote", "candidate")
    votes = ctx.wb.group.idea_votes
    cols = [("#", 0.05), (candidate, 0.37), (f"Votes: one dot per vote (room for {votes})", 0.46),
            ("Total", 0.12)]
    dots_w = w * 0.46 - mm(6)
    r, per_row = _dot_grid(votes, dots_w)
    lines = -(-votes // per_row)
    # An idea's row is as tall as its dots need; as many ideas as then fit the page.
    row_h = max(mm(9), lines * r * 2.8 + mm(3))
    rows = max(1, int((h - mm(10)) // row_h))
    grid_table(c, ctx, cols, w, h, rows=rows, row_h=row_h, number=True)
    x = w * 0.42 + mm(3)
    for row in range(rows):
        y = h - mm(8) - row * row_h - (row_h - (lines - 1) * r * 2.8) / 2
        draw_dots(c, ctx, x, y, votes, r=r, per_row=per_row)

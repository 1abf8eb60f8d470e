"""Worksheet drawing helpers: boxes, labels, write-in lines, dots and tables on a canvas.

Coordinates have their origin at the sheet's lower-left.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph

from deckgen.i18n import mark
from deckgen.units import WHITE, Color, mm
from deckgen.workbook.context import Context, rl
from deckgen.workbook.typeset import draw_text, fit_text, paragraph, text_width

# Worksheet drawing helpers (canvas coordinates: origin at the sheet's lower-left)


def draw_box(c: Canvas, x: float, y: float, w: float, h: float, stroke: Color,
             fill: Color | None = None, radius: float = mm(1.5), width: float = 0.6) -> None:
    c.setStrokeColor(rl(stroke))
    c.setLineWidth(width)
    if fill is not None:
        c.setFillColor(rl(fill))
    c.roundRect(x, y, w, h, radius, stroke=1, fill=1 if fill is not None else 0)


def draw_label(c: Canvas, ctx: Context, x: float, y: float, text: str, size: float = 9,
               bold: bool = True, color: Color | None = None, align: str = "left",
               width: float | None = None) -> None:
    font = ctx.fonts.bold if bold else ctx.fonts.regular
    text = ctx.w(text)
    if width is not None:
        text = fit_text(text, font, size, width, ctx.fonts)
    c.setFillColor(rl(color or ctx.pal.text))
    draw_text(c, x, y, text, font, size, ctx.fonts, align)


def draw_block(c: Canvas, ctx: Context, text: str, style: ParagraphStyle, x: float, top: float,
               width: float) -> float:
    """Draw wrapped text with its top at `top`; return its height."""
    para = paragraph(ctx.w(text), style, ctx.fonts)
    _, h = para.wrap(width, 1000)
    para.drawOn(c, x, top - h)
    return float(h)


def write_line(c: Canvas, ctx: Context, x: float, y: float, w: float) -> None:
    c.setStrokeColor(rl(ctx.pal.rule))
    c.setLineWidth(0.5)
    c.line(x, y, x + w, y)


def id_boxes(c: Canvas, ctx: Context, x: float, y: float, count: int, w: float = mm(20),
             h: float = mm(7)) -> float:
    """Boxes to write card ids in; returns their total width."""
    for i in range(count):
        draw_box(c, x + i * (w + mm(2)), y, w, h, ctx.pal.muted, WHITE, radius=mm(1))
    return count * (w + mm(2)) - mm(2)


def draw_dots(c: Canvas, ctx: Context, x: float, y: float, count: int, r: float = mm(1.8),
              per_row: int | None = None) -> None:
    per_row = per_row or count
    c.setStrokeColor(rl(ctx.pal.muted))
    c.setLineWidth(0.6)
    for i in range(count):
        row, col = divmod(i, per_row)
        c.circle(x + r + col * r * 2.8, y - row * r * 2.8, r, stroke=1, fill=0)


def draw_arrow(c: Canvas, x1: float, y1: float, x2: float, y2: float, color: Color,
               width: float = 1.2) -> None:
    c.setStrokeColor(rl(color))
    c.setFillColor(rl(color))
    c.setLineWidth(width)
    c.line(x1, y1, x2, y2)
    dx, dy = x2 - x1, y2 - y1
    length = max((dx * dx + dy * dy) ** 0.5, 1e-6)
    ux, uy = dx / length, dy / length
    size = 6
    path = c.beginPath()
    path.moveTo(x2, y2)
    path.lineTo(x2 - ux * size - uy * size * 0.5, y2 - uy * size + ux * size * 0.5)
    path.lineTo(x2 - ux * size + uy * size * 0.5, y2 - uy * size - ux * size * 0.5)
    path.close()
    c.drawPath(path, stroke=0, fill=1)


# A sentence ends at . ! or ? before a capital (so "e.g. this" stays whole) or at the end.
_SENTENCE = re.compile(r".+?(?:[.!?](?=\s+[A-Z0-9“\"(])|$)", re.DOTALL)


def fitted_para(ctx: Context, text: str, style: ParagraphStyle, width: float,
                height: float) -> Paragraph:
    """The text in a box without cutting a phrase: whole, slightly smaller, or whole sentences.

    Tries the full text, then a smaller size, then the leading sentences that fit; the first
    sentence alone at the smallest size is the last resort.
    """
    sentences = _SENTENCE.findall(text.strip())
    candidates = [" ".join(s.strip() for s in sentences[:n])
                  for n in range(len(sentences), 0, -1)] or [text]
    size = float(style.fontSize)
    sizes = [size, size - 0.5, size - 1.0, size - 1.5]
    # The whole text at every size first: a smaller size loses less than a dropped sentence.
    tries = [(candidates[0], point) for point in sizes]
    tries += [(candidate, point) for candidate in candidates[1:] for point in sizes[:2]]
    tries.append((candidates[-1], sizes[-1]))
    for candidate, point in tries:
        sized = ParagraphStyle(f"{style.name}-{point}", parent=style, fontSize=point,
                               leading=point * style.leading / style.fontSize)
        para = paragraph(candidate, sized, ctx.fonts)
        _, h = para.wrap(width, 10_000)
        if h <= height:
            break
    return para


def grid_table(c: Canvas, ctx: Context, cols: Sequence[tuple[str, float]], w: float,
               top: float, rows: int, row_h: float, dots_for: Sequence[int] = (),
               number: bool = False) -> None:
    """A write-in table with a header row; `dots_for` columns get L / M / H circles."""
    head_h = mm(8)
    c.setFillColor(rl(ctx.pal.tint))
    c.rect(0, top - head_h, w, head_h, stroke=0, fill=1)
    xs = [0.0]
    for _, frac in cols:
        xs.append(xs[-1] + frac * w)
    for (name, frac), x in zip(cols, xs, strict=False):
        draw_label(c, ctx, x + mm(2), top - mm(5.5), name, 8, width=frac * w - mm(4))
    c.setStrokeColor(rl(ctx.pal.rule))
    c.setLineWidth(0.5)
    bottom = top - head_h - rows * row_h
    for r in range(rows + 1):
        y = top - head_h - r * row_h
        c.line(0, y, w, y)
    for x in xs[1:-1]:
        c.line(x, top - head_h, x, bottom)
    for r in range(rows):
        y = top - head_h - (r + 1) * row_h
        if number:
            draw_label(c, ctx, xs[0] + mm(2), y + row_h / 2 - mm(1.2), str(r + 1), 8, bold=False,
                       color=ctx.pal.muted)
        for col in dots_for:
            draw_lmh(c, ctx, xs[col] + mm(2), y + row_h / 2)


def draw_lmh(c: Canvas, ctx: Context, x: float, y: float) -> None:
    # Low, medium, high: one letter each, as the language abbreviates them.
    for i, letter in enumerate(ctx.w(letter) for letter in mark("L", "M", "H")):
        cx = x + mm(2.6) + i * mm(6.5)
        c.setStrokeColor(rl(ctx.pal.muted))
        c.setLineWidth(0.6)
        c.circle(cx, y, mm(2.4), stroke=1, fill=0)
        draw_label(c, ctx, cx, y - mm(1), letter, 6.5, bold=False, color=ctx.pal.muted,
                   align="center")


# Filled-in examples: words written "by hand" in the ink colour, in italics.


def pen(c: Canvas, ctx: Context, x: float, y: float, text: str, size: float = 10,
        width: float | None = None, align: str = "left") -> None:
    if not text:
        return
    if width is not None:
        # A card id must stay whole to be found again: shrink a little before cutting.
        while size > 6 and text_width(text, ctx.fonts.italic, size, ctx.fonts) > width:
            size -= 0.25
        text = fit_text(text, ctx.fonts.italic, size, width, ctx.fonts)
    c.setFillColor(rl(ctx.pal.ink))
    draw_text(c, x, y, text, ctx.fonts.italic, size, ctx.fonts, align)


def pen_block(c: Canvas, ctx: Context, text: str, x: float, top: float, width: float,
              height: float, size: float = 9.5) -> None:
    """Wrapped example words in a box, whole sentences kept, with their top at `top`."""
    if not text:
        return
    style = ParagraphStyle("pen", parent=ctx.st.sheet_small, fontName=ctx.fonts.italic,
                           fontSize=size, leading=size * 1.25, textColor=rl(ctx.pal.ink))
    para = fitted_para(ctx, text, style, width, height)
    _, h = para.wrap(width, height)
    para.drawOn(c, x, top - h)


def example_watermark(c: Canvas, ctx: Context, w: float, h: float) -> None:
    """A large pale EXAMPLE across the sheet, drawn first so the sheet stays readable."""
    c.saveState()
    c.setFillColor(rl(ctx.pal.ink.mix(WHITE, 0.9)))
    c.translate(w / 2, h / 2)
    c.rotate(30 if h > w else 18)
    label = ctx.w("Example").upper()
    # As large as "EXAMPLE" is on this sheet, smaller for a longer word, so it stays on it.
    size = min(min(w, h) / 4.2,
               0.75 * math.hypot(w, h) / max(text_width(label, ctx.fonts.bold, 1, ctx.fonts), 1))
    draw_text(c, 0, -size / 3, label, ctx.fonts.bold, size, ctx.fonts, "center")
    c.restoreState()

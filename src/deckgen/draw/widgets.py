"""Structured elements any deck can use: a ladder over a number field, rows of cards by
role, and a 2×2 grid."""

from __future__ import annotations

import dataclasses
import math
from typing import TYPE_CHECKING

from reportlab.pdfgen.canvas import Canvas

from deckgen.draw.plan import SMALLEST, Overflow, _Op, _Plan, _Subject
from deckgen.i18n import word
from deckgen.layout.boxes import Box
from deckgen.layout.elements import Element
from deckgen.text import typeset as tx
from deckgen.units import WHITE, Color, mm

if TYPE_CHECKING:
    from deckgen.draw.renderer import CardRenderer


# A blank recipe row's box for a card's code, wide enough for a handwritten AU-03.
ID_BOX = 13 * 72 / 25.4

def _level(r: CardRenderer, el: Element, box: Box, s: _Subject, plan: _Plan) -> float | None:
    """A ladder over a number field: one bar per step from its min to its max."""
    card = s.card
    field = el.str_opt("field", "level")
    value = card.values.get(field) if card is not None else None
    spec = r.deck.field_spec(field)
    if not isinstance(value, (int, float)) or spec is None:
        return None
    lo = int(spec.min if spec.min is not None else 1)
    steps = max(1, min(int(spec.max if spec.max is not None else lo + 4) - lo + 1, 12))
    level = int(value) - lo + 1
    accent = r.color(el.str_opt("color", "category"), s.category)
    tint = accent.mix(WHITE, 0.8)
    # The ladder is drawn at poker size in the layout; it grows with the type like the label.
    bar_w = mm(3.2) * r.scale * min(1.0, 5 / steps)
    gap = mm(1.3) * r.scale * min(1.0, 5 / steps)
    max_h = box.h * 0.92 * r.scale
    label_style = r.style(Element("lvl", "text", {"size": 7, "weight": "bold"}))
    template = word(r.deck, el.str_opt("label", "{value} / {max}"))
    text = template.replace("{value}", f"{int(value)}").replace("{max}", f"{lo + steps - 1}")
    label = tx.fit([tx.Block(tx.parse_inline(text, bold=True))], label_style,
                   box.w - steps * (bar_w + gap), 30)
    base_y = box.top - max_h

    def paint(c: Canvas) -> None:
        for i in range(steps):
            h = max_h * (i + 1) / steps
            r.paint(c, accent if i < level else tint)
            c.rect(box.x + i * (bar_w + gap), base_y, bar_w, h, stroke=0, fill=1)
        r.paint(c, accent)
        tx.draw(c, label, box.x + steps * (bar_w + gap) + mm(1) * r.scale,
                base_y + label.height + mm(0.2) * r.scale,
                box.w)

    plan.ops.append(_Op(paint))
    return base_y

def _joined(entries: list[tuple[str, str]], by_code: bool) -> list[tuple[str, str]]:
    """Without codes a row's titles run on, separated by slashes."""
    if entries and not by_code:
        return [(" / ".join(title for title, _ in entries), "")]
    return entries

def _recipe(r: CardRenderer, el: Element, box: Box, s: _Subject, plan: _Plan) -> float | None:
    """Rows of cards by role. With a code to show (the deck's reference field, or the layout's
    `field:`) each card gets a line of its own, its title on the left and its code in the
    column where a blank recipe card has its box."""
    labels = el.get("labels")
    label_map = labels if isinstance(labels, dict) else {}
    more_labels = el.get("more-labels")
    more_map = more_labels if isinstance(more_labels, dict) else {}
    # The deck's reference field unless the layout names another.
    code_field = el.str_opt("field", "") or r.deck.reference_field or ""
    by_code = bool(code_field)
    # (role, its label, [(title, code)], category colour of the row's first card)
    rows: list[tuple[str, str, list[tuple[str, str]], Color | None]] = []
    # Rows follow the order of the layout's labels: the deck's reading order of a recipe.
    order = tuple(label_map) or r.deck.roles
    refs = dict(s.card.recipe) if s.card is not None else {}
    for role in order:
        if s.card is not None and role not in refs:
            continue
        entries: list[tuple[str, str]] = []
        color: Color | None = None
        for ref in refs.get(role, ()):
            target = r.deck.card_by_id(ref)
            if target is None:
                continue
            code = target.values.get(code_field) if by_code else None
            entries.append((target.title, code if isinstance(code, str) else ""))
            color = color or r.deck.category(target.category).color
        label = word(r.deck, str(label_map.get(role, role.upper())))
        more = more_map.get(role)
        if more is not None and (len(entries) > 1 or s.card is None):
            # e.g. a measure's second card is its guardrail: a row and a label of its own.
            rows.append((role, label, _joined(entries[:1], by_code), color))
            rows.append((role, word(r.deck, str(more)), _joined(entries[1:], by_code), color))
            continue
        rows.append((role, label, _joined(entries, by_code), color))
    if not rows:
        return None
    blank = s.card is None
    label_style = r.style(el, size=max(el.num("size", 8) * 0.78, SMALLEST), min_size=SMALLEST)
    # Wide enough for the longest label on one line ("MESSGRÖSSE"), within a third of the row.
    one_line_labels = [tx.fit([tx.Block(tx.parse_inline(label, bold=True))],
                              dataclasses.replace(label_style, min_size=label_style.size),
                              box.w, 30) for _, label, _, _ in rows]
    widest = max((line.right for f in one_line_labels for line in f.lines), default=0.0)
    label_w = min(max(mm(13.5) * r.scale, widest + mm(1.6) * r.scale), box.w / 3)
    if blank:
        code_w = ID_BOX + mm(1)
    elif by_code:
        # As wide as the widest code at the largest size it may take, plus a gap.
        largest = r.style(el, size=max(el.num("size", 8) * 0.9, SMALLEST), min_size=SMALLEST)
        measured = [tx.fit([tx.Block(tx.parse_inline(code, bold=True))], largest, ID_BOX, 30)
                    for code in {code for _, _, entries, _ in rows for _, code in entries}]
        widest_code = max((ln.right for f in measured for ln in f.lines), default=0.0)
        code_w = min(ID_BOX, widest_code) + mm(2.5)
    else:
        code_w = 0.0
    value_w = box.w - label_w - code_w
    label_fits = [tx.fit([tx.Block(tx.parse_inline(label, bold=True))], label_style, label_w, 30)
                  for _, label, _, _ in rows]
    rule_color = r.color("category", s.category).mix(WHITE, 0.6)
    muted = r.muted
    if blank:
        row_h = box.h / len(rows)

        def paint_blank(c: Canvas) -> None:
            for i, label_fit in enumerate(label_fits):
                top = box.top - i * row_h
                mid = top - row_h / 2
                r.paint(c, rule_color, stroke=True)
                c.setLineWidth(0.4)
                c.line(box.x, top - row_h, box.right, top - row_h)
                r.paint(c, muted)
                tx.draw(c, label_fit, box.x, mid + label_fit.height / 2, label_w)
                r.paint(c, muted, stroke=True)
                c.setLineWidth(0.5)
                bw, bh = ID_BOX, min(row_h * 0.62, mm(5))
                c.rect(box.right - bw, mid - bh / 2, bw, bh, stroke=1, fill=0)

        plan.ops.append(_Op(paint_blank))
        return box.top - row_h * len(rows)

    # Every title at one size, the largest at which all rows fit; a long title may take two
    # lines and its row grows, rather than the whole card shrinking for it.
    value_style = r.style(el, min_size=el.num("min-size", 6))
    pad = mm(1.0) * r.scale
    text_w = value_w - mm(2.2)
    layout: tuple[float, list[list[tx.Fit]], list[float]] | None = None
    sizes = tuple(reversed(tx.candidate_sizes(value_style.size, value_style.min_size)))
    # First only sizes at which titles wrap at their spaces; a word cut in two reads worse
    # than a title a quarter point smaller.
    for whole_words in (True, False):
        for size in sizes:
            style = dataclasses.replace(value_style, size=size, min_size=size)
            fits = [[tx.fit([tx.Block(tx.parse_inline(title, bold=True))], style, text_w, box.h)
                     for title, _ in entries] for _, _, entries, _ in rows]
            gap = size * 0.25
            natural = [max(label_fit.height,
                           sum(f.height for f in row) + gap * max(0, len(row) - 1)) + pad
                       for label_fit, row in zip(label_fits, fits, strict=True)]
            if whole_words and any(
                    tx.cuts_a_word(f, "".join(span.text for span in tx.parse_inline(title)))
                    for row, (_, _, entries, _) in zip(fits, rows, strict=True)
                    for f, (title, _) in zip(row, entries, strict=True)):
                continue
            layout = (size, fits, natural)
            if sum(natural) <= box.h:
                break
        if layout is not None and sum(layout[2]) <= box.h:
            break
    assert layout is not None
    size, titles, natural = layout
    gap = size * 0.25
    excess = sum(natural) - box.h
    if excess > 0:
        # Charged to the row with the most lines: that is where shortening a title helps.
        worst = max(range(len(rows)), key=lambda i: sum(len(f.lines) for f in titles[i]))
        plan.overflows.append(Overflow(f"recipe.{rows[worst][0]}",
                                       math.ceil(excess / (size * value_style.leading)), size))
    # Spare room is shared evenly, up to the airy row a one-card recipe gets at full size.
    one_line = size * value_style.leading + pad
    extra = max(0.0, min((box.h - sum(natural)) / len(rows), mm(9.5) * r.scale - one_line))
    heights = [n + extra for n in natural]
    # A code is set no larger than the titles it follows, and no smaller than a label.
    code_style = dataclasses.replace(
        r.style(el, size=max(size * 0.9, SMALLEST), min_size=SMALLEST),
        align="right", max_lines=1)
    code_fits = [[tx.fit([tx.Block(tx.parse_inline(code, bold=True))], code_style, ID_BOX, 30)
                  for _, code in entries if code] for _, _, entries, _ in rows]
    text_color = r.text_color

    def paint(c: Canvas) -> None:
        top = box.top
        for i, (_, _, entries, color) in enumerate(rows):
            row_h = heights[i]
            mid = top - row_h / 2
            r.paint(c, rule_color, stroke=True)
            c.setLineWidth(0.4)
            c.line(box.x, top - row_h, box.right, top - row_h)
            r.paint(c, muted)
            tx.draw(c, label_fits[i], box.x, mid + label_fits[i].height / 2, label_w)
            fits = titles[i]
            if not entries or color is None:
                top -= row_h
                continue
            block_h = sum(f.height for f in fits) + gap * (len(fits) - 1)
            y = mid + block_h / 2
            r.paint(c, color)
            c.rect(box.x + label_w, y - block_h, mm(0.8), block_h, stroke=0, fill=1)
            for j, fit in enumerate(fits):
                r.paint(c, text_color)
                tx.draw(c, fit, box.x + label_w + mm(2.2), y, value_w)
                if j < len(code_fits[i]) and fit.lines and code_fits[i][j].lines:
                    code_fit = code_fits[i][j]
                    r.paint(c, muted)
                    # On the title's first baseline.
                    tx.draw(c, code_fit, box.right - ID_BOX,
                            y - fit.lines[0].baseline + code_fit.lines[0].baseline, ID_BOX)
                y -= fit.height + gap
            top -= row_h

    plan.ops.append(_Op(paint))
    return box.top - sum(heights)

def _grid(r: CardRenderer, el: Element, box: Box, s: _Subject, plan: _Plan) -> float | None:
    card = s.card
    names = list(card.items[:4]) if card is not None else []
    names += [""] * (4 - len(names))
    accent = r.color(el.str_opt("color", "category"), s.category)
    tint = accent.mix(WHITE, 0.86)
    axes = card.axes if card is not None else None
    label_style = dataclasses.replace(r.style(el, size=max(el.num("size", 7) * 0.8, SMALLEST),
                                              min_size=SMALLEST),
                                      align="center")
    gutter = label_style.size * 1.6 if axes else 0.0
    side = min(box.w - gutter, box.h - gutter)
    x0 = box.x + gutter + (box.w - gutter - side) / 2
    y0 = box.top - gutter - side
    half = side / 2
    axis_fits: list[tuple[tx.Fit, float, float, float]] = []  # fit, x, y, rotation
    if axes is not None:
        (left, right), (top, bottom) = axes
        for i, label in enumerate((left, right)):
            fit = tx.fit([tx.Block(tx.parse_inline(label, bold=True))],
                         dataclasses.replace(label_style, max_lines=1), half, gutter)
            axis_fits.append((fit, x0 + i * half, y0 + side + gutter * 0.85, 0.0))
        for i, label in enumerate((top, bottom)):
            fit = tx.fit([tx.Block(tx.parse_inline(label, bold=True))],
                         dataclasses.replace(label_style, max_lines=1), half, gutter)
            axis_fits.append((fit, x0 - gutter * 0.85, y0 + side - (i + 1) * half, 90.0))
        for fit, *_ in axis_fits:
            if not fit.fits:
                plan.overflows.append(Overflow("axes", fit.overflow_lines, fit.size))
    pad = mm(1.4)
    style = r.style(el, min_size=el.num("min-size", 5.5))
    style = dataclasses.replace(style, align="center")
    fits = []
    for i, name in enumerate(names):
        fit = tx.fit([tx.Block(tx.parse_inline(name, bold=True))], style, half - 2 * pad,
                     half - 2 * pad)
        if not fit.fits and card is not None:
            plan.overflows.append(Overflow("items", fit.overflow_lines, fit.size))
        fits.append((i, fit))

    def paint(c: Canvas) -> None:
        for i, fit in fits:
            qx = x0 + (i % 2) * half
            qy = y0 + (1 - i // 2) * half
            r.paint(c, tint if i in (0, 3) else accent.mix(WHITE, 0.93))
            c.rect(qx, qy, half, half, stroke=0, fill=1)
            r.paint(c, r.text_color)
            tx.draw(c, fit, qx + pad, qy + half / 2 + fit.height / 2, half - 2 * pad)
        r.paint(c, accent, stroke=True)
        c.setLineWidth(0.9)
        c.line(x0, y0 + half, x0 + side, y0 + half)
        c.line(x0 + half, y0, x0 + half, y0 + side)
        r.paint(c, accent)
        for fit, ax, ay, rotation in axis_fits:
            c.saveState()
            c.translate(ax, ay)
            c.rotate(rotation)
            tx.draw(c, fit, 0, 0, half)
            c.restoreState()

    plan.ops.append(_Op(paint))
    return y0

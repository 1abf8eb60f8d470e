"""Structured elements any deck can use: a ladder over a number field, rows of cards by
role, and a 2×2 grid."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from reportlab.pdfgen.canvas import Canvas

from deckgen.deck.model import ROLES
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

def _recipe(r: CardRenderer, el: Element, box: Box, s: _Subject, plan: _Plan) -> float | None:
    labels = el.get("labels")
    label_map = labels if isinstance(labels, dict) else {}
    rows: list[tuple[str, str, list[tuple[str, Color]]]] = []
    # Rows follow the order of the layout's labels: the deck's reading order of a recipe.
    order = tuple(label_map) or ROLES
    refs = dict(s.card.recipe) if s.card is not None else {}
    for role in order:
        if s.card is not None and role not in refs:
            continue
        values: list[tuple[str, Color]] = []
        for ref in refs.get(role, ()):
            target = r.deck.card_by_id(ref)
            if target is not None:
                # `field:` puts the card's short name (e.g. its code) before its title.
                code = target.values.get(el.str_opt("field", ""))
                name = f"{code} {target.title}" if isinstance(code, str) and code else target.title
                values.append((name, r.deck.category(target.category).color))
        rows.append((role, word(r.deck, str(label_map.get(role, role.upper()))), values))
    if not rows:
        return None
    blank = s.card is None
    label_style = r.style(el, size=max(el.num("size", 8) * 0.78, SMALLEST), min_size=SMALLEST)
    label_w = mm(13.5) * r.scale
    row_h = box.h / len(order) if blank else min(box.h / len(rows), mm(9.5) * r.scale)
    value_w = box.w - label_w - (ID_BOX + mm(1) if blank else 0)
    fits: list[tuple[tx.Fit, tx.Fit | None, Color | None]] = []
    for role, label, values in rows:
        label_fit = tx.fit([tx.Block(tx.parse_inline(label, bold=True))], label_style, label_w, 30)
        if blank:
            fits.append((label_fit, None, None))
            continue
        # With codes, each card takes a line of its own: "ME-03 Trial conversion" reads as a
        # unit; without, titles run on separated by slashes.
        texts = [t for t, _ in values] if el.get("field") else [" / ".join(t for t, _ in values)]
        color = values[0][1] if values else r.muted
        value_fit = tx.fit([tx.Block(tx.parse_inline(t, bold=True)) for t in texts],
                           r.style(el, min_size=el.num("min-size", 6)), value_w - mm(2.2),
                           row_h - mm(1.2))
        if not value_fit.fits:
            plan.overflows.append(Overflow(f"recipe.{role}", value_fit.overflow_lines,
                                           value_fit.size))
        fits.append((label_fit, value_fit, color))
    rule_color = r.color("category", s.category).mix(WHITE, 0.6)
    text_color = r.text_color
    muted = r.muted

    def paint(c: Canvas) -> None:
        for i, (label_fit, value_fit, color) in enumerate(fits):
            top = box.top - i * row_h
            r.paint(c, rule_color, stroke=True)
            c.setLineWidth(0.4)
            c.line(box.x, top - row_h, box.right, top - row_h)
            r.paint(c, muted)
            mid = top - row_h / 2
            tx.draw(c, label_fit, box.x, mid + label_fit.height / 2, label_w)
            if value_fit is not None and color is not None:
                r.paint(c, color)
                c.rect(box.x + label_w, mid - value_fit.height / 2, mm(0.8), value_fit.height,
                       stroke=0, fill=1)
                r.paint(c, text_color)
                tx.draw(c, value_fit, box.x + label_w + mm(2.2), mid + value_fit.height / 2,
                        value_w)
            elif blank:
                r.paint(c, muted, stroke=True)
                c.setLineWidth(0.5)
                bw, bh = ID_BOX, min(row_h * 0.62, mm(5))
                c.rect(box.right - bw, mid - bh / 2, bw, bh, stroke=1, fill=0)

    plan.ops.append(_Op(paint))
    return box.top - row_h * len(rows)

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

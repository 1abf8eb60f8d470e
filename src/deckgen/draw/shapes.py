"""Shape and picture elements: fills, the category band, rules, lines to write on, frames,
the back's mark, the logo and icons."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import TYPE_CHECKING

from reportlab.pdfgen.canvas import Canvas

from deckgen.deck.icons import icon_path
from deckgen.draw import art
from deckgen.draw.images import placed_art
from deckgen.draw.plan import (
    SMALLEST,
    Overflow,
    _len,
    _Op,
    _Plan,
    _Subject,
    _text_width,
    _with_bleed,
)
from deckgen.i18n import word
from deckgen.layout.boxes import TEXT_INSET, Box
from deckgen.layout.elements import Element
from deckgen.text import typeset as tx
from deckgen.units import WHITE, Color, mm

if TYPE_CHECKING:
    from deckgen.draw.renderer import CardRenderer


def _fill(r: CardRenderer, el: Element, box: Box, s: _Subject, plan: _Plan) -> float | None:
    x0, y0, x1, y1 = _with_bleed(r, box)
    color = r.color(el.str_opt("fill", "category"), s.category)

    def paint(c: Canvas) -> None:
        r.paint(c, color)
        c.rect(x0, y0, x1 - x0, y1 - y0, stroke=0, fill=1)

    plan.ops.append(_Op(paint))
    return box.y

# A category's texts set in its band: reported once, at the category, not once per card.
BAND_NAME, BAND_QUESTION = "category.name", "category.question"

ICON_GAP = mm(1.8)  # between the band's icon and the role badge or text

def _band(r: CardRenderer, el: Element, box: Box, s: _Subject, plan: _Plan) -> float | None:
    _fill(r, el, box, s, plan)
    spec = r.deck.card
    safe = spec.safe + TEXT_INSET
    label_el = Element("band-label", "text", {"size": 6.6, "weight": "bold"})
    question_el = Element("band-question", "text", {"size": 8.2, "leading": 1.12,
                                                    "max-lines": 2})
    inner_w = box.w - 2 * safe
    # The category's icon sits at the band's right edge; the role badge and text make room.
    icon = s.category.icon if el.flag("icon", True) and s.side != "back" else None
    icon_w = icon_h = 0.0
    if icon is not None:
        side = min(mm(8) * r.scale, max(box.h - 2 * mm(2), mm(4)))
        icon_w, icon_h = placed_art(icon, side, side, cmyk=r.cmyk).fit_size(side, side)
        inner_w -= icon_w + ICON_GAP
    role = word(r.deck, (s.category.role or "").upper())
    role_w = 0.0
    role_fit = None
    if role and s.side != "back":
        role_style = r.style(label_el, size=SMALLEST, min_size=SMALLEST)
        role_fit = tx.fit([tx.Block(tx.parse_inline(role, bold=True))], role_style, inner_w, 20)
        role_w = _text_width(role_fit) + mm(2.6)
    name_style = dataclasses.replace(r.style(label_el, min_size=SMALLEST), max_lines=2)
    name_fit = tx.fit([tx.Block(tx.parse_inline(s.category.name.upper(), bold=True))],
                      name_style, inner_w - role_w - mm(1.5), box.h)
    if not name_fit.fits:
        plan.overflows.append(Overflow(BAND_NAME, name_fit.overflow_lines, name_fit.size))
    question = s.category.question
    q_fit = None
    if question:
        q_fit = tx.fit([tx.Block(tx.parse_inline(question, italic=True))],
                       r.style(question_el, min_size=6.5), inner_w, box.h)
        if not q_fit.fits or name_fit.height + q_fit.height > box.h - mm(1):
            plan.overflows.append(Overflow(BAND_QUESTION, max(q_fit.overflow_lines, 1),
                                           q_fit.size))
    gap = mm(0.9)
    block_h = name_fit.height + (gap + q_fit.height if q_fit else 0.0)
    usable_top = min(box.top, spec.height - safe)
    centre = (usable_top + box.y) / 2
    top = min(usable_top, centre + block_h / 2)
    x = box.x + safe
    white = WHITE if box.h > 0 else r.text_color
    fg = white if r.color(el.str_opt("fill", "category"), s.category).contrast(WHITE) >= 3 \
        else r.text_color

    if icon is not None:  # planned before the text, so painted under it
        _image(r, icon, Box(box.right - safe - icon_w, centre - icon_h / 2, icon_w, icon_h), plan,
               fg)

    def paint(c: Canvas) -> None:
        r.paint(c, fg)
        tx.draw(c, name_fit, x, top, inner_w - role_w)
        if q_fit is not None:
            tx.draw(c, q_fit, x, top - name_fit.height - gap, inner_w)
        if role_fit is not None:
            w = role_w - mm(1.2)
            h = role_fit.height + mm(1.0)
            rx = box.right - safe - (icon_w + ICON_GAP if icon is not None else 0.0) - w
            ry = top - h + mm(0.35)
            r.paint(c, fg, stroke=True)
            c.setLineWidth(0.5)
            c.roundRect(rx, ry, w, h, h / 2, stroke=1, fill=0)
            r.paint(c, fg)
            tx.draw(c, role_fit, rx + (w - _text_width(role_fit)) / 2, ry + h - mm(0.5), w)

    plan.ops.append(_Op(paint))
    return box.y

def _rule(r: CardRenderer, el: Element, box: Box, s: _Subject, plan: _Plan) -> float | None:
    thickness = _len(el, "thickness", box.h, 1.0)
    width = _len(el, "width", box.w, box.w)
    color = r.color(el.str_opt("color", "category"), s.category)
    y = box.top - thickness / 2

    def paint(c: Canvas) -> None:
        r.paint(c, color, stroke=True)
        c.setLineWidth(thickness)
        c.setLineCap(0)
        c.line(box.x, y, box.x + width, y)

    plan.ops.append(_Op(paint))
    return box.top - thickness

def _logo(r: CardRenderer, el: Element, box: Box, s: _Subject, plan: _Plan) -> float | None:
    logo = r.deck.brand.logo
    if logo is None:
        return None
    return _image(r, logo, box, plan)

def _icon(r: CardRenderer, el: Element, box: Box, s: _Subject, plan: _Plan) -> float | None:
    # A card's own icon (`field:`), a bundled icon the layout names, or the category's.
    field = el.get("field")
    named = el.get("icon")
    if isinstance(field, str):
        icon = art.card_icon(r, s, field)
    else:
        icon = icon_path(named) if isinstance(named, str) else s.category.icon
    if icon is None:
        return None
    color = el.get("color")
    return _image(r, icon, box, plan,
                  r.color(color, s.category) if isinstance(color, str) else None)

def _image(r: CardRenderer, path: Path, box: Box, plan: _Plan,
           color: Color | None = None) -> float | None:
    # An SVG icon's currentColor takes `color`; otherwise the deck's text colour.
    image = placed_art(path, box.w, box.h, cmyk=r.cmyk,
                       color=r.rl_color(color or r.text_color))
    w, h = image.fit_size(box.w, box.h)
    x = box.x + (box.w - w) / 2
    y = box.top - h

    def paint(c: Canvas) -> None:
        image.draw(c, x, y, w, h)

    plan.ops.append(_Op(paint))
    return y

def _lines(r: CardRenderer, el: Element, box: Box, s: _Subject, plan: _Plan) -> float | None:
    spacing = _len(el, "spacing", box.h, mm(7))
    color = r.color(el.str_opt("color", "muted"), s.category).mix(WHITE, 0.35)
    labels = el.get("labels")
    label_map = labels if isinstance(labels, dict) else {}
    first_label = word(r.deck, str(label_map.get("first", "")))
    count = max(int(box.h // spacing), 1)
    size = el.num("size", 5.5)
    style = r.style(el, size=size, min_size=size)
    label_fit = tx.fit([tx.Block(tx.parse_inline(first_label.upper(), bold=True))],
                       style, box.w, 20) if first_label else None
    id_label = word(r.deck, str(label_map.get("id", "")))
    id_fit = tx.fit([tx.Block(tx.parse_inline(id_label, bold=True))], style, box.w,
                    20) if id_label else None
    id_w = mm(15) if id_fit is not None else 0.0
    id_h = min(spacing * 0.8, mm(5.5))
    label_color = r.muted

    def paint(c: Canvas) -> None:
        r.paint(c, color, stroke=True)
        c.setLineWidth(0.45)
        for i in range(count):
            y = box.top - spacing * (i + 1)
            # The first line leaves room for the id box at its right end.
            right = box.right - (id_w + mm(2) if i == 0 else 0.0)
            c.line(box.x, y, right, y)
        if label_fit is not None:
            r.paint(c, label_color)
            tx.draw(c, label_fit, box.x, box.top - spacing + label_fit.height + mm(0.8), box.w)
        if id_fit is not None:
            y = box.top - spacing
            r.paint(c, label_color, stroke=True)
            c.setLineWidth(0.5)
            c.roundRect(box.right - id_w, y, id_w, id_h, mm(0.8), stroke=1, fill=0)
            r.paint(c, label_color)
            tx.draw(c, id_fit, box.right - id_w + mm(0.8), y + id_h - mm(0.7), id_w)

    plan.ops.append(_Op(paint))
    return box.top - spacing * count

def _idbox(r: CardRenderer, el: Element, box: Box, s: _Subject, plan: _Plan) -> float | None:
    size = el.num("size", 5.5)
    h = min(box.h, mm(6))
    w = mm(20)
    fit = tx.fit([tx.Block(tx.parse_inline("ID", bold=True))], r.style(el, size=size,
                                                                        min_size=size), w, h)
    color = r.muted

    def paint(c: Canvas) -> None:
        r.paint(c, color, stroke=True)
        c.setLineWidth(0.5)
        c.roundRect(box.right - w, box.top - h, w, h, mm(1), stroke=1, fill=0)
        r.paint(c, color)
        tx.draw(c, fit, box.right - w + mm(1), box.top - mm(0.8), w)

    plan.ops.append(_Op(paint))
    return box.top - h

def _frame(r: CardRenderer, el: Element, box: Box, s: _Subject, plan: _Plan) -> float | None:
    thickness = _len(el, "thickness", box.h, 0.6)
    base = r.color(el.str_opt("fill", "category"), s.category)
    color = base.mix(r.color(el.str_opt("color", "white"), s.category), 0.45)

    def paint(c: Canvas) -> None:
        r.paint(c, color, stroke=True)
        c.setLineWidth(thickness)
        c.roundRect(box.x, box.y, box.w, box.h, mm(2.5), stroke=1, fill=0)

    plan.ops.append(_Op(paint))
    return box.y

def _mark(r: CardRenderer, el: Element, box: Box, s: _Subject, plan: _Plan) -> float | None:
    spec = r.deck.card
    inner = Box(max(box.x, spec.safe + mm(3)), box.y, 0, box.h)
    inner = dataclasses.replace(inner, w=min(box.right, spec.width - spec.safe - mm(3)) - inner.x)
    title_el = Element("mark-title", "text", {**el.options, "weight": "black", "font": "heading",
                                              "leading": 1.05})
    style = dataclasses.replace(r.style(title_el), align="center")
    fit = tx.fit([tx.Block(tx.parse_inline(r.deck.title, bold=True))], style, inner.w, inner.h)
    color = r.color(el.str_opt("color", "white"), s.category)
    top = inner.top - (inner.h - fit.height) / 2
    rule_y = top - fit.height - mm(3)
    centre = spec.width / 2
    plan.tops[el.name] = top

    def paint(c: Canvas) -> None:
        r.paint(c, color)
        tx.draw(c, fit, inner.x, top, inner.w)
        r.paint(c, color, stroke=True)
        c.setLineWidth(1.2)
        c.line(centre - mm(5), rule_y, centre + mm(5), rule_y)

    plan.ops.append(_Op(paint))
    return rule_y

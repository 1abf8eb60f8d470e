"""Text elements: a single field, the flow of several fields, and the footer."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from reportlab.pdfgen.canvas import Canvas

from deckgen.draw.plan import (
    SMALLEST,
    Overflow,
    Sizing,
    _bold,
    _Op,
    _Plan,
    _Subject,
    _text_width,
)
from deckgen.layout.boxes import Box
from deckgen.layout.elements import Element
from deckgen.text import typeset as tx
from deckgen.units import WHITE, Color, mm

if TYPE_CHECKING:
    from deckgen.draw.renderer import CardRenderer
from deckgen.draw.values import _field_text, _values
from deckgen.i18n import word


def _text(r: CardRenderer, el: Element, box: Box, s: _Subject, plan: _Plan) -> float | None:
    field = el.str_opt("field", "title")
    value = _field_text(r, s, field, el)
    if not value:
        return None
    if el.flag("uppercase"):
        value = value.upper()
    label = el.get("label")
    if isinstance(label, str):
        label = word(r.deck, label)
    blocks = []
    for i, line in enumerate(value.split("\n")):
        spans = tx.parse_inline(line, bold=_bold(el), italic=el.flag("italic"))
        if i == 0 and isinstance(label, str) and label:
            # The label reads as the start of the text, set apart by weight alone.
            spans = (tx.Span(label + " ", True, el.flag("italic")), *spans)
        blocks.append(tx.Block(spans))
    style = r.style(el)
    fit = tx.fit(blocks, style, box.w, box.h)
    plan.sizes.append(Sizing(el.name, fit.size, style.size, style.min_size))
    if not fit.fits and s.card is not None:
        plan.overflows.append(Overflow(field, fit.overflow_lines, fit.size))
    color = r.color(el.str_opt("color", "text"), s.category)
    height = min(fit.height, box.h)
    valign = el.str_opt("valign", "top")
    room = box.h - height
    top = box.top - (room if valign == "bottom" else room / 2 if valign == "middle" else 0.0)
    x, width = box.x, box.w
    plan.tops[el.name] = top

    def paint(c: Canvas) -> None:
        r.paint(c, color)
        tx.draw(c, fit, x, top, width)

    plan.ops.append(_Op(paint))
    return top - height

@dataclass
class _Group:
    blocks: list[tx.Block]
    color: Color
    label: bool = False  # a heading such as "ASK": it sits close to the group it heads

LABEL_SCALE = 0.72  # flow labels ("ASK") relative to the flow's text

# How format v1's list fields read in a flow unless the layout says otherwise.
_V1_FLOW: dict[str, dict[str, object]] = {
    "items": {"bullet": "•"},
    "prompts": {"bullet": "–", "italic": True, "label": True},
    "examples": {"bullet": "–", "label": True},
}

def _flow_groups(r: CardRenderer, el: Element, s: _Subject,
                 label_scale: float = LABEL_SCALE) -> list[tuple[str, _Group]]:
    card = s.card
    if card is None:
        return []
    accent = r.color("category", s.category)
    labels = el.get("labels")
    label_map = labels if isinstance(labels, dict) else {}
    styles = el.get("field-styles")
    style_map = styles if isinstance(styles, dict) else {}
    numbered = el.str_opt("label", "") == "numbered"
    groups: list[tuple[str, _Group]] = []
    fields = el.get("fields")
    for field in fields if isinstance(fields, tuple) else ("body",):
        entries = _values(card, field, r.deck)
        if not entries:
            continue
        found = style_map.get(field)
        given: dict[str, object] = found if isinstance(found, dict) else {}
        v1 = _V1_FLOW.get(field, {})
        color = r.color(str(given.get("color", el.str_opt("color", "text"))), s.category)
        spec = r.deck.field_spec(field)
        is_list = spec is not None and spec.type in ("list", "refs")
        # The element's `italic` sets its running text; lists keep their own style.
        italic = bool(given.get("italic", v1.get("italic", not is_list and el.flag("italic"))))
        bold = bool(given.get("bold", False))
        label = given.get("label", label_map.get(field))
        if label is None and v1.get("label"):
            label = field.title()
        if isinstance(label, str) and label:
            label = word(r.deck, label)
            groups.append((field, _Group([tx.Block(tx.parse_inline(label.upper(), bold=True),
                                                   size_scale=label_scale)], accent, label=True)))
        if is_list:
            bullet = str(given.get("bullet", v1.get("bullet", "•")))
            if bullet == "–" and len(entries) == 1 and "bullet" not in given:
                bullet = ""  # a single example needs no dash
            counted = (numbered and field == "items") or bullet == "numbered"
            blocks = [tx.Block(tx.parse_inline(e, bold=bold, italic=italic),
                               bullet=f"{i + 1}." if counted else bullet or None,
                               space_before=0.3 if bullet == "•" else 0.2)
                      for i, e in enumerate(entries)]
        else:
            paragraphs = [p.strip() for e in entries for p in e.split("\n\n") if p.strip()]
            blocks = [tx.Block(tx.parse_inline(p, bold=bold, italic=italic),
                               space_before=0.55 if i else 0.0) for i, p in enumerate(paragraphs)]
        groups.append((field, _Group(blocks, color)))
    return groups

GROUP_GAP = 0.75  # space between body, items, prompts and examples, in font sizes

LABEL_GAP = 0.1 * GROUP_GAP  # a label sits close to what it heads: its line spacing does most

def _group_gap(groups: Sequence[tuple[str, _Group]], i: int) -> float:
    """Space above group `i`, in font sizes."""
    return LABEL_GAP if groups[i - 1][1].label else GROUP_GAP

def _flow(r: CardRenderer, el: Element, box: Box, s: _Subject, plan: _Plan) -> float | None:
    style = r.style(el)
    # Labels are smaller than the text, but never below the readable minimum.
    # Labels are smaller than the text, but never below the smallest size a card front uses.
    groups = _flow_groups(r, el, s, min(1.0, max(LABEL_SCALE, SMALLEST / style.min_size)))
    if not groups:
        return None
    all_blocks: list[tx.Block] = []
    for i, (_, group) in enumerate(groups):
        for j, block in enumerate(group.blocks):
            gap = _group_gap(groups, i) if i and j == 0 else (block.space_before if j else 0.0)
            all_blocks.append(dataclasses.replace(block, space_before=gap))
    fit = tx.fit(all_blocks, style, box.w, box.h)
    plan.sizes.append(Sizing(el.name, fit.size, style.size, style.min_size))
    if not fit.fits:
        plan.overflows.append(Overflow(_overflow_field(groups), fit.overflow_lines, fit.size))
    fixed = dataclasses.replace(style, size=fit.size, min_size=fit.size)
    pieces: list[tuple[tx.Fit, Color, float]] = []
    offset = 0.0
    for i, (name, group) in enumerate(groups):
        blocks = [dataclasses.replace(b, space_before=b.space_before if j else 0.0)
                  for j, b in enumerate(group.blocks)]
        part = tx.fit(blocks, dataclasses.replace(fixed, max_lines=None), box.w, 10_000)
        if i:
            offset += _group_gap(groups, i) * fit.size
        pieces.append((part, group.color, offset))
        # A field's label and entries are one part of the flow, e.g. "flow.prompts".
        key = f"{el.name}.{name}"
        top = plan.parts[key][3] if key in plan.parts else box.top - offset
        plan.parts[key] = (box.x, box.top - offset - part.height, box.right, top)
        offset += part.height

    def paint(c: Canvas) -> None:
        for part, color, dy in pieces:
            r.paint(c, color)
            tx.draw(c, part, box.x, box.top - dy, box.w)

    plan.ops.append(_Op(paint))
    return box.top - min(offset, box.h)

def _overflow_field(groups: Sequence[tuple[str, _Group]]) -> str:
    # Name the field with the most text: that is the one worth shortening.
    sizes: dict[str, int] = {}
    for name, group in groups:
        sizes[name] = sizes.get(name, 0) + sum(len(s.text) for b in group.blocks for s in b.spans)
    return max(sizes, key=lambda name: sizes[name])

FOOTER_RULE = 0.35  # points

def _footer(r: CardRenderer, el: Element, box: Box, s: _Subject, plan: _Plan) -> float | None:
    size = el.num("size", 5.6)
    color = r.color(el.str_opt("color", "muted"), s.category)
    style = r.style(el, size=size, min_size=size)
    left_text = r.deck.title
    if s.card is not None:
        # The card's name for handwriting: a field such as a short code, or else its id.
        named = s.card.values.get(el.str_opt("field", ""))
        shown = named if isinstance(named, str) and named else s.card.id
        right_text = f"{shown} · {r.numbers[s.card.id]}/{r.total}"
    elif s.side == "blank":
        right_text = word(r.deck, "blank card")
    else:
        right_text = ""
    right = tx.fit([tx.Block(tx.parse_inline(right_text))],
                   dataclasses.replace(style, align="right"), box.w, 30) if right_text else None
    right_w = _text_width(right) if right else 0.0
    left = tx.fit([tx.Block(tx.parse_inline(left_text))], dataclasses.replace(style, max_lines=1),
                  max(box.w - right_w - mm(3), mm(5)), 30)
    size = style.size
    baseline_top = box.y + size * 1.25
    accent = r.color("category", s.category)
    line_y = box.y + size * 1.9
    plan.tops[el.name] = line_y + FOOTER_RULE / 2

    def paint(c: Canvas) -> None:
        r.paint(c, accent.mix(WHITE, 0.55), stroke=True)
        c.setLineWidth(FOOTER_RULE)
        c.line(box.x, line_y, box.right, line_y)
        r.paint(c, color)
        if left.fits:
            tx.draw(c, left, box.x, baseline_top, box.w)
        if right is not None:
            tx.draw(c, right, box.x, baseline_top, box.w)

    plan.ops.append(_Op(paint))
    return box.y

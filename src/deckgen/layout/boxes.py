"""Boxes: an element's rectangle on a card of a given size, text kept in the safe zone."""

from __future__ import annotations

from dataclasses import dataclass

from deckgen.layout.elements import Element, Length

# Glyphs such as A, V and italics overhang their origin a little; this keeps their ink, not
# just their origin, inside the safe zone.
TEXT_INSET = 0.8


@dataclass(frozen=True)
class Box:
    """A rectangle in points relative to the trim box's lower-left corner."""

    x: float
    y: float
    w: float
    h: float

    @property
    def top(self) -> float:
        return self.y + self.h

    @property
    def right(self) -> float:
        return self.x + self.w

def resolve_length(value: Length, total: float) -> float:
    number, percent = value
    return total * number / 100 if percent else number

def element_box(el: Element, width: float, height: float, safe: float,
                top_override: float | None = None, bottom_override: float | None = None) -> Box:
    """The element's box on a card of `width` × `height` points.

    Text elements are clamped to the safe zone whatever the layout says, so a layout can never
    push text where a trimmer might cut it.
    """
    def opt(key: str, total: float) -> float | None:
        value = el.options.get(key)
        return resolve_length(value, total) if isinstance(value, tuple) else None

    art = el.kind in ("fill", "band", "frame", "mark") or el.options.get("bleed") is True
    default_inset = 0.0 if art else safe
    left = opt("left", width)
    right = opt("right", width)
    x0 = default_inset if left is None else left
    x1 = width - (default_inset if right is None else right)
    top = opt("top", height)
    bottom = opt("bottom", height)
    if bottom_override is not None:
        bottom = bottom_override if bottom is None else max(bottom, bottom_override)
    span = opt("height", height)
    y_top = height - (top if top is not None else (0.0 if art else safe))
    if top_override is not None:
        y_top = top_override
    elif top is None and span is not None and bottom is not None:
        y_top = bottom + span  # anchored to the bottom edge, e.g. a footer
    if span is not None:
        y_bottom = y_top - span
        if bottom is not None:
            y_bottom = max(y_bottom, bottom)
    else:
        y_bottom = bottom if bottom is not None else (0.0 if art else safe)
    if not art:
        inner = safe + TEXT_INSET
        x0, x1 = max(x0, inner), min(x1, width - inner)
        y_top, y_bottom = min(y_top, height - inner), max(y_bottom, inner)
    return Box(x0, y_bottom, max(x1 - x0, 0.0), max(y_top - y_bottom, 0.0))

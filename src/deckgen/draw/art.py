"""Card art elements (issue 12): pictures (`image`) and QR codes (`qr`).

They plan like every element of deckgen.draw.renderer (measure now, paint later) and read card
values only through its one helper, `values._card_value`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from reportlab.pdfgen.canvas import Canvas

from deckgen.deck.assets import check_image, resolve_asset
from deckgen.deck.icons import NAME as icon_name
from deckgen.deck.icons import icon_path
from deckgen.deck.icons import names as icon_names
from deckgen.diagnostics import Diagnostics, Pos, did_you_mean
from deckgen.draw.images import placed_art
from deckgen.draw.photos import LOW_DPI, photo
from deckgen.draw.plan import _Op, _with_bleed
from deckgen.draw.values import _card_value
from deckgen.layout.boxes import Box
from deckgen.layout.elements import Element
from deckgen.svg import draw_drawing
from deckgen.units import WHITE, mm

if TYPE_CHECKING:
    from deckgen.draw.plan import _Plan, _Subject
    from deckgen.draw.renderer import CardRenderer

# deckgen.draw.renderer imports this module for its table of element kinds, so this one reaches back
# into it only when an element is planned, never at import.


def art_source(r: CardRenderer, el: Element, s: _Subject) -> tuple[str, Pos, str, Path] | None:
    """What an image or QR element shows: (value, where it is written, field path, base)."""

    field = el.get("field")
    if isinstance(field, str):
        value = _card_value(s.card, field)
        if value is None or s.card is None:
            return None
        pos = s.card.where(field)
        raw = s.card.values.get(field)
        if isinstance(raw, Path):  # an image field: relative to the deck that names it
            return raw.name, pos, field, raw.parent
        return value, pos, field, r.deck.root
    key = "src" if el.kind == "image" else "value"
    fixed = el.get(key)
    if not isinstance(fixed, str):
        return None
    # A layout's `src` is relative to the deck folder that holds the layout file.
    base = el.pos.file.parent.parent if el.pos.line else r.deck.root
    return fixed, el.pos, f"{el.name}.{key}", base


def art_file(r: CardRenderer, value: str, pos: Pos, field: str, base: Path) -> Path | None:
    key = (base, value)
    if key not in r._art_files:
        found = Diagnostics()
        path = resolve_asset(base, value, pos, field, found)
        if path is not None and not check_image(path, pos, field, found):
            path = None
        r.art_problems.extend(found.items)
        r._art_files[key] = path
    return r._art_files[key]


def card_icon(r: CardRenderer, s: _Subject, field: str) -> Path | None:
    """The icon a card names in `field`: a bundled icon's name or a picture file."""

    value = _card_value(s.card, field)
    if value is None or s.card is None:
        return None
    pos = s.card.where(field)
    if icon_name.fullmatch(value):
        path = icon_path(value)
        reported = (pos.file, f"{pos.line}:{pos.col}:{value}")  # once, however often planned
        if path is None and reported not in r._art_files:
            r._art_files[reported] = None
            r.art_problems.add(pos, field, f"card '{s.card.id}': no bundled icon is called "
                               f"'{value}'", did_you_mean(value, icon_names())
                               or "`deckgen icons --search WORD` lists them")
        return path
    return art_file(r, value, pos, field, r.deck.root)


_ANCHOR = {"left": 0.0, "center": 0.5, "right": 1.0, "top": 1.0, "middle": 0.5, "bottom": 0.0}


def picture(r: CardRenderer, el: Element, box: Box, s: _Subject, plan: _Plan) -> float | None:

    source = art_source(r, el, s)
    if source is None:
        return None
    value, pos, field, base = source
    path = art_file(r, value, pos, field, base)
    if path is None:
        return None
    if el.get("bleed") is True:
        x0, y0, x1, y1 = _with_bleed(r, box)
        box = Box(x0, y0, x1 - x0, y1 - y0)
    cover = el.str_opt("fit", "contain") == "cover"
    anchor = (_ANCHOR[el.str_opt("align", "center")], _ANCHOR[el.str_opt("valign", "middle")])
    radius_opt = el.get("radius")
    radius = radius_opt[0] if isinstance(radius_opt, tuple) else 0.0
    draw: Callable[[Canvas, float, float], None]
    if path.suffix.lower() == ".svg":
        vector = placed_art(path, box.w, box.h, cmyk=r.cmyk, color=r.rl_color(r.text_color))
        aw, ah = vector.fit_size(1.0, 1.0)  # its aspect ratio
        scale = (max if cover else min)(box.w / aw, box.h / ah)
        w, h = aw * scale, ah * scale

        def draw(c: Canvas, x: float, y: float) -> None:
            vector.draw(c, x, y, w, h)
    else:
        try:
            image = photo(path, box.w, box.h, cover=cover, anchor=anchor, cmyk=r.cmyk)
        except OSError as exc:
            r.art_problems.add(pos, field, f"'{path.name}' cannot be read ({exc})")
            return None
        w, h = image.placed
        if image.ppi < LOW_DPI:
            r.art_notes.append(f"{pos.file}:{pos.line}:{pos.col}: {field}: '{path.name}' "
                               f"prints at {image.ppi:.0f} ppi where it is placed (warning: "
                               f"below {LOW_DPI} ppi looks soft; use a larger picture)")
        draw = image.draw
    x = box.x + (box.w - w) * anchor[0]
    y = box.y + (box.h - h) * anchor[1]

    def paint(c: Canvas) -> None:
        c.saveState()
        if cover or radius:
            clip = c.beginPath()
            if radius:
                clip.roundRect(box.x, box.y, box.w, box.h, min(radius, box.w / 2, box.h / 2))
            else:
                clip.rect(box.x, box.y, box.w, box.h)
            c.clipPath(clip, stroke=0, fill=0)
        draw(c, x, y)
        c.restoreState()

    plan.ops.append(_Op(paint))
    return max(y, box.y)


QR_MODULE = mm(0.4)  # the smallest module phone cameras read reliably off a printed card
QR_QUIET = 4  # modules of blank margin the standard asks for on every side


def qr(r: CardRenderer, el: Element, box: Box, s: _Subject, plan: _Plan) -> float | None:
    from reportlab.graphics.barcode.qr import QrCodeWidget
    from reportlab.graphics.shapes import Drawing


    source = art_source(r, el, s)
    if source is None:
        return None
    value, pos, field, _ = source
    widget = QrCodeWidget(value, barLevel="M", barBorder=QR_QUIET)
    try:
        widget.qr.make()
    except Exception:  # the encoder's errors for data beyond the largest code
        r.art_problems.add(pos, field, f"'{value[:40]}…' is too long for a QR code",
                           "use a shorter address, e.g. from a link shortener")
        return None
    modules = widget.qr.getModuleCount() + 2 * QR_QUIET
    side = min(box.w, box.h)
    if side / modules < QR_MODULE:
        need = modules * QR_MODULE / mm(1)
        r.art_problems.add(pos, field, f"a QR code of this value needs {need:.0f} mm to scan "
                           f"when printed; the '{el.name}' box gives {side / mm(1):.1f} mm",
                           "make the element larger, or shorten the value")
        return None
    widget.barWidth = widget.barHeight = side
    widget.barFillColor = r.rl_color(r.color(el.str_opt("color", "text"), s.category))
    drawing = Drawing(side, side)
    drawing.add(widget)
    anchor = (_ANCHOR[el.str_opt("align", "center")], _ANCHOR[el.str_opt("valign", "top")])
    x = box.x + (box.w - side) * anchor[0]
    y = box.y + (box.h - side) * anchor[1]
    paper = WHITE

    def paint(c: Canvas) -> None:
        r.paint(c, paper)  # the quiet zone must be light whatever is behind it
        c.rect(x, y, side, side, stroke=0, fill=1)
        draw_drawing(drawing, c, x, y)

    plan.ops.append(_Op(paint))
    return y

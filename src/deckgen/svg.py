"""Safe SVG: an untrusted SVG file read into a ReportLab Drawing, or a positioned refusal.

A client's logo or an icon set comes from outside, so the file is parsed with a hardened lxml
parser (no DTD, no entities, no network, no huge trees) and checked *before* svglib sees it;
svglib then renders the already-parsed, sanitised tree and never opens a file itself.

References: an `href` may point only at an element of the same document (`#id`) or hold an
embedded PNG or JPEG (`data:image/png;base64,...`). Anything else (another file, a web
address) makes the whole file refused rather than silently drawn without it: a logo missing a
part is worse than a clear message asking for a self-contained export.
"""

from __future__ import annotations

import base64
import binascii
import copy
import io
import logging
import re
import signal
import threading
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import FrameType
from typing import Any

from lxml import etree
from PIL import Image
from reportlab.graphics import renderPDF
from reportlab.graphics.renderbase import renderScaledDrawing
from reportlab.graphics.shapes import Drawing, Group, Shape
from reportlab.lib.colors import CMYKColor, Color
from reportlab.pdfgen.canvas import Canvas

from deckgen.diagnostics import Diagnostics, Pos

MAX_SVG_BYTES = 5_000_000
MAX_ELEMENTS = 50_000
MAX_DEPTH = 64
MAX_SIDE = 20_000.0  # user units (px): about 5 m, far beyond any card or cover
MAX_EMBEDDED_PIXELS = 40_000_000
TIME_LIMIT = 8.0  # seconds for parsing and converting one file

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
# A colour no designer picks, standing in for currentColor until the drawing is coloured.
_CURRENT = "#010203"
_CURRENT_RGB = (1 / 255, 2 / 255, 3 / 255)
_DATA_IMAGE = re.compile(r"^data:image/(png|jpe?g);base64,", re.IGNORECASE)
_URL = re.compile(r"url\(\s*['\"]?\s*([^)'\"\s]*)", re.IGNORECASE)

_log = logging.getLogger("svglib")


class SvgError(Exception):
    """Why an SVG file was refused, with the line and column when the parser knows them."""

    def __init__(self, message: str, hint: str | None = None, line: int = 0,
                 col: int = 0) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.line = line
        self.col = col


@dataclass(frozen=True)
class Vector:
    """A converted SVG: a Drawing with its natural size in points."""

    drawing: Drawing
    width: float
    height: float

    def fit_size(self, box_w: float, box_h: float) -> tuple[float, float]:
        scale = min(box_w / self.width, box_h / self.height)
        return self.width * scale, self.height * scale

    def draw(self, canvas: Canvas, x: float, y: float, w: float, h: float) -> None:
        """Draw stretched to `w` × `h` with its lower-left corner at (x, y)."""
        canvas.saveState()
        canvas.translate(x, y)
        canvas.scale(w / self.width, h / self.height)
        draw_drawing(self.drawing, canvas, 0, 0)
        canvas.restoreState()


def draw_drawing(drawing: Drawing, canvas: Canvas, x: float, y: float) -> None:
    """Any ReportLab Drawing (an SVG's, a QR code's) without the unembedded font below."""
    _Renderer().draw(renderScaledDrawing(drawing), canvas, x, y, showBoundary=False)



class _Renderer(renderPDF._PDFRenderer):  # type: ignore[misc]
    """renderPDF without the font it sets as each drawing starts: that default (Helvetica)
    would put an unembedded standard-14 font into every PDF with SVG art, which fails a print
    shop's preflight. Text inside an SVG still sets its own font where it is drawn."""

    def initState(self, x: float, y: float) -> None:
        deltas = self._tracker._combined[-1]
        deltas["transform"] = (*tuple(deltas["transform"])[:4], x, y)
        self._tracker.push(deltas)
        self.applyStateChanges({k: v for k, v in deltas.items()
                                if k not in ("fontName", "fontSize")}, {})


def is_svg(path: Path) -> bool:
    return path.suffix.lower() == ".svg"


def check_svg(path: Path, pos: Pos, field: str, diags: Diagnostics) -> bool:
    """True when `path` is an SVG deckgen will draw; otherwise a diagnostic on the file."""
    try:
        load_svg(path)
    except SvgError as exc:
        where = Pos(path, exc.line, exc.col) if exc.line else Pos(path)
        diags.add(where, field, f"SVG '{path.name}' refused: {exc.message}", exc.hint)
        return False
    return True


def load_svg(path: Path, color: Color | None = None, *, cmyk: bool = False) -> Vector:
    """The SVG at `path` as a vector; `currentColor` becomes `color` (black by default).

    Raises SvgError for anything unsafe or unreadable.
    """
    try:
        stamp = path.stat().st_mtime_ns
    except OSError as exc:
        raise SvgError(f"cannot be read ({exc.strerror or exc})") from None
    key = None if color is None else (type(color).__name__, tuple(_components(color)))
    return _load(path, stamp, key, cmyk)


def _components(color: Color) -> list[float]:
    if isinstance(color, CMYKColor):
        return [color.cyan, color.magenta, color.yellow, color.black]
    return [color.red, color.green, color.blue]


@lru_cache(maxsize=256)
def _load(path: Path, _stamp: int, color_key: tuple[str, tuple[float, ...]] | None,
          cmyk: bool) -> Vector:
    base = _converted(path, _stamp)
    color: Color
    if color_key is None:
        color = CMYKColor(0, 0, 0, 1) if cmyk else Color(0, 0, 0)
    elif color_key[0] == "CMYKColor":
        color = CMYKColor(*color_key[1])
    else:
        color = Color(*color_key[1])
    drawing = copy.deepcopy(base.drawing)  # shapes are recoloured in place
    _recolor(drawing, color, cmyk)
    return Vector(drawing, base.width, base.height)


@lru_cache(maxsize=256)
def _converted(path: Path, _stamp: int) -> Vector:
    with _deadline(TIME_LIMIT):
        root = _parse(path)
        _sanitise(root)
        return _render(root)


def _parse(path: Path) -> Any:
    try:
        size = path.stat().st_size
        if size > MAX_SVG_BYTES:
            raise SvgError(f"the file is {size / 1e6:.1f} MB; the limit is "
                           f"{MAX_SVG_BYTES / 1e6:.0f} MB",
                           "simplify it or export it again without embedded photos")
        data = path.read_bytes()
    except OSError as exc:
        raise SvgError(f"cannot be read ({exc.strerror or exc})") from None
    # A DOCTYPE is where entities (external files, expansion bombs) are declared; an image
    # has no use for one, so it is refused before any parser reads it.
    doctype = re.search(rb"<!DOCTYPE|<!ENTITY", data, re.IGNORECASE)
    if doctype:
        line = data.count(b"\n", 0, doctype.start()) + 1
        col = doctype.start() - (data.rfind(b"\n", 0, doctype.start()) + 1) + 1
        raise SvgError("it has a DOCTYPE; deckgen reads no DTDs or entities",
                       "export it again as plain SVG (no DOCTYPE)", line, col)
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False,
                             load_dtd=False, dtd_validation=False, remove_comments=True,
                             remove_pis=True, recover=False)
    try:
        doc = etree.parse(io.BytesIO(data), parser)
    except etree.XMLSyntaxError as exc:
        line, col = exc.position if exc.position else (0, 0)
        raise SvgError(f"not well-formed XML ({_short(exc.msg or str(exc))})",
                       "open it in a vector editor and export it again as plain SVG",
                       line, col + 1 if line else 0) from None
    if doc.docinfo.doctype or doc.docinfo.internalDTD is not None:
        raise SvgError("it has a DOCTYPE; deckgen reads no DTDs or entities",
                       "export it again as plain SVG (no DOCTYPE)", 1, 1)
    root = doc.getroot()
    if not isinstance(root.tag, str) or etree.QName(root).localname != "svg":
        raise SvgError("the file is not an SVG image (no <svg> root element)",
                       None, root.sourceline or 0, 1)
    return root


def _sanitise(root: Any) -> None:
    """Refuse what could reach outside the file or exhaust memory; drop scripts."""
    # Counted first, in lxml's own loop, so a million-element file is refused in moments.
    for count, el in enumerate(root.iter(), 1):
        if count > MAX_ELEMENTS:
            raise SvgError(f"it has more than {MAX_ELEMENTS:,} elements",
                           "simplify it (fewer nodes) or use a PNG", el.sourceline or 0, 1)
    stack: list[tuple[Any, int]] = [(root, 1)]
    while stack:
        el, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise SvgError(f"its elements nest more than {MAX_DEPTH} deep", None,
                           el.sourceline or 0, 1)
        if el.tag is etree.Entity:
            raise SvgError("it uses XML entities", "export it again as plain SVG",
                           el.sourceline or 0, 1)
        if not isinstance(el.tag, str):
            continue
        local = etree.QName(el).localname
        if local in ("script", "foreignObject"):
            el.getparent().remove(el)  # never drawn by svglib anyway; nothing to keep
            continue
        for name, value in el.attrib.items():
            _check_reference(el, name, value)
        if local == "style" and el.text:
            _check_css(el, el.text)
        if local == "svg" and el is root:
            for side in ("width", "height"):
                _check_side(el, el.get(side))
        stack.extend((child, depth + 1) for child in el)


def _check_reference(el: Any, name: str, value: str) -> None:
    line = el.sourceline or 0
    if name in (XLINK_HREF, "href"):
        target = value.strip()
        if target.startswith("#"):
            return
        match = _DATA_IMAGE.match(target)
        if match:
            _check_embedded(target[match.end():], line)
            return
        raise SvgError(f"it refers to '{_short(target)}' outside the file",
                       "embed the picture in the SVG, or export a self-contained SVG", line, 1)
    if name == "style" or "url(" in value.lower():
        _check_css(el, value)


def _check_css(el: Any, text: str) -> None:
    line = el.sourceline or 0
    if "@import" in text.lower():
        raise SvgError("its style sheet imports another file", "remove the @import", line, 1)
    for target in _URL.findall(text):
        if not target.startswith("#"):
            raise SvgError(f"its style refers to '{_short(target)}' outside the file",
                           "export a self-contained SVG", line, 1)


def _check_embedded(data: str, line: int) -> None:
    try:
        raw = base64.b64decode("".join(data.split()), validate=True)
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(raw)) as img:
                w, h = img.size
    except (binascii.Error, ValueError, OSError, Image.DecompressionBombError,
            Image.DecompressionBombWarning):
        raise SvgError("an embedded picture is not a readable PNG or JPEG", None,
                       line, 1) from None
    if w * h > MAX_EMBEDDED_PIXELS:
        raise SvgError(f"an embedded picture is {w}×{h} pixels, far more than print needs",
                       "resize it before embedding", line, 1)


_LENGTH = re.compile(r"^\s*([0-9.eE+-]+)\s*(px|pt|mm|cm|in|pc|em|ex|%)?\s*$")
_PX = {"px": 1.0, "pt": 4 / 3, "mm": 96 / 25.4, "cm": 96 / 2.54, "in": 96.0, "pc": 16.0,
       "em": 16.0, "ex": 8.0}


def _check_side(el: Any, value: str | None) -> None:
    if value is None:
        return
    match = _LENGTH.match(value)
    if match is None or match.group(2) == "%":
        return  # svglib falls back to the viewBox; its size is checked after conversion
    try:
        px = float(match.group(1)) * _PX.get(match.group(2) or "px", 1.0)
    except ValueError:
        return
    if not 0 < px <= MAX_SIDE:
        raise SvgError(f"its size '{_short(value)}' is absurd",
                       "give width and height of a few hundred px, or none", el.sourceline or 0,
                       1)


def _render(root: Any) -> Vector:
    from svglib.svglib import SvgRenderer

    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        for attr in ("fill", "stroke", "color", "stop-color"):
            if el.get(attr) == "currentColor":
                el.set(attr, _CURRENT)
        if el.get("style") and "currentColor" in el.get("style"):
            el.set("style", el.get("style").replace("currentColor", _CURRENT))
    # svglib resolves currentColor through `color`; give the root one so inherited uses match.
    if root.get("color") is None:
        root.set("color", _CURRENT)
    level = _log.level
    _log.setLevel(logging.CRITICAL)  # its complaints about unsupported features are not ours
    try:
        # A source that is not a path makes svglib refuse every external reference itself too.
        drawing = SvgRenderer(io.BytesIO(b"")).render(root)
    except SvgError:
        raise
    except Exception as exc:  # svglib raises many kinds of errors on odd files
        raise SvgError(f"it cannot be converted ({type(exc).__name__})",
                       "export it again as plain SVG") from None
    finally:
        _log.setLevel(level)
    if drawing is None:
        raise SvgError("it cannot be converted", "export it again as plain SVG",
                       root.sourceline or 1, 1)
    width, height = float(drawing.width), float(drawing.height)
    if not (0 < width <= MAX_SIDE and 0 < height <= MAX_SIDE):
        raise SvgError(f"its size ({width:g} × {height:g}) is absurd or empty",
                       "give it a viewBox and a width and height of a few hundred px",
                       root.sourceline or 1, 1)
    return Vector(drawing, width, height)


def _recolor(node: Any, color: Color, cmyk: bool) -> None:
    """Give currentColor its colour and, for CMYK builds, turn every colour into CMYK."""
    if isinstance(node, (Group, Drawing)):
        for child in node.contents:
            _recolor(child, color, cmyk)
        return
    if not isinstance(node, Shape):
        return
    for attr in ("fillColor", "strokeColor"):
        value = getattr(node, attr, None)
        if not isinstance(value, Color):
            continue
        if _is_current(value):
            new: Color = color
        elif cmyk and not isinstance(value, CMYKColor):
            new = _to_cmyk(value)
        else:
            continue
        alpha = getattr(value, "alpha", 1)
        if alpha != 1:
            new = new.clone(alpha=alpha)
        setattr(node, attr, new)


def _is_current(value: Color) -> bool:
    if isinstance(value, CMYKColor):
        return False
    rgb = (value.red, value.green, value.blue)
    return all(abs(a - b) < 1e-3 for a, b in zip(rgb, _CURRENT_RGB, strict=True))


def _to_cmyk(value: Color) -> CMYKColor:
    # Full black generation, as deckgen converts every other colour and image.
    r, g, b = value.red, value.green, value.blue
    top = max(r, g, b)
    if top <= 0:
        return CMYKColor(0, 0, 0, 1)
    return CMYKColor((top - r) / top, (top - g) / top, (top - b) / top, 1 - top)


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 60 else text[:59] + "…"


@contextmanager
def _deadline(seconds: float) -> Iterator[None]:
    """Abort the block with SvgError after `seconds` of wall-clock time.

    Size, element and depth limits already bound the work; this is the last line of defence
    against a file that is small but slow to convert. Signals only reach the main thread, so
    elsewhere (a worker thread) the limits above are what protect us.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    started = time.monotonic()

    def expire(_signum: int, _frame: FrameType | None) -> None:
        raise SvgError(f"converting it took longer than {seconds:g} s",
                       "simplify it or use a PNG")

    previous = signal.signal(signal.SIGALRM, expire)
    remaining = signal.setitimer(signal.ITIMER_REAL, seconds)[0]
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if remaining:  # an outer timer was running: give it back what is left of it
            signal.setitimer(signal.ITIMER_REAL,
                             max(remaining - (time.monotonic() - started), 0.001))

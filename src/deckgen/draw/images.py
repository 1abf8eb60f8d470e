"""Images: logos and icons resampled to what print needs at their placed size."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any, Protocol

from PIL import Image, ImageChops, ImageMath
from reportlab.lib.colors import Color as RLColor
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from deckgen.svg import load_svg

PRINT_DPI = 300
# Keep a little headroom so a logo placed slightly larger elsewhere (the workbook) stays crisp.
HEADROOM = 1.25


@dataclass(frozen=True)
class PreparedImage:
    image: Image.Image  # RGB, RGBA, L or (for CMYK output) CMYK
    source_px: tuple[int, int]
    alpha: Image.Image | None = None  # transparency of a CMYK image, kept as a soft mask

    def fit_size(self, box_w: float, box_h: float) -> tuple[float, float]:
        """The largest size, in points, with the image's aspect ratio inside the box."""
        w, h = self.image.size
        scale = min(box_w / w, box_h / h)
        return w * scale, h * scale

    def draw(self, canvas: Canvas, x: float, y: float, w: float, h: float) -> None:
        canvas.drawImage(self._reader, x, y, w, h, mask="auto")

    @cached_property
    def _reader(self) -> ImageReader:
        # One reader per prepared image: ReportLab then embeds it once however often it is drawn.
        return self.reader()

    def reader(self) -> ImageReader:
        """A ReportLab image; draw it with mask="auto" to keep its transparency."""
        if self.alpha is not None:
            return _MaskedReader(self.image, self.alpha)
        return ImageReader(self.image)


class _MaskedReader(ImageReader):  # type: ignore[misc]  # ReportLab is untyped
    """A CMYK image with an alpha channel, which ReportLab only supports for RGBA and LA."""

    def __init__(self, image: Image.Image, alpha: Image.Image) -> None:
        super().__init__(image)
        self._alpha = alpha

    def getRGBData(self) -> Any:
        data = super().getRGBData()
        self._dataA = ImageReader(self._alpha)
        return data


class Art(Protocol):
    """A picture ready to place: a resampled raster image or an SVG drawn as vectors."""

    def fit_size(self, box_w: float, box_h: float) -> tuple[float, float]: ...

    def draw(self, canvas: Canvas, x: float, y: float, w: float, h: float) -> None: ...


def placed_art(path: Path, box_w: float, box_h: float, *, cmyk: bool = False,
               color: RLColor | None = None) -> Art:
    """The picture at `path` for a box of `box_w` × `box_h` points.

    An SVG stays vector (its `currentColor` painted in `color`); PNG and JPEG are resampled for
    print. Raises SvgError or an OSError for files the loader would have refused.
    """
    if path.suffix.lower() == ".svg":
        return load_svg(path, color, cmyk=cmyk)
    return prepared_image(path, box_w, box_h, cmyk=cmyk)


def prepared_image(path: Path, box_w: float, box_h: float, *, cmyk: bool = False,
                   ) -> PreparedImage:
    return _prepare(path, round(box_w, 1), round(box_h, 1), path.stat().st_mtime_ns, cmyk)


@lru_cache(maxsize=64)
def _prepare(path: Path, box_w: float, box_h: float, _mtime: int, cmyk: bool) -> PreparedImage:
    with Image.open(path) as src:
        src.load()
        image = src.convert("RGBA") if src.mode in ("P", "LA", "RGBA", "PA") else src.convert(
            "RGB")
    source = image.size
    scale = min(box_w / image.size[0], box_h / image.size[1])  # points per pixel at fit
    placed_in = (image.size[0] * scale / 72, image.size[1] * scale / 72)
    target = (max(1, round(placed_in[0] * PRINT_DPI * HEADROOM)),
              max(1, round(placed_in[1] * PRINT_DPI * HEADROOM)))
    if target[0] < image.size[0]:
        image = image.resize(target, Image.Resampling.LANCZOS)
    prepared = PreparedImage(image, source)
    return _as_cmyk(prepared) if cmyk else prepared


def _as_cmyk(prepared: PreparedImage) -> PreparedImage:
    """The image in DeviceCMYK, converted as vector colours are (full black generation).

    Transparency stays a soft mask, so a logo sits on whatever colour is behind it.
    """
    image = prepared.image
    alpha = image.getchannel("A") if image.mode == "RGBA" else None
    return PreparedImage(rgb_to_cmyk(image), prepared.source_px, alpha)


def rgb_to_cmyk(image: Image.Image) -> Image.Image:
    """DeviceCMYK by formula, full black generation (no CMYK profile we may ship exists)."""
    r, g, b = image.convert("RGB").split()
    top = ImageChops.lighter(ImageChops.lighter(r, g), b)  # max(r, g, b) = 255 × (1 − K)
    # C = (1 − R − K) / (1 − K) = (max − R) / max, and likewise M and Y.
    channels = [ImageMath.lambda_eval(_ink, top=top, ch=ch) for ch in (r, g, b)]
    k = ImageChops.invert(top)
    return Image.merge("CMYK", (*channels, k))


def limit_ink(image: Image.Image, limit: float) -> Image.Image:
    """A CMYK image whose pixels each carry at most `limit` % ink: colour comes out of C, M
    and Y in proportion, K (the detail) stays."""
    c, m, y, k = image.split()
    cap = limit * 255 / 100
    cmy = ImageMath.lambda_eval(lambda e: e["float"](e["c"]) + e["m"] + e["y"], c=c, m=m, y=y)

    def scaled(e: dict[str, Any]) -> Any:
        room = e["max"](e["min"](cap - e["k"], e["cmy"]), 0)
        # Conversion truncates, so the sum never creeps back over the limit.
        return e["convert"](e["float"](e["ch"]) * room / e["max"](e["cmy"], 1), "L")

    out = [ImageMath.lambda_eval(scaled, ch=ch, k=k, cmy=cmy) for ch in (c, m, y)]
    return Image.merge("CMYK", (*out, k))


def _ink(e: dict[str, Any]) -> Any:
    top = e["float"](e["top"])
    return e["convert"]((top - e["ch"]) * 255 / e["max"](top, 1), "L")

"""Photos on cards: cropped and resampled to print resolution once, cached by content.

A 12-megapixel photo on a poker card is ten times more pixels than print can show. Each photo
is decoded once (with JPEG draft mode, which lets the decoder skip detail it would throw away),
cropped to what shows, resampled to PRINT_DPI at its placed size (never up), and saved as a
JPEG in a cache folder keyed by the file's content. ReportLab embeds such a JPEG as it is, so
the PDF holds each photo once, at print size, and a second build of an unchanged deck decodes
nothing. The cache lives outside build/ (`$XDG_CACHE_HOME/deckgen/photos`, else
`~/.cache/deckgen/photos`) and may be deleted at any time.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from PIL import Image
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from deckgen.images import PreparedImage, _as_cmyk

PRINT_DPI = 300
LOW_DPI = 200  # below this where it is placed, a photo looks soft in print: warn
JPEG_QUALITY = 90


@dataclass(frozen=True)
class Photo:
    """A photo ready to draw at one placed size."""

    file: Path  # in the cache folder
    placed: tuple[float, float]  # points
    pixels: tuple[int, int]
    has_alpha: bool
    cmyk: bool

    @property
    def ppi(self) -> float:
        return self.pixels[0] / (self.placed[0] / 72) if self.placed[0] else 0.0

    def draw(self, canvas: Canvas, x: float, y: float) -> None:
        w, h = self.placed
        if self.cmyk:
            # ReportLab cannot pass a CMYK JPEG through reliably; it gets the pixels instead.
            canvas.drawImage(_cmyk_reader(self.file), x, y, w, h)
        elif self.has_alpha:
            canvas.drawImage(str(self.file), x, y, w, h, mask="auto")
        else:
            canvas.drawImage(str(self.file), x, y, w, h)


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "deckgen" / "photos"


def photo(path: Path, box_w: float, box_h: float, *, cover: bool,
          anchor: tuple[float, float] = (0.5, 0.5), cmyk: bool = False) -> Photo:
    """`path` placed in a box of `box_w` × `box_h` points: whole (contain) or filling it (cover).

    With cover, what falls outside the box is cropped away before resampling, on the side
    `anchor` (0 = left/bottom, 1 = right/top) leaves out.
    """
    stat = path.stat()
    digest = _digest(path, stat.st_mtime_ns, stat.st_size)
    return _photo(path, digest, round(box_w, 2), round(box_h, 2), cover, anchor, cmyk)


@lru_cache(maxsize=4096)
def _digest(path: Path, mtime: int, size: int) -> str:
    """The file's content hash, remembered (like git's index) by path, size and mtime.

    Hashing 150 phone photos reads half a gigabyte; an unchanged file is looked up instead.
    """
    stamp = hashlib.sha256(f"{path.resolve()}|{size}|{mtime}".encode()).hexdigest()[:32]
    note = cache_dir() / "index" / stamp
    try:
        known = note.read_text(encoding="ascii")
        if len(known) == 32:
            return known
    except (OSError, UnicodeDecodeError):
        pass
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    digest = h.hexdigest()[:32]
    try:
        note.parent.mkdir(parents=True, exist_ok=True)
        note.write_text(digest, encoding="ascii")
    except OSError:
        pass  # a read-only cache only costs the hashing next time
    return digest


@lru_cache(maxsize=512)
def _photo(path: Path, digest: str, box_w: float, box_h: float, cover: bool,
           anchor: tuple[float, float], cmyk: bool) -> Photo:
    with Image.open(path) as img:
        width, height = img.size
        has_alpha = img.mode in ("RGBA", "LA", "PA") or "transparency" in img.info
        crop = _crop(width, height, box_w, box_h, cover, anchor)
        cw, ch = crop[2] - crop[0], crop[3] - crop[1]
        placed = (box_w, box_h) if cover else _contain(cw, ch, box_w, box_h)
        target = (min(cw, max(1, round(placed[0] / 72 * PRINT_DPI))),
                  min(ch, max(1, round(placed[1] / 72 * PRINT_DPI))))
        suffix = ".png" if has_alpha else ".jpg"
        key = f"{digest}-{crop[0]}-{crop[1]}-{cw}x{ch}-{target[0]}x{target[1]}"
        file = cache_dir() / f"{key}{'-cmyk' if cmyk else ''}{suffix}"
        if not file.exists():
            _write(img, crop, target, file, has_alpha, cmyk)
    return Photo(file, placed, target, has_alpha, cmyk)


def _crop(width: int, height: int, box_w: float, box_h: float, cover: bool,
          anchor: tuple[float, float]) -> tuple[int, int, int, int]:
    if not cover or box_w <= 0 or box_h <= 0:
        return 0, 0, width, height
    want = box_w / box_h
    if width / height > want:  # too wide: trim the sides
        cw = max(1, round(height * want))
        x0 = round((width - cw) * anchor[0])
        return x0, 0, x0 + cw, height
    ch = max(1, round(width / want))
    y0 = round((height - ch) * (1 - anchor[1]))  # image rows run top down
    return 0, y0, width, y0 + ch


def _contain(cw: int, ch: int, box_w: float, box_h: float) -> tuple[float, float]:
    scale = min(box_w / cw, box_h / ch)
    return cw * scale, ch * scale


def _write(img: Image.Image, crop: tuple[int, int, int, int], target: tuple[int, int],
           file: Path, has_alpha: bool, cmyk: bool) -> None:
    width, height = img.size
    cw, ch = crop[2] - crop[0], crop[3] - crop[1]
    if img.format == "JPEG":
        # Draft mode decodes at 1/2, 1/4 or 1/8 size when that still leaves enough pixels.
        img.draft("RGB", (max(1, target[0] * width // cw), max(1, target[1] * height // ch)))
    fx, fy = img.size[0] / width, img.size[1] / height
    box = (crop[0] * fx, crop[1] * fy, crop[2] * fx, crop[3] * fy)
    mode = "RGBA" if has_alpha else "RGB"
    out = img.convert(mode) if img.mode != mode else img
    out = out.resize(target, Image.Resampling.LANCZOS, box=box)
    file.parent.mkdir(parents=True, exist_ok=True)
    # Written aside and renamed, so a build killed midway never leaves half a photo cached.
    fd, tmp = tempfile.mkstemp(dir=file.parent, suffix=file.suffix)
    try:
        with os.fdopen(fd, "wb") as f:
            if has_alpha:
                out.save(f, "PNG", optimize=False)
            else:
                out.save(f, "JPEG", quality=JPEG_QUALITY, optimize=True)
        os.replace(tmp, file)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@lru_cache(maxsize=8)
def _cmyk_reader(file: Path) -> ImageReader:
    with Image.open(file) as img:
        img.load()
        prepared = _as_cmyk(PreparedImage(img.convert("RGBA" if img.mode == "RGBA" else "RGB"),
                                          img.size))
    return prepared.reader()

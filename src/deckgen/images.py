"""Images: logos and icons resampled to what print needs at their placed size."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from PIL import Image

PRINT_DPI = 300
# Keep a little headroom so a logo placed slightly larger elsewhere (the workbook) stays crisp.
HEADROOM = 1.25


@dataclass(frozen=True)
class PreparedImage:
    image: Image.Image
    source_px: tuple[int, int]

    def fit_size(self, box_w: float, box_h: float) -> tuple[float, float]:
        """The largest size, in points, with the image's aspect ratio inside the box."""
        w, h = self.image.size
        scale = min(box_w / w, box_h / h)
        return w * scale, h * scale


def prepared_image(path: Path, box_w: float, box_h: float) -> PreparedImage:
    return _prepare(path, round(box_w, 1), round(box_h, 1), path.stat().st_mtime_ns)


@lru_cache(maxsize=64)
def _prepare(path: Path, box_w: float, box_h: float, _mtime: int) -> PreparedImage:
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
    return PreparedImage(image, source)

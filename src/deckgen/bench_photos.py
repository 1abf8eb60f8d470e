"""Benchmark: a deck with its own 12-megapixel JPEG photo on every card (issue 12, "Speed").

Figures, each against what cannot be avoided:
- cold: the print-shop PDF with an empty photo cache, against decoding and resampling each
  photo once (draft mode, as deckgen does) plus the same build without photos;
- warm: the same build again (photos come from the cache), against the build without photos;
- size: the PDF against the photos saved once as JPEG at their print resolution;
- memory: the cold build's peak against the build without photos.
"""

from __future__ import annotations

import io
import os
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import yaml
from PIL import Image, ImageDraw

from deckgen.bench import Result, _fresh, _peak_mb, synthetic_deck

MEGAPIXELS = (4000, 3000)
# A photo per card, full bleed, under everything else on the face. The card value it reads is
# the subtitle until decks declare their own `photo` field.
LAYOUT = """\
photo:
  extends: standard
  remove: [subtitle]
  elements:
    rule: {after: title}
    photo: {kind: image, field: subtitle, fit: cover, bleed: true, top: 0, bottom: 0,
            left: 0, right: 0, order: -10}
"""


def photo_deck(folder: Path, cards: int, *, photos: bool) -> Path:
    synthetic_deck(folder, cards)
    path = folder / "cards" / "cards.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for i, card in enumerate(data["cards"]):
        card["layout"] = "photo"
        card["subtitle"] = f"photos/{i:04d}.jpg" if photos else ""
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    (folder / "layouts").mkdir(exist_ok=True)
    layout = LAYOUT if photos else LAYOUT.split("    photo: {")[0]  # the same, minus the photo
    (folder / "layouts" / "cards.yaml").write_text(layout, encoding="utf-8")
    return folder


def make_photos(folder: Path, count: int) -> None:
    """`count` distinct 12-megapixel JPEGs, like a phone's (quality 90)."""
    folder.mkdir(parents=True, exist_ok=True)
    base = Image.linear_gradient("L").resize(MEGAPIXELS).convert("RGB")
    for i in range(count):
        img = base.copy()
        draw = ImageDraw.Draw(img)
        hue = (i * 37) % 255
        draw.ellipse((400 + i % 7 * 300, 300, 2400 + i % 7 * 300, 2300), fill=(hue, 120, 200))
        for k in range(0, MEGAPIXELS[0], 97):
            draw.line((k, 0, (k * 7 + i * 13) % MEGAPIXELS[0], MEGAPIXELS[1]),
                      fill=(200, hue, 60), width=5)
        img.save(folder / f"{i:04d}.jpg", quality=90)


def _build_print_shop(deck_dir: str, out_dir: str) -> Result:
    from deckgen.outputs.build import build
    from deckgen.outputs.files import BuildOptions

    started = time.perf_counter()
    build(Path(deck_dir), Path(out_dir), replace(BuildOptions(), outputs=("print-shop",)))
    return time.perf_counter() - started, _peak_mb()


def _unavoidable(photo_dir: str, target: tuple[int, int]) -> tuple[float, int]:
    """Seconds to decode and resample every photo once, and their bytes saved as JPEG once."""
    from deckgen.draw.photos import JPEG_QUALITY

    seconds = 0.0
    size = 0
    for path in sorted(Path(photo_dir).glob("*.jpg")):
        started = time.perf_counter()
        with Image.open(path) as img:
            img.draft("RGB", target)
            small = img.convert("RGB").resize(target, Image.Resampling.LANCZOS)
        seconds += time.perf_counter() - started
        out = io.BytesIO()
        small.save(out, "JPEG", quality=JPEG_QUALITY)
        size += out.tell()
    return seconds, size


def run(cards: int = 150) -> None:
    from deckgen.units import mm

    print(f"\nphotos: {cards} cards, each with its own {MEGAPIXELS[0] * MEGAPIXELS[1] / 1e6:.0f}"
          "-megapixel JPEG, full bleed; print-shop PDF")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        os.environ["XDG_CACHE_HOME"] = str(root / "cache")  # a cold cache, inherited by children
        started = time.perf_counter()
        with_photos = photo_deck(root / "photos-deck", cards, photos=True)
        # In a child, so this process (whose peak memory every later child starts from, as
        # ru_maxrss survives exec) never holds a 12-megapixel image.
        _fresh(make_photos, with_photos / "photos", cards)
        plain = photo_deck(root / "plain-deck", cards, photos=False)
        print(f"  made the photos in {time.perf_counter() - started:.0f} s")
        # A full-bleed poker card at 300 ppi.
        target = (round((mm(63.5) + 2 * mm(3)) / 72 * 300),
                  round((mm(88.9) + 2 * mm(3)) / 72 * 300))
        decode, jpeg_bytes = _fresh(_unavoidable, str(with_photos / "photos"), target)
        # Builds of about a second vary by a third from run to run on a shared machine: the
        # two compared for the warm ratio are each the fastest of three.
        base, base_peak = min(_fresh(_build_print_shop, str(plain), str(root / f"out-plain{n}"))
                              for n in range(3))
        cold, cold_peak = _fresh(_build_print_shop, str(with_photos), str(root / "out-cold"))
        warm, warm_peak = min(_fresh(_build_print_shop, str(with_photos),
                                     str(root / f"out-warm{n}")) for n in range(3))
        pdf = (root / "out-warm0" / "cards-print-shop.pdf").stat().st_size
        print(f"  decode + resample each photo once: {decode:6.1f} s")
        print(f"  build without photos (best of 3):  {base:6.2f} s, {base_peak:.0f} MB")
        print(f"  cold build (empty photo cache):    {cold:6.1f} s, {cold_peak:.0f} MB  "
              f"= {cold / (decode + base):.2f}× the unavoidable work (target ≤ 1.5×)")
        print(f"  warm build (cached, best of 3):    {warm:6.2f} s, {warm_peak:.0f} MB  "
              f"= {warm / base:.2f}× the build without photos (target ≤ 1.3×)")
        print(f"  print-shop PDF: {pdf / 1e6:.1f} MB = {pdf / jpeg_bytes:.2f}× the photos saved "
              f"once as JPEG at print size ({jpeg_bytes / 1e6:.1f} MB; target ≤ 1.3×)")
        print(f"  peak memory: {cold_peak - base_peak:+.0f} MB over the build without photos")

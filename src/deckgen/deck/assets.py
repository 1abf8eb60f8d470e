"""Asset checks: files a deck refers to must exist, stay inside the deck and be usable images."""

from __future__ import annotations

import warnings
from pathlib import Path

from PIL import Image

from deckgen.diagnostics import Diagnostics, Pos

MAX_IMAGE_BYTES = 30_000_000
MAX_IMAGE_PIXELS = 40_000_000  # e.g. 8000 × 5000: far beyond what a card or cover needs
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".svg")


def resolve_asset(root: Path, value: str, pos: Pos, field: str, diags: Diagnostics,
                  suffixes: tuple[str, ...] = IMAGE_SUFFIXES, hint: str | None = None
                  ) -> Path | None:
    """The checked absolute path of an asset named relative to the deck folder `root`.

    `hint` goes with the problems that have no more specific one.
    """
    if not value.strip():
        diags.add(pos, field, "the path is empty", hint)
        return None
    raw = Path(value)
    if raw.is_absolute():
        diags.add(pos, field, f"'{value}' is an absolute path",
                  "put the file in the deck folder (e.g. assets/) and give the path relative to it")
        return None
    try:
        root_real = root.resolve()
        target = (root / raw).resolve()
        inside = target.is_relative_to(root_real)
        exists = inside and target.exists()
        is_file = exists and target.is_file()
    except (OSError, RuntimeError, ValueError) as exc:
        diags.add(pos, field,
                  f"'{printable(value)}' cannot be used as a path ({path_problem(exc)})", hint)
        return None
    if not inside:
        diags.add(pos, field, f"'{value}' points outside the deck folder",
                  "copy the file into the deck folder (e.g. assets/) and refer to it there")
        return None
    if not exists:
        diags.add(pos, field, f"file '{value}' does not exist", _nearby_hint(root / raw))
        return None
    if not is_file:
        diags.add(pos, field, f"'{value}' is not a file", hint)
        return None
    if suffixes and target.suffix.lower() not in suffixes:
        diags.add(pos, field, f"'{value}' has the wrong kind of name",
                  "use a file ending in " + " or ".join(suffixes))
        return None
    return target


def check_image(path: Path, pos: Pos, field: str, diags: Diagnostics) -> bool:
    """True when `path` is a readable PNG or JPEG of sane size, or an SVG deckgen will draw."""
    if path.suffix.lower() == ".svg":
        # Imported here: the model loads no ReportLab unless a deck has an SVG to check.
        from deckgen.svg import check_svg

        return check_svg(path, pos, field, diags)
    try:
        size = path.stat().st_size
        if size > MAX_IMAGE_BYTES:
            limit = f"{MAX_IMAGE_BYTES / 1e6:.0f} MB"
            diags.add(pos, field, f"image is {size / 1e6:.0f} MB; the limit is {limit}",
                      "export it at 300 dpi for its printed size")
            return False
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as img:
                width, height = img.size
                if width * height > MAX_IMAGE_PIXELS:
                    diags.add(pos, field,
                              f"image is {width}×{height} pixels, far more than print needs",
                              "resize it to at most 4000 pixels on its long side")
                    return False
                if img.format not in ("PNG", "JPEG"):
                    diags.add(pos, field, f"image format {img.format} is not supported",
                              "save it as PNG or JPEG")
                    return False
                img.verify()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        diags.add(pos, field, "image is absurdly large", "resize it to at most 4000 pixels")
        return False
    except OSError as exc:
        diags.add(pos, field, f"'{path.name}' is not a readable image ({_reason(exc)})",
                  "export it again as PNG or JPEG")
        return False
    except Exception as exc:  # Pillow raises many kinds of errors on corrupt files
        diags.add(pos, field, f"'{path.name}' is not a readable image ({type(exc).__name__})",
                  "export it again as PNG or JPEG")
        return False
    return True


def path_problem(exc: Exception) -> str:
    """Why the operating system refused a path the user wrote."""
    if isinstance(exc, ValueError):
        return "it contains a NUL character"
    if isinstance(exc, RuntimeError):
        return "a symbolic link loop"
    return exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)


def printable(value: str) -> str:
    """A path as quoted in a message: unprintable characters escaped, long ones cut short."""
    text = "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in value)
    return text if len(text) <= 60 else text[:59] + "…"


def _reason(exc: OSError) -> str:
    text = str(exc)
    return text if len(text) < 80 else text[:77] + "…"


def _nearby_hint(wanted: Path) -> str | None:
    folder = wanted.parent
    try:
        names = [p.name for p in folder.iterdir()] if folder.is_dir() else []
    except OSError:
        return None
    from deckgen.diagnostics import did_you_mean

    hint = did_you_mean(wanted.name, names)
    if hint:
        return hint
    return "paths are relative to the deck folder, e.g. assets/logo.png"

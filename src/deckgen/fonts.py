"""Fonts stage: bundled TrueType families, deck fonts, fallback chains and glyph coverage."""

from __future__ import annotations

import difflib
import hashlib
import struct
import threading
from dataclasses import dataclass, field
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from deckgen.icons import ICON_FONT, is_icon_char
from deckgen.resources import data_dir

__all__ = [
    "BUILTIN_FAMILIES",
    "FontChain",
    "FontError",
    "FontFamily",
    "bundled_name",
    "coverage",
    "default_chain",
    "initial_font",
    "load_family",
    "looks_like_path",
    "unknown_font_hint",
    "vertical_metrics",
]

SOFT_HYPHEN = "\u00ad"

BUILTIN_FAMILIES: tuple[str, ...] = ("Lato", "DejaVu Sans")

# Bundled files per family and style, relative to the fonts folder. DejaVu ships no italic, so
# its italic styles reuse the upright files rather than faking a slant.
_BUNDLED: dict[str, dict[str, str]] = {
    "Lato": {
        "regular": "lato/Lato-Regular.ttf",
        "bold": "lato/Lato-Bold.ttf",
        "italic": "lato/Lato-Italic.ttf",
        "bold_italic": "lato/Lato-BoldItalic.ttf",
        "black": "lato/Lato-Black.ttf",
    },
    "DejaVu Sans": {
        "regular": "dejavu/DejaVuSans.ttf",
        "bold": "dejavu/DejaVuSans-Bold.ttf",
        "italic": "dejavu/DejaVuSans.ttf",
        "bold_italic": "dejavu/DejaVuSans-Bold.ttf",
        "black": "dejavu/DejaVuSans-Bold.ttf",
    },
}

_ALIASES: dict[str, str] = {
    "lato": "Lato",
    "dejavu sans": "DejaVu Sans",
    "dejavusans": "DejaVu Sans",
    "dejavu": "DejaVu Sans",
}

_FONT_SUFFIXES = (".ttf", ".otf", ".ttc", ".otc")

# Sibling file names tried for each style of a deck font, given the regular file's stem with any
# "-Regular" suffix removed; the first that exists wins.
_SIBLINGS: dict[str, tuple[str, ...]] = {
    "bold": ("{}-Bold", "{}Bold", "{}_Bold"),
    "italic": ("{}-Italic", "{}Italic", "{}_Italic", "{}-Oblique"),
    "bold_italic": ("{}-BoldItalic", "{}BoldItalic", "{}_BoldItalic", "{}-BoldOblique"),
    "black": ("{}-Black", "{}Black", "{}_Black", "{}-Heavy"),
}
_REGULAR_SUFFIXES = ("-regular", "_regular", "regular", "-roman", "-book")

# ReportLab keeps its own process-wide font registry, so these caches are process-wide too; the
# lock keeps a font from being parsed twice when outputs are built from several threads.
_lock = threading.RLock()
_registered: dict[Path, str] = {}
_coverage: dict[str, frozenset[str]] = {}
_metrics: dict[str, tuple[float, float]] = {}
_families: dict[tuple[str, str], FontFamily] = {}


class FontError(ValueError):
    """A font a deck asks for cannot be used; the message is meant for the deck's author."""


@dataclass(frozen=True)
class FontFamily:
    """Registered ReportLab font names for the styles of one family."""

    name: str
    regular: str
    bold: str
    italic: str
    bold_italic: str
    black: str

    def style(self, bold: bool, italic: bool) -> str:
        """The registered font name for a style."""
        if bold:
            return self.bold_italic if italic else self.bold
        return self.italic if italic else self.regular

    def coverage(self, bold: bool, italic: bool) -> frozenset[str]:
        """Characters the font of that style has glyphs for."""
        return coverage(self.style(bold, italic))

    def covers(self, ch: str, bold: bool = False, italic: bool = False) -> bool:
        return ch in coverage(self.style(bold, italic))


def _default_fallbacks() -> tuple[FontFamily, ...]:
    return (load_family("DejaVu Sans"),)


@dataclass(frozen=True)
class FontChain:
    """A primary family and the families that supply the glyphs it lacks, in order."""

    primary: FontFamily
    fallbacks: tuple[FontFamily, ...] = field(default_factory=_default_fallbacks)

    @property
    def families(self) -> tuple[FontFamily, ...]:
        return (self.primary, *self.fallbacks)

    def font_for(self, ch: str, bold: bool = False, italic: bool = False) -> str | None:
        """The first family's font of that style that has `ch`, or None when none has it."""
        if is_icon_char(ch):  # an inline :icon: is drawn from the icon set, not a font
            return ICON_FONT
        for family in self.families:
            name = family.style(bold, italic)
            if ch in coverage(name):
                return name
        # Spaces and soft hyphens never need a visible glyph, so they never block a deck.
        if ch.isspace() or ch == SOFT_HYPHEN:
            return self.primary.style(bold, italic)
        return None

    def runs(self, text: str, bold: bool = False, italic: bool = False) -> list[tuple[str, str]]:
        """`text` as (font name, chunk) runs, each chunk in the first family that has it.

        A character no family has stays in the primary font: validation reports it.
        """
        primary = self.primary.style(bold, italic)
        runs: list[tuple[str, str]] = []
        for ch in text:
            name = self.font_for(ch, bold, italic) or primary
            if runs and runs[-1][0] == name:
                runs[-1] = (name, runs[-1][1] + ch)
            else:
                runs.append((name, ch))
        return runs

    def uncovered(self, text: str, bold: bool = False, italic: bool = False) -> list[str]:
        """Distinct characters of `text`, in order of appearance, that no family covers."""
        seen: set[str] = set()
        missing: list[str] = []
        primary = coverage(self.primary.style(bold, italic))
        for ch in text:
            if ch in primary or ch in seen:
                continue
            seen.add(ch)
            if self.font_for(ch, bold, italic) is None:
                missing.append(ch)
        return missing


def coverage(font_name: str) -> frozenset[str]:
    """Characters a font registered through this module has glyphs for."""
    try:
        return _coverage[font_name]
    except KeyError:
        raise KeyError(f"font {font_name!r} was not registered by deckgen.fonts") from None


def vertical_metrics(font_name: str) -> tuple[float, float]:
    """(ascent, descent) of a registered font in ems, both positive.

    These are the hhea line metrics, which type designers set to enclose accented capitals and
    descenders; the OS/2 typographic values ReportLab reports are smaller and would let "É" poke
    out of the top of a text box.
    """
    try:
        return _metrics[font_name]
    except KeyError:
        raise KeyError(f"font {font_name!r} was not registered by deckgen.fonts") from None


def _read_metrics(font: TTFont) -> tuple[float, float]:
    face = font.face
    try:
        hhea = face.get_table("hhea")
        ascender, descender = struct.unpack(">hh", hhea[4:8])
        units = float(face.unitsPerEm)
        if ascender > 0 and units > 0:
            return ascender / units, abs(descender) / units
    except Exception:  # a missing or short hhea table: fall back to what ReportLab parsed
        pass
    return float(face.ascent) / 1000.0, abs(float(face.descent)) / 1000.0


def _register(path: Path, name: str) -> str:
    """Register the TrueType file at `path` under `name` once per process; return the name."""
    path = path.resolve()
    with _lock:
        known = _registered.get(path)
        if known is not None:
            return known
        try:
            with path.open("rb") as fh:
                magic = fh.read(4)
        except OSError as exc:
            raise FontError(f"cannot read font file {path}: {exc.strerror or exc}") from None
        if magic == b"OTTO":
            raise FontError(_cff_message(path))
        if magic == b"ttcf":
            raise FontError(
                f"font file {path} is a font collection; "
                "deckgen needs a single TrueType (.ttf) font"
            )
        try:
            font = TTFont(name, str(path))
        except Exception as exc:  # the parser raises many kinds of errors on damaged files
            if "postscript outlines" in str(exc).lower():
                raise FontError(_cff_message(path)) from None
            raise FontError(
                f"font file {path} is not a readable TrueType (.ttf) font ({exc})"
            ) from None
        if not font.face.charToGlyph:
            raise FontError(f"font file {path} has no Unicode character map")
        pdfmetrics.registerFont(font)
        _coverage[name] = frozenset(chr(code) for code in font.face.charToGlyph if code < 0x110000)
        _metrics[name] = _read_metrics(font)
        _registered[path] = name
        return name


def _cff_message(path: Path) -> str:
    return (
        f"font file {path} uses PostScript (CFF) outlines; deckgen needs TrueType (.ttf) outlines"
    )


def _bundled_family(name: str) -> FontFamily:
    folder = data_dir("fonts")
    files = _BUNDLED[name]
    names = {style: _register(folder / rel, Path(rel).stem) for style, rel in files.items()}
    return FontFamily(name=name, **names)


def _deck_font_name(path: Path) -> str:
    # The absolute path keeps two decks' "Brand.ttf" apart; a digest keeps the name stable from
    # run to run (str hashes are salted per process). The name never reaches the PDF bytes.
    digest = hashlib.sha1(str(path).encode("utf-8")).hexdigest()[:8]
    return f"{path.stem}-{digest}"


def _family_from_file(path: Path) -> FontFamily:
    if not path.is_file():
        hint = " (it is a folder)" if path.is_dir() else ""
        raise FontError(f"font file {path} not found{hint}")
    stem = path.stem
    base = stem
    for suffix in _REGULAR_SUFFIXES:
        if stem.lower().endswith(suffix) and len(stem) > len(suffix):
            base = stem[: -len(suffix)]
            break
    # Case-insensitive sibling lookup so "brand-bold.ttf" is found next to "Brand.ttf";
    # sorted so the choice does not depend on directory order.
    siblings = {
        p.name.lower(): p for p in sorted(path.parent.iterdir()) if p.is_file() and p != path
    }
    regular = _register(path, _deck_font_name(path))
    styles: dict[str, str] = {}
    for style, patterns in _SIBLINGS.items():
        for pattern in patterns:
            candidate = siblings.get(pattern.format(base).lower() + path.suffix.lower())
            if candidate is not None:
                resolved = candidate.resolve()
                styles[style] = _register(resolved, _deck_font_name(resolved))
                break
    bold = styles.get("bold", regular)
    italic = styles.get("italic", regular)
    bold_italic = styles.get("bold_italic", bold if "bold" in styles else italic)
    black = styles.get("black", bold)
    return FontFamily(
        name=base, regular=regular, bold=bold, italic=italic, bold_italic=bold_italic, black=black
    )


def _normalise(spec: str) -> str:
    return " ".join(spec.strip().lower().replace("-", " ").replace("_", " ").split())


def looks_like_path(spec: str) -> bool:
    """Whether a font value names a file rather than a bundled family."""
    return "/" in spec or "\\" in spec or spec.lower().endswith(_FONT_SUFFIXES)


def load_family(spec: str, base_dir: Path | None = None) -> FontFamily:
    """A bundled family by name, or a deck's .ttf file (relative to `base_dir`) and its siblings.

    Raises FontError with a message for the deck's author when the font cannot be used.
    """
    spec = spec.strip()
    if not spec:
        raise FontError(f"empty font name; bundled fonts are: {', '.join(BUILTIN_FAMILIES)}")
    if looks_like_path(spec):
        path = Path(spec)
        if not path.is_absolute():
            path = (base_dir if base_dir is not None else Path.cwd()) / path
        path = path.resolve()
        key = ("file", str(path))
        with _lock:
            family = _families.get(key)
            if family is None:
                family = _families[key] = _family_from_file(path)
        return family
    canonical = bundled_name(spec)
    if canonical is None:
        guess = _closest_bundled(spec)
        lead = f"; did you mean {guess!r}? " if guess else ". "
        raise FontError(f"unknown font {spec!r}{lead}{_BUNDLED_OR_PATH}")
    key = ("builtin", canonical)
    with _lock:
        family = _families.get(key)
        if family is None:
            family = _families[key] = _bundled_family(canonical)
    return family


def bundled_name(spec: str) -> str | None:
    """The bundled family that `spec` names (in any case or spacing), or None for a path."""
    if looks_like_path(spec):
        return None
    norm = _normalise(spec)
    return _ALIASES.get(norm) or _ALIASES.get(norm.replace(" ", ""))


_BUNDLED_OR_PATH = (
    f"Bundled fonts: {', '.join(BUILTIN_FAMILIES)}; or give the path of a .ttf file in the deck "
    "folder"
)


def unknown_font_hint(spec: str) -> str:
    """What to write instead of a font name that is neither bundled nor a file."""
    guess = _closest_bundled(spec)
    return f"did you mean {guess!r}? {_BUNDLED_OR_PATH}" if guess else _BUNDLED_OR_PATH


def _closest_bundled(spec: str) -> str | None:
    close = difflib.get_close_matches(_normalise(spec), list(_ALIASES), n=1, cutoff=0.6)
    return _ALIASES[close[0]] if close else None


def default_chain(heading_or_body: str | None = None, base_dir: Path | None = None) -> FontChain:
    """Primary Lato (or the given family), falling back to DejaVu Sans for missing glyphs."""
    primary = load_family(heading_or_body or "Lato", base_dir)
    dejavu = load_family("DejaVu Sans")
    fallbacks = () if primary == dejavu else (dejavu,)
    return FontChain(primary=primary, fallbacks=fallbacks)


def initial_font() -> str:
    """A bundled font to pass as ReportLab's `Canvas(initialFontName=...)`.

    A canvas otherwise starts every page with unembedded Helvetica in its resources even when
    no text is ever set in it.
    """
    return load_family("Lato").regular

"""Units and colours: parse lengths (mm, cm, in, pt) and colours (#RRGGBB, cmyk())."""

from __future__ import annotations

import re
from dataclasses import dataclass

MM = 72.0 / 25.4
_FACTORS = {"mm": MM, "cm": 10 * MM, "in": 72.0, "pt": 1.0}
_LENGTH = re.compile(r"^\s*(-?\d+(?:\.\d+)?|-?\.\d+)\s*(mm|cm|in|pt)?\s*$")

CARD_SIZES_MM: dict[str, tuple[float, float]] = {
    "poker": (63.5, 88.9),
    "bridge": (57.15, 88.9),
    "tarot": (70.0, 120.0),
    "mini": (44.0, 63.5),
    "square": (70.0, 70.0),
    "a6": (105.0, 148.0),
}
# The one list of paper sizes, in points (every output and check reads it from here).
PAPER_SIZES: dict[str, tuple[float, float]] = {
    "a4": (210 * MM, 297 * MM),
    "letter": (8.5 * 72.0, 11 * 72.0),
}
PAPER_NAMES = tuple(PAPER_SIZES)


class UnitError(ValueError):
    """A value the user wrote that is not a length or a colour; the message says what is wrong."""


def parse_length(value: str) -> float:
    """Points from '3mm', '0.5in', '12pt', '1cm' or a bare number of millimetres."""
    match = _LENGTH.match(value)
    if not match:
        raise UnitError(f"'{_shown(value)}' is not a length; "
                        "write e.g. 3mm, 0.25in, 8pt or a number of mm")
    number = float(match.group(1))
    return number * _FACTORS[match.group(2) or "mm"]


def _shown(value: str) -> str:
    """A value as quoted in a message: long values are cut short."""
    return value if len(value) <= 40 else value[:39] + "…"


def mm(value: float) -> float:
    return value * MM


def to_mm(points: float) -> float:
    return points / MM


@dataclass(frozen=True)
class Color:
    """A colour as the user gave it; `cmyk` is set when they gave CMYK percentages."""

    rgb: tuple[float, float, float]
    cmyk: tuple[float, float, float, float] | None = None

    @property
    def hex(self) -> str:
        return "#" + "".join(f"{round(c * 255):02X}" for c in self.rgb)

    def luminance(self) -> float:
        def channel(c: float) -> float:
            return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

        r, g, b = (channel(c) for c in self.rgb)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    def contrast(self, other: Color) -> float:
        a, b = sorted((self.luminance(), other.luminance()), reverse=True)
        return (a + 0.05) / (b + 0.05)

    def mix(self, other: Color, t: float) -> Color:
        """`t` of the way from this colour to `other` (used for tints)."""
        rgb = tuple(a + (b - a) * t for a, b in zip(self.rgb, other.rgb, strict=True))
        cmyk = None
        if self.cmyk is not None and other.cmyk is not None:
            cmyk = tuple(a + (b - a) * t for a, b in zip(self.cmyk, other.cmyk, strict=True))
        return Color(rgb, cmyk)  # type: ignore[arg-type]

    def as_cmyk(self) -> tuple[float, float, float, float]:
        if self.cmyk is not None:
            return self.cmyk
        r, g, b = self.rgb
        k = 1 - max(r, g, b)
        if k >= 1:
            return (0.0, 0.0, 0.0, 1.0)
        return ((1 - r - k) / (1 - k), (1 - g - k) / (1 - k), (1 - b - k) / (1 - k), k)


WHITE = Color((1.0, 1.0, 1.0), (0.0, 0.0, 0.0, 0.0))
BLACK = Color((0.0, 0.0, 0.0), (0.0, 0.0, 0.0, 1.0))

_HEX = re.compile(r"^#([0-9a-fA-F]{6})$")
_SHORT_HEX = re.compile(r"^#([0-9a-fA-F]{3})$")
_CMYK = re.compile(r"^cmyk\(\s*([^,()]+),\s*([^,()]+),\s*([^,()]+),\s*([^,()]+)\)$", re.I)


def parse_color(value: str) -> Color:
    value = value.strip()
    if m := _HEX.match(value):
        h = m.group(1)
        return Color(tuple(int(h[i:i + 2], 16) / 255 for i in (0, 2, 4)))  # type: ignore[arg-type]
    if m := _SHORT_HEX.match(value):
        return Color(tuple(int(c * 2, 16) / 255 for c in m.group(1)))  # type: ignore[arg-type]
    if m := _CMYK.match(value):
        parts: list[float] = []
        for raw in m.groups():
            raw = raw.strip().rstrip("%")
            try:
                number = float(raw)
            except ValueError:
                raise UnitError(f"'{_shown(value)}': '{_shown(raw)}' is not a number") from None
            if not 0 <= number <= 100:
                raise UnitError(f"'{_shown(value)}': CMYK values are percentages from 0 to 100")
            parts.append(number / 100)
        c, m_, y, k = parts
        rgb = ((1 - c) * (1 - k), (1 - m_) * (1 - k), (1 - y) * (1 - k))
        return Color(rgb, (c, m_, y, k))
    raise UnitError(
        f"'{_shown(value)}' is not a colour; write #RRGGBB (e.g. \"#1F3A5F\") or cmyk(c, m, y, k)")

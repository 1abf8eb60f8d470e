"""Workbook type: takes the deck's fonts and user text, gives Paragraph markup and canvas strings.

Glyphs a face lacks come from fonts.py's fallback chain, as on the cards.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any
from xml.sax.saxutils import escape

import pyphen
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph

from deckgen.fonts import FontChain, FontError, FontFamily, load_family
from deckgen.model import Deck
from deckgen.text import parse_inline

# Fonts


@dataclass(frozen=True)
class Fonts:
    """Registered font names for the workbook's styles, and the fallback chains behind them."""

    regular: str  # body family
    bold: str
    italic: str
    bold_italic: str
    heading: str  # heading family, bold
    black: str  # heading family, heaviest
    fallback: str  # the first fallback family's regular face (check-box bullets)
    body: FontChain
    # Canvas strings name one font; each name maps to the chain and style that supply its glyphs.
    chains: dict[str, tuple[FontChain, bool, bool]]

    def chain_of(self, font: str) -> tuple[FontChain, bool, bool]:
        return self.chains.get(font, (self.body, False, False))


def deck_fonts(deck: Deck) -> Fonts:
    """The deck's brand fonts (Lato when unset or unusable), with fonts.py's fallback chain."""
    body = FontChain(brand_family(deck, "body"))
    heading = FontChain(brand_family(deck, "heading"))
    primary = heading.primary
    black = FontChain(replace(primary, regular=primary.black, bold=primary.black),
                      heading.fallbacks)
    # Registered under the regular face's name so <b> and <i> in Paragraphs find the family.
    for family in {*body.families, *heading.families}:
        pdfmetrics.registerFontFamily(family.regular, normal=family.regular, bold=family.bold,
                                      italic=family.italic, boldItalic=family.bold_italic)
    b = body.primary
    chains = {b.regular: (body, False, False), b.bold: (body, True, False),
              b.italic: (body, False, True), b.bold_italic: (body, True, True),
              primary.bold: (heading, True, False), primary.black: (black, True, False)}
    return Fonts(regular=b.regular, bold=b.bold, italic=b.italic, bold_italic=b.bold_italic,
                 heading=primary.bold, black=primary.black,
                 fallback=body.fallbacks[0].regular if body.fallbacks else b.regular,
                 body=body, chains=chains)


def brand_family(deck: Deck, role: str) -> FontFamily:
    ref = deck.brand.fonts.get(role)
    if ref is not None:
        try:
            return load_family(ref.spec, ref.base_dir)
        except FontError:
            pass  # the card drawer reports an unusable brand font; the workbook carries on
    return load_family("Lato")


# Text


def plain(text: str) -> str:
    """Text without the inline ** and * markers (for searching and for canvas strings)."""
    return "".join(span.text for span in parse_inline(text))


def first_words(text: str, count: int) -> str:
    return " ".join(plain(text).split()[:count])


def paragraph(text: str, style: ParagraphStyle, fonts: Fonts, *, bold: bool = False,
              italic: bool = False, **kw: Any) -> Paragraph:
    return Paragraph(to_markup(text, fonts, bold=bold, italic=italic), style, **kw)


def to_markup(text: str, fonts: Fonts, *, bold: bool = False, italic: bool = False) -> str:
    """Paragraph markup for user text: escaped, **bold**, *italic*, DejaVu for missing glyphs.

    The markers are read by the card drawer's parser, so the workbook shows the same emphasis as
    the cards and the tags always nest, whatever the markers; `bold`/`italic` apply throughout.
    """
    out = []
    for span in parse_inline(text, bold, italic):
        chunk = _with_fallback(span.text, fonts, span.bold, span.italic)
        if span.italic:
            chunk = f"<i>{chunk}</i>"
        if span.bold:
            chunk = f"<b>{chunk}</b>"
        out.append(chunk)
    return "".join(out).replace("\n", "<br/>")


def _with_fallback(text: str, fonts: Fonts, bold: bool, italic: bool) -> str:
    """Plain text escaped for a Paragraph, each glyph the body face lacks from the chain."""
    primary = fonts.body.primary.style(bold, italic)
    parts = []
    for name, chunk in fonts.body.runs(text, bold, italic):
        if name == primary:
            parts.append(escape(chunk))
            continue
        # <b> and <i> around the tag pick the style, so the tag names the family's regular face.
        family = next(f for f in fonts.body.families if f.style(bold, italic) == name)
        parts.append(f'<font name="{family.regular}">{escape(chunk)}</font>')
    return "".join(parts)


def _runs(text: str, font: str, fonts: Fonts) -> list[tuple[str, str]]:
    """Split text into (font, chunk) runs so that canvas strings never lose a glyph."""
    chain, bold, italic = fonts.chain_of(font)
    return chain.runs(text, bold, italic)


def text_width(text: str, font: str, size: float, fonts: Fonts) -> float:
    runs = _runs(text, font, fonts)
    return float(sum(pdfmetrics.stringWidth(chunk, name, size) for name, chunk in runs))


def draw_text(c: Canvas, x: float, y: float, text: str, font: str, size: float, fonts: Fonts,
              align: str = "left") -> None:
    width = text_width(text, font, size, fonts)
    if align == "center":
        x -= width / 2
    elif align == "right":
        x -= width
    for name, chunk in _runs(text, font, fonts):
        c.setFont(name, size)
        c.drawString(x, y, chunk)
        x += pdfmetrics.stringWidth(chunk, name, size)


def fit_text(text: str, font: str, size: float, width: float, fonts: Fonts) -> str:
    """The text, shortened with an ellipsis when it is wider than `width` (labels on sheets)."""
    if text_width(text, font, size, fonts) <= width:
        return text
    while text and text_width(text + "…", font, size, fonts) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def first_sentence(text: str) -> str:
    match = re.match(r"(.+?[.!?])(\s|$)", text)
    return match.group(1) if match else text


def hyphenation_lang(language: str) -> str:
    """The pyphen dictionary for a deck language ("en": en_US), or "" when pyphen has none."""
    lang = language.replace("-", "_")
    # ReportLab fails on a language pyphen lacks; such a deck's captions break without one.
    return pyphen.language_fallback("en_US" if lang == "en" else lang) or ""

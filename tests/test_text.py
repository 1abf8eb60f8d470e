"""Text: inline markup, line breaking, hyphenation, shrink-to-fit and drawing to PDF."""

from __future__ import annotations

import io
from typing import cast

import pypdfium2 as pdfium
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pypdf import PdfReader
from pypdf.generic import DictionaryObject
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from deckgen.text.fonts import FontChain, default_chain, initial_font
from deckgen.text.typeset import (
    Block,
    Fit,
    Span,
    TextStyle,
    cuts_a_word,
    draw,
    fit,
    parse_inline,
    uncovered,
)

BODY = (
    "Arrives with no history. What would **earn** a second visit? Think about the first "
    "thirty seconds: what do they *see*, what can they skip, and what feels earned?"
)
STANDARD_14 = ("Helvetica", "Times", "Courier", "Symbol", "ZapfDingbats")


@pytest.fixture(scope="module")
def chain() -> FontChain:
    return default_chain()


def spans(s: str, bold: bool = False, italic: bool = False) -> list[tuple[str, str]]:
    """Spans as (text, style) with style one of "", "b", "i", "bi", for short assertions."""
    return [
        (sp.text, ("b" if sp.bold else "") + ("i" if sp.italic else ""))
        for sp in parse_inline(s, bold, italic)
    ]


def assert_within_width(result: Fit, width: float) -> None:
    for line in result.lines:
        for run in line.runs:
            measured = pdfmetrics.stringWidth(run.text, run.font, run.size)
            assert run.x >= -1e-6
            assert run.x + measured <= width + 1e-6, (line.text, run.x + measured, width)


# Inline markup -----------------------------------------------------------------------------


def test_bold_and_italic_markup() -> None:
    assert spans("a **bold** and *italic* word") == [
        ("a ", ""),
        ("bold", "b"),
        (" and ", ""),
        ("italic", "i"),
        (" word", ""),
    ]


def test_nested_markup() -> None:
    assert spans("***both***") == [("both", "bi")]
    assert spans("**bold *and italic***") == [("bold ", "b"), ("and italic", "bi")]
    assert spans("*it **both** it*") == [("it ", "i"), ("both", "bi"), (" it", "i")]


def test_unmatched_markers_stay_literal() -> None:
    assert spans("**never closed") == [("**never closed", "")]
    assert spans("2 * 3 * 4") == [("2 * 3 * 4", "")]
    assert spans("**a*") == [("*", ""), ("a", "i")]
    assert spans("***") == [("***", "")]
    assert spans("") == []


def test_escaped_asterisk_is_literal() -> None:
    assert spans(r"\*not italic\* but *this*") == [("*not italic* but ", ""), ("this", "i")]


def test_base_style_applies_to_every_span() -> None:
    assert parse_inline("Title *with* emphasis", bold=True) == (
        Span("Title ", True, False),
        Span("with", True, True),
        Span(" emphasis", True, False),
    )


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet="ab *\\\n", max_size=30))
def test_markup_never_loses_text(s: str) -> None:
    joined = "".join(sp.text for sp in parse_inline(s))
    assert joined.replace("*", "") == s.replace("\\*", "").replace("*", "")


# Fitting -----------------------------------------------------------------------------------


def test_text_that_fits_keeps_the_full_size(chain: FontChain) -> None:
    result = fit([Block.from_markup(BODY)], TextStyle(chain, 10, 6), 160, 200)
    assert result.fits and result.size == 10
    assert result.text.replace("\n", " ") == BODY.replace("**", "").replace("*", "")
    assert result.height <= 200


def test_small_box_shrinks_text_but_not_below_minimum(chain: FontChain) -> None:
    style = TextStyle(chain, 10, 6)
    roomy = fit([Block.from_markup(BODY)], style, 160, 200)
    tight = fit([Block.from_markup(BODY)], style, 160, 45)
    assert tight.fits
    assert 6 <= tight.size < roomy.size
    assert tight.height <= 45
    assert (tight.size * 4) == int(tight.size * 4)  # quarter-point steps
    assert_within_width(tight, 160)
    # One quarter point more would not have fitted.
    bigger = TextStyle(chain, tight.size + 0.25, tight.size + 0.25)
    assert not fit([Block.from_markup(BODY)], bigger, 160, 45).fits


def test_overflow_is_reported_at_minimum_size(chain: FontChain) -> None:
    result = fit([Block.from_markup(BODY)], TextStyle(chain, 10, 7), 160, 20)
    assert result.size == 7
    assert not result.fits
    assert 0 < result.overflow_lines < len(result.lines)
    assert result.height > 20
    assert_within_width(result, 160)
    # Every word is still there: overflow is reported, never dropped.
    assert result.text.replace("\n", " ") == BODY.replace("**", "").replace("*", "")


def test_max_lines_counts_as_overflow(chain: FontChain) -> None:
    title = [Block.from_markup("A title far too long to fit on only two short lines", bold=True)]
    result = fit(title, TextStyle(chain, 14, 12, max_lines=2), 90, 500)
    assert result.size == 12
    assert result.overflow_lines == len(result.lines) - 2 > 0


def test_long_word_is_hyphenated_in_a_narrow_box(chain: FontChain) -> None:
    result = fit([Block.from_markup("personalization")], TextStyle(chain, 12, 12), 55, 200)
    lines = [line.text for line in result.lines]
    assert len(lines) >= 2
    assert all(line.endswith("-") for line in lines[:-1])
    assert "".join(line.removesuffix("-") for line in lines) == "personalization"
    assert all(len(line.removesuffix("-")) >= 3 for line in lines)
    assert_within_width(result, 55)


def test_existing_hyphen_is_a_break_without_an_extra_hyphen(chain: FontChain) -> None:
    result = fit([Block.from_markup("time-to-first-value")], TextStyle(chain, 12, 12), 60, 200)
    assert "".join(line.text for line in result.lines) == "time-to-first-value"


def test_shrinks_rather_than_cutting_a_word_between_letters(chain: FontChain) -> None:
    # A code has no hyphenation points: it is set smaller rather than cut at some digit.
    result = fit([Block.from_markup("Order 4815162342108")], TextStyle(chain, 16, 8), 80, 200)
    assert result.fits and 8 <= result.size < 16
    assert [line.text for line in result.lines] == ["Order", "4815162342108"]
    assert_within_width(result, 80)
    # When even the minimum size cannot avoid it, the code is cut rather than overflowing.
    cut = fit([Block.from_markup("4815162342108")], TextStyle(chain, 16, 16), 80, 200)
    assert cut.fits and "".join(line.text for line in cut.lines) == "4815162342108"
    assert_within_width(cut, 80)


def test_newlines_break_lines_and_trailing_newline_is_ignored(chain: FontChain) -> None:
    result = fit([Block.from_markup("one\ntwo\n\nfour\n")], TextStyle(chain, 10, 6), 200, 200)
    assert [line.text for line in result.lines] == ["one", "two", "", "four"]


def test_bullets_hang_and_wrapped_lines_align_with_the_text(chain: FontChain) -> None:
    item = Block.from_markup("a list item long enough to wrap onto more lines", bullet="•")
    result = fit([item], TextStyle(chain, 10, 10), 100, 200)
    first, second = result.lines[0], result.lines[1]
    assert first.runs[0].text == "•" and first.runs[0].x == 0
    assert first.text.startswith("a list")
    assert second.runs[0].x == pytest.approx(first.runs[1].x)
    assert second.runs[0].x > 0


def test_blocks_stack_with_their_own_scale_and_spacing(chain: FontChain) -> None:
    blocks = [
        Block.from_markup("Label", bold=True, size_scale=0.8),
        Block.from_markup("Body text", space_before=0.5),
    ]
    result = fit(blocks, TextStyle(chain, 10, 6), 200, 200)
    label, body = result.lines
    assert label.runs[0].size == pytest.approx(8) and body.runs[0].size == 10
    assert body.baseline - label.baseline == pytest.approx(10 * 1.2 + 5)


def test_alignment(chain: FontChain) -> None:
    centred = fit([Block.from_markup("centre")], TextStyle(chain, 10, 6, align="center"), 200, 50)
    right = fit([Block.from_markup("right")], TextStyle(chain, 10, 6, align="right"), 200, 50)
    c, r = centred.lines[0], right.lines[0]
    assert c.left == pytest.approx(200 - c.right)
    assert r.right == pytest.approx(200)


def test_fallback_runs_are_split_by_font(chain: FontChain) -> None:
    result = fit([Block.from_markup("Done ✓ **now**")], TextStyle(chain, 10, 6), 200, 50)
    fonts = [(run.text, run.font) for run in result.lines[0].runs]
    assert fonts == [
        ("Done ", "Lato-Regular"),
        ("✓", "DejaVuSans"),
        (" ", "Lato-Regular"),
        ("now", "Lato-Bold"),
    ]


def test_uncovered_understands_markup(chain: FontChain) -> None:
    assert uncovered("**bold ✓** and 漢", chain) == ["漢"]


@settings(max_examples=60, deadline=None)
@given(
    text=st.text(alphabet="ab cdefghij-\n*✓Ж", max_size=80),
    width=st.floats(min_value=5, max_value=200),
    height=st.floats(min_value=5, max_value=200),
)
def test_fit_respects_minimum_and_width(text: str, width: float, height: float) -> None:
    chain = default_chain()
    result = fit([Block.from_markup(text)], TextStyle(chain, 12, 6), width, height)
    assert 6 <= result.size <= 12
    if not result.fits:
        assert result.size == 6
    else:
        assert result.height <= height + 1e-6
        assert_within_width(result, width)


# Drawing -----------------------------------------------------------------------------------


def render(result: Fit, x: float, top: float, width: float) -> bytes:
    buf = io.BytesIO()
    canvas = Canvas(buf, pagesize=(300, 300), invariant=1, initialFontName=initial_font())
    draw(canvas, result, x, top, width)
    canvas.save()
    return buf.getvalue()


def test_pdf_text_extracts_verbatim_with_embedded_truetype_only(chain: FontChain) -> None:
    text = "Ωμέγα Жизнь café ✓ ★"
    result = fit([Block.from_markup(text)], TextStyle(chain, 12, 6), 250, 50)
    assert len(result.lines) == 1
    pdf = render(result, 20, 280, 250)
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    assert page.extract_text().strip() == text
    resources = cast(DictionaryObject, page["/Resources"])
    font_refs = cast(DictionaryObject, resources["/Font"])
    fonts = [cast(DictionaryObject, ref.get_object()) for ref in font_refs.values()]
    names = sorted(str(font["/BaseFont"]).split("+")[-1] for font in fonts)
    assert names == ["DejaVuSans", "Lato-Regular"]
    for font in fonts:
        assert str(font["/Subtype"]) == "/TrueType"
        assert "/FontFile2" in cast(DictionaryObject, font["/FontDescriptor"])
        assert not str(font["/BaseFont"]).lstrip("/").startswith(STANDARD_14)
    assert render(result, 20, 280, 250) == pdf  # same input, same bytes


def test_drawn_glyphs_stay_inside_the_box(chain: FontChain) -> None:
    x, top, width, height = 40.0, 260.0, 120.0, 60.0
    body = "ÉÅ Ölçü gjpqy **Ärger** *Ĝyp* quality jumping glyphs ÇÃ"
    result = fit([Block.from_markup(body)], TextStyle(chain, 14, 6, align="right"), width, height)
    assert result.fits
    pdf = pdfium.PdfDocument(render(result, x, top, width))
    textpage = pdf[0].get_textpage()
    boxes = [textpage.get_charbox(i) for i in range(textpage.count_chars())]
    inked = [b for b in boxes if b[2] > b[0]]
    assert inked
    for left, bottom, right, upper in inked:
        assert x - 0.01 <= left and right <= x + width + 0.01
        assert top - height - 0.01 <= bottom and upper <= top + 0.01
    assert max(b[2] for b in inked) == pytest.approx(x + width, abs=1.0)  # right-aligned
    pdf.close()


def test_a_word_cut_across_lines_is_told_from_breaks_at_spaces_and_hyphens(
        chain: FontChain) -> None:
    style = TextStyle(chain, 8, 8, lang="de_DE")
    title = "Push-Benachrichtigung bei Lesezeit"
    def set_in(width: float) -> Fit:
        return fit([Block(parse_inline(title, bold=True))], style, width, 200)
    assert not cuts_a_word(set_in(400), title)  # one line
    assert not cuts_a_word(set_in(90), title)  # "Push-Benachrichtigung" / "bei Lesezeit"
    narrow = set_in(40)  # "Benachrichtigung" is wider than 40 pt: it has to be cut
    assert len(narrow.lines) > 2 and cuts_a_word(narrow, title)

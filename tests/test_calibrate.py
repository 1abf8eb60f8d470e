"""Duplex calibration sheet: two pages, embedded fonts, a centred target and a clear sign rule."""

from __future__ import annotations

import io
from pathlib import Path
from typing import cast

import pypdf
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
from pypdf.generic import DictionaryObject

from deckgen.outputs.calibrate import write_calibration
from deckgen.outputs.impose import new_canvas
from deckgen.units import PAPER_SIZES

MM = 72 / 25.4


def calibration(paper: str) -> bytes:
    buf = io.BytesIO()
    write_calibration(buf, paper)
    return buf.getvalue()


def assert_embedded_truetype(page: pypdf.PageObject) -> None:
    """Every font on the page is a TrueType font with its file embedded: no standard 14."""
    resources = cast(DictionaryObject, page["/Resources"].get_object())
    fonts = cast(DictionaryObject, resources["/Font"].get_object())
    assert fonts
    for ref in fonts.values():
        font = cast(DictionaryObject, ref.get_object())
        assert str(font["/Subtype"]) == "/TrueType", font["/BaseFont"]
        descriptor = cast(DictionaryObject, font["/FontDescriptor"].get_object())
        assert "/FontFile2" in descriptor


def cross_centre(pdf: pdfium.PdfDocument, page: int) -> tuple[float, float]:
    """Centre of the horizontal ruler line, the longest thin horizontal stroke on the page."""
    lines = []
    for obj in pdf[page].get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_PATH], max_depth=1):
        left, bottom, right, top = obj.get_bounds()
        if top - bottom < 1 and right - left > 60 * MM:
            lines.append((right - left, (left + right) / 2, (bottom + top) / 2))
    assert lines
    _, x, y = max(lines)
    return x, y


def word_centres(pdf: pdfium.PdfDocument, page: int, word: str) -> list[tuple[float, float]]:
    textpage = pdf[page].get_textpage()
    searcher = textpage.search(word, match_case=True, match_whole_word=True)
    found = []
    while (hit := searcher.get_next()) is not None:
        start, count = hit
        boxes = [textpage.get_charbox(i) for i in range(start, start + count)]
        found.append(
            (
                (min(b[0] for b in boxes) + max(b[2] for b in boxes)) / 2,
                (min(b[1] for b in boxes) + max(b[3] for b in boxes)) / 2,
            )
        )
    return found


@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_two_pages_with_embedded_truetype_fonts_only(paper: str) -> None:
    data = calibration(paper)
    reader = pypdf.PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 2
    for page in reader.pages:
        assert [float(v) for v in page.mediabox] == pytest.approx([0, 0, *PAPER_SIZES[paper]])
        assert_embedded_truetype(page)
    assert calibration(paper) == data


@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_back_cross_lands_on_front_cross_under_either_flip(paper: str) -> None:
    w, h = PAPER_SIZES[paper]
    pdf = pdfium.PdfDocument(calibration(paper))
    fx, fy = cross_centre(pdf, 0)
    bx, by = cross_centre(pdf, 1)
    assert (fx, fy) == pytest.approx((w / 2, h / 2), abs=0.05)
    assert (w - bx, by) == pytest.approx((fx, fy), abs=0.05)  # long-edge flip
    assert (bx, h - by) == pytest.approx((fx, fy), abs=0.05)  # short-edge flip


def test_back_rulers_and_text_state_the_sign_rule() -> None:
    w, h = PAPER_SIZES["a4"]
    pdf = pdfium.PdfDocument(calibration("a4"))
    text = pdf[1].get_textpage().get_text_range()
    assert "--back-offset X,Y" in text
    assert "Right and up are positive" in " ".join(text.split())
    # Ruler numbers read as back_offset does: +x to the right, +y up, on the back page.
    plus = word_centres(pdf, 1, "+10")
    minus = word_centres(pdf, 1, "−10")
    assert len(plus) == len(minus) == 2
    (x_plus,) = [p for p in plus if abs(p[1] - h / 2) < 5 * MM]
    (y_plus,) = [p for p in plus if abs(p[0] - w / 2) < 5 * MM]
    assert x_plus[0] == pytest.approx(w / 2 + 10 * MM, abs=1)
    assert y_plus[1] == pytest.approx(h / 2 + 10 * MM, abs=3)
    assert all(p[0] < w / 2 or p[1] < h / 2 for p in minus)


def test_writes_into_a_given_canvas_without_saving_it(tmp_path: Path) -> None:
    target = tmp_path / "cal.pdf"
    canvas = new_canvas(str(target), "letter")
    write_calibration(canvas, "letter")
    assert canvas.getPageNumber() == 3  # two pages done, a third one open
    assert not target.exists()
    canvas.save()
    assert len(pypdf.PdfReader(target).pages) == 2

"""Home sheets print whole: every mark, label and the scale bar stay where a printer prints."""

from __future__ import annotations

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest

from deckgen.outputs.calibrate import write_calibration
from deckgen.outputs.impose import Duplex, SheetPlan, plan_sheet
from test_impose import BLEED, POKER, build, cards, label_centres

MM = 72 / 25.4


def drawn_outside_block(pdf: pdfium.PdfDocument, page: int, plan: SheetPlan,
                        ) -> list[tuple[float, float, float, float]]:
    """Bounds of every path and text object on the page that is not card art (which overlaps
    the block; its bleed is clipped): crop marks, the sheet label, the scale bar, its caption."""
    x0, y0 = plan.block_x, plan.block_y
    x1, y1 = plan.block_x + plan.block_w, plan.block_y + plan.block_h
    found = []
    for obj in pdf[page].get_objects(
            filter=[pdfium_c.FPDF_PAGEOBJ_PATH, pdfium_c.FPDF_PAGEOBJ_TEXT], max_depth=1):
        left, bottom, right, top = obj.get_bounds()
        if left < x1 and x0 < right and bottom < y1 and y0 < top:
            continue
        found.append((left, bottom, right, top))
    return found


@pytest.mark.parametrize("paper", ["a4", "letter"])
@pytest.mark.parametrize("margin_mm", [5.0, 8.0])
def test_nothing_within_the_printer_margin(paper: str, margin_mm: float) -> None:
    plan = plan_sheet(paper, *POKER, BLEED, printer_margin=margin_mm * MM)
    pdf = pdfium.PdfDocument(build(cards(10), plan, title="Prepersonalization Deck"))
    edge = margin_mm * MM
    texts = 0
    for page in range(len(pdf)):
        found = drawn_outside_block(pdf, page, plan)
        # Marks at both ends of 4 + 4 cut lines, or inner ones, a label, a bar and a caption.
        assert len(found) >= 3
        for left, bottom, right, top in found:
            assert left >= edge - 0.2 and bottom >= edge - 0.2, (paper, page, left, bottom)
            assert right <= plan.paper_w - edge + 0.2 and top <= plan.paper_h - edge + 0.2
        texts += len(list(pdf[page].get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_TEXT], max_depth=1)))
    # Nothing was dropped to make room: each page still shows its label and the bar's caption
    # (the dummy cards add one label each).
    assert texts == 2 * len(pdf) + 2 * 10


def test_letter_marks_the_cut_lines_inside_the_block() -> None:
    """Letter leaves 6.35 mm above and below poker cards: the marks of the vertical cuts are
    ticks along those cuts, inside the block, where a printer still prints them."""
    plan = plan_sheet("letter", *POKER, BLEED)
    pdf = pdfium.PdfDocument(build(cards(9), plan))
    strokes = [o.get_bounds() for o in pdf[0].get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_PATH],
                                                          max_depth=1)]
    top = plan.block_y + plan.block_h
    for x in plan.cut_xs():
        for y_in, y_edge in ((plan.block_y + 1.5 * MM, plan.block_y), (top - 1.5 * MM, top)):
            ticks = [s for s in strokes if s[0] - 0.3 <= x <= s[2] + 0.3 and s[2] - s[0] < 1
                     and s[1] - 0.3 <= y_in <= s[3] + 0.3]
            assert ticks, (x, y_edge)
    # And they show: a dark pixel on each cut line, 1.5 mm inside the top edge of the block.
    scale = 4
    image = pdf[0].render(scale=scale, grayscale=True).to_pil()
    for x in plan.cut_xs():
        px = round(x * scale)
        py = image.height - round((top - 1.5 * MM) * scale)
        near = [image.getpixel((px + dx, py)) for dx in (-2, -1, 0, 1, 2)]
        # A dark hairline with a white halo beside it, whatever colour the card is there.
        assert min(near[1:4]) < 170 and max(near) > 240, (x, near)


@pytest.mark.parametrize("paper", ["a4", "letter"])
@pytest.mark.parametrize("duplex", ["long", "short"])
def test_backs_land_on_fronts_partial_sheets_included(paper: str, duplex: Duplex) -> None:
    plan = plan_sheet(paper, *POKER, BLEED)
    pdf = pdfium.PdfDocument(build(cards(11), plan, duplex=duplex))
    for front_page in (0, 2):
        front, back = label_centres(pdf, front_page), label_centres(pdf, front_page + 1)
        assert len(front) == len(back) > 0
        for name, (bx, by) in back.items():
            flipped = (plan.paper_w - bx, by) if duplex == "long" else (bx, plan.paper_h - by)
            assert flipped == pytest.approx(front["F" + name[1:]], abs=1.5)


@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_calibration_sheet_prints_whole(paper: str, tmp_path: object) -> None:
    import io

    buf = io.BytesIO()
    write_calibration(buf, paper)
    pdf = pdfium.PdfDocument(buf.getvalue())
    for page in range(len(pdf)):
        w, h = pdf[page].get_size()
        for obj in pdf[page].get_objects(max_depth=1):
            left, bottom, right, top = obj.get_bounds()
            assert min(left, bottom, w - right, h - top) >= 5 * MM


def test_sheet_notes_speak_the_decks_language_and_a_long_caption_keeps_its_bar() -> None:
    from deckgen.outputs.marks import LABEL_FONT, _plan_notes, english, register_label_font

    register_label_font(LABEL_FONT)
    plan = plan_sheet("a4", *POKER, BLEED)
    words = {"sheet {sheet}/{sheets} · fronts": "Bogen {sheet}/{sheets} · Vorderseiten"}

    def german(text: str, **values: object) -> str:
        return words.get(text, text).format(**values)

    notes = _plan_notes(plan, "Deck", 3, LABEL_FONT, say=german)
    assert notes.label is not None and notes.bar is not None
    from deckgen.outputs.marks import sheet_label
    assert sheet_label("Deck", 2, 3, "front", notes.say) == "Deck · Bogen 2/3 · Vorderseiten"

    def wordy(text: str, **values: object) -> str:
        return english(text, **values) * (4 if "50 mm" in text else 1)

    # A translated caption too long for any margin: the bar stays, captioned in English.
    notes = _plan_notes(plan, "Deck", 3, LABEL_FONT, say=wordy)
    assert notes.bar is not None and notes.bar_say is english

"""Print-and-play sheets: grid fit, page order, duplex mirroring, marks, notes and form reuse."""

from __future__ import annotations

import gc
import io
import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

import pypdf
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
from pypdf.generic import DictionaryObject
from reportlab.pdfgen.canvas import Canvas

from deckgen.draw.faces import Face
from deckgen.outputs.impose import Duplex, SheetPlan, impose, new_canvas, plan_sheet, sheet_count
from deckgen.units import PAPER_SIZES

MM = 72 / 25.4
POKER = (63.5 * MM, 88.9 * MM)
BRIDGE = (57.15 * MM, 88.9 * MM)
BLEED = 3 * MM
FONT = "Lato-Regular"
COLOURS = [(0.85, 0.2, 0.2), (0.2, 0.6, 0.3), (0.2, 0.3, 0.85), (0.85, 0.65, 0.1)]


@dataclass
class Card:
    """A dummy face: a colour filling the bleed box and a label near the top edge."""

    width: float
    height: float
    bleed: float
    form_key: str | None
    label: str = ""
    color: tuple[float, float, float] | None = None
    detail: int = 0  # extra shapes, to make a face expensive to repeat

    def draw(self, canvas: Canvas, x: float, y: float) -> None:
        b = self.bleed
        if self.color is not None:
            canvas.setFillColorRGB(*self.color)
            canvas.rect(x - b, y - b, self.width + 2 * b, self.height + 2 * b, stroke=0, fill=1)
        for i in range(self.detail):
            canvas.setFillColorRGB(i / self.detail, 0.5, 0.5)
            canvas.circle(x + 10 + i % 40 * 4, y + 20 + i // 40 * 4, 1.5, stroke=0, fill=1)
        if self.label:
            canvas.setFillColorRGB(0, 0, 0)
            canvas.setFont(FONT, 12)
            canvas.drawCentredString(x + self.width / 2, y + self.height - 40, self.label)


def cards(n: int, size: tuple[float, float] = POKER, **back: object) -> list[tuple[Face, Face]]:
    w, h = size
    pairs: list[tuple[Face, Face]] = []
    for i in range(n):
        front = Card(w, h, BLEED, None, f"F{i}", COLOURS[i % len(COLOURS)])
        back_face = Card(w, h, BLEED, None, f"B{i}")
        for key, value in back.items():
            setattr(back_face, key, value)
        pairs.append((front, back_face))
    return pairs


def build(pairs: Sequence[tuple[Face, Face]], plan: SheetPlan, **options: object) -> bytes:
    buf = io.BytesIO()
    canvas = new_canvas(buf, (plan.paper_w, plan.paper_h))
    impose(canvas, pairs, plan, **options)  # type: ignore[arg-type]
    canvas.save()
    return buf.getvalue()


def label_centres(pdf: pdfium.PdfDocument, page: int) -> dict[str, tuple[float, float]]:
    """Centre of every card label ("F3", "B3") on a page, from the PDF's character boxes."""
    textpage = pdf[page].get_textpage()
    words = textpage.get_text_range().split()
    found = {}
    for word in words:
        if len(word) < 2 or word[0] not in "FB" or not word[1:].isdigit():
            continue
        hit = textpage.search(word, match_case=True, match_whole_word=True).get_next()
        assert hit is not None
        start, count = hit
        boxes = [textpage.get_charbox(i) for i in range(start, start + count)]
        left = min(b[0] for b in boxes)
        bottom = min(b[1] for b in boxes)
        right = max(b[2] for b in boxes)
        top = max(b[3] for b in boxes)
        found[word] = ((left + right) / 2, (bottom + top) / 2)
    return found


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


def page_text(pdf: pdfium.PdfDocument, page: int) -> str:
    return str(pdf[page].get_textpage().get_text_range())


# ---------------------------------------------------------------- plan_sheet


@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_poker_is_three_by_three_and_centred(paper: str) -> None:
    plan = plan_sheet(paper, *POKER, BLEED)
    paper_w, paper_h = PAPER_SIZES[paper]
    assert (plan.cols, plan.rows, plan.rotated) == (3, 3, False)
    assert plan.block_x == pytest.approx((paper_w - 3 * POKER[0]) / 2)
    assert plan.block_y == pytest.approx((paper_h - 3 * POKER[1]) / 2)
    # A4 leaves 9.75 mm beside the block: 5 mm stay unprinted, a 2 mm mark (with its stroke)
    # and its clearance leave about 2.2 mm of bleed. Letter leaves 6.35 mm above and below:
    # too little for any outer mark, so those cut lines get inner marks.
    if paper == "a4":
        assert plan.outer_marks("x") and plan.outer_marks("y")
        assert plan.mark_end("x") - plan.mark_start == pytest.approx(2 * MM)
        assert plan.bleed == pytest.approx(2.25 * MM - 0.25)
    else:
        assert plan.outer_marks("x") and not plan.outer_marks("y")
        # The side margins must also hold the scale bar, so the bleed gives way to it.
        assert 1 * MM < plan.bleed < BLEED


def test_letter_dimensions() -> None:
    assert PAPER_SIZES["letter"] == pytest.approx((612, 792))
    assert PAPER_SIZES["a4"] == pytest.approx((210 * MM, 297 * MM))


@pytest.mark.parametrize(
    ("paper", "size", "grid", "rotated"),
    [
        ("a4", (70, 120), (2, 2), False),  # tarot: 4 either way, so it stays upright
        ("letter", (70, 120), (2, 2), False),
        ("a4", (105, 148), (1, 2), True),  # a6: two fit only when turned
        ("letter", (105, 148), (1, 2), True),
        ("a4", (57.15, 88.9), (2, 5), True),  # bridge: 10 turned beat 9 upright
        ("letter", (57.15, 88.9), (3, 3), False),
    ],
)
def test_other_sizes_fit_and_rotate_when_more_fit(
    paper: str, size: tuple[float, float], grid: tuple[int, int], rotated: bool
) -> None:
    w, h = size[0] * MM, size[1] * MM
    plan = plan_sheet(paper, w, h, BLEED)
    assert (plan.cols, plan.rows) == grid
    assert plan.rotated is rotated
    assert (plan.card_w, plan.card_h) == pytest.approx((h, w) if rotated else (w, h))
    paper_w, paper_h = PAPER_SIZES[paper]
    assert plan.block_x >= 5 * MM and plan.block_y >= 5 * MM
    assert 2 * plan.block_x + plan.block_w == pytest.approx(paper_w)
    assert 2 * plan.block_y + plan.block_h == pytest.approx(paper_h)


def test_thin_margin_gets_inner_marks_instead_of_losing_a_row() -> None:
    plan = plan_sheet("a4", *BRIDGE, 3 * MM)  # 5 turned rows leave 5.6 mm above and below
    assert plan.rows * plan.cols == 10
    # 5.6 mm is too little for an outer mark beyond the 5 mm printers leave blank: inner marks
    # there, and the side margins (16.1 mm) keep the full bleed.
    assert not plan.outer_marks("y") and plan.outer_marks("x")
    assert plan.bleed == pytest.approx(3 * MM)
    assert plan.mark_start > plan.bleed
    assert plan.mark_end("x") <= plan.margin_x - 5 * MM + 1e-6


def test_card_larger_than_paper_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="does not fit on a4"):
        plan_sheet("a4", 300 * MM, 400 * MM, BLEED)
    with pytest.raises(ValueError, match="unknown paper"):
        plan_sheet("a3", *POKER, BLEED)


def test_sheet_count() -> None:
    plan = plan_sheet("a4", *POKER, BLEED)
    assert [sheet_count(n, plan) for n in (0, 1, 9, 10, 18, 19)] == [0, 1, 1, 2, 2, 3]


# ---------------------------------------------------------------- pages


@pytest.mark.parametrize(
    ("duplex", "order"),
    [
        ("long", ["F0", "B0", "F9", "B9"]),
        ("short", ["F0", "B0", "F9", "B9"]),
        ("none", ["F0", "F9", "B0", "B9"]),
    ],
)
def test_page_order(duplex: Duplex, order: list[str]) -> None:
    plan = plan_sheet("a4", *POKER, BLEED)
    progress: list[tuple[int, int]] = []
    data = build(cards(10), plan, duplex=duplex, on_sheet=lambda d, t: progress.append((d, t)))
    pdf = pdfium.PdfDocument(data)
    assert len(pdf) == 4
    firsts = [min(label_centres(pdf, p), key=lambda s: int(s[1:])) for p in range(4)]
    assert firsts == order
    assert progress == [(1, 4), (2, 4), (3, 4), (4, 4)]
    for page in pypdf.PdfReader(io.BytesIO(data)).pages:
        assert [float(v) for v in page.mediabox] == pytest.approx([0, 0, *PAPER_SIZES["a4"]])


def test_sheet_labels_and_scale_caption() -> None:
    plan = plan_sheet("a4", *POKER, BLEED)
    pdf = pdfium.PdfDocument(build(cards(10), plan, title="My Deck"))
    assert "My Deck · sheet 1/2 · fronts" in page_text(pdf, 0)
    assert "My Deck · sheet 2/2 · backs" in page_text(pdf, 3)
    assert "this bar is 50 mm" in page_text(pdf, 0)


# ---------------------------------------------------------------- duplex geometry


def test_long_edge_backs_mirror_columns_on_a_partial_sheet() -> None:
    plan = plan_sheet("a4", *POKER, BLEED)
    paper_w, _ = PAPER_SIZES["a4"]
    pdf = pdfium.PdfDocument(build(cards(10), plan, duplex="long"))
    front, back = label_centres(pdf, 2), label_centres(pdf, 3)
    assert set(front) == {"F9"} and set(back) == {"B9"}
    # F9 is alone in the top-left slot; its back must sit top-right, not top-left.
    block_x = (paper_w - 3 * POKER[0]) / 2
    top_row_label_y = plan.block_y + 3 * POKER[1] - 40 + 4
    assert front["F9"][0] == pytest.approx(block_x + POKER[0] / 2, abs=2)
    assert back["B9"][0] == pytest.approx(block_x + 2.5 * POKER[0], abs=2)
    assert back["B9"][1] == pytest.approx(top_row_label_y, abs=4)
    # Flipped about the vertical axis, every back lands on its front.
    front, back = label_centres(pdf, 0), label_centres(pdf, 1)
    assert len(back) == 9
    for i in range(9):
        bx, by = back[f"B{i}"]
        assert (paper_w - bx, by) == pytest.approx(front[f"F{i}"], abs=1.5)


def test_short_edge_backs_mirror_rows() -> None:
    plan = plan_sheet("a4", *POKER, BLEED)
    _, paper_h = PAPER_SIZES["a4"]
    pdf = pdfium.PdfDocument(build(cards(10), plan, duplex="short"))
    for front_page in (0, 2):
        front, back = label_centres(pdf, front_page), label_centres(pdf, front_page + 1)
        assert len(front) == len(back) > 0
        for name, (bx, by) in back.items():
            # The label sits near each face's top, so this also checks the backs are turned
            # to keep the card's top edge on the same physical edge as its front.
            assert (bx, paper_h - by) == pytest.approx(front["F" + name[1:]], abs=1.5)


def test_no_duplex_keeps_back_slots_where_the_fronts_are() -> None:
    plan = plan_sheet("a4", *POKER, BLEED)
    pdf = pdfium.PdfDocument(build(cards(10), plan, duplex="none"))
    front, back = label_centres(pdf, 1), label_centres(pdf, 3)
    assert back["B9"] == pytest.approx(front["F9"], abs=1.5)


@pytest.mark.parametrize("duplex", ["long", "short"])
def test_turned_cards_flip_onto_their_fronts(duplex: Duplex) -> None:
    plan = plan_sheet("a4", *BRIDGE, BLEED)
    assert plan.rotated
    paper_w, paper_h = PAPER_SIZES["a4"]
    pdf = pdfium.PdfDocument(build(cards(3, BRIDGE), plan, duplex=duplex))
    front, back = label_centres(pdf, 0), label_centres(pdf, 1)
    # Turned fronts read with their top to the left: the label is in the slot's left half.
    slot_x, _ = plan.slot(0, "front", duplex)
    assert front["F0"][0] < slot_x + plan.card_w / 2
    for i in range(3):
        bx, by = back[f"B{i}"]
        flipped = (paper_w - bx, by) if duplex == "long" else (bx, paper_h - by)
        assert flipped == pytest.approx(front[f"F{i}"], abs=1.5)


def test_back_offset_moves_back_pages_exactly() -> None:
    plan = plan_sheet("a4", *POKER, BLEED)
    offset = (1.5 * MM, -0.75 * MM)
    plain = pdfium.PdfDocument(build(cards(4), plan))
    moved = pdfium.PdfDocument(build(cards(4), plan, back_offset=offset))
    for name, (x, y) in label_centres(plain, 1).items():
        mx, my = label_centres(moved, 1)[name]
        assert (mx - x, my - y) == pytest.approx(offset, abs=0.01)
    assert label_centres(moved, 0) == label_centres(plain, 0)


# ---------------------------------------------------------------- what gets drawn


def paths(pdf: pdfium.PdfDocument, page: int) -> list[tuple[float, float, float, float]]:
    return [
        obj.get_bounds()
        for obj in pdf[page].get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_PATH], max_depth=1)
    ]


def overlaps(a: Sequence[float], b: Sequence[float]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def mark_at(
    found: list[tuple[float, float, float, float]],
    with_bleed: tuple[float, float, float, float],
    x: float | None,
    y: float | None,
    side: str,
) -> bool:
    """Whether a thin stroke runs along cut line x (or y) on that side of the bled block."""
    for left, bottom, right, top in found:
        if x is not None and left - 0.5 <= x <= right + 0.5 and right - left < 1:
            if side == "below" and top < with_bleed[1]:
                return True
            if side == "above" and bottom > with_bleed[3]:
                return True
        if y is not None and bottom - 0.5 <= y <= top + 0.5 and top - bottom < 1:
            if side == "left" and right < with_bleed[0]:
                return True
            if side == "right" and left > with_bleed[2]:
                return True
    return False


def test_crop_marks_at_every_cut_line_and_nothing_in_the_block() -> None:
    paper = "a4"
    plan = plan_sheet(paper, *POKER, BLEED)
    blank = [(Card(*POKER, BLEED, None), Card(*POKER, BLEED, None)) for _ in range(9)]
    pdf = pdfium.PdfDocument(build(blank, plan, title="Deck"))
    b = plan.bleed
    block = (plan.block_x, plan.block_y, plan.block_x + plan.block_w, plan.block_y + plan.block_h)
    with_bleed = (block[0] - b, block[1] - b, block[2] + b, block[3] + b)
    for page in (0, 1):
        found = paths(pdf, page)
        assert found
        assert not [p for p in found if overlaps(p, with_bleed)]

        for i in range(4):
            x = plan.block_x + i * POKER[0]
            y = plan.block_y + i * POKER[1]
            for side in ("below", "above"):
                assert mark_at(found, with_bleed, x, None, side), (page, "column", i, side)
            for side in ("left", "right"):
                assert mark_at(found, with_bleed, None, y, side), (page, "row", i, side)

    # And they are visible: dark pixels on each cut line just outside the bleed.
    scale = 3
    image = pdf[0].render(scale=scale, grayscale=True).to_pil()
    height = image.height

    def dark_run(x: float, y0: float, y1: float) -> bool:
        return any(
            image.getpixel((round(x * scale) + dx, height - round(y * scale))) < 160
            for y in [y0 + (y1 - y0) * k / 20 for k in range(21)]
            for dx in (-1, 0, 1)
        )

    for i in range(4):
        x = plan.block_x + i * POKER[0]
        assert dark_run(x, 5 * MM, with_bleed[1] - 0.5)
        assert dark_run(x, with_bleed[3] + 0.5, plan.paper_h - 5 * MM)
    assert all(
        image.getpixel((px, height - py)) == 255
        for px in range(round(with_bleed[0] * scale) + 1, round(with_bleed[2] * scale) - 1, 7)
        for py in range(round(with_bleed[1] * scale) + 1, round(with_bleed[3] * scale) - 1, 7)
    )


@pytest.mark.parametrize(("paper", "turned"), [("a4", False), ("letter", True)])
def test_scale_bar_is_50_mm_and_notes_stay_clear(paper: str, turned: bool) -> None:
    plan = plan_sheet(paper, *POKER, BLEED)
    blank = [(Card(*POKER, BLEED, None), Card(*POKER, BLEED, None)) for _ in range(9)]
    pdf = pdfium.PdfDocument(build(blank, plan, title="Prepersonalization Deck"))
    bars = []
    for box in paths(pdf, 0):
        along, across = box[2] - box[0], box[3] - box[1]
        if turned:
            along, across = across, along
        # Bounds include the stroke width at both ends as well as across the line.
        if across < 1 and abs(along - across - 50 * MM) < 0.05:
            bars.append(box)
    assert len(bars) == 1
    # No text (sheet label, caption) touches the block, its bleed or a crop mark.
    b = plan.bleed
    keep_out = [
        (
            plan.block_x - b,
            plan.block_y - b,
            plan.block_x + plan.block_w + b,
            plan.block_y + plan.block_h + b,
        )
    ]
    keep_out += [
        (min(x1, x2) - 0.2, min(y1, y2) - 0.2, max(x1, x2) + 0.2, max(y1, y2) + 0.2)
        for x1, y1, x2, y2 in plan.crop_marks()
    ]
    texts = [o.get_bounds() for o in pdf[0].get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_TEXT])]
    assert len(texts) == 2
    for box in [*texts, bars[0]]:
        assert not any(overlaps(box, k) for k in keep_out)
        assert box[0] >= 1 * MM and box[2] <= plan.paper_w - 1 * MM
        assert box[1] >= 1 * MM and box[3] <= plan.paper_h - 1 * MM
        if turned:  # no room above or below the block on Letter: notes go in a side margin
            assert box[2] < plan.block_x or box[0] > plan.block_x + plan.block_w


def test_bleed_only_on_the_outside_of_the_block() -> None:
    plan = plan_sheet("a4", *POKER, BLEED)
    scale = 2
    image = pdfium.PdfDocument(build(cards(9), plan))[0].render(scale=scale).to_pil()

    def colour_at(x: float, y: float) -> tuple[int, int, int]:
        pixel = image.getpixel((round(x * scale), image.height - round(y * scale)))
        return (pixel[0], pixel[1], pixel[2])

    def near(c: tuple[int, int, int], rgb: tuple[float, float, float]) -> bool:
        return all(abs(a - b * 255) < 12 for a, b in zip(c, rgb, strict=True))

    top = plan.block_y + plan.block_h
    seam = plan.block_x + POKER[0]
    # Just left of the seam between cards 0 and 1: card 0, not card 1's bleed.
    assert near(colour_at(seam - 1 * MM, top - 20 * MM), COLOURS[0])
    assert near(colour_at(seam + 1 * MM, top - 20 * MM), COLOURS[1])
    # Outside the block, the edge cards' bleed shows.
    assert near(colour_at(plan.block_x - 1.5 * MM, top - 20 * MM), COLOURS[0])
    assert near(colour_at(plan.block_x + 10 * MM, top + 1.5 * MM), COLOURS[0])


@pytest.mark.parametrize("duplex", ["long", "short"])
def test_bleed_runs_into_empty_slots_on_a_partial_sheet(duplex: Duplex) -> None:
    # Seven cards on a 3×3 sheet: slots 7 and 8 (bottom row, right) are empty. A card next to
    # an empty slot must bleed into it, as on the outside of the block, or a cut a little off
    # the line leaves a white sliver; backs (mirrored) likewise.
    plan = plan_sheet("a4", *POKER, BLEED)
    w, h = POKER
    pairs: list[tuple[Face, Face]] = [
        (Card(w, h, BLEED, None, "", COLOURS[i % 4]),
         Card(w, h, BLEED, None, "", COLOURS[3 - i % 4]))
        for i in range(7)
    ]
    pdf = pdfium.PdfDocument(build(pairs, plan, duplex=duplex))
    scale = 2
    for page, side in ((0, "front"), (1, "back")):
        image = pdf[page].render(scale=scale).to_pil()
        for card, empty in ((6, 7), (4, 7), (5, 8)):
            # Halfway along the cut line between the card and the empty slot, 1.5 mm (half the
            # bleed) into the empty slot.
            cx, cy = plan.slot(card, side, duplex)  # type: ignore[arg-type]
            ex, ey = plan.slot(empty, side, duplex)  # type: ignore[arg-type]
            dx, dy = (ex - cx) / plan.card_w, (ey - cy) / plan.card_h
            assert abs(dx) + abs(dy) == pytest.approx(1)  # neighbours
            x = cx + plan.card_w / 2 + dx * (plan.card_w / 2 + 1.5 * MM)
            y = cy + plan.card_h / 2 + dy * (plan.card_h / 2 + 1.5 * MM)
            pixel = image.getpixel((round(x * scale), image.height - round(y * scale)))
            colour = COLOURS[card % 4] if side == "front" else COLOURS[3 - card % 4]
            assert all(abs(a - b * 255) < 12 for a, b in zip(pixel, colour, strict=False)), (
                side, card, empty, pixel
            )
            # Deeper into the empty slot than the bleed, the paper stays white.
            x = cx + plan.card_w / 2 + dx * (plan.card_w / 2 + 2 * BLEED)
            y = cy + plan.card_h / 2 + dy * (plan.card_h / 2 + 2 * BLEED)
            pixel = image.getpixel((round(x * scale), image.height - round(y * scale)))
            assert min(pixel[:3]) > 240, (side, card, empty, pixel)


# ---------------------------------------------------------------- output file


def form_xobjects(data: bytes) -> set[int]:
    reader = pypdf.PdfReader(io.BytesIO(data))
    forms = set()
    for page in reader.pages:
        resources = cast(DictionaryObject, page["/Resources"].get_object())
        xobjects = cast(DictionaryObject, resources.get("/XObject", DictionaryObject()))
        for ref in xobjects.values():
            if str(cast(DictionaryObject, ref.get_object())["/Subtype"]) == "/Form":
                forms.add(ref.idnum)
    return forms


def test_identical_backs_are_one_form_xobject() -> None:
    plan = plan_sheet("a4", *POKER, BLEED)
    shared = build(cards(18, label="", form_key="back", detail=400), plan)
    unique = build(cards(18, label="", detail=400), plan)
    assert len(form_xobjects(shared)) == 1
    assert form_xobjects(unique) == set()
    assert len(shared) < len(unique) / 4
    # The form is actually painted on every back slot.
    image = pdfium.PdfDocument(shared)[3].render(scale=2, grayscale=True).to_pil()
    for i in range(9):
        x, y = plan.slot(i, "back", "long")
        assert image.getpixel((round((x + 10) * 2), image.height - round((y + 20) * 2))) < 200


class MadeOnDemand(Sequence[tuple[Face, Face]]):
    """Faces made when the imposer asks for them, as the deck's writer does; counts them."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.made = 0
        self.alive: list[weakref.ref[Card]] = []

    def __len__(self) -> int:
        return self.n

    def __getitem__(self, index: int | slice) -> Any:
        if isinstance(index, int):
            return self[index : index + 1][0]
        pairs = cards(self.n)[index]
        self.made += len(pairs)
        self.alive += [weakref.ref(cast(Card, face)) for pair in pairs for face in pair]
        return pairs


@pytest.mark.parametrize("duplex", ["long", "short", "none"])
def test_faces_are_asked_for_a_sheet_at_a_time_and_let_go(duplex: Duplex) -> None:
    # A 10,000-card deck's faces need not all be in memory: the imposer holds one sheet's.
    plan = plan_sheet("a4", *POKER, BLEED)
    pairs = MadeOnDemand(40)  # four full sheets and a partial one
    most_alive = 0

    def on_sheet(done: int, total: int) -> None:
        nonlocal most_alive
        gc.collect()
        most_alive = max(most_alive, sum(ref() is not None for ref in pairs.alive))

    build(pairs, plan, duplex=duplex, on_sheet=on_sheet)
    # Once per sheet when its back follows its front, once per page when backs come last.
    assert pairs.made == (40 if duplex != "none" else 80)
    assert most_alive <= 2 * plan.per_sheet


def test_fonts_are_embedded_truetype_and_output_is_reproducible() -> None:
    plan = plan_sheet("letter", *POKER, BLEED)
    first = build(cards(10), plan, title="Deck")
    assert build(cards(10), plan, title="Deck") == first
    reader = pypdf.PdfReader(io.BytesIO(first))
    for page in reader.pages:
        assert_embedded_truetype(page)


def test_face_of_the_wrong_size_is_refused() -> None:
    plan = plan_sheet("a4", *POKER, BLEED)
    with pytest.raises(ValueError, match="does not match"):
        build(cards(1, BRIDGE), plan)

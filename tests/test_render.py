"""The card drawer and the print-shop PDF: boxes, fonts, safe zone, overflow, PNG, bytes."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from conftest import BUILTIN, MINI_CARDS, MINI_DECK, STANDARD_14, font_names
from deckgen.cli import main
from deckgen.deck.load import load_deck
from deckgen.draw.plan import MIN_READABLE
from deckgen.draw.renderer import CardRenderer
from deckgen.outputs.build import BuildOptions, build, load_checked
from deckgen.units import mm

PRINT_SHOP = BuildOptions(outputs=("print-shop",))


@pytest.fixture(scope="module")
def builtin_print_shop(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("builtin")
    build(BUILTIN, out, PRINT_SHOP)
    return out / "cards-print-shop.pdf"


def _chars_outside(pdf: Path, inset: Callable[[int], tuple[float, float, float, float]],
                   ) -> list[str]:
    """Characters whose glyph box leaves the rectangle `inset(page_index)`."""
    doc = pdfium.PdfDocument(str(pdf))
    bad: list[str] = []
    try:
        for index in range(len(doc)):
            x0, y0, x1, y1 = inset(index)
            textpage = doc[index].get_textpage()
            for i in range(textpage.count_chars()):
                ch = textpage.get_text_range(i, 1)
                if not ch.strip():
                    continue
                left, bottom, right, top = textpage.get_charbox(i)
                if left < x0 - 0.01 or bottom < y0 - 0.01 or right > x1 + 0.01 or top > y1 + 0.01:
                    bad.append(f"page {index + 1}: {ch!r} at ({left:.1f},{bottom:.1f})")
    finally:
        doc.close()
    return bad


def test_print_shop_has_a_front_and_back_page_per_card_with_boxes(
        builtin_print_shop: Path) -> None:
    deck = load_deck(BUILTIN)
    reader = PdfReader(builtin_print_shop)
    copies = sum(card.copies for card in deck.cards)
    assert len(reader.pages) == 2 * copies
    spec = deck.card
    for page in reader.pages[:6]:
        media = [float(v) for v in page.mediabox]
        trim = [float(v) for v in page.trimbox]
        bleed = [float(v) for v in page.bleedbox]
        assert media == pytest.approx([0, 0, spec.width + 2 * spec.bleed,
                                       spec.height + 2 * spec.bleed], abs=0.01)
        assert bleed == pytest.approx(media, abs=0.01)
        assert trim == pytest.approx([spec.bleed, spec.bleed, spec.bleed + spec.width,
                                      spec.bleed + spec.height], abs=0.01)
    assert abs(spec.width - mm(63.5)) < 0.01 and abs(spec.height - mm(88.9)) < 0.01


def test_every_character_of_the_builtin_deck_is_inside_the_safe_zone(
        builtin_print_shop: Path) -> None:
    deck = load_deck(BUILTIN)
    spec = deck.card
    edge = spec.bleed + spec.safe
    rect = (edge, edge, spec.width + 2 * spec.bleed - edge, spec.height + 2 * spec.bleed - edge)
    assert _chars_outside(builtin_print_shop, lambda _: rect) == []


def test_fonts_are_embedded_truetype_and_never_standard_14(builtin_print_shop: Path) -> None:
    fonts = font_names(PdfReader(builtin_print_shop))
    assert fonts, "no fonts found"
    assert all(fonts.values()), f"not embedded: {[n for n, e in fonts.items() if not e]}"
    assert not [n for n in fonts if any(s in n for s in STANDARD_14)]
    assert any("Lato" in n for n in fonts)


def test_card_text_extracts_back_verbatim(builtin_print_shop: Path) -> None:
    reader = PdfReader(builtin_print_shop)
    deck = load_deck(BUILTIN)
    detractor = deck.card_by_id("detractor")
    assert detractor is not None
    index = [c.id for c in deck.cards].index("detractor")
    copies_before = sum(c.copies for c in deck.cards[:index])
    text = reader.pages[2 * copies_before].extract_text()
    assert "Detractor" in text
    for item in detractor.items:
        first_words = " ".join(item.split()[:2])
        assert first_words in text.replace("\n", " ")


def test_backs_are_drawn_once_per_category_as_form_xobjects(builtin_print_shop: Path) -> None:
    reader = PdfReader(builtin_print_shop)
    forms: set[int] = set()
    for page in reader.pages:
        xobjects = page["/Resources"].get("/XObject") or {}
        for ref in xobjects.values():
            if ref.get_object().get("/Subtype") == "/Form":
                forms.add(ref.idnum)
    deck = load_deck(BUILTIN)
    assert len(forms) == len({c.category for c in deck.cards})


def test_fallback_glyphs_extract_back_verbatim(make_deck: Callable[..., Path],
                                               tmp_path: Path) -> None:
    # Lato has Greek and Cyrillic; the check mark and Georgian come from DejaVu Sans.
    cards = MINI_CARDS.replace("title: Lapsed subscriber", "title: Ωμέγα Жизнь café ✓ და")
    root = make_deck(cards={"10-cards.yaml": cards})
    build(root, tmp_path / "out", PRINT_SHOP)
    reader = PdfReader(tmp_path / "out" / "cards-print-shop.pdf")
    text = reader.pages[2].extract_text()
    assert "Ωμέγα Жизнь café ✓ და" in " ".join(text.split())
    fonts = font_names(reader)
    assert any("DejaVu" in name for name in fonts), fonts
    assert all(fonts.values())


def test_a_character_no_font_has_is_a_diagnostic_naming_card_and_field(
        make_deck: Callable[..., Path]) -> None:
    cards = MINI_CARDS.replace("body: Left last month.", "body: Left last month 漢.")
    root = make_deck(cards={"10-cards.yaml": cards})
    result = CliRunner().invoke(main, ["validate", str(root)])
    assert result.exit_code == 1
    assert "10-cards.yaml:10:11: body: card 'lapsed': no font has the character '漢' (U+6F22)" \
        in result.output
    assert "Traceback" not in result.output


def test_overflow_is_a_diagnostic_with_card_field_lines_and_size(
        make_deck: Callable[..., Path], tmp_path: Path) -> None:
    long_body = " ".join(["Far too much text for one small card."] * 40)
    cards = MINI_CARDS.replace("body: Left last month.", f"body: {long_body}")
    root = make_deck(cards={"10-cards.yaml": cards})
    out = tmp_path / "out"
    out.mkdir()
    (out / "cards-print-shop.pdf").write_bytes(b"earlier build")
    result = CliRunner().invoke(main, ["build", str(root), "-o", str(out), "--only",
                                       "print-shop"])
    assert result.exit_code == 1
    lines = [ln for ln in result.output.splitlines() if "overflows" in ln]
    assert len(lines) == 1
    assert "10-cards.yaml:10:11: body: card 'lapsed', field 'body': overflows by" in lines[0]
    assert lines[0].endswith("at 7 pt")
    assert (out / "cards-print-shop.pdf").read_bytes() == b"earlier build"


def test_text_shrinks_before_it_overflows(make_deck: Callable[..., Path]) -> None:
    medium = " ".join(["Somewhat more text than usual on this card."] * 6)
    cards = MINI_CARDS.replace("body: Left last month.", f"body: {medium}")
    deck, renderer = load_checked(make_deck(cards={"10-cards.yaml": cards}))
    lapsed = deck.card_by_id("lapsed")
    visitor = deck.card_by_id("new-visitor")
    assert lapsed is not None and visitor is not None
    assert renderer.front(lapsed).plan().overflows == []


@pytest.mark.parametrize("size", ["poker", "bridge", "tarot", "a6", "mini", "square"])
def test_every_layout_keeps_text_in_the_safe_zone_at_each_size(
        make_deck: Callable[..., Path], tmp_path: Path, size: str) -> None:
    cards = MINI_CARDS + """\
  - id: levels-demo
    category: triggers
    layout: level
    level: 3
    title: Experience
    body: A whole journey.
  - id: grid-demo
    category: triggers
    layout: grid
    title: Four arguments
    body: Place each idea.
    items: [Delight, Ease, Growth, Efficiency]
  - id: guide-demo
    category: triggers
    layout: guide
    title: How to play
    body: Lay the cards out.
  - id: list-demo
    category: triggers
    layout: list
    title: Detractor
    items: [One, Two, Three]
"""
    if size in ("mini", "square"):
        # Small cards get short texts only; the point is that nothing leaves the safe zone.
        cards = cards.replace("What would **earn** a second visit?", "")
    root = make_deck(cards={"10-cards.yaml": cards}, size=size)
    out = tmp_path / "out"
    build(root, out, BuildOptions(outputs=("print-shop", "blank")))
    deck = load_deck(root)
    spec = deck.card
    edge = spec.bleed + spec.safe
    rect = (edge, edge, spec.width + 2 * spec.bleed - edge, spec.height + 2 * spec.bleed - edge)
    assert _chars_outside(out / "cards-print-shop.pdf", lambda _: rect) == []


def test_png_per_face_at_300_dpi_with_bleed(make_deck: Callable[..., Path],
                                            tmp_path: Path) -> None:
    root = make_deck()
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", str(root), "-o", str(out), "--only", "png",
                                       "-q"])
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in (out / "png").iterdir())
    assert names[:2] == ["001-new-visitor-back.png", "001-new-visitor-front.png"]
    assert len(names) == 8
    from PIL import Image

    with Image.open(out / "png" / "001-new-visitor-front.png") as img:
        assert img.size == (821, 1121)
        dpi = img.info.get("dpi")
        assert dpi is not None and round(dpi[0]) == 300
    assert not (out / "cards-print-shop.pdf").exists()


def test_rebuilds_are_byte_identical(make_deck: Callable[..., Path], tmp_path: Path) -> None:
    root = make_deck()
    digests = []
    for name in ("a", "b"):
        build(root, tmp_path / name, PRINT_SHOP)
        digests.append(hashlib.sha256((tmp_path / name / "cards-print-shop.pdf").read_bytes())
                       .hexdigest())
    assert digests[0] == digests[1]


def _image_colour_spaces(reader: PdfReader) -> list[str]:
    """The colour space of every image XObject, on pages and inside forms (soft masks too)."""
    spaces: list[str] = []
    seen: set[int] = set()
    stack = [page["/Resources"] for page in reader.pages]
    while stack:
        resources = stack.pop().get_object()
        for ref in (resources.get("/XObject") or {}).values():
            if ref.idnum in seen:
                continue
            seen.add(ref.idnum)
            obj = ref.get_object()
            if obj.get("/Subtype") == "/Image":
                spaces.append(str(obj.get("/ColorSpace")))
                mask = obj.get("/SMask")
                if mask is not None:
                    spaces.append(str(mask.get_object().get("/ColorSpace")))
            elif "/Resources" in obj:
                stack.append(obj["/Resources"])
    return spaces


def test_cmyk_output_uses_only_cmyk_colours(make_deck: Callable[..., Path],
                                            tmp_path: Path) -> None:
    from PIL import Image, ImageDraw

    logo = Image.new("RGBA", (400, 200), (0, 0, 0, 0))  # a transparent logo, as brands send
    ImageDraw.Draw(logo).ellipse((20, 20, 380, 180), fill=(11, 110, 79, 255))
    png = tmp_path / "logo.png"
    logo.save(png)
    deck_yaml = MINI_DECK.format(size="poker").replace(
        "card:", "brand:\n  logo: assets/logo.png\ncard:")
    root = make_deck(deck_yaml=deck_yaml, files={"assets/logo.png": png.read_bytes()})
    out = tmp_path / "out"
    build(root, out, BuildOptions(outputs=("print-shop", "cards", "blank"), cmyk=True))
    for name in ("cards-print-shop.pdf", "cards.pdf", "blank-cards.pdf"):
        reader = PdfReader(out / name)
        streams = b""
        for page in reader.pages:
            streams += page.get_contents().get_data()  # type: ignore[union-attr]
            for ref in (page["/Resources"].get("/XObject") or {}).values():
                obj = ref.get_object()
                if obj.get("/Subtype") == "/Form":
                    streams += obj.get_data()
        tokens = streams.split()
        assert b"k" in tokens or b"K" in tokens, name
        assert b"rg" not in tokens and b"RG" not in tokens, name
        spaces = _image_colour_spaces(reader)
        assert "/DeviceRGB" not in spaces, (name, spaces)
        if name == "cards-print-shop.pdf":
            # The logo is CMYK and keeps its transparency as a grey soft mask.
            assert spaces == ["/DeviceCMYK", "/DeviceGray"], spaces


def test_recipe_rows_show_the_referenced_titles(make_deck: Callable[..., Path],
                                                tmp_path: Path) -> None:
    root = make_deck()
    build(root, tmp_path / "out", PRINT_SHOP)
    reader = PdfReader(tmp_path / "out" / "cards-print-shop.pdf")
    text = reader.pages[6].extract_text()
    assert "Welcome" in text and "New visitor" in text and "First session" in text
    assert text.index("IF") < text.index("AND")


def test_footer_numbers_cards(make_deck: Callable[..., Path]) -> None:
    deck = load_deck(make_deck())
    renderer = CardRenderer(deck)
    assert renderer.numbers["new-visitor"] == 1
    assert renderer.total == len(deck.cards)


@pytest.mark.parametrize("size", ["poker", "bridge", "tarot", "a6", "mini"])
def test_recipe_grid_and_flow_end_clear_of_the_footer_rule_at_each_size(
        make_deck: Callable[..., Path], size: str) -> None:
    cards = MINI_CARDS + """\
  - id: grid-demo
    category: triggers
    layout: grid
    title: Four arguments
    body: Place each idea.
    items: [Delight, Ease, Growth, Efficiency]
"""
    renderer = CardRenderer(load_deck(make_deck(cards={"10-cards.yaml": cards}, size=size)))
    clearances = []
    for card_id, element in (("welcome", "recipe"), ("grid-demo", "grid"),
                             ("lapsed", "flow")):
        card = renderer.deck.card_by_id(card_id)
        assert card is not None
        plan = renderer.front(card).plan()
        clearances.append((plan.bottoms[element] - plan.tops["footer"]) / renderer.scale)
    recipe, grid, flow = clearances
    # Rows and grids keep a clear 3 mm (at poker scale) from the footer's rule, so the two
    # never read as a double line; the flow's box ends 1.5 mm above it.
    assert recipe >= mm(3) - 0.01 and grid >= mm(3) - 0.01
    assert flow >= mm(1.5) - 0.01


def test_a_character_the_heading_fonts_lack_is_a_diagnostic_for_the_title(
        make_deck: Callable[..., Path]) -> None:
    # Lato (the body font) has U+1D15; DejaVu Sans, here the heading font, does not.
    deck_yaml = MINI_DECK.format(size="poker").replace(
        "card:", "brand:\n  fonts: {heading: DejaVu Sans}\ncard:")
    cards = MINI_CARDS.replace("title: Lapsed subscriber", "title: Lapsed ᴕ subscriber")
    cards = cards.replace("body: Left last month.", "body: Left last ᴕ month.")
    root = make_deck(deck_yaml=deck_yaml, cards={"10-cards.yaml": cards})
    result = CliRunner().invoke(main, ["validate", str(root)])
    assert result.exit_code == 1, result.output
    lines = [ln for ln in result.output.splitlines() if "no font has" in ln]
    # Only the title: the body is set in Lato, which has the character.
    assert len(lines) == 1, lines
    assert lines[0].endswith("10-cards.yaml:9:12: title: card 'lapsed': no font has the "
                             "character 'ᴕ' (U+1D15)")


def _word_boxes(pdf: Path, page: int) -> list[tuple[str, float, float]]:
    """(text, bottom, top) of each line of text on a page, from pdfium's character boxes."""
    doc = pdfium.PdfDocument(str(pdf))
    try:
        textpage = doc[page].get_textpage()
        lines: list[tuple[str, float, float]] = []
        for i in range(textpage.count_chars()):
            ch = textpage.get_text_range(i, 1)
            if not ch.strip():
                continue
            _, bottom, _, top = textpage.get_charbox(i)
            if lines and abs(lines[-1][1] - bottom) < 3:
                text, b, t = lines[-1]
                lines[-1] = (text + ch, min(b, bottom), max(t, top))
            else:
                lines.append((ch, bottom, top))
        return lines
    finally:
        doc.close()


def test_a_flow_label_sits_close_to_the_list_it_heads(make_deck: Callable[..., Path],
                                                      tmp_path: Path) -> None:
    root = make_deck()
    build(root, tmp_path / "out", PRINT_SHOP)
    lines = _word_boxes(tmp_path / "out" / "cards-print-shop.pdf", 0)  # new-visitor's front
    index = next(i for i, (text, _, _) in enumerate(lines) if text == "ASK")
    above, label, below = lines[index - 1], lines[index], lines[index + 1]
    gap_above = above[1] - label[2]
    gap_below = label[1] - below[2]
    assert 0 < gap_below < 0.5 * gap_above, (gap_above, gap_below)


def test_a_back_without_a_logo_centres_its_title_block(make_deck: Callable[..., Path],
                                                       tmp_path: Path) -> None:
    root = make_deck()
    build(root, tmp_path / "out", PRINT_SHOP)
    pdf = tmp_path / "out" / "cards-print-shop.pdf"
    lines = _word_boxes(pdf, 1)  # new-visitor's back: deck title, then category name
    top = max(t for _, _, t in lines)
    bottom = min(b for _, b, _ in lines)
    height = float(PdfReader(pdf).pages[1].mediabox.height)
    # The rule under the title is not text, so the text block centres a little above middle.
    assert abs((top + bottom) / 2 - height / 2) < mm(4), (top, bottom, height)
    assert top < height * 0.7


def test_the_level_ladder_grows_with_the_type(make_deck: Callable[..., Path]) -> None:
    cards = MINI_CARDS + """\
  - id: levels-demo
    category: triggers
    layout: level
    level: 3
    title: Experience
    body: A whole journey.
"""
    heights = {}
    for size in ("poker", "tarot", "a6"):
        renderer = CardRenderer(load_deck(make_deck(cards={"10-cards.yaml": cards}, size=size)))
        card = renderer.deck.card_by_id("levels-demo")
        assert card is not None
        plan = renderer.front(card).plan()
        heights[size] = (plan.tops["level"] - plan.bottoms["level"]) / renderer.scale
    assert heights["tarot"] == pytest.approx(heights["poker"], rel=0.01)
    assert heights["a6"] == pytest.approx(heights["poker"], rel=0.01)


def test_no_text_is_set_below_the_readable_minimum_on_mini_cards(
        make_deck: Callable[..., Path], tmp_path: Path) -> None:
    cards = MINI_CARDS.replace("What would **earn** a second visit?", "")
    root = make_deck(cards={"10-cards.yaml": cards}, size="mini")
    out = tmp_path / "out"
    build(root, out, BuildOptions(outputs=("print-shop", "blank")))
    small = []
    for name in ("cards-print-shop.pdf", "blank-cards.pdf"):
        doc = pdfium.PdfDocument(str(out / name))
        try:
            for index in range(len(doc)):
                textpage = doc[index].get_textpage()
                for i in range(textpage.count_chars()):
                    size = pdfium.raw.FPDFText_GetFontSize(textpage.raw, i)
                    if textpage.get_text_range(i, 1).strip() and size < MIN_READABLE - 0.01:
                        small.append((name, index, textpage.get_text_range(i, 1), size))
        finally:
            doc.close()
    assert small == []


def test_overflow_sizes_are_rounded_to_a_tenth_of_a_point(
        make_deck: Callable[..., Path]) -> None:
    long_body = " ".join(["Far too much text for one small card."] * 40)
    cards = MINI_CARDS.replace("body: Left last month.", f"body: {long_body}")
    root = make_deck(cards={"10-cards.yaml": cards}, size="bridge")
    result = CliRunner().invoke(main, ["validate", str(root)])
    line = next(ln for ln in result.output.splitlines() if "overflows" in ln)
    size = line.rsplit(" at ", 1)[1].removesuffix(" pt")
    assert len(size.partition(".")[2]) <= 1, line


def test_type_grows_with_the_cards_area_within_its_width_and_height() -> None:
    from deckgen.draw.plan import type_scale
    from deckgen.units import CARD_SIZES_MM

    scales = {name: type_scale(mm(w), mm(h)) for name, (w, h) in CARD_SIZES_MM.items()}
    assert scales["poker"] == pytest.approx(1.0)
    assert scales["tarot"] == pytest.approx((70 / 63.5 * 120 / 88.9) ** 0.5, rel=1e-3)  # 1.22
    assert scales["a6"] == pytest.approx(1.45)
    assert scales["mini"] == pytest.approx(0.72)
    assert scales["square"] == pytest.approx(70 / 88.9, rel=1e-3)  # held to the height


def test_a_category_icon_sits_in_the_band_of_fronts_and_blanks(
        make_deck: Callable[..., Path], tmp_path: Path) -> None:
    from io import BytesIO

    from PIL import Image

    icon = BytesIO()
    Image.new("RGBA", (64, 64), (255, 255, 255, 255)).save(icon, "PNG")
    deck_yaml = MINI_DECK.format(size="poker").replace(
        '    color: "#2E6F95"', '    color: "#2E6F95"\n    icon: assets/who.png')
    root = make_deck(deck_yaml=deck_yaml, files={"assets/who.png": icon.getvalue()})
    build(root, tmp_path, BuildOptions(outputs=("print-shop", "blank")))
    pdf = pdfium.PdfDocument(str(tmp_path / "cards-print-shop.pdf"))
    try:
        page = pdf[0]  # the front of new-visitor, an audiences card
        images = [obj for obj in page.get_objects(max_depth=3)
                  if obj.type == pdfium_c.FPDF_PAGEOBJ_IMAGE]
        assert len(images) == 1
        bounds = getattr(images[0], "get_bounds", None) or images[0].get_pos  # pypdfium2 5 / 4
        _, _, right, top = bounds()
        width, height = page.get_size()
        assert top > height * 0.84 and right > width * 0.75  # top right, in the band
        assert not [obj for obj in pdf[1].get_objects(max_depth=3)  # the back has none
                    if obj.type == pdfium_c.FPDF_PAGEOBJ_IMAGE]
    finally:
        pdf.close()
    blank = PdfReader(tmp_path / "blank-cards.pdf")
    assert any("/XObject" in str(page.get("/Resources", {})) for page in blank.pages)


def test_a_category_name_too_long_for_its_band_is_reported_once_at_deck_yaml(
        make_deck: Callable[..., Path]) -> None:
    long_name = "Audiences and their many very different segments of readers on every continent"
    deck = MINI_DECK.format(size="poker").replace("name: Audiences", f"name: {long_name}")
    root = make_deck(deck_yaml=deck)
    result = CliRunner().invoke(main, ["validate", str(root)])
    assert result.exit_code == 1
    # Diagnostic heads, whatever folder the paths are shown relative to.
    heads = [ln for ln in result.output.splitlines() if re.search(r"\.yaml:\d+:\d+: ", ln)]
    assert len(heads) == 1, result.output
    assert heads[0].split(": ", 1)[0].endswith("deck/deck.yaml:8:5")
    assert "categories.audiences.name: category 'audiences': the name does not fit" in heads[0]


def test_low_contrast_text_is_a_warning_that_does_not_stop_the_build(
        make_deck: Callable[..., Path], tmp_path: Path) -> None:
    # A pale yellow category: its subtitle (set in the category colour) is hard to read on
    # white, and white band text on it is too.
    deck = MINI_DECK.format(size="poker").replace('color: "#2E6F95"', 'color: "#F2C14E"')
    root = make_deck(deck_yaml=deck)
    result = CliRunner().invoke(main, ["build", str(root), "-o", str(tmp_path / "out"),
                                       "--only", "print-shop"])
    assert result.exit_code == 0, result.output
    warnings = [ln for ln in result.output.splitlines() if ": warning: " in ln]
    assert any("standard.elements.subtitle.color: warning: text #F2C14E on #FFFFFF has a "
               "contrast of 1.7:1 (category 'audiences'); 4.5:1 reads reliably" in ln
               for ln in warnings), result.output
    assert (tmp_path / "out" / "cards-print-shop.pdf").exists()


def test_the_builtin_deck_has_no_contrast_warnings() -> None:
    result = CliRunner().invoke(main, ["validate", str(BUILTIN)])
    assert result.exit_code == 0
    assert "warning" not in result.output

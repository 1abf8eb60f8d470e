"""Card art: photos (cover, bleed, 300 ppi, embedded once), QR codes that scan, rotation, order."""

from __future__ import annotations

import io
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path

import pypdfium2 as pdfium
import pytest
import zxingcpp
from click.testing import CliRunner, Result
from PIL import Image, ImageDraw
from pypdf import PdfReader

from conftest import MINI_DECK
from deckgen.cli import main
from test_brand import images

MM = 72 / 25.4
URLS = {"new-visitor": "https://example.com/cards/new-visitor",
        "lapsed": "https://example.com/cards/lapsed-subscriber?from=deck"}
CARDS = f"""\
category: audiences
cards:
  - id: new-visitor
    title: New visitor
    subtitle: "{URLS['new-visitor']}"
    body: Arrives with no history.
    layout: photo-card
  - id: lapsed
    title: Lapsed subscriber
    subtitle: "{URLS['lapsed']}"
    body: Left last month.
    layout: photo-card
"""
# The QR code reads the card's URL through the field helper; the subtitle stands in for the
# declared `url` field until decks can declare one.
LAYOUTS = """\
photo-card:
  extends: standard
  remove: [subtitle, flow]
  elements:
    rule: {after: title}
    photo:
      kind: image
      src: assets/photo.jpg
      fit: cover
      top: 45%
      bottom: 12mm
      right: 27mm
      radius: 2mm
    qr:
      kind: qr
      field: subtitle
      top: 45%
      bottom: 12mm
      left: 38mm
    corner:
      kind: text
      field: category
      top: 3.5mm
      left: 3.5mm
      right: 40mm
      height: 4mm
      size: 6
      weight: bold
    corner-turned:
      kind: text
      field: category
      bottom: 3.5mm
      right: 3.5mm
      left: 40mm
      height: 4mm
      size: 6
      weight: bold
      rotate: 180
back:
  extends: back
  elements:
    fill: {order: -2}
    art:
      kind: image
      src: assets/back.jpg
      fit: cover
      bleed: true
      top: 0
      bottom: 0
      left: 0
      right: 0
      order: -1
"""


def _jpeg(size: tuple[int, int], seed: int) -> bytes:
    import io

    im = Image.new("RGB", size, (30 + seed * 40, 90, 140))
    draw = ImageDraw.Draw(im)
    for i in range(0, size[0], max(size[0] // 20, 1)):
        draw.line((i, 0, size[0] - i, size[1]), fill=(250, 200, 60), width=max(size[0] // 150, 1))
    out = io.BytesIO()
    im.save(out, "JPEG", quality=90)
    return out.getvalue()


def _deck(root: Path, layouts: str = LAYOUTS, photo: tuple[int, int] = (4000, 3000)) -> Path:
    (root / "cards").mkdir(parents=True)
    (root / "layouts").mkdir()
    (root / "assets").mkdir()
    (root / "deck.yaml").write_text(MINI_DECK.format(size="poker"), encoding="utf-8")
    (root / "cards" / "10.yaml").write_text(CARDS, encoding="utf-8")
    (root / "layouts" / "cards.yaml").write_text(textwrap.dedent(layouts), encoding="utf-8")
    (root / "assets" / "photo.jpg").write_bytes(_jpeg(photo, 1))
    (root / "assets" / "back.jpg").write_bytes(_jpeg((3000, 4000), 2))
    return root


def _build(deck: Path, out: Path, *extra: str) -> Result:
    return CliRunner().invoke(main, ["build", str(deck), "-o", str(out), "-q",
                                     "--only", "print-shop", *extra])


@pytest.fixture(scope="module")
def art_pdf(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    root = tmp_path_factory.mktemp("art")
    cache = root / "cache"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("XDG_CACHE_HOME", str(cache))
        result = _build(_deck(root / "deck"), root / "out")
        assert result.exit_code == 0, result.output
        assert list((cache / "deckgen" / "photos").glob("*.jpg"))
        yield root / "out" / "cards-print-shop.pdf"


def test_photos_sit_at_print_resolution_and_are_embedded_once(art_pdf: Path) -> None:
    found = images(art_pdf)
    # One card photo and one back photo, however many faces show them.
    assert len(found.sizes) == 2
    assert len(found.placed) == 4  # two fronts, two back pages
    for idnum, w_pt, h_pt in found.placed:
        px_w, px_h = found.sizes[idnum]
        ppi = px_w / (abs(w_pt) / 72)
        assert 250 <= ppi <= 450, ppi
        # Cover crops to the box: the embedded pixels have the box's aspect ratio.
        assert abs(px_w / px_h - abs(w_pt / h_pt)) < 0.02


def test_back_art_runs_to_the_bleed_edge(art_pdf: Path) -> None:
    page = pdfium.PdfDocument(art_pdf)[1]
    bitmap = page.render(scale=100 / 72).to_pil().convert("RGB")
    # The outermost pixel row and column (inside the 3 mm bleed) show the photo, not paper.
    corners = [bitmap.getpixel((1, 1)), bitmap.getpixel((bitmap.width - 2, bitmap.height - 2))]
    assert all(px != (255, 255, 255) for px in corners)


def test_qr_codes_decode_to_their_urls_from_a_300_dpi_render(art_pdf: Path) -> None:
    doc = pdfium.PdfDocument(art_pdf)
    for page_no, card_id in ((0, "new-visitor"), (2, "lapsed")):
        bitmap = doc[page_no].render(scale=300 / 72).to_pil()
        decoded = [r.text for r in zxingcpp.read_barcodes(bitmap)]
        assert decoded == [URLS[card_id]]


def test_rotated_corner_index_lands_at_the_bottom_right_turned(art_pdf: Path) -> None:
    page = pdfium.PdfDocument(art_pdf)[0]
    text = page.get_textpage()
    width, height = page.get_size()
    bleed = 3 * MM
    search = text.search("Audiences", match_case=True)
    hits = []
    while (found := search.get_next()) is not None:
        start, count = found
        hits.append([text.get_charbox(i) for i in range(start, start + count)])
    assert len(hits) == 2
    top_left, bottom_right = sorted(hits, key=lambda boxes: boxes[0][1], reverse=True)
    # Upright in the top-left corner, inside the safe zone (3 mm) of the trim box.
    assert top_left[0][0] >= bleed + 3 * MM - 0.5
    assert top_left[0][3] <= height - bleed - 3 * MM + 0.5
    assert top_left[0][0] < top_left[-1][0]  # reads left to right
    # Turned: bottom-right corner, reading right to left (upside down), still in the safe zone.
    assert bottom_right[0][2] <= width - bleed - 3 * MM + 0.5
    assert bottom_right[0][1] >= bleed + 3 * MM - 0.5
    assert bottom_right[0][0] > bottom_right[-1][0]
    assert bottom_right[0][0] > width / 2 and bottom_right[0][1] < height / 4


def test_second_build_reuses_the_cached_photos(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    deck = _deck(tmp_path / "deck")
    assert _build(deck, tmp_path / "one").exit_code == 0
    cached = {p: p.stat().st_mtime_ns for p in (tmp_path / "cache").rglob("*.jpg")}
    assert _build(deck, tmp_path / "two").exit_code == 0
    assert {p: p.stat().st_mtime_ns for p in (tmp_path / "cache").rglob("*.jpg")} == cached
    # And nothing of the cache lands in the output folder.
    assert sorted(p.name for p in (tmp_path / "two").iterdir()) == ["cards-print-shop.pdf"]


def test_small_photo_is_not_upsampled_and_warns(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    deck = _deck(tmp_path / "deck", photo=(200, 150))
    result = _build(deck, tmp_path / "out")
    assert result.exit_code == 0, result.output
    warning = caplog.text  # the CLI prints the deckgen logger's warnings on stderr
    assert "layouts/cards.yaml:" in warning and "photo.src: 'photo.jpg' prints at" in warning
    assert "below 200 ppi" in warning
    sizes = images(tmp_path / "out" / "cards-print-shop.pdf").sizes.values()
    assert (135, 150) in sizes  # the 200 × 150 photo cropped to its box, and no larger


def test_cmyk_build_embeds_photos_in_cmyk(tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    result = _build(_deck(tmp_path / "deck"), tmp_path / "out", "--cmyk")
    assert result.exit_code == 0, result.output
    reader = PdfReader(tmp_path / "out" / "cards-print-shop.pdf")
    spaces = set()
    for page in reader.pages[:2]:
        stack = [page]
        while stack:
            holder = stack.pop()
            res = holder.get("/Resources")
            for ref in ((res.get_object().get("/XObject") or {}) if res else {}).values():
                obj = ref.get_object()
                if obj.get("/Subtype") == "/Image":
                    spaces.add(obj.get("/ColorSpace"))
                else:
                    stack.append(obj)
    assert spaces == {"/DeviceCMYK"}


@pytest.mark.parametrize(("layouts", "message"), [
    (LAYOUTS.replace("src: assets/photo.jpg", "src: assets/fotos.jpg"),
     "layouts/cards.yaml:7:7: photo.src: file 'assets/fotos.jpg' does not exist"),
    (LAYOUTS.replace("      left: 38mm\n", "      left: 50mm\n"),
     "subtitle: a QR code of this value needs"),
    (LAYOUTS.replace("rotate: 180", "rotate: 45"), "45 is not a quarter turn"),
    (LAYOUTS.replace("fit: cover\n      top: 45%", "fit: stretch\n      top: 45%"),
     "unknown value 'stretch'"),
    (LAYOUTS + "    badge: {kind: icon, icon: hart}\n",
     "no bundled icon is called 'hart'"),
], ids=["missing-src", "qr-too-small", "bad-rotation", "bad-fit", "unknown-icon"])
def test_art_mistakes_are_positioned_diagnostics(tmp_path: Path, layouts: str,
                                                 message: str) -> None:
    result = _build(_deck(tmp_path / "deck", layouts), tmp_path / "out")
    assert result.exit_code == 1
    assert message in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


def test_order_paints_an_added_element_under_the_others(make_deck: Callable[..., Path],
                                                        tmp_path: Path) -> None:
    def dark_share(order: str) -> float:
        layouts = ("standard:\n  extends: standard\n  elements:\n"
                   f"    wash: {{kind: fill, fill: '#FFE0E0'{order}}}\n")
        deck = make_deck(None, None, files={"layouts/cards.yaml":
                                                          layouts.encode()})
        out = tmp_path / f"out{len(order)}"
        assert _build(deck, out).exit_code == 0
        page = pdfium.PdfDocument(out / "cards-print-shop.pdf")[0]
        gray = page.render(scale=50 / 72).to_pil().convert("L")
        return sum(gray.histogram()[:100]) / (gray.width * gray.height)

    # Painted last, the wash hides the whole face; with a low order, the card shows through.
    assert dark_share("") < 0.001
    assert dark_share(", order: -5") > 0.01


def test_a_qr_code_brings_no_unembedded_font(art_pdf: Path) -> None:
    """ReportLab's drawing renderer sets Helvetica as each drawing starts; a print shop's
    preflight rejects a standard font that is not embedded."""
    reader = PdfReader(art_pdf)
    names = set()
    for page in reader.pages:
        fonts = page["/Resources"].get_object().get("/Font")
        for ref in (fonts.get_object().values() if fonts else ()):
            font = ref.get_object()
            names.add(str(font.get("/BaseFont")))
            assert "/FontDescriptor" in font or "/DescendantFonts" in font, font
    assert not [n for n in names if "Helvetica" in n], names


@pytest.mark.parametrize("turn", [0, 90, 180, 270])
def test_a_turned_bleed_image_bleeds_only_past_the_trim_edges_it_touches(
        make_deck: Callable[..., Path], tmp_path: Path, turn: int) -> None:
    # A red picture filling the left half of the card, top to bottom (under the band): it must
    # run into the bleed on the left and bottom, and stop at its own right edge, however turned.
    red = io.BytesIO()
    Image.new("RGB", (600, 1700), (220, 0, 0)).save(red, "PNG")
    layouts = f"""\
standard:
  extends: standard
  elements:
    picture:
      kind: image
      src: assets/red.png
      fit: cover
      bleed: true
      top: 0
      bottom: 0
      left: 0
      right: 50%
      rotate: {turn}
      order: -1
"""
    root = make_deck(files={"assets/red.png": red.getvalue(),
                            "layouts/cards.yaml": layouts.encode()})
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", str(root), "-o", str(out), "-q",
                                       "--only", "print-shop"])
    assert result.exit_code == 0, result.output
    page = pdfium.PdfDocument(out / "cards-print-shop.pdf")[0]
    scale = 4
    bitmap = page.render(scale=scale).to_pil().convert("RGB")
    bleed = 3 * 72 / 25.4 * scale
    w, h = bitmap.size
    mid_x = bleed + (w - 2 * bleed) / 2

    def is_red(x: float, y: float) -> bool:
        r, g, b = bitmap.getpixel((int(x), int(y)))
        return bool(r > 150 and g < 120 and b < 120)

    assert is_red(bleed / 2, h / 2), "left bleed"
    assert is_red(bleed * 2, h - bleed / 2), "bottom bleed"
    assert not is_red(mid_x + bleed / 2 + 2, h / 2), "past its own right edge"

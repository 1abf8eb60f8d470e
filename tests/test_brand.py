"""Brand: the logo on card backs (resampled, embedded once per file) and brand fonts."""

from __future__ import annotations

import re
import shutil
import textwrap
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from PIL import Image, ImageDraw
from pypdf import PdfReader
from pypdf.generic import IndirectObject

from conftest import MINI_CARDS, MINI_DECK, REPO, font_names
from deckgen.cli import main
from deckgen.deck.load import load_deck
from deckgen.diagnostics import DeckError
from deckgen.draw.images import HEADROOM, PRINT_DPI

LOGO_PX = 3000
BRAND = """\
brand:
  name: Acme Bank
  logo: assets/logo.png
  colors: {primary: "#0B6E4F", text: "#202020"}
"""


def deck_yaml(brand: str = BRAND) -> str:
    return MINI_DECK.format(size="poker").replace(
        "deck:\n  title: Test Deck\n", "deck:\n  title: Test Deck\n" + brand, 1)


def write_deck(root: Path, brand: str = BRAND, logo: bool = True) -> Path:
    (root / "cards").mkdir(parents=True)
    (root / "assets").mkdir()
    (root / "deck.yaml").write_text(deck_yaml(brand), encoding="utf-8")
    (root / "cards" / "10-cards.yaml").write_text(MINI_CARDS, encoding="utf-8")
    if logo:
        image = Image.new("RGB", (LOGO_PX, LOGO_PX), "white")
        ImageDraw.Draw(image).ellipse((300, 300, 2700, 2700), fill=(11, 110, 79))
        image.save(root / "assets" / "logo.png")
    return root


def build(deck: Path, out: Path, *only: str) -> Result:
    args = ["build", str(deck), "-o", str(out), "-q"]
    for name in only:
        args += ["--only", name]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    return result


@dataclass
class Images:
    """Image XObjects of a PDF: distinct objects, where they are used, and their placed sizes."""

    sizes: dict[int, tuple[int, int]] = field(default_factory=dict)  # object id -> pixels
    pages: dict[int, set[int]] = field(default_factory=dict)  # page index -> image ids drawn
    placed: list[tuple[int, float, float]] = field(default_factory=list)  # id, width, height pt


def images(path: Path) -> Images:
    found = Images()
    reader = PdfReader(path)
    for index, page in enumerate(reader.pages):
        found.pages[index] = set()
        _walk(page, page.get_contents().get_data(), found, index, set())  # type: ignore[union-attr]
    return found


def _walk(holder: Any, content: bytes, found: Images, page: int, seen: set[int]) -> None:
    resources = holder.get("/Resources")
    if resources is None:
        return
    xobjects = resources.get_object().get("/XObject") or {}
    names: dict[str, int] = {}
    for name, ref in xobjects.items():
        assert isinstance(ref, IndirectObject)
        obj: Any = ref.get_object()
        if obj.get("/Subtype") == "/Image":
            found.sizes[ref.idnum] = (int(obj["/Width"]), int(obj["/Height"]))
            names[name] = ref.idnum
        elif obj.get("/Subtype") == "/Form" and ref.idnum not in seen:
            _walk(obj, obj.get_data(), found, page, seen | {ref.idnum})
    pattern = rb"([-\d.]+) 0 0 ([-\d.]+) [-\d.]+ [-\d.]+ cm\s*(/\S+) Do"
    for width, height, name in re.findall(pattern, content):
        idnum = names.get(name.decode())
        if idnum is not None:
            found.pages[page].add(idnum)
            found.placed.append((idnum, float(width), float(height)))


@pytest.fixture
def branded(tmp_path: Path) -> Path:
    return write_deck(tmp_path / "acme")


def test_logo_is_on_every_back_embedded_once_and_downsampled(branded: Path,
                                                             tmp_path: Path) -> None:
    build(branded, tmp_path / "out", "print-shop")
    pdf = tmp_path / "out" / "cards-print-shop.pdf"
    found = images(pdf)
    pages = len(PdfReader(pdf).pages)
    assert pages == 8  # four cards, front then back
    assert len(found.sizes) == 1, "the logo must be embedded once and reused"
    (logo_id,) = found.sizes
    backs = [i for i in range(pages) if i % 2 == 1]
    assert all(found.pages[i] == {logo_id} for i in backs)
    assert not any(found.pages[i] for i in range(pages) if i % 2 == 0)  # no logo on fronts

    width, height = found.sizes[logo_id]
    placed_h = max(h for _, _, h in found.placed)
    placed_mm = placed_h / 72 * 25.4
    assert 5 < placed_mm < 30
    at_300_dpi = placed_h / 72 * PRINT_DPI
    assert width == height
    assert at_300_dpi <= height <= at_300_dpi * HEADROOM + 2
    assert height < LOGO_PX / 5


def test_small_logo_is_not_upsampled(tmp_path: Path) -> None:
    deck = write_deck(tmp_path / "acme", logo=False)
    Image.new("RGB", (40, 20), (11, 110, 79)).save(deck / "assets" / "logo.png")
    build(deck, tmp_path / "out", "print-shop")
    found = images(tmp_path / "out" / "cards-print-shop.pdf")
    assert list(found.sizes.values()) == [(40, 20)]


def test_heading_font_by_bundled_name(tmp_path: Path) -> None:
    plain = write_deck(tmp_path / "plain", logo=False, brand="brand: {name: Acme}\n")
    deck = write_deck(tmp_path / "branded", logo=False, brand=textwrap.dedent("""\
        brand:
          name: Acme
          fonts: {heading: DejaVu Sans}
        """))
    build(plain, tmp_path / "plain-out", "print-shop")
    build(deck, tmp_path / "out", "print-shop")
    before = font_names(PdfReader(tmp_path / "plain-out" / "cards-print-shop.pdf"))
    after = font_names(PdfReader(tmp_path / "out" / "cards-print-shop.pdf"))
    assert not any("DejaVu" in name for name in before)
    assert any("Lato-Black" in name for name in before)
    dejavu = [name for name in after if "DejaVuSans" in name]
    assert dejavu and all(after[name] for name in dejavu)  # embedded
    assert not any("Lato-Black" in name for name in after)  # titles no longer in Lato
    assert any("Lato-Regular" in name for name in after)  # body text still is


def test_deck_ttf_font_is_embedded(tmp_path: Path) -> None:
    deck = write_deck(tmp_path / "acme", logo=False, brand=textwrap.dedent("""\
        brand:
          name: Acme
          fonts: {body: assets/MyFont.ttf}
        """))
    shutil.copy(REPO / "fonts" / "dejavu" / "DejaVuSans-Bold.ttf", deck / "assets" / "MyFont.ttf")
    build(deck, tmp_path / "out", "print-shop")
    fonts = font_names(PdfReader(tmp_path / "out" / "cards-print-shop.pdf"))
    mine = [name for name in fonts if "DejaVuSans-Bold" in name]  # the file's own font name
    assert mine and all(fonts[name] for name in mine)
    assert not any("Lato-Regular" in name or "Lato-Italic" in name for name in fonts)
    assert any("Lato-Black" in name for name in fonts)  # headings keep the default


def _line_col(path: Path, needle: str) -> tuple[int, int]:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return number, line.index(needle) + 1
    raise AssertionError(f"{needle!r} not in {path}")


def test_unknown_font_name_is_a_positioned_diagnostic(tmp_path: Path) -> None:
    deck = write_deck(tmp_path / "acme", logo=False, brand=textwrap.dedent("""\
        brand:
          name: Acme
          fonts:
            heading: DejaVu Sanz
        """))
    result = CliRunner().invoke(main, ["validate", str(deck)])
    assert result.exit_code == 1
    line, col = _line_col(deck / "deck.yaml", "DejaVu Sanz")
    assert f"deck.yaml:{line}:{col}: brand.fonts.heading: unknown font 'DejaVu Sanz'" in \
        result.output
    assert "did you mean 'DejaVu Sans'?" in result.output
    assert "Traceback" not in result.output
    assert result.output.count("brand.fonts.heading") == 1


def test_unreadable_ttf_is_a_positioned_diagnostic(tmp_path: Path) -> None:
    deck = write_deck(tmp_path / "acme", logo=False, brand=textwrap.dedent("""\
        brand:
          name: Acme
          fonts: {body: assets/Broken.ttf}
        """))
    (deck / "assets" / "Broken.ttf").write_bytes(b"\x00\x01\x00\x00" + b"not a font" * 20)
    result = CliRunner().invoke(main, ["build", str(deck), "-o", str(tmp_path / "out")])
    assert result.exit_code == 1
    line, col = _line_col(deck / "deck.yaml", "assets/Broken.ttf")
    assert f"deck.yaml:{line}:{col}: brand.fonts.body:" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "out" / "cards-print-shop.pdf").exists()


def test_branded_deck_builds_every_output(branded: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(branded, out)
    names = ("cards.pdf", "cards-print-shop.pdf", "blank-cards.pdf", "workbook.pdf")
    assert sorted(p.name for p in out.iterdir()) == sorted(names)
    for name in names:
        reader = PdfReader(out / name)
        assert reader.metadata is not None and reader.metadata.author == "Acme Bank", name
        found = images(out / name)
        assert len(found.sizes) <= 1, f"{name}: the logo is embedded more than once"
    # Print-and-play: the back sheet; print shop: every back; workbook: cover and page headers.
    for name, pages in (("cards.pdf", 1), ("cards-print-shop.pdf", 4), ("workbook.pdf", 2)):
        found = images(out / name)
        assert len(found.sizes) == 1, f"{name} has no logo"
        assert sum(bool(ids) for ids in found.pages.values()) >= pages, name
    for name in ("cards.pdf", "cards-print-shop.pdf"):
        ((width, _),) = images(out / name).sizes.values()
        assert width < LOGO_PX / 5, f"{name}: the logo is not downsampled"


def test_workbook_logo_is_downsampled(branded: Path, tmp_path: Path) -> None:
    build(branded, tmp_path / "out", "workbook")
    found = images(tmp_path / "out" / "workbook.pdf")
    ((_, height),) = found.sizes.values()
    placed_h = max(h for _, _, h in found.placed)
    assert height <= placed_h / 72 * PRINT_DPI * HEADROOM + 2


def test_a_colour_may_give_its_rgb_and_its_cmyk(make_deck: Callable[..., Path],
                                                tmp_path: Path) -> None:
    """On screen the brand's own RGB, in CMYK output its own CMYK, not a conversion."""
    deck = MINI_DECK.format(size="poker").replace(
        'color: "#2E6F95"', 'color: {rgb: "#9ECD90", cmyk: "cmyk(47, 4, 64, 0)"}')
    root = make_deck(deck_yaml=deck)
    loaded = load_deck(root)
    colour = loaded.category("audiences").color
    assert colour.hex == "#9ECD90"
    assert colour.as_cmyk() == pytest.approx((0.47, 0.04, 0.64, 0.0))


@pytest.mark.parametrize(("value", "message"), [
    ('{rgb: "cmyk(1, 2, 3, 4)", cmyk: "cmyk(47, 4, 64, 0)"}', "give rgb as #RRGGBB"),
    ('{rgb: "#9ECD90", cmyk: "#9ECD90"}', "give cmyk as cmyk(c, m, y, k)"),
    ('{rgb: "#9ECD90", cymk: "cmyk(47, 4, 64, 0)"}', "unknown key"),
])
def test_a_two_valued_colour_with_a_mistake_is_positioned(make_deck: Callable[..., Path],
                                                          value: str, message: str) -> None:
    deck = MINI_DECK.format(size="poker").replace('color: "#2E6F95"', f"color: {value}")
    root = make_deck(deck_yaml=deck)
    with pytest.raises(DeckError) as info:
        load_deck(root)
    assert any(message in d.message for d in info.value.diagnostics.items)


def test_cmyk_workbook_sets_only_cmyk_colour_logo_included(branded: Path,
                                                          tmp_path: Path) -> None:
    """A print shop converting the workbook itself would turn #1A1A1A text into four inks."""
    from deckgen.outputs.preflight import preflight
    from deckgen.outputs.targets import load_targets

    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", str(branded), "-o", str(out), "-q", "--cmyk",
                                       "--only", "workbook"])
    assert result.exit_code == 0, result.output
    checked = {r.rule: r for r in preflight(out / "workbook.pdf",
                                             load_targets()["drivethrucards"])}
    assert checked["colour"].ok, checked["colour"].measured
    assert "DeviceCMYK" in checked["colour"].measured
    assert images(out / "workbook.pdf").sizes, "the logo is on the cover and page headers"

"""Print targets: loading, building, preflight, PDF/X, press colour, vendor PNGs, gutter-fold."""

from __future__ import annotations

import io
import shutil
import subprocess
import textwrap
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pikepdf
import pypdf
import pypdfium2 as pdfium
import pytest
from click.testing import CliRunner
from PIL import Image, ImageDraw
from reportlab.pdfgen.canvas import Canvas

from conftest import MINI_DECK, font_names
from deckgen.cli import main
from deckgen.diagnostics import DeckError
from deckgen.pdfx import near_black, press_cmyk
from deckgen.targets import load_targets

MM = 72 / 25.4
BUILTIN_NAMES = {"home", "gutter-fold", "print-shop", "pdfx-1a", "drivethrucards",
                 "makeplayingcards", "thegamecrafter", "printerstudio"}
POKER_DECK = MINI_DECK.format(size="poker")
LOGO_DECK = POKER_DECK.replace("deck:\n  title: Test Deck\n", textwrap.dedent("""\
    deck:
      title: Test Deck
    brand:
      name: Acme
      logo: assets/logo.png
      colors: {text: "#1A1A1A", back: "#2E6F95"}
    """), 1)


def logo_png() -> bytes:
    """A logo with soft edges on a transparent ground: what makes soft masks in PDFs."""
    image = Image.new("RGBA", (600, 600), (0, 0, 0, 0))
    ImageDraw.Draw(image).ellipse((50, 50, 550, 550), fill=(230, 120, 20, 255))
    image = image.resize((300, 300), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.output


@pytest.fixture
def logo_deck(make_deck: Callable[..., Path]) -> Path:
    return make_deck(LOGO_DECK, files={"assets/logo.png": logo_png()})


def content_operators(pdf: pikepdf.Pdf) -> set[str]:
    """Every operator in every page and form content stream (an independent walk)."""
    ops: set[str] = set()
    streams = [page.obj for page in pdf.pages]
    streams += [o for o in pdf.objects
                if isinstance(o, pikepdf.Stream) and o.get("/Subtype") == "/Form"]
    for stream in streams:
        ops |= {str(inst.operator) for inst in pikepdf.parse_content_stream(stream)}
    return ops


def max_ink_by_ghostscript(path: Path, tmp: Path) -> float | None:
    """Highest C+M+Y+K of any pixel on Ghostscript's rendered separations, or None without
    Ghostscript."""
    gs = shutil.which("gs")
    if gs is None:
        return None
    subprocess.run([gs, "-q", "-dSAFER", "-dBATCH", "-dNOPAUSE", "-sDEVICE=tiff32nc", "-r36",
                    f"-sOutputFile={tmp}/sep-%03d.tif", str(path)], check=True,
                   capture_output=True, timeout=120)
    most = 0.0
    for tif in sorted(tmp.glob("sep-*.tif")):
        with Image.open(tif) as image:
            channels = image.convert("CMYK").split()
            total = Image.new("I", image.size)
            from PIL import ImageMath
            total = ImageMath.lambda_eval(
                lambda e: e["c"] + e["m"] + e["y"] + e["k"], c=channels[0], m=channels[1],
                y=channels[2], k=channels[3])
            most = max(most, total.getextrema()[1] * 100 / 255)
    return most


# -- loading ---------------------------------------------------------------------------------


def test_builtin_targets_listed_one_line_each() -> None:
    assert set(load_targets()) == BUILTIN_NAMES
    code, out = run("targets")
    assert code == 0
    lines = out.strip().splitlines()
    assert len(lines) == len(BUILTIN_NAMES)
    assert any(line.startswith("drivethrucards") and "240 %" in line and "PDF/X-1a" in line
               for line in lines)


def test_deck_target_problems_are_positioned(make_deck: Callable[..., Path]) -> None:
    root = make_deck(files={
        "targets/mine.yaml": b"kind: pages\ncolor: cmky\nink-limt: 250\n",
        "targets/drivethrucards.yaml": b"ink-limit: 260\n",
        "targets/cheap.yaml": b"extends: drivethru\n",
    })
    with pytest.raises(DeckError) as caught:
        load_targets(root)
    text = caught.value.diagnostics.format()
    assert "mine.yaml:2:8: color: 'cmky' is not one of rgb, cmyk" in text
    assert "mine.yaml:3:1: ink-limt: unknown key" in text and "did you mean 'ink-limit'?" in text
    assert "drivethrucards.yaml: 'drivethrucards' is a built-in target" in text
    assert "extends: drivethrucards" in text  # the hint
    assert "cheap.yaml:1:10: extends: there is no built-in target 'drivethru'" in text


def test_deck_target_extends_a_builtin(make_deck: Callable[..., Path]) -> None:
    root = make_deck(files={"targets/drivethrucards.yaml":
                            b"extends: drivethrucards\nink-limit: 260\n"})
    target = load_targets(root)["drivethrucards"]
    assert target.ink_limit == 260 and target.order == "back-front" and not target.builtin
    code, out = run("targets", str(root))
    assert code == 0 and "[deck]" in out


# -- PDF targets -----------------------------------------------------------------------------


def test_drivethrucards_passes_an_independent_check(logo_deck: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    code, output = run("build", str(logo_deck), "-o", str(out), "--target", "drivethrucards",
                       "-q")
    assert code == 0, output
    assert sorted(p.name for p in out.iterdir()) == ["drivethrucards"]  # nothing else built
    path = out / "drivethrucards" / "cards.pdf"
    reader = pypdf.PdfReader(path)
    assert len(reader.pages) == 8  # 4 cards, back and front
    for page in reader.pages:
        assert [round(float(v), 1) for v in page.mediabox] == [0, 0, 198.0, 270.0]
        trim = [float(v) for v in page.trimbox]
        assert trim == pytest.approx([9, 9, 189, 261], abs=0.05)  # 1/8 in bleed, 2.5 × 3.5 in
    assert all(font_names(reader).values())
    # Back before front: the first card's title is on page 2, not page 1.
    pdf = pdfium.PdfDocument(str(path))
    text = [pdf[i].get_textpage().get_text_range() for i in range(4)]
    assert "New visitor" not in text[0] and "New visitor" in text[1]
    assert "Lapsed" in text[3]
    with pikepdf.open(path) as doc:
        assert content_operators(doc).isdisjoint({"rg", "RG", "sc", "scn", "SC", "SCN"})
        intent = doc.Root.OutputIntents[0]
        assert intent.S == "/GTS_PDFX"
        assert str(doc.docinfo.GTS_PDFXVersion) == "PDF/X-1a:2003"
        assert str(doc.docinfo.Trapped) == "/False" and str(doc.docinfo.Title)
        images = [o for o in doc.objects if isinstance(o, pikepdf.Stream)
                  and o.get("/Subtype") == "/Image" and not o.get("/ImageMask", False)]
        assert images
        for image in images:
            assert image.ColorSpace == "/DeviceCMYK"
            assert "/SMask" not in image and "/Mask" in image  # hard mask, no transparency
        for obj in doc.objects:
            if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/ExtGState":
                assert float(obj.get("/ca", 1)) == 1 and float(obj.get("/CA", 1)) == 1
    # The logo still sits on the back as a round shape, not a box: corners show the back.
    back = pdf[0].render(scale=2).to_pil().convert("RGB")
    code, output = run("preflight", str(path), "--target", "drivethrucards")
    assert code == 0 and "FAIL" not in output
    assert "page-order" in output and "back before front" in output
    ink = max_ink_by_ghostscript(path, tmp_path)
    if ink is not None:
        assert ink <= 240.5
    orange = [(x, y) for x in range(0, back.width, 2) for y in range(0, back.height // 2, 2)
              if (lambda p: p[0] > 180 and 60 < p[1] < 160 and p[2] < 90)(back.getpixel((x, y)))]
    assert orange, "the logo is missing from the back"
    left, top = min(x for x, _ in orange), min(y for _, y in orange)
    corner = back.getpixel((left + 2, top + 2))  # inside the logo's box, outside its circle
    ground = back.getpixel((5, 5))
    assert max(abs(a - b) for a, b in zip(corner, ground, strict=True)) < 12, (corner, ground)


def test_press_colour_rules() -> None:
    # #1A1A1A converted by formula is a 90 % K tint: text must print as solid K alone.
    assert press_cmyk((0, 0, 0, 0.898), 240) == (0, 0, 0, 1)
    assert near_black((0.02, 0.01, 0.0, 0.95))
    assert not near_black((0.67, 0.39, 0.0, 0.63))  # a dark navy stays a colour
    c, m, y, k = press_cmyk((0.9, 0.9, 0.2, 0.7), 240)
    assert c + m + y + k == pytest.approx(2.4, abs=0.001) and k == 0.7


def test_large_dark_areas_get_rich_black_and_text_solid_k(tmp_path: Path) -> None:
    from deckgen.pdfx import finish
    from deckgen.targets import load_targets

    path = tmp_path / "dark.pdf"
    canvas = Canvas(str(path), pagesize=(200, 200), enforceColorSpace="cmyk")
    canvas.setFillColorCMYK(0, 0, 0, 0.9)
    canvas.rect(0, 0, 200, 100, stroke=0, fill=1)  # a large area
    canvas.rect(10, 150, 40, 1, stroke=0, fill=1)  # a rule: stays on K
    canvas.setFont("Helvetica", 10)
    canvas.drawString(10, 120, "text")
    canvas.save()
    finish(path, load_targets()["pdfx-1a"], "dark")
    with pikepdf.open(path) as pdf:
        seq = [(str(i.operator), [float(v) for v in i.operands
                                  if isinstance(v, (int, float, Decimal))])
               for i in pikepdf.parse_content_stream(pdf.pages[0])]
    colours = [v for op, v in seq if op == "k"]
    assert [0.6, 0.4, 0.4, 1.0] in colours
    paint_colour = None
    for op, values in seq:
        if op == "k":
            paint_colour = values
        if op == "re" and values[3] == 100:
            assert paint_colour == [0.6, 0.4, 0.4, 1.0]
        if op == "re" and values[3] == 1:
            assert paint_colour == [0, 0, 0, 1]
        if op == "Tj":
            assert paint_colour == [0, 0, 0, 1]


def test_preflight_fails_an_rgb_file_for_pdfx_1a_and_names_the_rule(
        make_deck: Callable[..., Path], tmp_path: Path) -> None:
    out = tmp_path / "v1"
    assert run("build", str(make_deck()), "-o", str(out), "--only", "print-shop", "-q")[0] == 0
    code, output = run("preflight", str(out / "cards-print-shop.pdf"), "--target", "pdfx-1a")
    assert code == 1
    assert "FAIL  colour" in output and "RGB in a CMYK target" in output
    assert "FAIL  pdfx" in output and "no OutputIntent" in output


def test_preflight_of_a_broken_file_is_a_diagnostic(tmp_path: Path) -> None:
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"%PDF-1.4\nnot really\n")
    code, output = run("preflight", str(bad), "--target", "pdfx-1a")
    assert code == 1 and "cannot read this file as a PDF" in output
    assert "Traceback" not in output
    code, output = run("preflight", str(bad), "--target", "pdfx1a")
    assert code == 1 and "did you mean 'pdfx-1a'?" in output


def test_build_fails_atomically_when_its_file_would_be_rejected(
        make_deck: Callable[..., Path], tmp_path: Path) -> None:
    root = make_deck(LOGO_DECK, files={
        "assets/logo.png": logo_png(),
        "targets/picky.yaml": b"extends: pdfx-1a\nmin-dpi: 4000\n"})
    out = tmp_path / "out"
    out.mkdir()
    code, output = run("build", str(root), "-o", str(out), "--target", "picky",
                       "--target", "home")
    assert code == 1
    assert "FAIL  image-resolution" in output and "wants ≥ 4000 dpi" in output
    assert list(out.iterdir()) == []


def test_card_size_the_printer_does_not_take(make_deck: Callable[..., Path],
                                             tmp_path: Path) -> None:
    code, output = run("build", str(make_deck(size="tarot")), "-o", str(tmp_path / "o"),
                       "--target", "drivethrucards")
    assert code == 1 and "card.size: target 'drivethrucards' prints 63.5 × 88.9 mm" in output


# -- PNG and gutter-fold -----------------------------------------------------------------------


@pytest.mark.parametrize(("target", "size"), [("makeplayingcards", (822, 1122)),
                                              ("thegamecrafter", (825, 1125))])
def test_png_targets_at_exact_vendor_sizes(make_deck: Callable[..., Path], tmp_path: Path,
                                           target: str, size: tuple[int, int]) -> None:
    out = tmp_path / "out"
    assert run("build", str(make_deck()), "-o", str(out), "--target", target, "-q")[0] == 0
    files = sorted(p.name for p in (out / target).iterdir())
    assert files[:2] == ["001-new-visitor-back.png", "001-new-visitor-front.png"]
    assert len(files) == 8
    for name in files:
        with Image.open(out / target / name) as image:
            assert image.size == size
    with Image.open(out / target / "001-new-visitor-front.png") as front:
        # Art runs into the bleed: the category band reaches the very top edge.
        assert front.convert("RGB").getpixel((size[0] // 2, 2)) != (255, 255, 255)


@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_gutter_fold_backs_below_fronts_turned(make_deck: Callable[..., Path], tmp_path: Path,
                                               paper: str) -> None:
    from deckgen.gutter import plan_gutter
    from test_home_sheets import drawn_outside_block

    out = tmp_path / "out"
    assert run("build", str(make_deck()), "-o", str(out), "--target", "gutter-fold",
               "--paper", paper, "-q")[0] == 0
    path = out / "gutter-fold" / "cards.pdf"
    pdf = pdfium.PdfDocument(str(path))
    plan = plan_gutter(paper, 63.5 * MM, 88.9 * MM, 3 * MM)
    assert plan.cols == 4 and len(pdf) == 1  # 4 cards, landscape
    fold = plan.block_y + plan.card_h
    page = pdf[0].get_textpage()
    # The front's title reads left to right above the fold; the back's words below it are
    # upside down: their characters run right to left.
    hit = page.search("New visitor", match_case=True).get_next()
    assert hit is not None
    boxes = [page.get_charbox(i) for i in range(hit[0], hit[0] + hit[1])]
    assert all(b[1] > fold for b in boxes) and boxes[0][0] < boxes[-1][0]
    text = page.get_text_range()
    assert "Test Deck" in text or "Acme" in text or text  # backs carry text of their own
    below = [page.get_charbox(i) for i in range(page.count_chars())
             if page.get_charbox(i)[3] < fold and page.get_charbox(i)[1] > plan.block_y]
    assert below, "backs carry no text below the fold"
    # Every mark, label and the scale bar stay 5 mm inside the paper.
    for left, bottom, right, top in drawn_outside_block(pdf, 0, plan):
        assert min(left, bottom) >= 5 * MM - 0.2
        assert right <= plan.paper_w - 5 * MM + 0.2 and top <= plan.paper_h - 5 * MM + 0.2

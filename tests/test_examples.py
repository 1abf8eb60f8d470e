"""The README's second example, a quiz deck written as one CSV file: it builds, lists its own
fields, shows its points in two corners, and its picture in docs/ is what it builds today."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from click.testing import CliRunner
from PIL import Image

from conftest import REPO
from deckgen.cli import main
from deckgen.outputs.build import build
from deckgen.outputs.files import BuildOptions
from test_golden import CHANGED_LIMIT, MEAN_LIMIT, compare

QUIZ = REPO / "examples" / "capitals"
PICTURE = REPO / "docs" / "example-quiz.png"
DPI = 60


@pytest.fixture(scope="module")
def print_shop(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("quiz")
    build(QUIZ, out, BuildOptions(outputs=frozenset({"print-shop"})))
    return out / "cards-print-shop.pdf"


def test_the_quiz_lists_its_own_fields() -> None:
    result = CliRunner().invoke(main, ["list", str(QUIZ), "--json"])
    assert result.exit_code == 0, result.output
    cards = {c["id"]: c for c in json.loads(result.output)}
    assert len(cards) == 9
    assert cards["france"]["country"] == "France"
    assert cards["france"]["points"] == 1
    assert cards["france"]["answer"] == "Paris"
    assert cards["france"]["sources"] == ["World atlas, p. 12", "City guide, ch. 1"]
    assert cards["france"]["title"] == "france"  # no title: named by its id


def test_points_sit_top_left_and_turned_in_the_bottom_right_corner(print_shop: Path) -> None:
    doc = pdfium.PdfDocument(str(print_shop))
    try:
        page = doc[2 * 4]  # brazil: 4 points, front page
        width, height = page.get_size()
        text = page.get_textpage()
        boxes = [text.get_charbox(i) for i in range(text.count_chars())
                 if text.get_text_range(i, 1) == "4"]
    finally:
        doc.close()
    assert len(boxes) == 2, boxes
    top_left = [b for b in boxes if b[2] < width * 0.3 and b[1] > height * 0.6]
    bottom_right = [b for b in boxes if b[0] > width * 0.7 and b[3] < height * 0.25]
    assert top_left and bottom_right, (boxes, width, height)


def test_the_readme_picture_is_what_the_quiz_builds(print_shop: Path, tmp_path: Path) -> None:
    doc = pdfium.PdfDocument(str(print_shop))
    try:
        faces = [doc[i].render(scale=DPI / 72).to_pil().convert("RGB") for i in (0, 6, 12)]
    finally:
        doc.close()
    gap = 8
    actual = Image.new("RGB", (sum(f.width for f in faces) + gap * 2, faces[0].height), "white")
    x = 0
    for face in faces:
        actual.paste(face, (x, 0))
        x += face.width + gap
    if os.environ.get("DECKGEN_UPDATE_GOLDEN") == "1":
        actual.save(PICTURE, optimize=True)
    expected = Image.open(PICTURE).convert("RGB")
    assert actual.size == expected.size
    mean, changed = compare(actual, expected)
    if mean > MEAN_LIMIT or changed > CHANGED_LIMIT:
        actual.save(tmp_path / "example-quiz.png")
        pytest.fail(f"docs/example-quiz.png is out of date (mean {mean:.2f}); new render at "
                    f"{tmp_path / 'example-quiz.png'}; DECKGEN_UPDATE_GOLDEN=1 accepts it")

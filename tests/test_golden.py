"""Golden renders: a few faces of every built-in layout, compared with reference PNGs.

The references in tests/golden/ were looked at by eye. A change to a layout, a font or the
drawer that moves pixels fails here; if the new look is intended, look at the new renders
(the failure says where they are) and update with DECKGEN_UPDATE_GOLDEN=1 make test.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from PIL import Image, ImageChops, ImageStat

from deckgen.build import BuildOptions, build

GOLDEN = Path(__file__).resolve().parent / "golden"
DPI = 60
# Anti-aliasing differs a little between pdfium builds; a moved or missing element does not.
MEAN_LIMIT = 0.6  # mean absolute difference per channel, of 255
CHANGED_LIMIT = 0.003  # share of pixels that differ by more than a quarter of the range

CARDS = """\
category: audiences
cards:
  - id: new-visitor
    title: New visitor
    subtitle: First time here
    body: Arrives with no history. What would **earn** a *second* visit?
    prompts: ["What do we know at the door?"]
    examples: [A reader who came from a review site]
  - id: detractor
    category: risks
    layout: list
    title: Detractor
    subtitle: Six ways a program stalls
    items: [Wants perfect data first, Guards a channel, Moves the goalposts,
            Calls ideas creepy, Says it is IT's job, Agrees then stalls]
  - id: first-session
    category: triggers
    title: First session
    body: The very first visit, on any device.
  - id: feature
    category: levels
    title: Feature
    level: 2
    body: A named part of the product that readers would notice.
  - id: grid
    category: risks
    layout: grid
    title: Four arguments
    axes: {x: [For customers, For us], y: [Grow value, Remove effort]}
    items: [Delight, Growth, Ease, Efficiency]
  - id: welcome
    category: recipes
    title: Welcome
    body: If a new visitor arrives for the first time, greet them.
    recipe:
      who: [new-visitor]
      when: [first-session]
"""

DECK = """\
deck:
  title: Golden Deck
card:
  size: poker
  bleed: 3mm
  safe: 3mm
categories:
  - id: audiences
    name: Audiences
    role: who
    question: Who is it for?
    color: "#1D5E8C"
  - id: triggers
    name: Triggers
    role: when
    question: When does it happen?
    color: "#A84B0C"
  - id: levels
    name: Levels
    question: How big is it?
    color: "#6E4B2A"
    layout: level
  - id: risks
    name: Risks
    question: What could stop us?
    color: "#A32222"
  - id: recipes
    name: Recipes
    question: If this, then what?
    color: "#2E3338"
    layout: recipe
"""

# print-shop page index -> reference name (front then back for each card)
PAGES = {0: "standard-front", 1: "standard-back", 4: "level-front", 6: "list-front",
         8: "grid-front", 10: "recipe-front"}


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Image.Image]:
    root = tmp_path_factory.mktemp("golden") / "deck"
    (root / "cards").mkdir(parents=True)
    (root / "deck.yaml").write_text(DECK, encoding="utf-8")
    (root / "cards" / "cards.yaml").write_text(CARDS, encoding="utf-8")
    out = root.parent / "out"
    build(root, out, BuildOptions(outputs=("print-shop",)))
    doc = pdfium.PdfDocument(str(out / "cards-print-shop.pdf"))
    try:
        return {name: doc[index].render(scale=DPI / 72).to_pil().convert("RGB")
                for index, name in PAGES.items()}
    finally:
        doc.close()


def compare(actual: Image.Image, expected: Image.Image) -> tuple[float, float]:
    """Mean difference per channel, and the share of pixels that changed a lot."""
    diff = ImageChops.difference(actual, expected)
    mean = sum(ImageStat.Stat(diff).mean) / 3
    strong = diff.convert("L").point(lambda v: 255 if v > 64 else 0)
    changed = ImageStat.Stat(strong).mean[0] / 255
    return mean, changed


@pytest.mark.parametrize("name", sorted(PAGES.values()))
def test_face_matches_its_golden_render(rendered: dict[str, Image.Image], name: str,
                                        tmp_path: Path,
                                        record: Callable[[str, Image.Image], None]) -> None:
    actual = rendered[name]
    reference = GOLDEN / f"{name}.png"
    if os.environ.get("DECKGEN_UPDATE_GOLDEN") == "1":
        record(name, actual)
    assert reference.exists(), f"no reference {reference}; run with DECKGEN_UPDATE_GOLDEN=1"
    expected = Image.open(reference).convert("RGB")
    assert actual.size == expected.size, f"{name}: page size changed"
    mean, changed = compare(actual, expected)
    if mean > MEAN_LIMIT or changed > CHANGED_LIMIT:
        actual.save(tmp_path / f"{name}-actual.png")
        pytest.fail(f"{name} differs from {reference.name} (mean {mean:.2f}, {changed:.1%} of "
                    f"pixels changed); the new render is {tmp_path / (name + '-actual.png')}")


def test_the_comparison_notices_a_missing_title(rendered: dict[str, Image.Image]) -> None:
    # Guards the tolerance itself: painting over the title must exceed it.
    face = rendered["standard-front"].copy()
    width, height = face.size
    face.paste((255, 255, 255), (0, int(height * 0.2), width, int(height * 0.3)))
    mean, changed = compare(face, rendered["standard-front"])
    assert mean > MEAN_LIMIT or changed > CHANGED_LIMIT, (mean, changed)


@pytest.fixture
def record() -> Callable[[str, Image.Image], None]:
    def save(name: str, image: Image.Image) -> None:
        GOLDEN.mkdir(exist_ok=True)
        image.save(GOLDEN / f"{name}.png", optimize=True)

    return save

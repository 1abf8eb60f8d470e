"""The built-in prepersonalization deck: the facts a facilitator relies on when running the day."""

from __future__ import annotations

import io
import json
import os
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
from click.testing import CliRunner
from PIL import Image, ImageChops
from reportlab.pdfgen.canvas import Canvas

import test_golden as golden
from conftest import BUILTIN
from deckgen.cli import main
from deckgen.deck.load import load_deck
from deckgen.deck.model import Deck
from deckgen.draw.renderer import CardRenderer
from deckgen.units import parse_color

ROLES = ("who", "what", "when", "where", "why", "measure")
WHITE = parse_color("#FFFFFF")


@pytest.fixture(scope="module")
def cards() -> list[dict[str, Any]]:
    result = CliRunner().invoke(main, ["list", str(BUILTIN), "--json"])
    assert result.exit_code == 0, result.output
    listed: list[dict[str, Any]] = json.loads(result.output)
    return listed


@pytest.fixture(scope="module")
def deck() -> Deck:
    return load_deck(BUILTIN)


def by_id(cards: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {card["id"]: card for card in cards}


def test_validate_is_clean() -> None:
    result = CliRunner().invoke(main, ["validate", str(BUILTIN)])
    assert result.exit_code == 0, result.output


def test_at_least_140_cards_across_every_category(cards: list[dict[str, Any]],
                                                  deck: Deck) -> None:
    assert len(cards) >= 140
    counts = Counter(card["category"] for card in cards)
    assert set(counts) == {c.id for c in deck.categories}
    assert counts["interactions"] >= 30
    assert counts["guide"] >= 4


def test_each_grammar_role_has_one_category_with_cards(cards: list[dict[str, Any]],
                                                       deck: Deck) -> None:
    roles = [c.role for c in deck.categories if c.role is not None]
    assert sorted(roles) == sorted(ROLES)
    listed_roles = Counter(card["role"] for card in cards if card["role"])
    assert all(listed_roles[role] >= 6 for role in ROLES), listed_roles


def test_the_five_sizing_levels_in_order(cards: list[dict[str, Any]]) -> None:
    levels = sorted((c for c in cards if c["category"] == "levels"), key=lambda c: c["level"])
    assert [(c["level"], c["title"]) for c in levels] == [
        (1, "Function"), (2, "Feature"), (3, "Experience"), (4, "Complete product"),
        (5, "Portfolio")]


def test_the_detractor_lists_exactly_six_behaviours(cards: list[dict[str, Any]]) -> None:
    detractor = by_id(cards)["detractor"]
    assert len(detractor["items"]) == 6
    assert len(set(detractor["items"])) == 6


def test_four_arguments_and_a_grid_with_our_axes(cards: list[dict[str, Any]],
                                                 deck: Deck) -> None:
    arguments = [c for c in cards if c["category"] == "arguments"]
    assert len(arguments) >= 5  # four arguments and the grid card
    grid = [c for c in deck.cards if c.axes is not None]
    assert len(grid) == 1
    axes = grid[0].axes
    assert axes is not None
    x_ends, y_ends = ([label.lower() for label in ends] for ends in axes)
    assert x_ends == ["for customers", "for our business"]
    assert y_ends == ["grow value", "remove effort"]


@pytest.mark.parametrize("name", ["nurture", "welcome", "winback"])
def test_the_worked_recipes_are_there(cards: list[dict[str, Any]], name: str) -> None:
    recipe = by_id(cards)[name]["recipe"]
    assert recipe is not None
    assert {"who", "what", "when", "where"} <= set(recipe)


def test_every_recipe_reference_is_a_card_of_the_right_role(cards: list[dict[str, Any]]) -> None:
    known = by_id(cards)
    recipes = [c for c in cards if c["recipe"]]
    assert len(recipes) >= 5
    for card in recipes:
        for role, ids in card["recipe"].items():
            assert ids, (card["id"], role)
            for ref in ids:
                assert known[ref]["role"] == role, (card["id"], role, ref)


def test_interactions_come_in_families_with_a_size(cards: list[dict[str, Any]]) -> None:
    interactions = [c for c in cards if c["category"] == "interactions"]
    families = Counter(c["family"] for c in interactions)
    assert None not in families
    assert len(families) >= 8
    assert all(1 <= c["level"] <= 5 for c in interactions)


def test_the_catalogue_has_about_140_complete_entries(deck: Deck) -> None:
    entries = deck.catalogue
    assert len(entries) >= 130
    assert len({e.name for e in entries}) == len(entries)
    assert all(e.family and e.level and e.channel for e in entries)


def test_every_category_has_a_colour_a_question_and_blanks(deck: Deck) -> None:
    # The guide, the five levels and the four arguments are closed sets; a team adds to the rest.
    closed = {"guide", "levels", "arguments"}
    for category in deck.categories:
        assert category.question, category.id
        assert (category.blanks == 0) == (category.id in closed), category.id
    assert sum(c.blanks for c in deck.categories) % 9 == 0  # whole print-and-play sheets
    colours = [c.color.hex for c in deck.categories]
    assert len(set(colours)) == len(colours)


def test_band_text_passes_wcag_aa_on_every_category_colour(deck: Deck) -> None:
    for category in deck.categories:
        assert category.color.contrast(WHITE) >= 4.5, category.id


def test_the_deck_fits_at_poker_size_without_falling_to_the_minimum(deck: Deck) -> None:
    renderer = CardRenderer(deck)
    assert renderer.check().sorted() == []
    at_minimum = [card.id for card in deck.cards
                  if any(s.at_minimum for s in renderer.front(card).sizes())]
    assert at_minimum == []


def test_every_agenda_slot_holds_its_activity_steps(deck: Deck) -> None:
    # An activity may be split over several slots of one agenda (steps 1 to 3, then 4 to 6),
    # so the minutes are summed per agenda and compared with its plan for that agenda.
    workbook = deck.workbook
    assert workbook is not None
    short = []
    for agenda in workbook.agendas:
        planned: Counter[str] = Counter()
        for day in agenda.days:
            for slot in day.slots:
                if slot.activity is not None:
                    planned[slot.activity] += slot.minutes
        for activity_id, minutes in planned.items():
            activity = workbook.activity(activity_id)
            assert activity is not None, activity_id
            needed = (activity.plan(agenda.id) or activity).minutes
            if minutes < needed:
                short.append((agenda.id, activity_id, minutes, needed))
    assert short == []
    # The one-day agenda is the method's minimum: every activity there runs exactly its plan,
    # and an activity whose steps do not fit drops steps (a plan), never squeezes them all.
    one_day = next(a for a in workbook.agendas if a.id == "one-day")
    for slot in (s for d in one_day.days for s in d.slots if s.activity):
        activity = workbook.activity(slot.activity or "")
        assert activity is not None
        plan = activity.plan("one-day")
        assert slot.minutes == (plan or activity).minutes, slot.activity
        if plan is not None:
            kept = {step.base for step in plan.steps}
            assert len(kept - {None}) < len(activity.steps), f"{activity.id} drops no step"


def test_kickstart_outputs_feed_the_later_activities(deck: Deck) -> None:
    workbook = deck.workbook
    assert workbook is not None

    def steps(activity_id: str) -> str:
        activity = workbook.activity(activity_id)
        assert activity is not None, activity_id
        return " ".join(step.do for step in activity.steps).lower()

    assert "starred" in steps("write-recipes")
    for later in ("write-recipes", "pitch", "prioritize"):
        assert "four-arguments sentence" in steps(later) or "sentence on the wall" in steps(later)
    # Name the gap uses every disposition card, and the Detractor asks for a reducing step.
    gap = workbook.activity("name-the-gap")
    assert gap is not None
    dispositions = {c.id for c in deck.cards if c.category == "dispositions"}
    assert dispositions <= {ref.id for ref in gap.cards}
    detractor = next(c for c in deck.cards if c.id == "detractor")
    assert any("reduce" in prompt for prompt in detractor.prompts)


def test_every_ingredient_card_asks_a_question_or_gives_an_example(
        cards: list[dict[str, Any]]) -> None:
    silent = [c["id"] for c in cards if c["role"] and not (c["prompts"] or c["examples"])]
    assert silent == []


def test_catalogue_channels_are_channel_card_titles_and_both_markets_appear(deck: Deck) -> None:
    where = {c.id for c in deck.categories if c.role == "where"}
    channels = {card.title for card in deck.cards if card.category in where}
    unknown = sorted({e.channel for e in deck.catalogue} - channels)
    assert unknown == []
    # The method asks for consumer and business-to-business examples.
    b2b = [e for e in deck.catalogue if (e.note or "").startswith("B2B:")]
    assert len(b2b) >= 20
    assert len(deck.catalogue) - len(b2b) >= 100


# Colour-blind simulation: Machado, Oliveira & Fernandes (2009), severity 1.0, applied to linear
# sRGB; distances are CIE76 ΔE in CIELAB (D65). Band text is white, so contrast must hold too.
_MACHADO = {
    "protanopia": ((0.152286, 1.052583, -0.204868), (0.114503, 0.786281, 0.099216),
                   (-0.003882, -0.048116, 1.051998)),
    "deuteranopia": ((0.367322, 0.860646, -0.227968), (0.280085, 0.672501, 0.047413),
                     (-0.011820, 0.042940, 0.968881)),
}
_SRGB_TO_XYZ = ((0.4124564, 0.3575761, 0.1804375), (0.2126729, 0.7151522, 0.0721750),
                (0.0193339, 0.1191920, 0.9503041))
_D65 = (0.95047, 1.0, 1.08883)


def _linear(c: float) -> float:
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def _mat(m: tuple[tuple[float, float, float], ...],
         v: tuple[float, float, float]) -> tuple[float, float, float]:
    x, y, z = (sum(a * b for a, b in zip(row, v, strict=True)) for row in m)
    return x, y, z


def simulated_lab(rgb: tuple[float, float, float],
                  kind: str | None) -> tuple[float, float, float]:
    """CIELAB of an sRGB colour (0..1) as a dichromat of `kind` sees it (None: as is)."""
    lin = (_linear(rgb[0]), _linear(rgb[1]), _linear(rgb[2]))
    if kind is not None:
        r, g, b = _mat(_MACHADO[kind], lin)
        lin = (min(max(r, 0.0), 1.0), min(max(g, 0.0), 1.0), min(max(b, 0.0), 1.0))
    x, y, z = (v / w for v, w in zip(_mat(_SRGB_TO_XYZ, lin), _D65, strict=True))

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 216 / 24389 else (24389 / 27 * t + 16) / 116

    fx, fy, fz = f(x), f(y), f(z)
    return 116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)


def delta_e76(a: tuple[float, float, float], b: tuple[float, float, float]) -> float:
    return float(sum((p - q) ** 2 for p, q in zip(a, b, strict=True)) ** 0.5)


def test_the_simulation_matches_known_values() -> None:
    # Red and green collapse onto one yellowish axis (a* near 0) for both dichromats; red
    # darkens for a protanope and lightens for a deuteranope; greys stay as they are.
    red, green = (1.0, 0.0, 0.0), (0.0, 0.5, 0.0)
    assert simulated_lab(red, None) == pytest.approx((53.24, 80.09, 67.20), abs=0.05)
    assert simulated_lab(red, "protanopia")[0] == pytest.approx(40.3, abs=0.1)
    assert simulated_lab(red, "deuteranopia")[0] == pytest.approx(59.7, abs=0.1)
    for kind in ("protanopia", "deuteranopia"):
        assert abs(simulated_lab(red, kind)[1]) < 6
        assert delta_e76(simulated_lab(red, kind), simulated_lab(green, kind)) < 30
        grey = (0.5, 0.5, 0.5)
        assert delta_e76(simulated_lab(grey, kind), simulated_lab(grey, None)) < 1.5
    assert delta_e76(simulated_lab(red, None), simulated_lab(green, None)) > 100


@pytest.mark.parametrize("kind", ["deuteranopia", "protanopia", None])
def test_category_colours_stay_apart_for_colour_blind_readers(deck: Deck,
                                                              kind: str | None) -> None:
    labs = {c.id: simulated_lab(c.color.rgb, kind) for c in deck.categories}
    close = [(a, b, round(delta_e76(labs[a], labs[b]), 1))
             for i, a in enumerate(labs) for b in list(labs)[i + 1:]
             if delta_e76(labs[a], labs[b]) < 10]
    assert close == []


# Short codes and icons: what a facilitator writes on a recipe, and what tells cards apart
# across a table when colour does not.
CODE = re.compile(r"^[A-Z]{2}-\d{2}$")


def test_every_card_has_a_short_unique_code_numbered_in_file_order(
        cards: list[dict[str, Any]]) -> None:
    codes = [c.get("code") for c in cards]
    assert [c["id"] for c in cards if not c.get("code")] == []
    assert [code for code in codes if not CODE.match(code or "") or len(code or "") > 6] == []
    assert len(set(codes)) == len(codes)
    # One prefix per category, a different one for each, numbered 01, 02, ... as listed.
    prefixes: dict[str, str] = {}
    numbers: dict[str, list[int]] = {}
    for card in cards:
        prefix, number = card["code"].split("-")
        assert prefixes.setdefault(card["category"], prefix) == prefix, card["id"]
        numbers.setdefault(card["category"], []).append(int(number))
    assert len(set(prefixes.values())) == len(prefixes)
    assert all(found == list(range(1, len(found) + 1)) for found in numbers.values()), numbers


def test_every_category_has_its_own_icon_as_a_cue_besides_colour(deck: Deck) -> None:
    icons = [c.icon for c in deck.categories]
    assert None not in icons
    assert len({icon.name for icon in icons if icon}) == len(icons)


def test_cards_carry_an_icon_where_it_tells_them_apart(cards: list[dict[str, Any]]) -> None:
    def icons(category: str) -> list[str | None]:
        return [c.get("icon") for c in cards if c["category"] == category
                and not c["items"]]  # the Detractor's list is six behaviours, not one

    for category in ("channels", "levels", "dispositions"):
        found = icons(category)
        assert None not in found and len(set(found)) == len(found), (category, found)
    by_family: dict[str, set[str]] = {}
    for card in (c for c in cards if c["category"] == "interactions"):
        by_family.setdefault(card["family"], set()).add(card.get("icon") or "")
    assert all(len(found) == 1 and "" not in found for found in by_family.values()), by_family
    family_icons = [next(iter(found)) for found in by_family.values()]
    assert len(set(family_icons)) == len(family_icons)


def _front_pdf(deck: Deck, ids: list[str]) -> pdfium.PdfDocument:
    renderer = CardRenderer(deck)
    buf = io.BytesIO()
    canvas = Canvas(buf, pagesize=(deck.card.width, deck.card.height))
    for card_id in ids:
        card = deck.card_by_id(card_id)
        assert card is not None, card_id
        renderer.front(card).draw(canvas, 0, 0)
        canvas.showPage()
    canvas.save()
    return pdfium.PdfDocument(buf.getvalue())


def _one_card_per_layout(deck: Deck) -> list[str]:
    renderer = CardRenderer(deck)
    seen: dict[str, str] = {}
    for card in deck.cards:
        seen.setdefault(renderer.layout_name(card, deck.category(card.category)), card.id)
    return list(seen.values())


def test_the_code_prints_legibly_at_the_top_right_of_every_layout(deck: Deck) -> None:
    ids = _one_card_per_layout(deck)
    assert len(ids) >= 7  # guide, standard, pictured, plain, list, level, recipe, grid
    spec = deck.card
    doc = _front_pdf(deck, ids)
    try:
        for index, card_id in enumerate(ids):
            card = deck.card_by_id(card_id)
            assert card is not None
            code = str(card.values["code"])
            textpage = doc[index].get_textpage()
            count = textpage.count_chars()
            text = textpage.get_text_range(0, count)
            # The footer repeats the code; the corner index is the occurrence highest up.
            starts = [m.start() for m in re.finditer(re.escape(code), text)]
            assert starts, (card_id, code)
            at = max(starts, key=lambda a: textpage.get_charbox(a)[1])
            span = range(at, at + len(code))
            boxes = [textpage.get_charbox(i) for i in span if text[i].strip()]
            sizes = [pdfium_c.FPDFText_GetFontSize(textpage.raw, i) for i in span]
            assert min(sizes) >= 7, (card_id, sizes)
            left = min(b[0] for b in boxes)
            right = max(b[2] for b in boxes)
            bottom = min(b[1] for b in boxes)
            assert left > spec.width / 2 and right <= spec.width - spec.safe, card_id
            assert bottom > spec.height * 0.7, card_id  # under the band, above the title's body
            # Nothing else is printed where the code is.
            others = [textpage.get_charbox(i) for i in range(count)
                      if i not in span and text[i].strip()]
            assert not [b for b in others if b[0] < right and b[2] > left
                        and b[1] < max(x[3] for x in boxes) and b[3] > bottom], card_id
    finally:
        doc.close()


def test_recipe_cards_list_each_ingredient_by_code_beside_its_title(deck: Deck) -> None:
    """A facilitator copies codes from a recipe card onto a blank one: each referenced card is
    on a line of its own, its code right-aligned in the column where the blank has its box,
    on the title's baseline and no smaller than 6.5 pt."""
    recipes = [card for card in deck.cards if card.recipe]
    assert len(recipes) >= 5
    assert any(len(refs) > 1 for card in recipes for _, refs in card.recipe)
    spec = deck.card
    doc = _front_pdf(deck, [card.id for card in recipes])
    try:
        for index, card in enumerate(recipes):
            textpage = doc[index].get_textpage()
            count = textpage.count_chars()
            text = textpage.get_text_range(0, count)
            rights: list[float] = []
            for _, refs in card.recipe:
                for ref in refs:
                    target = deck.card_by_id(ref)
                    assert target is not None
                    code, title = str(target.values["code"]), target.title
                    at = text.find(code)
                    assert at >= 0, (card.id, code)
                    # The title's first word, and the code, on the same baseline.
                    def baseline(i: int, page: pdfium.PdfTextPage = textpage
                                 ) -> tuple[float, float]:
                        x, y = pdfium_c.c_double(), pdfium_c.c_double()
                        pdfium_c.FPDFText_GetCharOrigin(page.raw, i, x, y)
                        return x.value, y.value

                    code_x, code_y = baseline(at)
                    word = re.escape(title.split()[0])
                    beside = [m.start() for m in re.finditer(word, text)
                              if abs(baseline(m.start())[1] - code_y) < 0.3
                              and baseline(m.start())[0] < code_x - 20]
                    assert beside, (card.id, code, title)
                    size = pdfium_c.FPDFText_GetFontSize(textpage.raw, at)
                    assert size >= 6.45, (card.id, code, size)
                    rights.append(textpage.get_charbox(at + len(code) - 1)[2])
            # Right-aligned in one column, inside the safe zone.
            assert max(rights) - min(rights) < 0.5, card.id
            assert max(rights) <= spec.width - spec.safe + 0.5, card.id
    finally:
        doc.close()


def _emblem_ink(doc: pdfium.PdfDocument, index: int) -> Image.Image:
    """The lower-right corner where the emblem sits, rendered at 100 dpi."""
    image: Image.Image = doc[index].render(scale=100 / 72).to_pil().convert("L")
    w, h = image.size
    return image.crop((int(w * 0.66), int(h * 0.75), int(w * 0.95), int(h * 0.88)))


def test_the_lower_third_shows_the_card_icon_or_the_category_icon(deck: Deck) -> None:
    # Two channel cards show their own, different icons; two audience cards the same one.
    doc = _front_pdf(deck, ["web", "email", "new-visitor", "returning-visitor"])
    try:
        web, email, visitor, returning = (_emblem_ink(doc, i) for i in range(4))
    finally:
        doc.close()
    for corner in (web, email, visitor, returning):
        darkest, _ = corner.getextrema()
        assert isinstance(darkest, int) and darkest < 245  # a faint icon, not blank paper
    assert ImageChops.difference(web, email).getbbox() is not None
    assert ImageChops.difference(visitor, returning).getbbox() is None


# Golden renders of the built-in deck's own design (deck/layouts/cards.yaml over the built-in
# layouts), looked at by eye; tests/test_golden.py covers the built-in layouts themselves. The
# cards are fixed here, in a deck that extends the built-in one without its cards, so a change
# of wording or card count elsewhere in the deck does not move these pixels.
GOLDEN_CARDS = """\
cards:
  - id: golden-standard
    category: audiences
    code: AU-90
    title: Trial reader
    subtitle: In a free trial
    body: Has a few days to decide whether the catalogue is worth paying for.
    prompts: [What must they experience before the trial ends?]
  - id: golden-pictured
    category: channels
    code: CH-90
    icon: mail
    title: Email
    subtitle: The inbox
    body: Room for images, lists and detail. Read on the reader's schedule.
    prompts: [Which email would a reader be sorry to miss?]
  - id: golden-level
    category: levels
    code: LV-90
    icon: component
    level: 2
    title: Feature
    subtitle: Something readers can name
    body: A named part of the product that readers would notice.
    examples: [The "Continue reading" row]
  - id: golden-disposition
    category: dispositions
    code: DI-90
    icon: circle-help
    title: Skeptic
    subtitle: Doubts the payoff
    body: Not against it, just unconvinced. Moved by evidence, not by enthusiasm.
    prompts: [What small test would change your mind?, What result would count as proof?]
"""


@pytest.fixture(scope="module")
def golden_faces(deck: Deck, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Image.Image]:
    root = tmp_path_factory.mktemp("builtin-golden")
    (root / "cards").mkdir()
    ids = ", ".join(card.id for card in deck.cards)
    (root / "deck.yaml").write_text(f"extends: {BUILTIN}\nremove: [{ids}]\n", encoding="utf-8")
    (root / "cards" / "golden.yaml").write_text(GOLDEN_CARDS, encoding="utf-8")
    golden_deck = load_deck(root)
    names = [card.id.removeprefix("golden-") for card in golden_deck.cards]
    doc = _front_pdf(golden_deck, [card.id for card in golden_deck.cards])
    try:
        return {f"builtin-{name}": doc[i].render(scale=golden.DPI / 72).to_pil().convert("RGB")
                for i, name in enumerate(names)}
    finally:
        doc.close()


@pytest.mark.parametrize("name", ["builtin-disposition", "builtin-level", "builtin-pictured",
                                  "builtin-standard"])
def test_builtin_face_matches_its_golden_render(golden_faces: dict[str, Image.Image], name: str,
                                                tmp_path: Path) -> None:
    actual = golden_faces[name]
    reference = golden.GOLDEN / f"{name}.png"
    if os.environ.get("DECKGEN_UPDATE_GOLDEN") == "1":
        actual.save(reference, optimize=True)
    assert reference.exists(), f"no reference {reference}; run with DECKGEN_UPDATE_GOLDEN=1"
    expected = Image.open(reference).convert("RGB")
    assert actual.size == expected.size
    mean, changed = golden.compare(actual, expected)
    if mean > golden.MEAN_LIMIT or changed > golden.CHANGED_LIMIT:
        actual.save(tmp_path / f"{name}-actual.png")
        pytest.fail(f"{name} differs from {reference.name} (mean {mean:.2f}, {changed:.1%} of "
                    f"pixels changed); the new render is {tmp_path / (name + '-actual.png')}")


def test_the_german_deck_is_complete_and_passes_every_check_strictly() -> None:
    """`deckgen build deck --lang de --strict`: every text translated, and the German cards
    fit, have their glyphs and keep to the safe zone like the English ones."""
    from deckgen.outputs.build import load_checked

    warnings: list[str] = []
    german, _ = load_checked(BUILTIN, lang="de", strict=True, warn=warnings.append)
    assert german.language == "de"
    assert not warnings
    titles = {c.id: c.title for c in german.cards}
    assert titles["new-visitor"] != "New visitor"
    assert german.category("audiences").name == "Zielgruppen"


def test_the_german_workbook_places_every_roadmap_note_and_keeps_no_english() -> None:
    """Notes name their column in the deck's language; the sheet prints it translated. Every
    note still lands on the sheet, and the example page is marked in German."""
    import pypdf

    from deckgen.outputs.build import load_checked
    from deckgen.workbook import write_workbook

    german, _ = load_checked(BUILTIN, lang="de", strict=True, warn=lambda _: None)
    assert german.workbook is not None
    (example,) = [e for e in german.workbook.examples if e.kind == "roadmap"]
    notes = [text for _, _, text in example.rows["notes"]]
    assert len(notes) >= 8
    out = io.BytesIO()
    write_workbook(german, CardRenderer(german), out)
    pages = [" ".join((page.extract_text() or "").split())
             for page in pypdf.PdfReader(io.BytesIO(out.getvalue())).pages]
    (page,) = [p for p in pages if p.startswith("BEISPIEL · ROADMAP")]
    assert "Jetzt" in page and "Später" in page and "Now" not in page
    missing = [n for n in notes if " ".join(n.split())[:30] not in page]
    assert missing == []
    # Nor does any other page keep an engine sentence in English.
    english = ("Run:", "Drop:", "steps as written", "Sheet 1 of", "EXAMPLE", " min ")
    left = sorted({w for p in pages for w in english if w in p})
    assert left == []


def test_the_engine_names_nothing_of_the_builtin_deck(deck: Deck) -> None:
    """No card id, category, family or level of the built-in deck is a string in src/: such
    knowledge is the deck's data. Format keys that happen to share a word are allowed."""
    import ast

    from conftest import REPO

    words = {c.id for c in deck.cards} | {c.id for c in deck.categories}
    words |= {c.name for c in deck.categories}
    for spec in deck.fields:
        words |= {name for name, _ in spec.values} | {label for _, label in spec.values}
    # The card key `layout`, a word of the layout format.
    format_words = {"layout"}
    found = []
    for path in sorted((REPO / "src" / "deckgen").rglob("*.py")):
        if path.name.startswith("bench"):  # the benchmark writes a synthetic deck of its own
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and node.value in words - format_words:
                found.append(f"{path.relative_to(REPO)}:{node.lineno}: {node.value!r}")
    assert found == []


def test_no_text_on_a_card_front_is_below_six_and_a_half_points(tmp_path: Path) -> None:
    """Read across a table: labels, badges, codes and footers included (not blank cards)."""
    from deckgen.outputs.build import build
    from deckgen.outputs.files import BuildOptions

    build(BUILTIN, tmp_path, BuildOptions(outputs=frozenset({"print-shop"})))
    doc = pdfium.PdfDocument(str(tmp_path / "cards-print-shop.pdf"))
    smallest: dict[int, float] = {}
    try:
        for index in range(0, len(doc), 2):  # fronts
            text = doc[index].get_textpage()
            for i in range(text.count_chars()):
                if text.get_text_range(i, 1).strip():
                    size = pdfium_c.FPDFText_GetFontSize(text.raw, i)
                    smallest[index] = min(smallest.get(index, 99.0), size)
    finally:
        doc.close()
    too_small = {page: size for page, size in smallest.items() if size < 6.45}
    assert too_small == {}

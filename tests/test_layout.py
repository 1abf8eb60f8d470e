"""Layouts: `extends` and `remove`, deck layouts over built-in ones, and their diagnostics."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from deckgen.deck.load import load_deck
from deckgen.diagnostics import DeckError
from deckgen.draw.renderer import CardRenderer
from deckgen.layout.templates import LayoutSet, load_layouts
from deckgen.units import mm


def _layouts(tmp_path: Path, *folders: str) -> LayoutSet:
    """Load layouts with deck folders given most specific first, each as one YAML text."""
    dirs = []
    for i, text in enumerate(folders):
        folder = tmp_path / f"deck{i}" / "layouts"
        folder.mkdir(parents=True)
        (folder / "cards.yaml").write_text(textwrap.dedent(text), encoding="utf-8")
        dirs.append(folder)
    return load_layouts(tuple(dirs))


def _errors(tmp_path: Path, *folders: str) -> list[str]:
    with pytest.raises(DeckError) as info:
        _layouts(tmp_path, *folders)
    return [d.format() for d in info.value.diagnostics.sorted()]


def _names(layout_set: LayoutSet, name: str) -> list[str]:
    return [el.name for el in layout_set.get(name).elements]


def test_extends_inherits_elements_and_overrides_them_by_name(tmp_path: Path) -> None:
    layouts = _layouts(tmp_path, """\
        roomy:
          extends: standard
          elements:
            flow:
              size: 11
            stamp:
              kind: mark
              top: 50%
        """)
    standard = layouts.get("standard")
    roomy = layouts.get("roomy")
    assert _names(layouts, "roomy") == [*_names(layouts, "standard"), "stamp"]
    flow = {el.name: el for el in roomy.elements}["flow"]
    base_flow = {el.name: el for el in standard.elements}["flow"]
    assert flow.num("size", 0) == 11
    # Everything not overridden is inherited, including the kind.
    assert flow.kind == "flow" and flow.get("fields") == base_flow.get("fields")
    assert flow.get("min-size") == base_flow.get("min-size")


def test_remove_drops_inherited_elements(tmp_path: Path) -> None:
    layouts = _layouts(tmp_path, """\
        bare:
          extends: standard
          remove: [subtitle, rule]
          elements:
            flow:
              after: title
        """)
    names = _names(layouts, "bare")
    assert "subtitle" not in names and "rule" not in names
    assert "flow" in names and "title" in names


def test_remove_of_an_unknown_element_suggests_the_closest(tmp_path: Path) -> None:
    errors = _errors(tmp_path, """\
        bare:
          extends: standard
          remove: [subtitel]
        """)
    assert len(errors) == 1
    assert "cards.yaml:3:12: bare.remove: the layout has no element 'subtitel'" in errors[0]
    assert "did you mean 'subtitle'?" in errors[0]


def test_a_deck_layout_can_override_a_builtin_one_by_extending_it(tmp_path: Path) -> None:
    layouts = _layouts(tmp_path, """\
        standard:
          extends: standard
          elements:
            title:
              size: 18
        """)
    builtin = load_layouts()
    assert _names(layouts, "standard") == _names(builtin, "standard")
    title = {el.name: el for el in layouts.get("standard").elements}["title"]
    assert title.num("size", 0) == 18 and title.get("weight") == "black"
    # Layouts extending the built-in `standard` see the deck's version.
    level_title = {el.name: el for el in layouts.get("level").elements}["title"]
    assert level_title.num("size", 0) == 18


def test_a_deck_layout_extending_its_name_builds_on_the_base_decks(tmp_path: Path) -> None:
    # deck0 (most specific) extends deck1's standard, which extends the built-in one.
    layouts = _layouts(tmp_path, """\
        standard:
          extends: standard
          elements:
            subtitle:
              size: 9
        """, """\
        standard:
          extends: standard
          elements:
            title:
              size: 18
        """)
    elements = {el.name: el for el in layouts.get("standard").elements}
    assert elements["title"].num("size", 0) == 18
    assert elements["subtitle"].num("size", 0) == 9


def test_a_deck_layout_override_reaches_the_cards(make_deck: Callable[..., Path]) -> None:
    root = make_deck(files={"layouts/brand.yaml": b"""\
standard:
  extends: standard
  elements:
    rule:
      width: 20mm
"""})
    renderer = CardRenderer(load_deck(root))
    card = renderer.deck.card_by_id("new-visitor")
    assert card is not None
    rule = {el.name: el for el in renderer.front(card).layout.elements}["rule"]
    assert rule.get("width") == pytest.approx((mm(20), False))
    assert not renderer.check()


def test_a_real_cycle_is_reported_once_where_it_closes(tmp_path: Path) -> None:
    errors = _errors(tmp_path, """\
        one:
          extends: two
        two:
          extends: one
        three:
          extends: one
        """)
    assert len(errors) == 1, errors
    assert "cards.yaml:4:12: two.extends: layouts extend each other in a cycle: " \
        "one → two → one" in errors[0]
    assert "hint: a layout can extend one of its own name" in errors[0]


def test_a_layout_extending_itself_with_nothing_underneath_is_an_error(tmp_path: Path) -> None:
    errors = _errors(tmp_path, """\
        mine:
          extends: mine
        """)
    assert len(errors) == 1
    assert "cards.yaml:2:12: mine.extends: layout 'mine' extends itself" in errors[0]


def test_extending_an_unknown_layout_suggests_the_closest(tmp_path: Path) -> None:
    errors = _errors(tmp_path, """\
        mine:
          extends: standrd
        """)
    assert len(errors) == 1
    assert "no layout is called 'standrd'" in errors[0]
    assert "did you mean 'standard'?" in errors[0]


def test_unknown_element_kind_and_key_suggest_the_closest(tmp_path: Path) -> None:
    errors = _errors(tmp_path, """\
        mine:
          extends: standard
          elements:
            stamp:
              kind: logoo
            title:
              sise: 12
        """)
    assert len(errors) == 2, errors
    kind, key = errors
    assert "cards.yaml:5:13: mine.elements.stamp.kind: unknown kind 'logoo'" in kind
    assert "did you mean 'logo'?" in kind
    assert "cards.yaml:7:7: mine.elements.title.sise: unknown key" in key
    assert "did you mean 'size'?" in key


def test_a_problem_in_a_base_layout_is_reported_once(tmp_path: Path) -> None:
    errors = _errors(tmp_path, """\
        base:
          elements:
            title:
              kind: text
              sise: 12
        child-a:
          extends: base
        child-b:
          extends: base
        """)
    assert len(errors) == 1, errors


def _deck_with_layout(make_deck: Callable[..., Path], layout: str, accent: bool = True) -> Path:
    from conftest import MINI_DECK

    deck_yaml = MINI_DECK.format(size="poker")
    if accent:
        deck_yaml = deck_yaml.replace(
            "categories:", "brand:\n  fonts:\n    accent: DejaVu Sans\ncategories:")
    return make_deck(deck_yaml=deck_yaml,
                     files={"layouts/cards.yaml": textwrap.dedent(layout).encode()})


@pytest.mark.parametrize("font", ["accent", "DejaVu Sans"])
def test_an_element_can_name_a_brand_font_or_a_bundled_one(
        make_deck: Callable[..., Path], tmp_path: Path, font: str) -> None:
    from pypdf import PdfReader

    from conftest import font_names
    from deckgen.outputs.build import BuildOptions, build

    root = _deck_with_layout(make_deck, f"""\
        standard:
          extends: standard
          elements:
            title: {{font: "{font}"}}
        """, accent=font == "accent")
    build(root, tmp_path / "out", BuildOptions(outputs=("print-shop",)))
    used = font_names(PdfReader(tmp_path / "out" / "cards-print-shop.pdf"))
    assert any("DejaVuSans" in name for name in used), used


def test_an_unknown_element_font_is_a_diagnostic_with_a_suggestion(
        make_deck: Callable[..., Path]) -> None:
    root = _deck_with_layout(make_deck, """\
        standard:
          extends: standard
          elements:
            title: {font: acent}
        """)
    deck = load_deck(root)
    problems = [d.format() for d in CardRenderer(deck).check().sorted()]
    assert len(problems) == 1, problems
    assert "title.font: unknown font 'acent'" in problems[0]
    assert "did you mean 'accent'?" in problems[0]


def test_a_brand_font_no_layout_uses_is_reported_as_a_likely_typo(
        make_deck: Callable[..., Path]) -> None:
    from conftest import MINI_DECK

    deck_yaml = MINI_DECK.format(size="poker").replace(
        "categories:", "brand:\n  fonts:\n    headng: DejaVu Sans\ncategories:")
    deck = load_deck(make_deck(deck_yaml=deck_yaml))
    problems = [d.format() for d in CardRenderer(deck).check().sorted()]
    assert len(problems) == 1, problems
    assert "brand.fonts.headng: no layout uses a font called 'headng'" in problems[0]
    assert "did you mean 'heading'?" in problems[0]

"""workbook.yaml: validation with positioned diagnostics, cross-references, the built-in file."""

from __future__ import annotations

import textwrap
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from deckgen.deck import yamlsrc
from deckgen.deck.model import Brand, Card, CardSpec, Category, Deck
from deckgen.deck.workbook_load import check_workbook_refs, parse_workbook
from deckgen.deck.workbook_model import Workbook
from deckgen.diagnostics import Diagnostics, Pos
from deckgen.resources import data_dir
from deckgen.units import mm, parse_color

FILE = Path("workbook.yaml")

GOOD = """\
phases:
  - {id: kickstart, name: Kickstart}
activities:
  - id: size-it
    title: Size it
    phase: kickstart
    purpose: See how big each example is.
    steps:
      - {do: Deal the cards., minutes: 5}
      - {do: Place the examples., minutes: 30}
    cards: [new-visitor]
    categories: [levels]
agendas:
  - id: one-day
    title: One day
    days:
      - start: "09:00"
        slots:
          - {activity: size-it, minutes: 35}
          - {break: Lunch, minutes: 60}
"""


def parse(text: str) -> tuple[Workbook | None, Diagnostics]:
    diags = Diagnostics()
    node = yamlsrc.parse_yaml(textwrap.dedent(text), FILE, diags)
    assert node is not None, diags.format()
    return parse_workbook(node, diags), diags


def problems(text: str) -> list[tuple[int, str, str, str | None]]:
    workbook, diags = parse(text)
    assert diags, "expected a diagnostic"
    assert workbook is None, "a workbook with problems is not used"
    return [(d.pos.line, d.field, d.message, d.hint) for d in diags.sorted()]


def test_a_good_workbook_parses_into_the_model() -> None:
    workbook, diags = parse(GOOD)
    assert not diags, diags.format()
    assert workbook is not None
    act = workbook.activities[0]
    assert act.minutes == 35 and act.phase == "kickstart"
    assert [ref.id for ref in act.cards] == ["new-visitor"]
    assert act.cards[0].pos.line == 11
    day = workbook.agendas[0].days[0]
    assert (day.title, day.start, day.end) == ("Day 1", 9 * 60, 9 * 60 + 95)
    assert day.slots[1].is_break and day.slots[1].title == "Lunch"
    assert workbook.worksheets is None  # not given: the default set


def test_unknown_key_names_the_field_and_suggests_the_right_one() -> None:
    text = GOOD.replace("    purpose: See", "    purpse: See")
    found = problems(text)
    assert (7, "activities[0].purpse", "unknown key", "did you mean 'purpose'?") in found
    assert any(f == "activities[0].purpose" and m == "required field is missing"
               for _, f, m, _ in found)


def test_wrong_type_points_at_the_value() -> None:
    text = GOOD.replace("minutes: 30}", "minutes: half an hour}")
    assert problems(text) == [
        (10, "activities[0].steps[1].minutes", "must be a whole number, not 'half an hour'", None)]


def test_text_where_a_list_belongs() -> None:
    text = GOOD.replace("cards: [new-visitor]", "cards: {a: b}")
    line, field, message, _ = problems(text)[0]
    assert (line, field) == (11, "activities[0].cards")
    assert message.startswith("must be a list")


def test_missing_required_field_is_reported_on_its_entry() -> None:
    found = problems("""\
        glossary:
          - term: Recipe
        """)
    assert found == [(2, "glossary[0].definition", "required field is missing", None)]


def test_every_problem_is_reported_at_once() -> None:
    text = (GOOD.replace("minutes: 5}", "minutes: -5}")
            .replace('start: "09:00"', 'start: "9am"')
            .replace("activity: size-it", "activity: sizeit"))
    found = {(line, field) for line, field, _, _ in problems(text)}
    assert found == {(9, "activities[0].steps[0].minutes"),
                     (17, "agendas[0].days[0].start"),
                     (19, "agendas[0].days[0].slots[0].activity")}


def test_references_inside_the_workbook_are_checked() -> None:
    found = problems(GOOD.replace("phase: kickstart", "phase: kick-start")
                         .replace("activity: size-it", "activity: size"))
    assert (6, "activities[0].phase", "no phase 'kick-start'", "did you mean 'kickstart'?") in found
    assert any(f == "agendas[0].days[0].slots[0].activity" and m == "no activity 'size'"
               for _, f, m, _ in found)


def test_a_slot_is_an_activity_a_title_or_a_break() -> None:
    found = problems(GOOD.replace("{break: Lunch, minutes: 60}",
                                  "{break: Lunch, title: Food, minutes: 60}"))
    assert found[0][:3] == (20, "agendas[0].days[0].slots[1]", "give only one of title, break")


def test_duplicate_ids_and_unknown_worksheets() -> None:
    text = GOOD + textwrap.dedent("""\
        worksheets: [landscape, recipe-bulder]
        """)
    text = text.replace("agendas:\n  - id: one-day", "agendas:\n  - id: one-day\n    summary: x")
    text = text.replace("phases:\n  - {id: kickstart, name: Kickstart}",
                        "phases:\n  - {id: kickstart, name: Kickstart}\n"
                        "  - {id: kickstart, name: Again}")
    found = problems(text)
    assert (3, "phases[1].id", "id 'kickstart' is used twice", "ids must be unique") in found
    assert any(f == "worksheets[1]" and m == "unknown worksheet 'recipe-bulder'"
               and h == "did you mean 'recipe-builder'?" for _, f, m, h in found)


def test_diagnostics_print_as_file_line_column_field() -> None:
    _, diags = parse(GOOD.replace("title: Size it", "titel: Size it"))
    lines = [d.format() for d in diags.sorted()]
    assert lines[1].startswith("workbook.yaml:5:5: activities[0].titel: unknown key\n")
    assert "hint: did you mean 'title'?" in lines[1]


def test_an_empty_file_is_an_empty_workbook_and_a_list_is_an_error() -> None:
    workbook, diags = parse("")
    assert workbook == Workbook() and not diags
    workbook, diags = parse("- a\n- b\n")
    assert workbook is None and diags.sorted()[0].message.startswith("must be a mapping")


def _deck() -> Deck:
    cat = Category("levels", "Levels", None, "How big?", parse_color("#555555"), None, None, 0,
                   Pos(Path("deck.yaml")))
    return Deck(root=Path("."), title="T", subtitle=None, edition=None, language="en",
                card=CardSpec("poker", mm(63.5), mm(88.9), mm(3), mm(3)), paper="a4",
                brand=Brand("B", None, {}, {}), categories=(cat,),
                cards=(Card(id="new-visitor", title="New visitor", category="levels"),))


def test_card_and_category_references_are_checked_against_the_deck() -> None:
    workbook, _ = parse(GOOD.replace("[new-visitor]", "[new-visiter, new-visitor]")
                        .replace("[levels]", "[level]"))
    assert workbook is not None
    diags = Diagnostics()
    check_workbook_refs(workbook, _deck(), diags)
    found = [(d.pos.line, d.pos.col, d.field, d.message, d.hint) for d in diags.sorted()]
    assert found == [
        (11, 13, "activities[0].cards[0]", "the deck has no card 'new-visiter'",
         "did you mean 'new-visitor'?"),
        (12, 18, "activities[0].categories[0]", "the deck has no category 'level'",
         "did you mean 'levels'?"),
    ]


def test_the_built_in_workbook_is_clean() -> None:
    from deckgen.deck.load import load_deck

    path = data_dir("deck") / "workbook.yaml"
    diags = Diagnostics()
    node = yamlsrc.read_yaml(path, diags)
    assert node is not None
    workbook = parse_workbook(node, diags)
    assert workbook is not None, diags.format()
    check_workbook_refs(workbook, load_deck(data_dir("deck")), diags)
    assert not diags, diags.format()
    assert {a.phase for a in workbook.activities} == {"kickstart", "plan", "work"}
    assert [a.title for a in workbook.agendas] == ["One day", "Two days", "Three days",
                                                   "Remote, five sessions"]
    assert [a.remote for a in workbook.agendas] == [False, False, False, True]
    for agenda in workbook.agendas:
        for day in agenda.days:
            assert day.start >= 8 * 60 and day.end <= 17 * 60 + 30, (agenda.id, day.title)


_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-5, 700),
                     st.text(max_size=12), st.sampled_from(["09:00", "size-it", "kickstart"]))
_KEYS = st.sampled_from(["id", "title", "phase", "purpose", "steps", "do", "minutes", "days",
                         "start", "slots", "activity", "break", "cards", "agendas",
                         "activities", "phases", "worksheets", "kind", "glossary", "term",
                         "materials", "in_person", "anatomy", "intro", "titel"])
_TREES = st.recursive(_SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(_KEYS, inner, max_size=5)), max_leaves=25)


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(_KEYS, _TREES, max_size=6))
def test_no_input_makes_the_parser_raise(tree: dict[str, object]) -> None:
    import yaml

    diags = Diagnostics()
    node = yamlsrc.parse_yaml(yaml.safe_dump(tree), FILE, diags)
    if node is not None:
        workbook = parse_workbook(node, diags)
        assert (workbook is None) == bool(diags)

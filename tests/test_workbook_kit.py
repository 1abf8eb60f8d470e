"""The workshop kit: worksheets sized for the group, per-format step plans on the spreads."""

from __future__ import annotations

import ctypes
import io
import re
import textwrap

import pypdf
import pypdfium2
import pypdfium2.raw as pdfium_c

from test_workbook import build, load_workbook, make_deck
from test_workbook_load import GOOD, parse, problems


def _circles(page: pypdf.PageObject) -> int:
    """Circles drawn on a page: reportlab draws each as a move and four curves."""
    data = page.get_contents().get_data().decode("latin-1")
    return len(re.findall(r" m\n(?:[-\d. ]+ c\n){4}", data))


def _sheet_pages(pdf: bytes, title: str) -> list[pypdf.PageObject]:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return [page for page in reader.pages
            if (page.extract_text() or "").lstrip().startswith(title)]


def _group_pdf(group: str) -> bytes:
    workbook = load_workbook(f"group: {group}\n"
                             "worksheets: [four-arguments, dot-vote, landscape]\n")
    return build(make_deck(workbook))


def test_voting_dots_and_landscape_boxes_follow_the_group_size() -> None:
    big = _group_pdf("{people: 14, votes: 3, dots: 5, per_idea: 2, examples: 40}")
    small = _group_pdf("{people: 6, votes: 2, dots: 3, per_idea: 1, examples: 12}")
    for pdf, grid_votes, idea_votes, landscape_pages in ((big, 42, 28, 3), (small, 12, 6, 1)):
        (grid,) = _sheet_pages(pdf, "Two-by-two grid")
        # Every vote of the group may land in one quadrant: each quadrant has room for all.
        assert _circles(grid) == 4 * grid_votes
        assert f"room for {grid_votes}" in grid.extract_text()
        (tally,) = _sheet_pages(pdf, "Dot-vote tally")
        # One full line of dots per idea: the count divides evenly, for a page of ideas.
        assert _circles(tally) % idea_votes == 0 and _circles(tally) // idea_votes >= 10
        sheets = _sheet_pages(pdf, "Landscape of examples")
        assert len(sheets) == landscape_pages
        boxes = sum(p.extract_text().count("Example and where you saw it") for p in sheets)
        assert boxes >= (40 if landscape_pages == 3 else 12)


PLANNED = """\
agendas:
  - id: short
    title: Short day
    days: [{start: "09:00", slots: [{activity: sort, minutes: 20}]}]
  - id: long
    title: Long day
    days: [{start: "09:00", slots: [{activity: sort, minutes: 45}]}]
activities:
  - id: sort
    title: Sort the cards
    purpose: Put the cards in piles.
    steps:
      - {do: Deal the cards to every table., minutes: 5}
      - {do: Sort them into piles by colour., minutes: 20}
      - {do: Name each pile and read it aloud., minutes: 20}
    plans:
      short:
        - {step: 1}
        - {step: 2, minutes: 10}
        - {do: Point at the biggest pile., minutes: 5}
"""


def test_the_spread_prints_what_each_format_runs_and_drops() -> None:
    pdf = build(make_deck(load_workbook(PLANNED)))
    text = " ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    text = re.sub(r"\s+", " ", text)
    assert "Run: 1, 2 (10 min), A. Drop: 3. A (5 min): Point at the biggest pile." in text
    assert "All 3 steps as written." in text


def test_a_slot_shorter_than_the_steps_is_an_error_on_the_slot() -> None:
    # size-it's steps take 35 minutes; a 30-minute slot cannot hold them.
    found = problems(GOOD.replace("{activity: size-it, minutes: 35}",
                                  "{activity: size-it, minutes: 30}"))
    assert found == [(19, "agendas[0].days[0].slots[0].minutes",
                      "size-it gets 30 min in one-day but its steps take 35 min",
                      "lengthen the slot, or give size-it a plan under plans: one-day: that "
                      "drops or shortens steps")]


def test_a_plan_that_drops_a_step_makes_the_short_slot_hold() -> None:
    text = GOOD.replace("{activity: size-it, minutes: 35}", "{activity: size-it, minutes: 30}")
    text = text.replace("    cards: [new-visitor]",
                        "    plans:\n      one-day: [{step: 2}]\n    cards: [new-visitor]")
    workbook, diags = parse(text)
    assert not diags, diags.format()
    assert workbook is not None
    plan = workbook.activities[0].plan("one-day")
    assert plan is not None and plan.minutes == 30
    assert plan.steps[0].do == "Place the examples."
    # A plan too long for its slot is reported against that plan.
    found = problems(text.replace("[{step: 2}]", "[{step: 2}, {do: Discuss., minutes: 10}]"))
    assert found[0][2] == "size-it gets 30 min in one-day but its plan for one-day takes 40 min"


def test_plan_mistakes_are_positioned() -> None:
    text = GOOD.replace("    cards: [new-visitor]",
                        "    plans:\n      one-dya: [{step: 1}]\n"
                        "      one-day: [{step: 3}, {minutes: 4}]\n    cards: [new-visitor]")
    found = problems(text)
    assert (12, "activities[0].plans.one-dya", "no agenda 'one-dya'",
            "did you mean 'one-day'?") in found
    assert any(f == "activities[0].plans.one-day[0].step"
               and m == "must be between 1 and 2, not 3" for _, f, m, _ in found)
    assert any(f == "activities[0].plans.one-day[1]" and m.startswith("needs step:")
               for _, f, m, _ in found)


def test_group_size_is_read_and_checked() -> None:
    workbook, diags = parse(GOOD + "group: {people: 14, votes: 3}\n")
    assert not diags and workbook is not None
    assert (workbook.group.grid_votes, workbook.group.idea_votes) == (42, 28)
    found = problems(GOOD + "group: {people: 0, voters: 3}\n")
    assert {f for _, f, _, _ in found} == {"group.people", "group.voters"}


EXAMPLE = """\
worksheets: [recipe-builder, roadmap]
examples:
  - kind: recipe-builder
    title: A recipe, filled in
    fill:
      name: Welcome back
      by: Priya
      rows:
        - [new-visitor, Someone who came from a friend's link]
  - kind: roadmap
    fill:
      notes: [[Now, Try, Send the first test to a tenth of new visitors]]
"""


def test_a_filled_example_prints_its_words_in_ink_and_is_marked() -> None:
    pdf = build(make_deck(load_workbook(EXAMPLE)))
    doc = pypdfium2.PdfDocument(pdf)
    pages = [doc[i].get_textpage().get_text_range() for i in range(len(doc))]
    (recipe,) = [t for t in pages if t.startswith("EXAMPLE · RECIPE BUILDER")]
    assert "A recipe, filled in" in recipe and "Welcome back" in recipe
    assert "Someone who came from a friend's link" in recipe and "new-visitor" in recipe
    (roadmap,) = [t for t in pages if t.startswith("EXAMPLE · ROADMAP")]
    assert "Send the first test to a tenth of new visitors" in roadmap
    # The blank sheets come first and stay blank.
    blank = next(t for t in pages if t.lstrip().startswith("Recipe builder"))
    assert "Welcome back" not in blank
    # Filled words are in the pen colour, so nobody takes them for printed text.
    index = pages.index(recipe)
    text = doc[index].get_textpage()
    start = text.get_text_range().index("Welcome back")
    assert _fill_rgb(text, start) == _fill_rgb(text, start + 8)
    r, _, b = _fill_rgb(text, start)
    assert b > 150 and r < 60, "the example is written in a blue pen"
    heading = text.get_text_range().index("A recipe, filled in")
    assert max(_fill_rgb(text, heading)) < 100, "the printed words stay dark"


def _fill_rgb(text: pypdfium2.PdfTextPage, index: int) -> tuple[int, int, int]:
    r, g, b, a = (ctypes.c_uint(), ctypes.c_uint(), ctypes.c_uint(), ctypes.c_uint())
    pdfium_c.FPDFText_GetFillColor(text.raw, index, r, g, b, a)
    return r.value, g.value, b.value


def test_example_mistakes_are_positioned() -> None:
    found = problems(GOOD + textwrap.dedent("""\
        examples:
          - kind: recipe-bulder
            fill: {name: x}
          - kind: risk-register
            fill:
              rows: [[Data quality, M, H]]
          - kind: roadmap
            fill:
              notes: [[Soon, Try, A test]]
        """))
    assert (22, "examples[0].kind", "no filled example for worksheet 'recipe-bulder'",
            "did you mean 'recipe-builder'?") in found
    assert (26, "examples[1].fill.rows[0]", "has 3 cells; a row here has 6", None) in found
    workbook, diags = parse(GOOD + "examples:\n  - kind: roadmap\n"
                            "    fill: {notes: [[Soon, Try, A test]]}\n")
    assert workbook is None
    assert [(d.field, d.message) for d in diags.sorted()] == [
        ("examples[0].fill.notes[0]", "the roadmap has no column 'Soon'")]

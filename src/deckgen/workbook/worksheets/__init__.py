"""Worksheets section: takes the worksheet list, gives an index and one drawn page per worksheet."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, NextPageTemplate, Paragraph, Table

from deckgen.model import Deck
from deckgen.units import mm
from deckgen.workbook.blocks import booklet_table
from deckgen.workbook.context import Context, Flowables
from deckgen.workbook.deckdata import deck_levels, grid_card, risk_titles
from deckgen.workbook.doc import Heading, new_page, new_section
from deckgen.workbook.typeset import first_sentence
from deckgen.workbook.worksheets.decide import (
    sheet_dot_vote,
    sheet_effort_impact,
    sheet_four_arguments,
    sheet_risk_register,
)
from deckgen.workbook.worksheets.explore import (
    sheet_card_sort,
    sheet_landscape,
    sheet_sizing_ladder,
)
from deckgen.workbook.worksheets.plan import (
    sheet_jtbd_pitch,
    sheet_parking_lot,
    sheet_recipe_builder,
    sheet_roadmap,
)
from deckgen.workbook_model import WORKSHEET_KINDS, WorksheetSpec

# Worksheets


@dataclass(frozen=True)
class SheetKind:
    title: str
    note: str
    landscape: bool
    draw: Callable[[Canvas, Context, float, float], None]


def worksheet_title(ctx: Context, kind: str) -> str:
    for spec in worksheet_specs(ctx):
        if spec.kind == kind and spec.title:
            return spec.title
    return SHEETS[kind].title


def worksheet_specs(ctx: Context) -> tuple[WorksheetSpec, ...]:
    if ctx.wb.worksheets is not None:
        return ctx.wb.worksheets
    return tuple(WorksheetSpec(kind) for kind in default_sheet_kinds(ctx.deck))


def default_sheet_kinds(deck: Deck) -> list[str]:
    """Sheets that make sense for this deck: the deck-specific ones only when it has the cards."""
    kinds = ["card-sort"]
    if deck.catalogue or any(card.family for card in deck.cards):
        kinds.append("landscape")  # the deck has interactions to spark it
    if deck_levels(deck, generic=False):
        kinds.append("sizing-ladder")
    if grid_card(deck) is not None:
        kinds.append("four-arguments")
    if risk_titles(deck):
        kinds.append("risk-register")
    if any(cat.role for cat in deck.categories):
        kinds.append("recipe-builder")
    # These need no particular cards.
    kinds += ["jtbd-pitch", "effort-impact", "dot-vote", "roadmap", "parking-lot"]
    return [k for k in WORKSHEET_KINDS if k in kinds]


def worksheets(ctx: Context) -> Flowables:
    specs = worksheet_specs(ctx)
    if not specs:
        return []
    out = new_section(ctx, "Worksheets", intro=(
        "Print one copy per table, or enlarge to A3 for the wall. Write card ids in the boxes: "
        "they let anyone rebuild the idea from the deck later."))
    out.append(_sheet_index(ctx, specs))
    for spec in specs:
        kind = SHEETS[spec.kind]
        out += new_page("landscape" if kind.landscape else "body")
        out.append(Heading(spec.title or kind.title, ctx.st.h2, ctx, level=1))
        out.append(ctx.p(spec.note or kind.note, ctx.st.small))
        out.append(Sheet(ctx, kind.draw))
    out.append(NextPageTemplate("body"))
    return out


def _sheet_index(ctx: Context, specs: Sequence[WorksheetSpec]) -> Table:
    rows: list[list[Any]] = [[Paragraph(h, ctx.st.cell_head) for h in ("WORKSHEET", "USE IT TO")]]
    for spec in specs:
        kind = SHEETS[spec.kind]
        rows.append([ctx.p(f"**{spec.title or kind.title}**", ctx.st.cell),
                     ctx.p(first_sentence(spec.note or kind.note), ctx.st.cell)])
    return booklet_table(rows, [ctx.width * 0.32, ctx.width * 0.68], ctx)


class Sheet(Flowable):  # type: ignore[misc]
    """A worksheet drawing that takes the rest of the page."""

    def __init__(self, ctx: Context, draw: Callable[[Canvas, Context, float, float], None]
                 ) -> None:
        super().__init__()
        self.ctx = ctx
        self.draw_sheet = draw
        self.spaceBefore = mm(3)

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        self.width, self.height = aw, ah - 2
        return self.width, self.height

    def draw(self) -> None:
        self.canv.saveState()
        self.draw_sheet(self.canv, self.ctx, self.width, self.height)
        self.canv.restoreState()



# Each note's first sentence completes "Use it to …" in the worksheet index.
SHEETS: dict[str, SheetKind] = {
    "landscape": SheetKind(
        "Landscape of connected experience",
        "List experiences the team admires, finds familiar or dislikes, from any company. "
        "Under each, name the systems that must work together to make it happen.",
        True, sheet_landscape),
    "sizing-ladder": SheetKind(
        "Sizing ladder",
        "Place each example on the step that matches its size. Tick where the team delivers "
        "today and where it wants to be.",
        True, sheet_sizing_ladder),
    "four-arguments": SheetKind(
        "Four arguments",
        "Place each idea in the quadrant of the reason it serves. Then each person fills in "
        "three dots where they think the emphasis should be.",
        False, sheet_four_arguments),
    "risk-register": SheetKind(
        "Gap and risk register",
        "Name each risk or barrier, rate it, and write one concrete step that reduces it, "
        "with an owner and a date.",
        True, sheet_risk_register),
    "recipe-builder": SheetKind(
        "Recipe builder",
        "Build a recipe from one card per row. Write the card id in the box and the recipe "
        "in your own words beside it. Add a guardrail: a measure that must not get worse.",
        False, sheet_recipe_builder),
    "jtbd-pitch": SheetKind(
        "Jobs-to-be-done pitch",
        "Pitch one recipe as a job the customer wants done. Say the job in the customer's "
        "words, then how you would prove it, pay for it and run it. One sheet per pitch.",
        False, sheet_jtbd_pitch),
    "effort-impact": SheetKind(
        "Effort and impact",
        "Place each recipe or pitch by how much it would change and how hard it is to do.",
        True, sheet_effort_impact),
    "dot-vote": SheetKind(
        "Dot-vote tally",
        "Count the votes for each candidate. List the candidates, then each person fills in "
        "their dots. Add the totals before anyone argues.",
        False, sheet_dot_vote),
    "roadmap": SheetKind(
        "Roadmap",
        "Place the chosen recipes on the timeline: experiments first, automation once they "
        "prove themselves, and the foundations that make both possible.",
        True, sheet_roadmap),
    "parking-lot": SheetKind(
        "Parking lot",
        "Park good questions that would derail the session. Write them here, give each an "
        "owner, and close the list before everyone leaves.",
        False, sheet_parking_lot),
    "card-sort": SheetKind(
        "Co-create the cards",
        "Write candidate cards under each category, then circle the ones to keep.",
        False, sheet_card_sort),
}



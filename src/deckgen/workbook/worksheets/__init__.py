"""Worksheets section: takes the worksheet list, gives an index and one drawn page per sheet."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from typing import Any

from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, NextPageTemplate, Paragraph, Table

from deckgen.deck.model import Deck
from deckgen.deck.workbook_model import SHEET_KINDS, Example, WorksheetSpec
from deckgen.units import mm
from deckgen.workbook.blocks import booklet_table
from deckgen.workbook.context import Context, Flowables, rl
from deckgen.workbook.deckdata import (
    deck_families,
    deck_levels,
    example_code,
    grid_card,
    risk_titles,
    sheet_words,
)
from deckgen.workbook.doc import Heading, new_page, new_section
from deckgen.workbook.typeset import first_sentence
from deckgen.workbook.words import WORKSHEET, head
from deckgen.workbook.worksheets.decide import (
    sheet_dot_vote,
    sheet_effort_impact,
    sheet_risk_register,
    sheet_two_by_two,
)
from deckgen.workbook.worksheets.explore import (
    landscape_pages,
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

Draw = Callable[[Canvas, Context, float, float], None]

# The drawing of each kind; its title, note, page and words are data in workbook_model.
DRAWINGS: dict[str, Draw] = {
    "landscape": sheet_landscape,
    "sizing-ladder": sheet_sizing_ladder,
    "four-arguments": sheet_two_by_two,
    "risk-register": sheet_risk_register,
    "recipe-builder": sheet_recipe_builder,
    "jtbd-pitch": sheet_jtbd_pitch,
    "effort-impact": sheet_effort_impact,
    "dot-vote": sheet_dot_vote,
    "roadmap": sheet_roadmap,
    "parking-lot": sheet_parking_lot,
    "card-sort": sheet_card_sort,
}

# The kinds that can be printed again, filled in with an example from workbook.yaml.
FILLED: dict[str, Callable[..., None]] = {
    "recipe-builder": sheet_recipe_builder,
    "risk-register": sheet_risk_register,
    "jtbd-pitch": sheet_jtbd_pitch,
    "roadmap": sheet_roadmap,
}

# Kinds that take more than one page for the group the workbook plans for.
PAGES: dict[str, Callable[[Context], int]] = {"landscape": landscape_pages}

# Printed, in this order, when workbook.yaml has no `worksheets:` (docs/workbook-format.md).
# A kind named here with a condition needs deck data; the others suit any deck.
DEFAULT_KINDS = ("card-sort", "landscape", "sizing-ladder", "four-arguments", "risk-register",
                 "recipe-builder", "effort-impact", "dot-vote", "parking-lot")


def sheet_title(ctx: Context, spec: WorksheetSpec) -> str:
    own = ctx.wb.sheets.get(spec.kind)
    return spec.title or (own.title if own else None) or ctx.w(SHEET_KINDS[spec.kind].title)


def sheet_note(ctx: Context, spec: WorksheetSpec) -> str:
    own = ctx.wb.sheets.get(spec.kind)
    return spec.note or (own.note if own else None) or ctx.w(SHEET_KINDS[spec.kind].note)


def worksheet_title(ctx: Context, kind: str) -> str:
    spec = next((s for s in worksheet_specs(ctx) if s.kind == kind and s.title),
                WorksheetSpec(kind))
    return sheet_title(ctx, spec)


def worksheet_specs(ctx: Context) -> tuple[WorksheetSpec, ...]:
    if ctx.wb.worksheets is not None:
        return ctx.wb.worksheets
    return tuple(WorksheetSpec(kind) for kind in default_sheet_kinds(ctx.deck))


def default_sheet_kinds(deck: Deck) -> list[str]:
    """The sheets a deck gets by default: those that need deck data only when it has it."""
    needs = {
        "landscape": bool(deck_families(deck) or sheet_words(deck, "landscape", "examples")),
        "sizing-ladder": bool(deck_levels(deck)),
        "four-arguments": grid_card(deck) is not None,
        "risk-register": bool(risk_titles(deck)),
        "recipe-builder": any(cat.role for cat in deck.categories),
    }
    return [kind for kind in DEFAULT_KINDS if needs.get(kind, True)]


def worksheets(ctx: Context) -> Flowables:
    specs = worksheet_specs(ctx)
    if not specs:
        return []
    code = example_code(ctx.deck)
    out = new_section(ctx, "Worksheets", key="worksheets", intro=(
        "Print one copy per table, or enlarge to A3 for the wall. Write card ids in the boxes: "
        "they let anyone rebuild the idea from the deck later." if code is None else
        "Print one copy per table, or enlarge to A3 for the wall. Write card codes, such as "
        "{code}, in the boxes: they let anyone rebuild the idea from the deck later."),
        values={"code": code or ""})
    out.append(_sheet_index(ctx, specs))
    for spec in specs:
        pages = PAGES[spec.kind](ctx) if spec.kind in PAGES else 1
        for page in range(pages):
            title = sheet_title(ctx, spec)
            out += new_page("landscape" if SHEET_KINDS[spec.kind].landscape else "body")
            if page:
                # Later sheets of a kind stay out of the contents: one entry per kind.
                out.append(ctx.p(f"**{title}** · " + ctx.w("sheet {page} of {pages}",
                                                            page=page + 1, pages=pages),
                                 ctx.st.h3))
            else:
                more = (" **" + ctx.w("Sheet 1 of {pages}.", pages=pages) + "**"
                        if pages > 1 else "")
                out.append(Heading(title, ctx.st.h2, ctx, level=1))
                out.append(ctx.p(sheet_note(ctx, spec) + more, ctx.st.small))
            out.append(Sheet(ctx, DRAWINGS[spec.kind]))
        for example in (e for e in ctx.wb.examples if e.kind == spec.kind):
            out += _example_page(ctx, spec, example)
    out.append(NextPageTemplate("body"))
    return out


def _example_page(ctx: Context, spec: WorksheetSpec, example: Example) -> Flowables:
    """The sheet again, filled in by the deck's example and marked as one in ink."""
    kicker = ParagraphStyle("example-kicker", parent=ctx.st.kicker, textColor=rl(ctx.pal.ink))
    title = example.title or sheet_title(ctx, spec)
    return [*new_page("landscape" if SHEET_KINDS[spec.kind].landscape else "body"),
            ctx.p(f"{ctx.w('Example').upper()}  ·  {sheet_title(ctx, spec).upper()}", kicker),
            ctx.p(f"**{title}**", ctx.st.h3),
            ctx.p(example.note or "A filled-in sheet to show the room what good looks like.",
                  ctx.st.small),
            Sheet(ctx, partial(FILLED[spec.kind], fill=example))]


def _sheet_index(ctx: Context, specs: Sequence[WorksheetSpec]) -> Table:
    heads = (head(ctx.w(WORKSHEET)), head(ctx.w("Use it to")))
    rows: list[list[Any]] = [[Paragraph(h, ctx.st.cell_head) for h in heads]]
    for spec in specs:
        rows.append([ctx.p(f"**{sheet_title(ctx, spec)}**", ctx.st.cell),
                     ctx.p(first_sentence(sheet_note(ctx, spec)), ctx.st.cell)])
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

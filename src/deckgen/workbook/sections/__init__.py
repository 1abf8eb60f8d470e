"""Workbook sections: take the context, give the story (every flowable, in order)."""

from __future__ import annotations

from collections.abc import Callable

from deckgen.workbook.context import Context, Flowables
from deckgen.workbook.sections.activities import activities
from deckgen.workbook.sections.agenda import agendas
from deckgen.workbook.sections.appendix import catalogue, glossary
from deckgen.workbook.sections.cover import contents, cover
from deckgen.workbook.sections.how_to_use import how_to_use
from deckgen.workbook.sections.preparation import checklist, materials, roles
from deckgen.workbook.sections.reference import card_reference
from deckgen.workbook.worksheets import worksheets


def story(ctx: Context) -> Flowables:
    sections: list[Callable[[Context], Flowables]] = [
        cover, contents, how_to_use, roles, checklist, materials, agendas,
        activities, worksheets, card_reference, catalogue, glossary,
    ]
    story: Flowables = []
    for section in sections:
        story += section(ctx)
    return story

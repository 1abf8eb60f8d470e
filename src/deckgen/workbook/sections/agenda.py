"""Agenda section: takes the workbook's agendas, gives one table per day with clock times."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from reportlab.platypus import CondPageBreak, KeepInFrame, KeepTogether, Paragraph, Table

from deckgen.deck.workbook_model import Activity, Slot
from deckgen.workbook.blocks import booklet_table
from deckgen.workbook.context import MARGIN_BOTTOM, MARGIN_TOP, Context, Flowables, rl
from deckgen.workbook.deckdata import capitalised, find_category
from deckgen.workbook.doc import new_section, subheading
from deckgen.workbook.typeset import first_sentence
from deckgen.workbook.words import ACTIVITY, MATERIALS, TIME, head, minutes
from deckgen.workbook.worksheets import worksheet_title

# Agendas


def clock_time(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def agendas(ctx: Context) -> Flowables:
    if not ctx.wb.agendas:
        return []
    out = new_section(ctx, "Agenda", key="agenda", intro="Pick the length that fits the team.")
    # A day's table is never split, so today's plan is on one page; short days share a page.
    for agenda in ctx.wb.agendas:
        head: Flowables = [subheading(ctx, agenda.title)]
        if agenda.summary:
            head.append(ctx.p(agenda.summary))
        for day in agenda.days:
            label = f"{day.title}  ·  {clock_time(day.start)}–{clock_time(day.end)}"
            if len(agenda.days) > 1:
                label = f"{agenda.title}  ·  {label}"
            out += _one_page(ctx, [*head, ctx.p(label, ctx.st.h3),
                                   _agenda_table(ctx, day.slots, day.start, agenda.remote)])
            head = []
    return out


def _one_page(ctx: Context, items: Flowables) -> Flowables:
    """A day's plan kept on one page with its heading: moved to the next page when it does not
    fit below what comes before, and set a little smaller when it is taller than a page, rather
    than leaving the heading alone on one page and the table on the next."""
    frame_h = ctx.page[1] - MARGIN_TOP - MARGIN_BOTTOM
    height = sum(f.wrap(ctx.width, frame_h)[1] + f.getSpaceBefore() + f.getSpaceAfter()
                 for f in items)
    if height <= frame_h:
        return [KeepTogether(items)]
    return [CondPageBreak(frame_h), KeepInFrame(ctx.width, frame_h - 1, items, mode="shrink")]


def _remote_materials(ctx: Context, act: Activity) -> tuple[str, ...]:
    """Online, an activity's materials are the remote kit's: its worksheet as a whiteboard
    frame and the card images of the categories it uses, not flip charts and printed decks."""
    out: list[str] = []
    if act.worksheet:
        out.append(ctx.w("the {sheet} frame", sheet=worksheet_title(ctx, act.worksheet)))
    names = [cat.name for ref in act.categories if (cat := find_category(ctx.deck, ref.id))]
    # Cards it names besides whole categories, by code (the remote kit's file names).
    names += [ctx.deck.reference(card) for ref in act.cards
              if (card := ctx.deck.card_by_id(ref.id)) is not None
              and not any(card.category == cat.id for cat in ctx.deck.categories
                          if any(r.id == cat.id for r in act.categories))]
    if names:
        out.append(ctx.w("card images: {categories}", categories=", ".join(names)))
    return tuple(out)


def _agenda_table(ctx: Context, slots: Sequence[Slot], start: int,
                  remote: bool = False) -> Table:
    st = ctx.st
    rows: list[list[Any]] = [[Paragraph(h, st.cell_head) for h in
                              (head(ctx.w(TIME)), head(ctx.w(ACTIVITY)), head(ctx.w(MATERIALS)),
                               head(ctx.w("Output")))]]
    extra: list[tuple[Any, ...]] = []
    clock = start
    for i, slot in enumerate(slots, 1):
        act = ctx.wb.activity(slot.activity) if slot.activity else None
        title = act.title if act else slot.title or ""
        phase = ctx.wb.phase(act.phase) if act else None
        name = f"**{title}**" + (f"\n{phase.name}" if phase else "")
        if slot.note:
            name += f"\n*{slot.note}*"
        materials = slot.materials if slot.materials is not None else (
            (_remote_materials(ctx, act) if remote else act.materials) if act else ())
        output = slot.output or (act.output if act else None) or ""
        when = f"{clock_time(clock)}–{clock_time(clock + slot.minutes)}"
        if slot.is_break:
            name = f"**{title}**  ·  {minutes(slot.minutes, ctx.deck)}"
            extra.append(("BACKGROUND", (0, i), (-1, i), rl(ctx.pal.faint)))
        else:
            when += f"\n{minutes(slot.minutes, ctx.deck)}"
        rows.append([ctx.p(when, st.cell), ctx.p(name, st.cell),
                     ctx.p(capitalised(", ".join(materials)), st.cell),
                     ctx.p(first_sentence(output), st.cell)])
        clock += slot.minutes
    w = ctx.width
    # A point less padding than other tables: a full day's plan then fits one page together
    # with its heading and summary, instead of leaving them alone on the page before.
    extra += [("TOPPADDING", (0, 0), (-1, -1), 3), ("BOTTOMPADDING", (0, 0), (-1, -1), 4)]
    return booklet_table(rows, [w * 0.14, w * 0.28, w * 0.29, w * 0.29], ctx, extra)

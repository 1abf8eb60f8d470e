"""Agenda section: takes the workbook's agendas, gives one table per day with clock times."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from reportlab.platypus import KeepTogether, Paragraph, Table

from deckgen.deck.workbook_model import Slot
from deckgen.workbook.blocks import booklet_table
from deckgen.workbook.context import Context, Flowables, rl
from deckgen.workbook.deckdata import capitalised
from deckgen.workbook.doc import new_section, subheading
from deckgen.workbook.typeset import first_sentence
from deckgen.workbook.words import ACTIVITY, MATERIALS, TIME, head, minutes

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
            out.append(KeepTogether([*head, ctx.p(label, ctx.st.h3),
                                     _agenda_table(ctx, day.slots, day.start)]))
            head = []
    return out


def _agenda_table(ctx: Context, slots: Sequence[Slot], start: int) -> Table:
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
            act.materials if act else ())
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
    return booklet_table(rows, [w * 0.14, w * 0.28, w * 0.29, w * 0.29], ctx, extra)

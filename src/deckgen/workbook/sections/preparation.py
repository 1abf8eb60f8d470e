"""Preparation sections: take the workbook's roles, checklist and materials, give their pages."""

from __future__ import annotations

from typing import Any

from reportlab.platypus import KeepTogether, Paragraph, Table, TableStyle

from deckgen.i18n import mark
from deckgen.workbook.blocks import booklet_table, bullets
from deckgen.workbook.context import GAP, Context, Flowables
from deckgen.workbook.doc import new_section, subheading
from deckgen.workbook.words import MATERIALS, head

# Roles, checklist, materials


def roles(ctx: Context) -> Flowables:
    wb = ctx.wb
    if not wb.roles and not wb.participants:
        return []
    out = new_section(ctx, "Roles and participants", key="roles",
                      intro="Give every role a name before the day.")
    if wb.roles:
        out.append(subheading(ctx, "Roles", toc=False))
        for role in wb.roles:
            name = f"**{role.name}**" + (f"  ·  {role.count}" if role.count else "")
            block: Flowables = [ctx.p(name, ctx.st.h3)]
            block += bullets(ctx, role.does)
            out.append(KeepTogether(block))
    if wb.participants:
        out.append(subheading(ctx, "Who to invite", toc=False))
        rows: list[list[Any]] = [[Paragraph(head(ctx.w(text)), ctx.st.cell_head)
                                  for text in mark("Who", "Why they need to be there")]]
        rows += [[ctx.p(f"**{p.who}**", ctx.st.cell), ctx.p(p.why or "", ctx.st.cell)]
                 for p in wb.participants]
        out.append(booklet_table(rows, [ctx.width * 0.32, ctx.width * 0.68], ctx))
    return out


def checklist(ctx: Context) -> Flowables:
    if not ctx.wb.checklist:
        return []
    out = new_section(ctx, "Planning checklist", key="checklist", intro="Tick as you go.")
    for stage in ctx.wb.checklist:
        out.append(ctx.p(stage.when, ctx.st.h3))
        out += bullets(ctx, stage.items, ctx.st.check, bullet="☐")
    return out


def materials(ctx: Context) -> Flowables:
    mats = ctx.wb.materials
    if mats is None or not (mats.in_person or mats.remote):
        return []
    out = new_section(ctx, MATERIALS, key="materials", intro=(
        "Everything on these lists fits in one box or one shared folder. Pack it the day "
        "before."))
    half = (ctx.width - GAP) / 2
    columns: list[Any] = []
    for title, items in ((ctx.w("In the room"), mats.in_person), (ctx.w("Remote"), mats.remote)):
        columns.append([ctx.p(title, ctx.st.h3), *bullets(ctx, items, ctx.st.check, "☐")])
    out.append(Table([columns], colWidths=[half + GAP, half], hAlign="LEFT", style=TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), ctx.fonts.regular),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (0, -1), GAP),
    ])))
    return out

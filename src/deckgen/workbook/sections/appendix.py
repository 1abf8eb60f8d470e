"""Appendix sections: take the catalogue and the glossary, give their tables."""

from __future__ import annotations

from typing import Any
from xml.sax.saxutils import escape

from reportlab.platypus import Paragraph

from deckgen.i18n import mark
from deckgen.workbook.blocks import NO_ORPHAN_END, booklet_table
from deckgen.workbook.context import Context, Flowables, rl
from deckgen.workbook.deckdata import card_by_title, family_name, level_name
from deckgen.workbook.doc import new_section
from deckgen.workbook.typeset import to_markup

# Catalogue and glossary


def catalogue(ctx: Context) -> Flowables:
    entries = ctx.deck.catalogue
    if not entries:
        return []
    out = new_section(ctx, "Catalogue", kicker="Appendix", key="catalogue", count=len(entries),
                      intro="{count} entries, grouped by family, each with its size and channel.")
    st = ctx.st
    # The deck may name the columns (sections.catalogue.columns); a head it leaves out is ours.
    own = ctx.wb.sections.get("catalogue")
    named = own.columns if own else ()
    heads = [named[i] if i < len(named) else ctx.w(word)
             for i, word in enumerate(mark("Name", "Size", "Channel", "Note"))]
    rows: list[list[Any]] = [[Paragraph(escape(head.upper()), st.cell_head) for head in heads]]
    extra: list[tuple[Any, ...]] = []
    families: list[str] = []
    for entry in entries:
        if entry.family not in families:
            families.append(entry.family)
    for family in families:
        rows.append([ctx.p(f"**{family_name(ctx.deck, family)}**", st.cell_bold), "", "", ""])
        head = len(rows) - 1
        extra += [("SPAN", (0, head), (-1, head)),
                  ("BACKGROUND", (0, head), (-1, head), rl(ctx.pal.tint)),
                  ("NOSPLIT", (0, head), (-1, head + 1))]  # never a family name alone
        for entry in (e for e in entries if e.family == family):
            rows.append([ctx.p(entry.name, st.cell_bold),
                         _with_code(ctx, level_name(ctx.deck, entry.level)),
                         _with_code(ctx, entry.channel),
                         ctx.p(entry.note or "", st.cell)])
    w = ctx.width
    extra += [("TOPPADDING", (0, 0), (-1, -1), 3), ("BOTTOMPADDING", (0, 0), (-1, -1), 3.5),
              NO_ORPHAN_END]
    # Channel wide enough for its longest single words ("Multi-channel", "Organization").
    out.append(booklet_table(rows, [w * 0.26, w * 0.14, w * 0.15, w * 0.45], ctx, extra))
    return out


def _with_code(ctx: Context, name: str) -> Paragraph:
    """A size or channel as written, with the code of the card of that title beneath it."""
    markup = to_markup(name, ctx.fonts)
    card = card_by_title(ctx.deck, name)
    if card is not None and (code := ctx.deck.reference(card)) != card.id:
        markup += f'<br/><font color="{ctx.pal.muted.hex}" size="7">{escape(code)}</font>'
    return Paragraph(markup, ctx.st.cell)


def glossary(ctx: Context) -> Flowables:
    entries = ctx.wb.glossary
    if not entries:
        return []
    out = new_section(ctx, "Glossary", key="glossary")
    rows: list[list[Any]] = [[ctx.p(f"**{e.term}**", ctx.st.cell), ctx.p(e.definition, ctx.st.cell)]
                             for e in sorted(entries, key=lambda e: e.term.lower())]
    out.append(booklet_table(rows, [ctx.width * 0.26, ctx.width * 0.74], ctx, [NO_ORPHAN_END],
                             header=False))
    return out

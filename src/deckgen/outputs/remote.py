"""Remote kit: takes a deck and the card drawer, gives `remote/` for a workshop run online.

- `cards/NN-category/CODE-card.png` (`NN-card.png` in a deck without codes): every card
  front, 750 px wide, one folder per category (and the category's blank card), to drag onto
  an online whiteboard;
- `worksheets/NN-kind.png`: every worksheet as one 1920 × 1080 background for a whiteboard
  frame; portrait sheets leave the right-hand side for sticky notes;
- `agenda.pdf` and `agenda.png`: the deck's remote agenda (`remote: true` in workbook.yaml) on
  one 16:9 page, one column per session.

Cards are drawn by the same faces as the print outputs, onto a PDF, then rendered with
pypdfium2 exactly as the PNG output is; nothing here draws a card itself.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from pathlib import Path

from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfgen.canvas import Canvas

from deckgen.deck.model import Card, Deck
from deckgen.deck.workbook_model import SHEET_KINDS, Agenda, Day
from deckgen.draw.renderer import CardRenderer
from deckgen.outputs.files import Progress, write_pngs
from deckgen.units import mm
from deckgen.workbook.context import Context, rl
from deckgen.workbook.sections.agenda import clock_time
from deckgen.workbook.worksheets import (
    DRAWINGS,
    sheet_note,
    sheet_title,
    worksheet_specs,
)
from deckgen.workbook.worksheets.draw import draw_block, draw_label, fitted_para

log = logging.getLogger(__name__)

CARD_WIDTH_PX = 750  # sharp on a laptop screen at full zoom, light enough to drag around
SCREEN_PX = (1920, 1080)
SCREEN_PT = (960.0, 540.0)  # the 16:9 page, rendered at SCREEN_PX
_EDGE = 36.0
# The size each kind of sheet is drawn for in the workbook; on screen it is scaled to fit.
_PRINTED = {True: (mm(257), mm(150)), False: (mm(170), mm(235))}


def write_remote(deck: Deck, renderer: CardRenderer, folder: Path, jobs: int,
                 progress: Progress | None = None) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    _card_images(deck, renderer, folder / "cards", jobs, progress)
    ctx = Context.create(deck, renderer, deck.paper)
    _worksheet_images(ctx, folder / "worksheets", jobs, progress)
    agenda = next((a for a in ctx.wb.agendas if a.remote), None)
    if agenda is None:
        log.warning("remote/agenda.pdf not written: no agenda in workbook.yaml has "
                    "`remote: true`")
        return
    _agenda_page(ctx, agenda, folder, jobs)


def _canvas(path: Path, deck: Deck, subject: str, size: tuple[float, float]) -> Canvas:
    canvas = Canvas(str(path), pagesize=size, invariant=1, pageCompression=1)
    canvas.setTitle(f"{deck.title} — {subject}")
    canvas.setAuthor(deck.brand.name)
    canvas.setCreator("deckgen")
    canvas.setProducer("deckgen")
    return canvas


def card_png_name(deck: Deck, card: Card, n: int) -> str:
    """`AU-03-new-subscriber.png` where the card has a code to look it up by, else
    `03-new-subscriber.png` (its place in the category)."""
    code = re.sub(r"[^A-Za-z0-9_-]+", "-", deck.reference(card)).strip("-")
    return f"{code}-{card.id}.png" if code and code != card.id else f"{n:02d}-{card.id}.png"


def _card_images(deck: Deck, renderer: CardRenderer, folder: Path, jobs: int,
                 progress: Progress | None) -> None:
    spec = deck.card
    folder.mkdir(parents=True, exist_ok=True)
    pdf = folder / ".cards.pdf"
    # Trim-size pages: the bleed falls outside, as on a cut card.
    canvas = _canvas(pdf, deck, "remote cards", (spec.width, spec.height))
    names: list[str] = []
    for c, category in enumerate(deck.categories, 1):
        sub = f"{c:02d}-{category.id}"
        (folder / sub).mkdir(exist_ok=True)
        cards = [card for card in deck.cards if card.category == category.id]
        for n, card in enumerate(cards, 1):
            renderer.front(card).draw(canvas, 0, 0)
            canvas.showPage()
            names.append(f"{sub}/{card_png_name(deck, card, n)}")
        renderer.blank(category).draw(canvas, 0, 0)
        canvas.showPage()
        names.append(f"{sub}/blank.png")
    canvas.save()
    height = round(CARD_WIDTH_PX * spec.height / spec.width)
    write_pngs(pdf, folder, names, jobs, progress, pixels=(CARD_WIDTH_PX, height),
               step="remote cards")
    pdf.unlink()


def _worksheet_images(ctx: Context, folder: Path, jobs: int,
                      progress: Progress | None) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    pdf = folder / ".worksheets.pdf"
    canvas = _canvas(pdf, ctx.deck, "remote worksheets", SCREEN_PT)
    names: list[str] = []
    for i, spec in enumerate(worksheet_specs(ctx), 1):
        _screen_sheet(canvas, ctx, sheet_title(ctx, spec), sheet_note(ctx, spec),
                      DRAWINGS[spec.kind], SHEET_KINDS[spec.kind].landscape)
        canvas.showPage()
        names.append(f"{i:02d}-{spec.kind}.png")
    canvas.save()
    write_pngs(pdf, folder, names, jobs, progress, pixels=SCREEN_PX, step="remote worksheets")
    pdf.unlink()


def _screen_sheet(c: Canvas, ctx: Context, title: str, note: str,
                  draw: Callable[[Canvas, Context, float, float], None], landscape: bool) -> None:
    """One worksheet on a 16:9 page: its title and note on top, the sheet scaled to fit."""
    w = SCREEN_PT[0]
    top = _screen_header(c, ctx, title, note)
    area_w, area_h = w - 2 * _EDGE, top - _EDGE
    nat_w, nat_h = _PRINTED[landscape]
    scale = min(area_w / nat_w, area_h / nat_h)
    if landscape:
        # A wide sheet takes the screen's whole width: its boxes stretch, its text does not.
        scale = area_h / nat_h
        nat_w = area_w / scale
    c.saveState()
    c.translate(_EDGE, top - nat_h * scale)
    c.scale(scale, scale)
    draw(c, ctx, nat_w, nat_h)
    c.restoreState()
    spare = area_w - nat_w * scale
    if spare > mm(60):
        # A portrait sheet leaves a band beside it: room for the sticky notes of the session.
        x = _EDGE + nat_w * scale + mm(8)
        c.setStrokeColor(rl(ctx.pal.rule))
        c.setDash(4, 3)
        c.setLineWidth(1)
        c.roundRect(x, _EDGE, w - _EDGE - x, area_h, 6, stroke=1, fill=0)
        c.setDash()
        draw_label(c, ctx, x + mm(5), top - mm(8), "Sticky notes and cards", 12,
                   color=ctx.pal.muted)
    _screen_footer(c, ctx)


def _screen_header(c: Canvas, ctx: Context, title: str, note: str) -> float:
    """Title and note across the top; returns where the content below may start."""
    w, h = SCREEN_PT
    c.setFillColor(rl(ctx.pal.primary))
    c.rect(0, h - 6, w, 6, stroke=0, fill=1)
    draw_label(c, ctx, _EDGE, h - 40, title, 20, color=ctx.pal.primary)
    style = ParagraphStyle("screen-note", parent=ctx.st.small, fontSize=10, leading=13)
    used = draw_block(c, ctx, note, style, _EDGE, h - 50, w - 2 * _EDGE)
    return h - 50 - used - 12


def _screen_footer(c: Canvas, ctx: Context) -> None:
    w, _ = SCREEN_PT
    names = dict.fromkeys((ctx.deck.title, ctx.deck.brand.name))  # once when they agree
    draw_label(c, ctx, w - _EDGE, 14, "  ·  ".join(names), 8, bold=False, color=ctx.pal.muted,
               align="right")


def _agenda_page(ctx: Context, agenda: Agenda, folder: Path, jobs: int) -> None:
    pdf = folder / "agenda.pdf"
    canvas = _canvas(pdf, ctx.deck, "remote agenda", SCREEN_PT)
    summary = agenda.summary or "Shorter sessions, with a break at least every hour."
    top = _screen_header(canvas, ctx, agenda.title, summary)
    days = agenda.days
    gap = mm(4)
    col_w = (SCREEN_PT[0] - 2 * _EDGE - gap * (len(days) - 1)) / max(len(days), 1)
    for i, day in enumerate(days):
        _session_column(canvas, ctx, day, _EDGE + i * (col_w + gap), top, col_w, top - _EDGE)
    _screen_footer(canvas, ctx)
    canvas.showPage()
    canvas.save()
    write_pngs(pdf, folder, ["agenda.png"], jobs, pixels=SCREEN_PX, step="remote agenda")


def _session_column(c: Canvas, ctx: Context, day: Day, x: float, top: float, w: float,
                    h: float) -> None:
    head_h = 34.0
    c.setFillColor(rl(ctx.pal.primary))
    c.roundRect(x, top - head_h, w, head_h, 4, stroke=0, fill=1)
    draw_label(c, ctx, x + 8, top - 14, day.title, 10, color=ctx.pal.on_primary, width=w - 16)
    draw_label(c, ctx, x + 8, top - 27, f"{clock_time(day.start)}–{clock_time(day.end)}", 9,
               bold=False, color=ctx.pal.on_primary)
    # Rows share the column by their minutes, so a long slot looks long; breaks stay legible.
    rows_top = top - head_h - 4
    weights = [max(slot.minutes, 22) for slot in day.slots]
    unit = (rows_top - (top - h)) / max(sum(weights), 1)
    clock = day.start
    y = rows_top
    for slot, weight in zip(day.slots, weights, strict=True):
        row_h = weight * unit
        act = ctx.wb.activity(slot.activity) if slot.activity else None
        title = act.title if act else slot.title or ""
        fill = ctx.pal.faint if slot.is_break else ctx.pal.tint
        c.setFillColor(rl(fill))
        c.rect(x, y - row_h + 1.5, w, row_h - 1.5, stroke=0, fill=1)
        when = f"{clock_time(clock)}  ·  {slot.minutes} min"
        draw_label(c, ctx, x + 6, y - 11, when, 7.5, bold=False, color=ctx.pal.muted)
        if slot.is_break:
            draw_label(c, ctx, x + w - 6, y - 11, title, 8, color=ctx.pal.muted, align="right")
        else:
            style = ParagraphStyle("slot", parent=ctx.st.cell_bold, fontSize=9, leading=11,
                                   textColor=rl(ctx.pal.text))
            para = fitted_para(ctx, title, style, w - 12, max(row_h - 18, 11))
            para.drawOn(c, x + 6, y - 15 - para.height)
            room = row_h - 18 - para.height - 3
            if slot.note and room > 9:
                # Which steps run in this slot, when an activity is split over several.
                note_style = ParagraphStyle("slot-note", parent=ctx.st.cell, fontSize=7.5,
                                            leading=9.2, textColor=rl(ctx.pal.muted),
                                            fontName=ctx.fonts.italic)
                note = fitted_para(ctx, slot.note, note_style, w - 12, room)
                _, note_h = note.wrap(w - 12, room)
                if note_h <= room:
                    note.drawOn(c, x + 6, y - 18 - para.height - note_h)
        clock += slot.minutes
        y -= row_h

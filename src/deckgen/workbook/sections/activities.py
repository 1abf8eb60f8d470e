"""Activity sections: take phases and activities, give phase openers and activity spreads."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import DocIf, KeepInFrame, PageBreak, Paragraph, Spacer, Table, TableStyle

from deckgen.deck.model import Card
from deckgen.deck.workbook_model import Activity, Agenda, Phase, Plan
from deckgen.i18n.langs import quotes
from deckgen.units import mm
from deckgen.workbook.blocks import Lines, ThumbSpec, booklet_table, bullets, thumb_grid
from deckgen.workbook.context import Context, Flowables, rl
from deckgen.workbook.deckdata import capitalised, find_category
from deckgen.workbook.doc import Heading, new_page, new_section
from deckgen.workbook.sections.agenda import clock_time
from deckgen.workbook.typeset import first_sentence
from deckgen.workbook.words import ACTIVITY, MATERIALS, NOTES, TIME, WORKSHEET, head, minutes
from deckgen.workbook.worksheets import worksheet_title

# Activities


def activities(ctx: Context) -> Flowables:
    wb = ctx.wb
    if not wb.activities:
        return []
    out: Flowables = []
    phases: list[Phase | None] = [*wb.phases] or [None]
    for number, phase in enumerate(phases, 1):
        acts = [a for a in wb.activities
                if (phase is None or a.phase == phase.id)]
        if phase is None:
            out += new_section(ctx, "Activities")
        else:
            out += _phase_opener(ctx, phase.name, phase.summary, number, len(phases), acts)
        for i, act in enumerate(acts, 1):
            out += _activity_spread(ctx, act, i, len(acts), phase.name if phase else None)
    orphans = [a for a in wb.activities if a.phase is None] if wb.phases else []
    if orphans:
        out += new_section(ctx, "More activities")
        for i, act in enumerate(orphans, 1):
            out += _activity_spread(ctx, act, i, len(orphans), None)
    return out


def _phase_opener(ctx: Context, name: str, summary: str | None, number: int, total: int,
                  acts: Sequence[Activity]) -> Flowables:
    kicker = ctx.w("Phase {number} of {total}", number=number, total=total)
    out = new_section(ctx, name, kicker=kicker, intro=summary)
    if not acts:
        return out
    rows: list[list[Any]] = [[Paragraph(h, ctx.st.cell_head) for h in
                              (head(ctx.w(ACTIVITY)), head(ctx.w(TIME)),
                               head(ctx.w("You leave with")))]]
    for act in acts:
        rows.append([ctx.p(f"**{act.title}**", ctx.st.cell),
                     ctx.p(minutes(act.minutes, ctx.deck), ctx.st.cell),
                     ctx.p(first_sentence(act.output or ""), ctx.st.cell)])
    w = ctx.width
    out += [Spacer(1, mm(4)), booklet_table(rows, [w * 0.34, w * 0.14, w * 0.52], ctx)]
    ready = _get_ready(ctx, acts)
    if ready:
        out += [ctx.p("Get ready", ctx.st.h3), *bullets(ctx, ready, ctx.st.check, "☐")]
    return out


def _get_ready(ctx: Context, acts: Sequence[Activity]) -> list[str]:
    """What to print and which cards to pull before the phase starts."""
    sheets = list(dict.fromkeys(worksheet_title(ctx, a.worksheet) for a in acts if a.worksheet))
    categories: dict[str, str] = {}
    for act in acts:
        for ref in act.categories:
            cat = find_category(ctx.deck, ref.id)
            if cat is not None:
                categories[cat.id] = f"{cat.name} ({len(ctx.deck.cards_in(cat.id))})"
    # A card whose whole category is pulled needs no line of its own.
    cards = list(dict.fromkeys(
        card.title for act in acts for ref in act.cards
        if (card := ctx.deck.card_by_id(ref.id)) is not None and card.category not in categories))
    out = []
    if sheets:
        out.append(ctx.w("**Print** one per table, and one on A3 for the wall: {sheets}",
                         sheets=_listing(sheets, ", ")))
    if categories:
        out.append(ctx.w("**Pull** every card of: {categories}",
                         categories=_listing(list(categories.values()), ", ")))
    if cards:
        # Titles may end in "?" or "…": a middle dot reads after them where a comma would not.
        out.append(ctx.w("**Pull** these cards too: {cards}", cards=_listing(cards, "  ·  ")))
    return out


def _listing(items: Sequence[str], separator: str) -> str:
    """Items joined, closed with a full stop unless the last already ends a sentence."""
    text = separator.join(items)
    return text if text.endswith((".", "?", "!", "…")) else text + "."


def _start_spread(ctx: Context) -> Flowables:
    """Break to a left-hand (even) page, so an activity faces the reader as one spread.

    When the break lands on a right-hand page that page becomes a ruled notes page.
    """
    notes = [Lines(ctx, NOTES), PageBreak()]
    return [*new_page(), DocIf("doc.page % 2 == 1", notes)]


def _activity_spread(ctx: Context, act: Activity, index: int, total: int,
                     phase: str | None) -> Flowables:
    st = ctx.st
    kicker = (f"{phase}  ·  " + ctx.w("activity {index} of {total}", index=index, total=total)
              if phase else ctx.w("Activity {index}", index=index))
    out: Flowables = [
        *_start_spread(ctx),
        ctx.p(kicker.upper(), st.kicker),
        Heading(act.title, st.h1, ctx, level=1),
    ]
    first: Flowables = [ctx.p(act.purpose, st.lead), _facts(ctx, act)]
    if act.materials:
        first.append(ctx.p(MATERIALS, st.h3))
        first += bullets(ctx, [capitalised(m) for m in act.materials])
    first += [ctx.p("Steps", st.h3), _steps_table(ctx, act)]
    # The second page of the spread: what to say, the cards, what comes out, what goes wrong.
    second: Flowables = []
    formats = _formats_table(ctx, act)
    if formats is not None:
        second += [ctx.p("By format", st.h3), formats]
    if act.say:
        second += [ctx.p("What to say", st.h3), _quotes(ctx, act.say)]
    rows = _activity_thumbs(ctx, act)
    if rows:
        second.append(ctx.p("Cards used", st.h3))
        second += [thumb_grid(ctx, row, _THUMB_W) for row in rows]
    if act.output:
        second += [ctx.p("Expected output", st.h3), _boxed(ctx, act.output)]
    if act.pitfalls:
        second.append(ctx.p("Pitfalls", st.h3))
        second += bullets(ctx, act.pitfalls, bullet="–")
    # Each page of the spread shrinks a little rather than spill a line onto a third page.
    out += [_on_one_page(first), PageBreak()]
    if second:
        out.append(_on_one_page(second))
    out.append(Lines(ctx, NOTES, least=mm(30)))
    return out


class _OnePage(KeepInFrame):  # type: ignore[misc]
    """Content shrunk to fit what is left of the page, leaving a hair of room below it.

    Shrunk content fills its height to within rounding; the room lets a flowable that follows
    and has nothing to draw (the notes lines on a full page) stay on this page.
    """

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        width, height = super().wrap(availWidth, availHeight - 3)
        return width, height


def _on_one_page(content: Flowables) -> KeepInFrame:
    return _OnePage(0, 0, content, mode="shrink", hAlign="LEFT")


def _facts(ctx: Context, act: Activity) -> Table:
    facts = [(head(ctx.w(TIME)), minutes(act.minutes, ctx.deck))]
    if act.grouping:
        facts.append((head(ctx.w("Grouping")), act.grouping))
    if act.worksheet:
        facts.append((head(ctx.w(WORKSHEET)), worksheet_title(ctx, act.worksheet)))
    per_agenda = _agenda_minutes(ctx.wb.agendas, act.id)
    if per_agenda:
        facts.append((head(ctx.w("In the agendas")),
                      "\n".join(f"{t}: {minutes(m, ctx.deck)}" for t, m in per_agenda)))
    widths = _fact_widths(ctx.width, len(facts))
    cells = [[ctx.p(label, ctx.st.cell_head), ctx.p(value, ctx.st.cell_bold)]
             for label, value in facts]
    return Table([cells], colWidths=widths, hAlign="LEFT", style=TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), ctx.fonts.regular),
        ("BACKGROUND", (0, 0), (-1, -1), rl(ctx.pal.tint)),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), mm(3)),
        ("RIGHTPADDING", (0, 0), (-1, -1), mm(2)),
        ("TOPPADDING", (0, 0), (-1, -1), mm(2.2)),
        ("BOTTOMPADDING", (0, 0), (-1, -1), mm(2.8)),
        ("LINEAFTER", (0, 0), (-2, -1), 1.5, colors.white),
    ]))


def _fact_widths(width: float, count: int) -> list[float]:
    # Time is short, grouping is a phrase: give the phrases the room.
    weights = [0.6] + [1.0] * (count - 1)
    total = sum(weights)
    return [width * w / total for w in weights]


def _agenda_minutes(agendas: Sequence[Agenda], activity_id: str) -> list[tuple[str, int]]:
    out = []
    for agenda in agendas:
        minutes = sum(slot.minutes for day in agenda.days for slot in day.slots
                      if slot.activity == activity_id)
        if minutes:
            out.append((agenda.title, minutes))
    return out


def _formats_table(ctx: Context, act: Activity) -> Table | None:
    """For each agenda that runs the activity: its minutes there and which steps it runs."""
    rows: list[list[Any]] = []
    for agenda in ctx.wb.agendas:
        slots = [slot for day in agenda.days for slot in day.slots if slot.activity == act.id]
        if not slots:
            continue
        given = sum(slot.minutes for slot in slots)
        plan = act.plan(agenda.id)
        rows.append([ctx.p(f"**{agenda.title}**\n{minutes(given, ctx.deck)}", ctx.st.cell),
                     ctx.p(_plan_text(ctx, act, plan, given), ctx.st.cell)])
    if not rows or all(act.plan(a.id) is None for a in ctx.wb.agendas):
        return None  # every format runs the steps as written: nothing to tell apart
    return booklet_table(rows, [mm(28), ctx.width - mm(28)], ctx, header=False)


def _plan_text(ctx: Context, act: Activity, plan: Plan | None, given: int) -> str:
    """The plan in the order it runs: kept steps by number, added ones lettered and spelled out,
    then the steps it drops, so the facilitator can cross them off on the facing page."""
    def mins(count: int) -> str:
        return minutes(count, ctx.deck)

    if plan is None:
        spare = given - act.minutes
        if spare > 0:
            return ctx.w("All {count} steps as written; {spare} to spare (see the agenda's "
                         "note).", count=len(act.steps), spare=mins(spare))
        return ctx.w("All {count} steps as written.", count=len(act.steps))
    order: list[str] = []
    added: list[str] = []
    for step in plan.steps:
        if step.base is None:
            letter = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[len(added) % 26]
            order.append(letter)
            added.append(f"**{letter}** ({mins(step.minutes)}): {step.do}")
        else:
            own = act.steps[step.base - 1].minutes
            order.append(f"{step.base}" + (f" ({mins(step.minutes)})" if step.minutes != own
                                           else ""))
    kept = {s.base for s in plan.steps}
    dropped = [str(i) for i in range(1, len(act.steps) + 1) if i not in kept]
    text = ctx.w("**Run:** {steps}.", steps=", ".join(order))
    if dropped:
        text += " " + ctx.w("**Drop:** {steps}.", steps=", ".join(dropped))
    return " ".join([text, *added])


def _steps_table(ctx: Context, act: Activity) -> Table:
    st = ctx.st
    number = ParagraphStyle("step-number", parent=st.cell_bold, fontSize=11, leading=13,
                            textColor=rl(ctx.pal.primary))
    # The steps are what the facilitator reads in the room: body size, not table size.
    do = ParagraphStyle("step", parent=st.body, spaceAfter=0)
    rows: list[list[Any]] = []
    elapsed = 0
    for i, step in enumerate(act.steps, 1):
        span = f"{clock_time(elapsed)[1:]}–{clock_time(elapsed + step.minutes)[1:]}"
        rows.append([Paragraph(str(i), number), ctx.p(step.do, do),
                     ctx.p(f"**{minutes(step.minutes, ctx.deck)}**\n{span}", st.cell)])
        elapsed += step.minutes
    numbered = ParagraphStyle("minutes", parent=st.cell, alignment=TA_RIGHT)
    for row in rows:
        row[2].style = numbered
    padding = [("TOPPADDING", (0, 0), (-1, -1), 5), ("BOTTOMPADDING", (0, 0), (-1, -1), 6)]
    return booklet_table(rows, [mm(9), ctx.width - mm(9) - mm(20), mm(20)], ctx, padding,
                         header=False)


def _quotes(ctx: Context, lines: Sequence[str]) -> Table:
    open_q, close_q = quotes(ctx.deck.language)
    rows = [[ctx.p(f"{open_q}{line}{close_q}", ctx.st.quote)] for line in lines]
    return Table(rows, colWidths=[ctx.width], hAlign="LEFT", style=TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), ctx.fonts.regular),
        ("LINEBEFORE", (0, 0), (0, -1), 2, rl(ctx.pal.primary)),
        ("LEFTPADDING", (0, 0), (-1, -1), mm(4)),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
    ]))


def _boxed(ctx: Context, text: str) -> Table:
    return Table([[ctx.p(text, ctx.st.body)]], colWidths=[ctx.width], hAlign="LEFT",
                 style=TableStyle([
                     ("FONTNAME", (0, 0), (-1, -1), ctx.fonts.regular),
                     ("BACKGROUND", (0, 0), (-1, -1), rl(ctx.pal.tint)),
                     ("LEFTPADDING", (0, 0), (-1, -1), mm(4)),
                     ("RIGHTPADDING", (0, 0), (-1, -1), mm(4)),
                     ("TOPPADDING", (0, 0), (-1, -1), mm(3)),
                     ("BOTTOMPADDING", (0, 0), (-1, -1), mm(2)),
                 ]))


_THUMB_W = mm(24)
_MAX_PER_CATEGORY = 5  # one row with its "+ N more" cell


def _activity_thumbs(ctx: Context, act: Activity) -> list[list[ThumbSpec]]:
    """Rows of thumbnails: the cards named by id, then one row per category named."""
    deck = ctx.deck
    named = [card for ref in act.cards if (card := deck.card_by_id(ref.id)) is not None]
    shown = {card.id for card in named}
    rows: list[list[ThumbSpec]] = []
    if named:
        rows.append([_thumb_spec(ctx, card) for card in dict.fromkeys(named)])
    for ref in act.categories:
        cat = find_category(deck, ref.id)
        if cat is None:
            continue
        cards = [c for c in deck.cards_in(cat.id) if c.id not in shown]
        row = [_thumb_spec(ctx, card) for card in cards[:_MAX_PER_CATEGORY]]
        if len(cards) > _MAX_PER_CATEGORY:
            more = len(cards) - _MAX_PER_CATEGORY
            row.append((None, "", ctx.w("+ {more} more", more=more),
                        ctx.w("{name} cards", name=cat.name)))
        if row:
            rows.append(row)
    return rows


def _thumb_spec(ctx: Context, card: Card) -> ThumbSpec:
    return (ctx.faces.front(card), f"front:{card.id}", card.title, None)

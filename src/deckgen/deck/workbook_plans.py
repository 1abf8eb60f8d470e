"""workbook.yaml's plan of the day: phases, activities and their step plans, agendas,
filled-in examples, and the checks that each slot holds its steps."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from deckgen.deck import yamlsrc
from deckgen.deck.workbook_model import (
    EXAMPLE_FIELDS,
    REMOTE_STRETCH,
    SHEET_KINDS,
    Activity,
    Agenda,
    Day,
    Example,
    Group,
    Phase,
    Plan,
    Ref,
    Slot,
    Step,
    Workbook,
)
from deckgen.deck.workbook_readers import (
    _ACTIVITY_KEYS,
    _AGENDA_KEYS,
    _DAY_KEYS,
    _EXAMPLE_KEYS,
    _GROUP_KEYS,
    _PHASE_KEYS,
    _PLAN_STEP_KEYS,
    _SLOT_KEYS,
    _STEP_KEYS,
    _check_known,
    _clock,
    _entry,
    _field,
    _flag,
    _ident,
    _list_of,
    _minutes,
    _missing,
    _paragraphs,
    _refs,
    _texts,
    _worksheet_kind,
)
from deckgen.deck.yamlsrc import Node, Scalar, join
from deckgen.diagnostics import Diagnostics, did_you_mean


def _phase(node: Node, path: str, diags: Diagnostics) -> Phase | None:
    entry = _entry(node, path, diags, _PHASE_KEYS, ("id", "name"))
    if entry is None:
        return None
    phase_id = _ident(entry.get("id"), join(path, "id"), diags)
    name = _field(entry, "name", path, diags, max_len=80)
    summary = _field(entry, "summary", path, diags)
    if phase_id is None or name is None:
        return None
    return Phase(phase_id, name, summary, entry.pos)

def _activity(node: Node, path: str, diags: Diagnostics,
              phase_ids: list[str], agenda_ids: list[str]) -> Activity | None:
    entry = _entry(node, path, diags, _ACTIVITY_KEYS, ("id", "title", "purpose", "steps"))
    if entry is None:
        return None
    act_id = _ident(entry.get("id"), join(path, "id"), diags)
    title = _field(entry, "title", path, diags, max_len=120)
    purpose = _field(entry, "purpose", path, diags)
    steps = _list_of(entry.get("steps"), join(path, "steps"), diags, _step, max_items=30,
                     empty_hint="an activity needs at least one step, e.g. "
                                "`- {do: Sort the cards., minutes: 10}`")
    phase = _ident(entry.get("phase"), join(path, "phase"), diags)
    known = _check_known(entry.get("phase"), phase, join(path, "phase"), "phase", phase_ids, diags)
    worksheet = _worksheet_kind(entry.get("worksheet"), join(path, "worksheet"), diags)
    plans = _plans(entry.get("plans"), join(path, "plans"), diags, steps, agenda_ids)
    if act_id is None or title is None or purpose is None or not steps or not known:
        return None
    return Activity(
        id=act_id, title=title, purpose=purpose, steps=steps, phase=phase,
        grouping=_field(entry, "grouping", path, diags, max_len=200),
        materials=_texts(entry, "materials", path, diags),
        say=_paragraphs(entry.get("say"), join(path, "say"), diags),
        cards=_refs(entry, "cards", path, diags),
        categories=_refs(entry, "categories", path, diags),
        worksheet=worksheet,
        output=_field(entry, "output", path, diags),
        pitfalls=_texts(entry, "pitfalls", path, diags),
        plans=plans,
        pos=entry.pos,
    )

def _step(node: Node, path: str, diags: Diagnostics) -> Step | None:
    entry = _entry(node, path, diags, _STEP_KEYS, ("do", "minutes"))
    if entry is None:
        return None
    do = _field(entry, "do", path, diags)
    minutes = _minutes(entry, path, diags)
    if do is None or minutes is None:
        return None
    return Step(do, minutes, entry.pos)

def _plans(node: Node | None, path: str, diags: Diagnostics, own: tuple[Step, ...],
           agenda_ids: list[str]) -> tuple[Plan, ...]:
    """`plans:` maps an agenda id to that format's steps: `{step: N}` keeps step N (its
    minutes may change), `{do, minutes}` adds one."""
    entry = yamlsrc.mapping(node, path, diags)
    out: list[Plan] = []
    for key, value in entry or ():
        plan_path = join(path, key.value)
        if key.value not in agenda_ids:
            hint = did_you_mean(key.value, agenda_ids) or (
                "known agendas: " + ", ".join(agenda_ids) if agenda_ids else "no agendas defined")
            diags.add(key.pos, plan_path, f"no agenda '{key.value}'", hint)
            continue

        def step(item: Node, path: str, diags: Diagnostics) -> Step | None:
            return _plan_step(item, path, diags, len(own))

        steps = tuple(
            replace(s, do=s.do or own[s.base - 1].do, minutes=s.minutes or own[s.base - 1].minutes)
            if s.base is not None else s
            for s in _list_of(value, plan_path, diags, step, max_items=30))
        if steps:
            out.append(Plan(key.value, steps, key.pos))
    return tuple(out)

def _plan_step(node: Node, path: str, diags: Diagnostics, step_count: int) -> Step | None:
    entry = _entry(node, path, diags, _PLAN_STEP_KEYS, ())
    if entry is None:
        return None
    if _missing(entry.get("step")):
        if _missing(entry.get("do")) or _missing(entry.get("minutes")):
            diags.add(entry.pos, path, "needs step: (a step number) or both do: and minutes:",
                      "{step: 2} keeps step 2; {do: ..., minutes: 5} adds a step")
            return None
        return _step(node, path, diags)
    number = yamlsrc.integer(entry.get("step"), join(path, "step"), diags, lo=1, hi=step_count)
    if number is None:
        return None
    minutes = None if entry.get("minutes") is None else _minutes(entry, path, diags)
    if entry.get("minutes") is not None and minutes is None:
        return None
    # The text stays the activity's own; only its minutes may change for this format.
    return Step(_field(entry, "do", path, diags) or "", minutes or 0, entry.pos, number)

def _group(node: Node | None, diags: Diagnostics) -> Group:
    entry = yamlsrc.mapping(node, "group", diags)
    if entry is None:
        return Group()
    yamlsrc.check_keys(entry, _GROUP_KEYS, "group", diags)
    limits = {"people": 200, "votes": 20, "dots": 20, "per_idea": 20, "examples": 200}
    given = {key: yamlsrc.integer(entry.get(key), join("group", key), diags, lo=1, hi=hi)
             for key, hi in limits.items() if entry.get(key) is not None}
    return Group(**{key: value for key, value in given.items() if value is not None})

def _example(node: Node, path: str, diags: Diagnostics) -> Example | None:
    entry = _entry(node, path, diags, _EXAMPLE_KEYS, ("kind", "fill"))
    if entry is None:
        return None
    kind_node = entry.get("kind")
    kind = yamlsrc.text(kind_node, join(path, "kind"), diags, max_len=80)
    if kind is None or kind_node is None:
        return None
    if kind not in EXAMPLE_FIELDS:
        hint = did_you_mean(kind, EXAMPLE_FIELDS) or "one of " + ", ".join(EXAMPLE_FIELDS)
        diags.add(kind_node.pos, join(path, "kind"), f"no filled example for worksheet '{kind}'",
                  hint)
        return None
    fields = EXAMPLE_FIELDS[kind]
    fill_path = join(path, "fill")
    fill = yamlsrc.mapping(entry.get("fill"), fill_path, diags)
    if fill is None:
        return None
    yamlsrc.check_keys(fill, fields, fill_path, diags)
    texts: dict[str, str] = {}
    rows: dict[str, tuple[tuple[str, ...], ...]] = {}
    refs: list[Ref] = []
    for key, cells in fields.items():
        value = fill.get(key)
        if value is None:
            continue
        if cells == 0:
            text = yamlsrc.text(value, join(fill_path, key), diags, max_len=400)
            if text is not None:
                texts[key] = text
            continue
        read = _example_row(cells)
        rows[key] = _list_of(value, join(fill_path, key), diags, read, max_items=12)
    # Card ids a filled sheet writes in its id boxes must be cards of the deck.
    if kind == "recipe-builder":
        refs += _row_refs(fill.get("rows"), 0)
    if kind == "jtbd-pitch":
        refs += _row_refs(fill.get("cards"), None)
    return Example(kind, _field(entry, "title", path, diags, max_len=120),
                   _field(entry, "note", path, diags), texts, rows, tuple(refs), entry.pos)

def _example_row(cells: int) -> Callable[[Node, str, Diagnostics], tuple[str, ...] | None]:
    def read(node: Node, path: str, diags: Diagnostics) -> tuple[str, ...] | None:
        if cells == 1:
            text = yamlsrc.text(node, path, diags, max_len=400)
            return None if text is None else (text,)
        values = yamlsrc.text_list(node, path, diags)
        if not isinstance(node, yamlsrc.Seq):
            return None
        if len(values) != cells:
            diags.add(node.pos, path, f"has {len(values)} cells; a row here has {cells}")
            return None
        return values
    return read

def _row_refs(node: Node | None, column: int | None) -> list[Ref]:
    """The scalars of a list (or of one column of a list of rows), as card references."""
    out: list[Ref] = []
    for item in node if isinstance(node, yamlsrc.Seq) else ():
        cell: Node | None = item
        if column is not None:
            cells = list(item) if isinstance(item, yamlsrc.Seq) else []
            cell = cells[column] if len(cells) > column else None
        if isinstance(cell, Scalar) and not cell.null and cell.value:
            out.append(Ref(cell.value, cell.pos))
    return out

def _check_remote_breaks(workbook: Workbook, diags: Diagnostics) -> None:
    """Online, nobody sits through more than REMOTE_STRETCH minutes without a break."""
    for a, agenda in enumerate(workbook.agendas):
        if not agenda.remote:
            continue
        for d, day in enumerate(agenda.days):
            stretch = 0
            for s, slot in enumerate(day.slots):
                stretch = 0 if slot.is_break else stretch + slot.minutes
                if stretch > REMOTE_STRETCH:
                    path = join(join(join(join(join("agendas", a), "days"), d), "slots"), s)
                    diags.add(slot.pos, path, f"{stretch} min without a break in a remote "
                              f"agenda; online, the limit is {REMOTE_STRETCH}",
                              "add a break of 5 to 10 minutes before this slot, or split it")
                    stretch = 0

def _check_roadmap_notes(workbook: Workbook, diags: Diagnostics) -> None:
    """A filled roadmap's notes name a column and a lane the sheet prints."""
    own = workbook.sheets.get("roadmap")
    words = {**SHEET_KINDS["roadmap"].words, **(own.words if own else {})}
    for i, example in enumerate(workbook.examples):
        for j, (column, lane, _) in enumerate(example.rows.get("notes", ())):
            path = join(join(join("examples", i), "fill.notes"), j)
            for value, slot in ((column, "columns"), (lane, "lanes")):
                names = [label.name for label in words[slot]]
                if value.casefold() not in (name.casefold() for name in names):
                    diags.add(example.pos, path, f"the roadmap has no {slot[:-1]} '{value}'",
                              did_you_mean(value, names) or "one of " + ", ".join(names))

def place_roadmap_notes(workbook: Workbook) -> Workbook:
    """A filled roadmap's notes with their column and lane as positions ("0", "2").

    Column and lane name a place on the sheet, not words a reader sees: resolved here, in the
    deck's own language, a note keeps its place when the sheet's words are translated (and a
    translator never has to keep "Now" in English for it to be found).
    """
    own = workbook.sheets.get("roadmap")
    words = {**SHEET_KINDS["roadmap"].words, **(own.words if own else {})}
    columns = [label.name.casefold() for label in words["columns"]]
    lanes = [label.name.casefold() for label in words["lanes"]]
    examples = []
    for example in workbook.examples:
        notes = example.rows.get("notes")
        if notes:
            placed = tuple((str(columns.index(col.casefold())), str(lanes.index(lane.casefold())),
                            text) for col, lane, text in notes)
            example = replace(example, rows={**example.rows, "notes": placed})
        examples.append(example)
    return replace(workbook, examples=tuple(examples))

def _check_slots_hold_steps(workbook: Workbook, diags: Diagnostics) -> None:
    """Every agenda gives each activity at least the minutes of its plan for that agenda."""
    for a, agenda in enumerate(workbook.agendas):
        given: dict[str, int] = {}
        first: dict[str, tuple[str, Slot]] = {}
        for d, day in enumerate(agenda.days):
            for s, slot in enumerate(day.slots):
                if slot.activity is None:
                    continue
                given[slot.activity] = given.get(slot.activity, 0) + slot.minutes
                path = join(join(join(join(join("agendas", a), "days"), d), "slots"), s)
                first.setdefault(slot.activity, (path, slot))
        for act_id, minutes in given.items():
            act = workbook.activity(act_id)
            if act is None:
                continue
            plan = act.plan(agenda.id)
            needed = plan.minutes if plan else act.minutes
            if minutes >= needed:
                continue
            path, slot = first[act_id]
            whose = f"its plan for {agenda.id} takes" if plan else "its steps take"
            diags.add(slot.pos, join(path, "minutes"),
                      f"{act_id} gets {minutes} min in {agenda.id} but {whose} {needed} min",
                      f"lengthen the slot, or give {act_id} a plan under plans: {agenda.id}: "
                      "that drops or shortens steps")

def _agenda(node: Node, path: str, diags: Diagnostics,
            activity_ids: list[str]) -> Agenda | None:
    entry = _entry(node, path, diags, _AGENDA_KEYS, ("id", "title", "days"))
    if entry is None:
        return None
    agenda_id = _ident(entry.get("id"), join(path, "id"), diags)
    title = _field(entry, "title", path, diags, max_len=120)
    summary = _field(entry, "summary", path, diags)
    def day(item: Node, path: str, diags: Diagnostics) -> Day | None:
        return _day(item, path, diags, activity_ids)

    days = _list_of(entry.get("days"), join(path, "days"), diags, day, max_items=10,
                    empty_hint="an agenda needs at least one day with slots")
    if agenda_id is None or title is None or not days:
        return None
    days = tuple(d if d.title else replace(d, title=f"Day {n}") for n, d in enumerate(days, 1))
    return Agenda(agenda_id, title, days, summary,
                  _flag(entry.get("remote"), join(path, "remote"), diags))

def _day(node: Node, path: str, diags: Diagnostics, activity_ids: list[str]) -> Day | None:
    entry = _entry(node, path, diags, _DAY_KEYS, ("start", "slots"))
    if entry is None:
        return None
    title = _field(entry, "title", path, diags, max_len=120) or ""
    start = _clock(entry.get("start"), join(path, "start"), diags)

    def slot(item: Node, path: str, diags: Diagnostics) -> Slot | None:
        return _slot(item, path, diags, activity_ids)

    slots = _list_of(entry.get("slots"), join(path, "slots"), diags, slot, max_items=60,
                     empty_hint="a day needs at least one slot, e.g. "
                                "`- {activity: open-the-room, minutes: 30}`")
    if start is None or not slots:
        return None
    day = Day(title, start, slots)
    if day.end > 24 * 60:
        diags.add(entry.pos, path, "the day runs past midnight",
                  "check the start time and the minutes of each slot")
        return None
    return day

def _slot(node: Node, path: str, diags: Diagnostics, activity_ids: list[str]) -> Slot | None:
    entry = _entry(node, path, diags, _SLOT_KEYS, ("minutes",))
    if entry is None:
        return None
    given = [key for key in ("activity", "title", "break") if not _missing(entry.get(key))]
    if len(given) != 1:
        message = ("needs one of activity, title or break" if not given
                   else "give only one of " + ", ".join(given))
        diags.add(entry.pos, path, message,
                  "activity: an activity id; title: a plain item; break: e.g. Lunch")
    activity = _ident(entry.get("activity"), join(path, "activity"), diags)
    known = _check_known(entry.get("activity"), activity, join(path, "activity"), "activity",
                         activity_ids, diags)
    title = _field(entry, "title", path, diags, max_len=120)
    break_title = _field(entry, "break", path, diags, max_len=120)
    minutes = _minutes(entry, path, diags)
    materials_node = entry.get("materials")
    materials = None if materials_node is None else _texts(entry, "materials", path, diags)
    if minutes is None or len(given) != 1 or not known:
        return None
    return Slot(
        minutes=minutes, activity=activity, title=title or break_title,
        is_break=break_title is not None, materials=materials,
        output=_field(entry, "output", path, diags), note=_field(entry, "note", path, diags),
        pos=entry.pos,
    )

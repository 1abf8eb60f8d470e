"""Workbook loading: workbook.yaml nodes to a validated Workbook, problems to diagnostics."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import TypeVar

from deckgen.deck import yamlsrc
from deckgen.deck.model import Deck
from deckgen.deck.workbook_model import (
    EXAMPLE_FIELDS,
    REMOTE_STRETCH,
    SECTION_IDS,
    SHEET_KINDS,
    WORKSHEET_KINDS,
    Activity,
    Agenda,
    AnatomyPart,
    ChecklistStage,
    Day,
    Example,
    GlossaryEntry,
    Group,
    Label,
    Levels,
    Materials,
    Participant,
    Phase,
    Plan,
    RecipeRow,
    Ref,
    Role,
    SectionText,
    SheetWords,
    Slot,
    Step,
    Workbook,
    WorksheetSpec,
)
from deckgen.deck.yamlsrc import Map, Node, Scalar, join
from deckgen.diagnostics import Diagnostics, did_you_mean

T = TypeVar("T")

_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
_MAX_MINUTES = 600  # a slot or step longer than a working day is a typo

_ROOT_KEYS = ("title", "intro", "anatomy", "phases", "roles", "participants", "checklist",
              "materials", "agendas", "activities", "worksheets", "glossary",
              "levels", "families", "grid", "risks", "recipe", "sheets", "sections",
              "anatomy_parts", "group", "examples")
_PHASE_KEYS = ("id", "name", "summary")
_ACTIVITY_KEYS = ("id", "title", "phase", "purpose", "grouping", "materials", "steps", "say",
                  "cards", "categories", "worksheet", "output", "pitfalls", "plans")
_STEP_KEYS = ("do", "minutes")
_PLAN_STEP_KEYS = ("step", "do", "minutes")
_EXAMPLE_KEYS = ("kind", "title", "note", "fill")
_GROUP_KEYS = ("people", "votes", "dots", "per_idea", "examples")
_AGENDA_KEYS = ("id", "title", "summary", "days", "remote")
_DAY_KEYS = ("title", "start", "slots")
_SLOT_KEYS = ("activity", "title", "break", "minutes", "materials", "output", "note")
_ROLE_KEYS = ("name", "count", "does")
_PARTICIPANT_KEYS = ("who", "why")
_STAGE_KEYS = ("when", "items")
_MATERIAL_KEYS = ("in_person", "remote")
_WORKSHEET_KEYS = ("kind", "title", "note")
_GLOSSARY_KEYS = ("term", "definition")
_LEVELS_KEYS = ("category", "ids")
_RECIPE_KEYS = ("role", "word", "label", "meaning", "guardrail")
_SHEET_KEYS = ("title", "note")
_SECTION_KEYS = ("title", "intro")
_SECTION_COLUMNS = {"catalogue": 4}  # sections with a table whose heads a deck may name
_LABEL_KEYS = ("name", "note")
_PART_KEYS = ("element", "name", "note")
_ELEMENT = re.compile(r"^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)?$")


def parse_workbook(node: yamlsrc.Node, diags: Diagnostics) -> Workbook | None:
    """Read the root node of workbook.yaml; every problem goes to `diags`, nothing raises.

    Returns None when anything was wrong, so a build never runs on half a workbook.
    """
    before = len(diags)
    root = yamlsrc.mapping(node, "", diags)
    if root is None:
        return Workbook() if isinstance(node, Scalar) and node.null else None
    yamlsrc.check_keys(root, _ROOT_KEYS, "", diags)
    # Ids come from the raw nodes so that a reference to a broken entry is not reported twice.
    phase_ids = _raw_ids(root, "phases", diags)
    activity_ids = _raw_ids(root, "activities", diags)
    agenda_ids = _raw_ids(root, "agendas", diags)

    def activity(item: Node, path: str, diags: Diagnostics) -> Activity | None:
        return _activity(item, path, diags, phase_ids, agenda_ids)

    def agenda(item: Node, path: str, diags: Diagnostics) -> Agenda | None:
        return _agenda(item, path, diags, activity_ids)

    workbook = Workbook(
        title=yamlsrc.text(root.get("title"), "title", diags, max_len=200),
        intro=_paragraphs(root.get("intro"), "intro", diags),
        anatomy=_ref(root.get("anatomy"), "anatomy", diags),
        phases=_list_of(root.get("phases"), "phases", diags, _phase),
        roles=_list_of(root.get("roles"), "roles", diags, _role),
        participants=_list_of(root.get("participants"), "participants", diags, _participant),
        checklist=_list_of(root.get("checklist"), "checklist", diags, _stage),
        materials=_materials(root.get("materials"), diags),
        agendas=_list_of(root.get("agendas"), "agendas", diags, agenda),
        activities=_list_of(root.get("activities"), "activities", diags, activity),
        worksheets=_worksheets(root.get("worksheets"), diags),
        glossary=_list_of(root.get("glossary"), "glossary", diags, _glossary_entry),
        group=_group(root.get("group"), diags),
        examples=_list_of(root.get("examples"), "examples", diags, _example, max_items=20),
        levels=_levels(root.get("levels"), diags),
        anatomy_parts=_list_of(root.get("anatomy_parts"), "anatomy_parts", diags, _part,
                               max_items=12),
        families=_families(root.get("families"), diags),
        grid=_ref(root.get("grid"), "grid", diags),
        risks=_ref(root.get("risks"), "risks", diags),
        recipe=_list_of(root.get("recipe"), "recipe", diags, _recipe_row, max_items=20),
        sheets=_sheets(root.get("sheets"), diags),
        sections=_sections(root.get("sections"), diags),
    )
    if len(diags) == before:
        _check_slots_hold_steps(workbook, diags)
        _check_roadmap_notes(workbook, diags)
        _check_remote_breaks(workbook, diags)
    return workbook if len(diags) == before else None


def check_workbook_refs(workbook: Workbook, deck: Deck, diags: Diagnostics) -> None:
    """Report card and category ids in the workbook that the deck does not have."""
    card_ids = [card.id for card in deck.cards]
    category_ids = [cat.id for cat in deck.categories]
    if workbook.anatomy is not None:
        _check_ref(workbook.anatomy, "anatomy", "card", card_ids, diags)
    if workbook.grid is not None:
        _check_ref(workbook.grid, "grid", "card", card_ids, diags)
    if workbook.risks is not None:
        _check_ref(workbook.risks, "risks", "category", category_ids, diags)
    if workbook.levels is not None and workbook.levels.category is not None:
        _check_ref(workbook.levels.category, "levels.category", "category", category_ids, diags)
    for i, example in enumerate(workbook.examples):
        for ref in example.refs:
            _check_ref(ref, join(join("examples", i), "fill"), "card", card_ids, diags)
    for i, act in enumerate(workbook.activities):
        path = join("activities", i)
        for j, ref in enumerate(act.cards):
            _check_ref(ref, join(join(path, "cards"), j), "card", card_ids, diags)
        for j, ref in enumerate(act.categories):
            _check_ref(ref, join(join(path, "categories"), j), "category", category_ids, diags)


def _check_ref(ref: Ref, path: str, what: str, known: list[str], diags: Diagnostics) -> None:
    if ref.id not in known:
        diags.add(ref.pos, path, f"the deck has no {what} '{ref.id}'", did_you_mean(ref.id, known))


# Generic readers


def _list_of(node: Node | None, path: str, diags: Diagnostics,
             read: Callable[[Node, str, Diagnostics], T | None], max_items: int = 500
             ) -> tuple[T, ...]:
    seq = yamlsrc.sequence(node, path, diags)
    if seq is None:
        return ()
    if len(seq) > max_items:
        diags.add(seq.pos, path, f"has {len(seq)} entries; the limit is {max_items}")
        return ()
    out: list[T] = []
    for i, item in enumerate(seq):
        value = read(item, join(path, i), diags)
        if value is not None:
            out.append(value)
    return tuple(out)


def _entry(node: Node, path: str, diags: Diagnostics, keys: Iterable[str],
           required: Iterable[str]) -> Map | None:
    """A list entry that must be a mapping with the given keys; None when it cannot be used."""
    entry = yamlsrc.mapping(node, path, diags)
    if entry is None:
        if isinstance(node, Scalar) and node.null:
            diags.add(node.pos, path, "empty entry", "remove the lone '-' or fill it in")
        return None
    required = tuple(required)
    yamlsrc.check_keys(entry, keys, path, diags, required=required)
    if any(_missing(entry.get(name)) for name in required):
        return None
    return entry


def _missing(node: Node | None) -> bool:
    return node is None or (isinstance(node, Scalar) and node.null)


def _field(entry: Map, key: str, path: str, diags: Diagnostics, max_len: int = 2000) -> str | None:
    return yamlsrc.text(entry.get(key), join(path, key), diags, max_len=max_len)


def _texts(entry: Map, key: str, path: str, diags: Diagnostics) -> tuple[str, ...]:
    return yamlsrc.text_list(entry.get(key), join(path, key), diags)


def _paragraphs(node: Node | None, path: str, diags: Diagnostics) -> tuple[str, ...]:
    """Text that may be written as one block or as a list of paragraphs."""
    if isinstance(node, Scalar):
        value = yamlsrc.text(node, path, diags)
        return tuple(p.strip() for p in (value or "").split("\n\n") if p.strip())
    return yamlsrc.text_list(node, path, diags)


def _ident(node: Node | None, path: str, diags: Diagnostics) -> str | None:
    value = yamlsrc.text(node, path, diags, max_len=80)
    if value is None or node is None:
        return None
    if not _ID.fullmatch(value):
        diags.add(node.pos, path, f"'{value}' is not an id",
                  "use lower-case letters, digits and '-', e.g. size-it")
        return None
    return value


def _ref(node: Node | None, path: str, diags: Diagnostics) -> Ref | None:
    value = _ident(node, path, diags)
    if value is None or node is None:
        return None
    return Ref(value, node.pos)


def _refs(entry: Map, key: str, path: str, diags: Diagnostics) -> tuple[Ref, ...]:
    seq = yamlsrc.sequence(entry.get(key), join(path, key), diags)
    if seq is None:
        return ()
    refs = (_ref(item, join(join(path, key), i), diags) for i, item in enumerate(seq))
    return tuple(ref for ref in refs if ref is not None)


def _minutes(entry: Map, path: str, diags: Diagnostics) -> int | None:
    return yamlsrc.integer(entry.get("minutes"), join(path, "minutes"), diags,
                           lo=1, hi=_MAX_MINUTES)


# Sections


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
    steps = _list_of(entry.get("steps"), join(path, "steps"), diags, _step, max_items=30)
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

    days = _list_of(entry.get("days"), join(path, "days"), diags, day, max_items=10)
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

    slots = _list_of(entry.get("slots"), join(path, "slots"), diags, slot, max_items=60)
    if start is None or not slots:
        return None
    day = Day(title, start, slots)
    if day.end > 24 * 60:
        diags.add(entry.pos, path, "the day runs past midnight",
                  "check the start time and the minutes of each slot")
        return None
    return day


def _clock(node: Node | None, path: str, diags: Diagnostics) -> int | None:
    value = yamlsrc.text(node, path, diags, max_len=10)
    if value is None or node is None:
        return None
    match = _TIME.fullmatch(value.strip())
    if not match:
        diags.add(node.pos, path, f"'{value}' is not a time of day",
                  'write 24-hour time in quotes, e.g. "09:00"')
        return None
    return int(match.group(1)) * 60 + int(match.group(2))


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


def _role(node: Node, path: str, diags: Diagnostics) -> Role | None:
    entry = _entry(node, path, diags, _ROLE_KEYS, ("name",))
    if entry is None:
        return None
    name = _field(entry, "name", path, diags, max_len=80)
    count = _field(entry, "count", path, diags, max_len=80)
    does = _texts(entry, "does", path, diags)
    return None if name is None else Role(name, does, count)


def _participant(node: Node, path: str, diags: Diagnostics) -> Participant | None:
    entry = _entry(node, path, diags, _PARTICIPANT_KEYS, ("who",))
    if entry is None:
        return None
    who = _field(entry, "who", path, diags, max_len=200)
    why = _field(entry, "why", path, diags)
    return None if who is None else Participant(who, why)


def _stage(node: Node, path: str, diags: Diagnostics) -> ChecklistStage | None:
    entry = _entry(node, path, diags, _STAGE_KEYS, ("when", "items"))
    if entry is None:
        return None
    when = _field(entry, "when", path, diags, max_len=80)
    items = _texts(entry, "items", path, diags)
    return None if when is None or not items else ChecklistStage(when, items)


def _materials(node: Node | None, diags: Diagnostics) -> Materials | None:
    entry = yamlsrc.mapping(node, "materials", diags)
    if entry is None:
        return None
    yamlsrc.check_keys(entry, _MATERIAL_KEYS, "materials", diags)
    return Materials(_texts(entry, "in_person", "materials", diags),
                     _texts(entry, "remote", "materials", diags))


def _worksheets(node: Node | None, diags: Diagnostics) -> tuple[WorksheetSpec, ...] | None:
    if node is None:
        return None
    return _list_of(node, "worksheets", diags, _worksheet)


def _worksheet(node: Node, path: str, diags: Diagnostics) -> WorksheetSpec | None:
    if isinstance(node, Scalar) and not node.null:
        kind = _worksheet_kind(node, path, diags)
        return None if kind is None else WorksheetSpec(kind)
    entry = _entry(node, path, diags, _WORKSHEET_KEYS, ("kind",))
    if entry is None:
        return None
    kind = _worksheet_kind(entry.get("kind"), join(path, "kind"), diags)
    title = _field(entry, "title", path, diags, max_len=120)
    note = _field(entry, "note", path, diags)
    return None if kind is None else WorksheetSpec(kind, title, note)


def _worksheet_kind(node: Node | None, path: str, diags: Diagnostics) -> str | None:
    value = yamlsrc.text(node, path, diags, max_len=80)
    if value is None or node is None:
        return None
    if value not in WORKSHEET_KINDS:
        hint = did_you_mean(value, WORKSHEET_KINDS) or "one of " + ", ".join(WORKSHEET_KINDS)
        diags.add(node.pos, path, f"unknown worksheet '{value}'", hint)
        return None
    return value


def _glossary_entry(node: Node, path: str, diags: Diagnostics) -> GlossaryEntry | None:
    entry = _entry(node, path, diags, _GLOSSARY_KEYS, ("term", "definition"))
    if entry is None:
        return None
    term = _field(entry, "term", path, diags, max_len=120)
    definition = _field(entry, "definition", path, diags)
    return None if term is None or definition is None else GlossaryEntry(term, definition)


# What the engine draws from the deck's own words


def _levels(node: Node | None, diags: Diagnostics) -> Levels | None:
    entry = yamlsrc.mapping(node, "levels", diags)
    if entry is None:
        return None
    yamlsrc.check_keys(entry, _LEVELS_KEYS, "levels", diags)
    ids_node = yamlsrc.sequence(entry.get("ids"), "levels.ids", diags)
    ids = tuple(value for i, item in enumerate(ids_node or ())
                if (value := _ident(item, join("levels.ids", i), diags)) is not None)
    return Levels(_ref(entry.get("category"), "levels.category", diags), ids)


def _part(node: Node, path: str, diags: Diagnostics) -> AnatomyPart | None:
    entry = _entry(node, path, diags, _PART_KEYS, ("element", "name"))
    if entry is None:
        return None
    element = _field(entry, "element", path, diags, max_len=80)
    name = _field(entry, "name", path, diags, max_len=80)
    note = _field(entry, "note", path, diags, max_len=400)
    element_node = entry.get("element")
    if element is not None and element_node is not None and not _ELEMENT.fullmatch(element):
        diags.add(element_node.pos, join(path, "element"), f"'{element}' is not an element name",
                  "name a layout element, e.g. title, or a flow's field, e.g. flow.prompts")
        return None
    return None if element is None or name is None else AnatomyPart(element, name, note)


def _families(node: Node | None, diags: Diagnostics) -> dict[str, str]:
    entry = yamlsrc.mapping(node, "families", diags)
    out: dict[str, str] = {}
    for key, value in entry or ():
        name = yamlsrc.text(value, join("families", key.value), diags, max_len=80)
        if name is not None:
            out[key.value] = name
    return out


def _recipe_row(node: Node, path: str, diags: Diagnostics) -> RecipeRow | None:
    entry = _entry(node, path, diags, _RECIPE_KEYS, ("role", "word", "label"))
    if entry is None:
        return None
    role = _ident(entry.get("role"), join(path, "role"), diags)
    word = _field(entry, "word", path, diags, max_len=20)
    label = _field(entry, "label", path, diags, max_len=120)
    meaning = _field(entry, "meaning", path, diags, max_len=120)
    guardrail = _flag(entry.get("guardrail"), join(path, "guardrail"), diags)
    if role is None or word is None or label is None:
        return None
    return RecipeRow(role, word, label, meaning, guardrail)


def _flag(node: Node | None, path: str, diags: Diagnostics) -> bool:
    if node is None:
        return False
    if isinstance(node, Scalar) and node.value in ("true", "false"):
        return node.value == "true"
    diags.add(node.pos, path, f"must be true or false, not {yamlsrc.kind(node)}")
    return False


def _sheets(node: Node | None, diags: Diagnostics) -> dict[str, SheetWords]:
    entry = yamlsrc.mapping(node, "sheets", diags)
    out: dict[str, SheetWords] = {}
    for key, value in entry or ():
        path = join("sheets", key.value)
        kind = SHEET_KINDS.get(key.value)
        if kind is None:
            hint = did_you_mean(key.value, WORKSHEET_KINDS) or "one of " + ", ".join(
                WORKSHEET_KINDS)
            diags.add(key.pos, path, f"unknown worksheet '{key.value}'", hint)
            continue
        sheet = yamlsrc.mapping(value, path, diags)
        if sheet is None:
            continue
        yamlsrc.check_keys(sheet, (*_SHEET_KEYS, *kind.words), path, diags)
        words = {slot: _labels(sheet.get(slot), join(path, slot), diags)
                 for slot in kind.words if sheet.get(slot) is not None}
        out[key.value] = SheetWords(_field(sheet, "title", path, diags, max_len=120),
                                    _field(sheet, "note", path, diags), words)
    return out


def _labels(node: Node | None, path: str, diags: Diagnostics) -> tuple[Label, ...]:
    """One word, or a list of words, each a text or a {name, note} mapping."""
    if isinstance(node, Scalar):
        value = yamlsrc.text(node, path, diags, max_len=200)
        return () if value is None else (Label(value),)
    return _list_of(node, path, diags, _label, max_items=12)


def _label(node: Node, path: str, diags: Diagnostics) -> Label | None:
    if isinstance(node, Scalar) and not node.null:
        value = yamlsrc.text(node, path, diags, max_len=200)
        return None if value is None else Label(value)
    entry = _entry(node, path, diags, _LABEL_KEYS, ("name",))
    if entry is None:
        return None
    name = _field(entry, "name", path, diags, max_len=200)
    note = _field(entry, "note", path, diags, max_len=400)
    return None if name is None else Label(name, note)


def _sections(node: Node | None, diags: Diagnostics) -> dict[str, SectionText]:
    entry = yamlsrc.mapping(node, "sections", diags)
    out: dict[str, SectionText] = {}
    for key, value in entry or ():
        path = join("sections", key.value)
        if key.value not in SECTION_IDS:
            hint = did_you_mean(key.value, SECTION_IDS) or "one of " + ", ".join(SECTION_IDS)
            diags.add(key.pos, path, f"unknown section '{key.value}'", hint)
            continue
        section = yamlsrc.mapping(value, path, diags)
        if section is None:
            continue
        columns = _SECTION_COLUMNS.get(key.value, 0)
        yamlsrc.check_keys(section, (*_SECTION_KEYS, *(("columns",) if columns else ())), path,
                           diags)
        intro_node = section.get("intro")
        intro = None if intro_node is None else _paragraphs(intro_node, join(path, "intro"),
                                                            diags)
        heads = _texts(section, "columns", path, diags) if columns else ()
        if len(heads) > columns:
            diags.add(section.key_pos("columns"), join(path, "columns"),
                      f"has {len(heads)} entries; this table has {columns} columns")
        out[key.value] = SectionText(_field(section, "title", path, diags, max_len=120), intro,
                                     heads)
    return out


# Cross-checks within the workbook


def _raw_ids(root: Map, key: str, diags: Diagnostics) -> list[str]:
    """Ids given in the list `key`, reporting any given twice."""
    seq = root.get(key)
    ids: list[str] = []
    if not isinstance(seq, yamlsrc.Seq):
        return ids
    for i, item in enumerate(seq):
        id_node = item.get("id") if isinstance(item, Map) else None
        if not isinstance(id_node, Scalar) or id_node.null:
            continue
        if id_node.value in ids:
            diags.add(id_node.pos, join(join(key, i), "id"),
                      f"id '{id_node.value}' is used twice", "ids must be unique")
        ids.append(id_node.value)
    return ids


def _check_known(node: Node | None, value: str | None, path: str, what: str,
                 known: list[str], diags: Diagnostics) -> bool:
    if value is None or node is None or value in known:
        return True
    hint = did_you_mean(value, known) or (
        f"known {what}s: " + ", ".join(known) if known else f"no {what}s are defined")
    diags.add(node.pos, path, f"no {what} '{value}'", hint)
    return False

"""Workbook loading: workbook.yaml nodes to a validated Workbook, problems to diagnostics."""

from __future__ import annotations

from deckgen.deck import yamlsrc
from deckgen.deck.model import Deck
from deckgen.deck.workbook_model import (
    SECTION_IDS,
    SHEET_KINDS,
    WORKSHEET_KINDS,
    Activity,
    Agenda,
    AnatomyPart,
    ChecklistStage,
    GlossaryEntry,
    Label,
    Levels,
    Materials,
    Participant,
    RecipeRow,
    Role,
    SectionText,
    SheetWords,
    Workbook,
    WorksheetSpec,
)
from deckgen.deck.workbook_plans import (
    _activity,
    _agenda,
    _check_remote_breaks,
    _check_roadmap_notes,
    _check_slots_hold_steps,
    _example,
    _group,
    _phase,
    place_roadmap_notes,
)
from deckgen.deck.workbook_readers import (
    _ELEMENT,
    _GLOSSARY_KEYS,
    _LABEL_KEYS,
    _LEVELS_KEYS,
    _MATERIAL_KEYS,
    _PART_KEYS,
    _PARTICIPANT_KEYS,
    _RECIPE_KEYS,
    _ROLE_KEYS,
    _ROOT_KEYS,
    _SECTION_COLUMNS,
    _SECTION_KEYS,
    _SHEET_KEYS,
    _STAGE_KEYS,
    _WORKSHEET_KEYS,
    _check_ref,
    _entry,
    _field,
    _flag,
    _ident,
    _list_of,
    _paragraphs,
    _raw_ids,
    _ref,
    _texts,
    _worksheet_kind,
)
from deckgen.deck.yamlsrc import Node, Scalar, join
from deckgen.diagnostics import Diagnostics, did_you_mean


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
        ladder=_levels(root.get("ladder"), diags),
        anatomy_parts=_list_of(root.get("anatomy_parts"), "anatomy_parts", diags, _part,
                               max_items=12),
        families=_families(root.get("families"), diags),
        grid=_ref(root.get("grid"), "grid", diags),
        risk_register=_ref(root.get("risk-register"), "risk-register", diags),
        recipe=_list_of(root.get("recipe"), "recipe", diags, _recipe_row, max_items=20),
        sheets=_sheets(root.get("sheets"), diags),
        sections=_sections(root.get("sections"), diags),
    )
    if len(diags) == before:
        _check_slots_hold_steps(workbook, diags)
        _check_roadmap_notes(workbook, diags)
        _check_remote_breaks(workbook, diags)
    return place_roadmap_notes(workbook) if len(diags) == before else None

def check_workbook_refs(workbook: Workbook, deck: Deck, diags: Diagnostics) -> None:
    """Report card and category ids in the workbook that the deck does not have."""
    card_ids = [card.id for card in deck.cards]
    category_ids = [cat.id for cat in deck.categories]
    if workbook.anatomy is not None:
        _check_ref(workbook.anatomy, "anatomy", "card", card_ids, diags)
    if workbook.grid is not None:
        _check_ref(workbook.grid, "grid", "card", card_ids, diags)
    if workbook.risk_register is not None:
        _check_ref(workbook.risk_register, "risk-register", "category", category_ids, diags)
    if workbook.ladder is not None and workbook.ladder.category is not None:
        _check_ref(workbook.ladder.category, "ladder.category", "category", category_ids, diags)
    for i, example in enumerate(workbook.examples):
        for ref in example.refs:
            _check_ref(ref, join(join("examples", i), "fill"), "card", card_ids, diags)
    for i, act in enumerate(workbook.activities):
        path = join("activities", i)
        for j, ref in enumerate(act.cards):
            _check_ref(ref, join(join(path, "cards"), j), "card", card_ids, diags)
        for j, ref in enumerate(act.categories):
            _check_ref(ref, join(join(path, "categories"), j), "category", category_ids, diags)

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
    items = _texts(entry, "items", path, diags,
                   empty_hint="a checklist stage needs at least one item, or leave the stage out")
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


def _glossary_entry(node: Node, path: str, diags: Diagnostics) -> GlossaryEntry | None:
    entry = _entry(node, path, diags, _GLOSSARY_KEYS, ("term", "definition"))
    if entry is None:
        return None
    term = _field(entry, "term", path, diags, max_len=120)
    definition = _field(entry, "definition", path, diags)
    return None if term is None or definition is None else GlossaryEntry(term, definition)

def _levels(node: Node | None, diags: Diagnostics) -> Levels | None:
    entry = yamlsrc.mapping(node, "ladder", diags)
    if entry is None:
        return None
    yamlsrc.check_keys(entry, _LEVELS_KEYS, "ladder", diags)
    ids_node = yamlsrc.sequence(entry.get("ids"), "ladder.ids", diags)
    ids = tuple(value for i, item in enumerate(ids_node or ())
                if (value := _ident(item, join("ladder.ids", i), diags)) is not None)
    return Levels(_ref(entry.get("category"), "ladder.category", diags), ids)

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

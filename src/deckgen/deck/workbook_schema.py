"""The JSON Schema of workbook.yaml, for editor completion: takes a Deck, gives a JSON document.

It mirrors the workbook reader (workbook_load, workbook_plans, workbook_readers): the same keys
(taken from the reader's own key lists), the same required keys, text limits, number ranges,
worksheet kinds, example kinds and section ids. Like the reader, it takes any scalar as text
(`title: 2024` is the text 2024) and an empty optional value as not given. The reader stays the
judge of what a schema cannot say: ids used twice, a day past midnight, slots too short for
their steps, breaks in a remote agenda, a plan's step numbers, roadmap notes' column and lane.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from deckgen.deck.model import Deck
from deckgen.deck.workbook_model import EXAMPLE_FIELDS, SECTION_IDS, SHEET_KINDS, Workbook
from deckgen.deck.workbook_readers import (
    _ACTIVITY_KEYS,
    _AGENDA_KEYS,
    _DAY_KEYS,
    _ELEMENT,
    _EXAMPLE_KEYS,
    _GLOSSARY_KEYS,
    _GROUP_KEYS,
    _ID,
    _LABEL_KEYS,
    _LEVELS_KEYS,
    _MATERIAL_KEYS,
    _MAX_MINUTES,
    _PART_KEYS,
    _PARTICIPANT_KEYS,
    _PHASE_KEYS,
    _PLAN_STEP_KEYS,
    _RECIPE_KEYS,
    _ROLE_KEYS,
    _ROOT_KEYS,
    _SECTION_COLUMNS,
    _SECTION_KEYS,
    _SHEET_KEYS,
    _SLOT_KEYS,
    _STAGE_KEYS,
    _STEP_KEYS,
    _WORKSHEET_KEYS,
)

Schema = dict[str, Any]
DRAFT = "https://json-schema.org/draft/2020-12/schema"

# The reader keeps every scalar as its source text, so a number or true is text too.
_SCALAR = ["string", "number", "boolean"]
_TEXT_MAX = 2000  # a field's limit unless the reader gives it another
_ITEM_MAX = 5000  # a list item's or a paragraph's
_LIST_MAX = 100  # a list of texts
_ENTRIES_MAX = 500  # a list of entries
_MINUTES = {"type": "integer", "minimum": 1, "maximum": _MAX_MINUTES}
_FLAG = {"type": "boolean"}
# The clock pattern of the reader (_TIME), around text it strips first.
_CLOCK = r"^\s*([01]?[0-9]|2[0-3]):[0-5][0-9]\s*$"
# The limits of the reader's `group:` numbers (workbook_plans._group).
_GROUP_LIMITS = {"people": 200, "votes": 20, "dots": 20, "per_idea": 20, "examples": 200}
_GROUP_NOTES = {"people": "participants (default 12)",
                "votes": "dots each person puts on the two-by-two grid (default 3)",
                "dots": "dots each person has in the final vote (default 5)",
                "per_idea": "the most dots one person may put on one idea (default 2)",
                "examples": "examples the landscape should hold (default 30)"}


def workbook_file_schema(deck: Deck, ids_from: Workbook | None = None) -> Schema:
    """The schema of workbook.yaml for `deck`: its card and category ids are the ones a
    workbook may name. `ids_from`, the deck's own workbook, lends its phase, activity and
    agenda ids to the places that refer to them; without it those are any id."""
    defs = {"card": _ids([c.id for c in deck.cards], "a card id of the deck"),
            "category": _ids([c.id for c in deck.categories], "a category id of the deck")}
    cards, categories = {"$ref": "#/$defs/card"}, {"$ref": "#/$defs/category"}
    own = ids_from or Workbook()
    phases = _ids([p.id for p in own.phases], "a phase id")
    activities = _ids([a.id for a in own.activities], "an activity id")
    agendas = [a.id for a in own.agendas]
    props: dict[str, Schema] = {
        "title": _text(200, "the cover's kicker"),
        "intro": _paragraphs("paragraphs on the contents page"),
        "anatomy": {**cards, "description": "the card shown with its parts labelled"},
        "phases": _entries(_phase(), "activities are grouped under them, in this order"),
        "roles": _entries(_obj(_ROLE_KEYS, {
            "name": _text(80), "count": _text(80), "does": _texts()}, ("name",))),
        "participants": _entries(_obj(_PARTICIPANT_KEYS, {
            "who": _text(200), "why": _text()}, ("who",))),
        "checklist": _entries(_obj(_STAGE_KEYS, {
            "when": _text(80), "items": {**_texts(), "minItems": 1}}, ("when", "items"))),
        "materials": _obj(_MATERIAL_KEYS, {"in_person": _texts(), "remote": _texts()}),
        "agendas": _entries(_agenda(activities), "the workshop's formats"),
        "activities": _entries(_activity(phases, cards, categories, agendas)),
        "worksheets": _entries(_worksheet(), "which worksheets, in which order"),
        "glossary": _entries(_obj(_GLOSSARY_KEYS, {
            "term": _text(120), "definition": _text()}, ("term", "definition"))),
        "group": _obj(_GROUP_KEYS, {
            key: {"type": "integer", "minimum": 1, "maximum": hi,
                  "description": _GROUP_NOTES[key]} for key, hi in _GROUP_LIMITS.items()},
            not_null=_GROUP_KEYS, description="the group worksheets are sized for"),
        "examples": _entries(_example(cards), "worksheets printed again, filled in",
                             max_items=20),
        "ladder": _obj(_LEVELS_KEYS, {
            "category": {**categories,
                         "description": "its cards, in order, name and describe the steps"},
            "ids": {"type": "array", "items": _nullable(_ident()),
                    "description": "the catalogue's `level:` values, step by step"},
        }, description="the size steps"),
        "families": {"type": ["object", "null"],
                     "additionalProperties": _nullable(_text(80)),
                     "description": "family ids of the catalogue and the cards, as printed"},
        "grid": {**cards, "description": "the card whose items and axes make the 2x2 grid"},
        "risk-register": {**categories,
                          "description": "the category whose card titles prompt the register"},
        "recipe": _entries(_recipe_row(), "the rows of a recipe, in order", max_items=20),
        "sheets": _sheets(),
        "sections": _sections(),
        "anatomy_parts": _entries(_part(), "the parts of the anatomy card to call out",
                                  max_items=12),
    }
    assert set(props) == set(_ROOT_KEYS), "every key the reader takes, and no other"
    return {
        "$schema": DRAFT,
        "title": f"workbook.yaml of {deck.title}",
        "description": "The facilitator workbook: every section is optional.",
        "type": ["object", "null"],
        "properties": {key: _nullable(props[key]) for key in _ROOT_KEYS},
        "additionalProperties": False,
        "$defs": defs,
    }


# -- building blocks ------------------------------------------------------------------------


def _text(max_len: int = _TEXT_MAX, description: str | None = None) -> Schema:
    out: Schema = {"type": list(_SCALAR), "maxLength": max_len}
    if description:
        out["description"] = description
    return out


def _texts(description: str | None = None) -> Schema:
    out: Schema = {"type": "array", "items": _text(_ITEM_MAX), "maxItems": _LIST_MAX}
    if description:
        out["description"] = description
    return out


def _paragraphs(description: str | None = None) -> Schema:
    out: Schema = {"anyOf": [_text(_ITEM_MAX), _texts()]}
    if description:
        out["description"] = description + " (a text, or a list of paragraphs)"
    return out


def _ident() -> Schema:
    return {"type": "string", "pattern": _ID.pattern, "maxLength": 80,
            "description": "lower-case letters, digits and -"}


def _ids(known: list[str], what: str) -> Schema:
    """One of `known`, or any id when there are none to offer."""
    if known:
        return {"enum": list(dict.fromkeys(known)), "description": what}
    return {**_ident(), "description": what}


def _entries(item: Schema, description: str | None = None,
             max_items: int = _ENTRIES_MAX, min_items: int = 0) -> Schema:
    """A list whose every entry is read (an empty entry is an error)."""
    out: Schema = {"type": "array", "items": item, "maxItems": max_items}
    if min_items:
        out["minItems"] = min_items
    if description:
        out["description"] = description
    return out


def _obj(keys: Iterable[str], props: dict[str, Schema], required: Iterable[str] = (),
         not_null: Iterable[str] = (), description: str | None = None) -> Schema:
    """A mapping with exactly the reader's `keys`; an optional key left empty is not given,
    except those in `not_null`, which the reader reads even when empty (and rejects)."""
    keys, required, not_null = tuple(keys), tuple(required), tuple(not_null)
    assert set(props) == set(keys), (sorted(props), sorted(keys))
    out: Schema = {
        "type": "object",
        "properties": {key: props[key] if key in required or key in not_null
                       else _nullable(props[key]) for key in keys},
        "additionalProperties": False,
    }
    if required:
        out["required"] = list(required)
    if description:
        out["description"] = description
    return out


def _nullable(schema: Schema) -> Schema:
    """`schema`, or empty: the reader takes an empty value as one not given."""
    kind = schema.get("type")
    if isinstance(kind, str):
        return {**schema, "type": [kind, "null"]}
    if isinstance(kind, list):
        return schema if "null" in kind else {**schema, "type": [*kind, "null"]}
    if "enum" in schema:
        return schema if None in schema["enum"] else {**schema, "enum": [*schema["enum"], None]}
    inner = {k: v for k, v in schema.items() if k != "description"}
    out: Schema = {"anyOf": [inner, {"type": "null"}]}
    if "description" in schema:
        out["description"] = schema["description"]
    return out


def _given(key: str) -> Schema:
    """`key` is there and not empty."""
    return {"required": [key], "properties": {key: {"not": {"type": "null"}}}}


# -- sections of the file -------------------------------------------------------------------


def _phase() -> Schema:
    return _obj(_PHASE_KEYS, {"id": _ident(), "name": _text(80), "summary": _text()},
                ("id", "name"))


def _activity(phases: Schema, cards: Schema, categories: Schema, agendas: list[str]) -> Schema:
    step = _obj(_STEP_KEYS, {"do": _text(), "minutes": _MINUTES}, ("do", "minutes"))
    return _obj(_ACTIVITY_KEYS, {
        "id": {**_ident(), "description": "unique"},
        "title": _text(120),
        "phase": {**phases, "description": "one of the phase ids"},
        "purpose": _text(),
        "grouping": _text(200),
        "materials": _texts(),
        "steps": _entries(step, "the activity's time is the sum of the minutes", 30, 1),
        "say": _paragraphs("what to say, word for word"),
        "cards": {"type": "array", "items": _nullable(cards),
                  "description": "card ids, shown as thumbnails"},
        "categories": {"type": "array", "items": _nullable(categories),
                       "description": "category ids: their first five cards and a count"},
        "worksheet": {"enum": list(SHEET_KINDS), "description": "a worksheet kind"},
        "output": _text(),
        "pitfalls": _texts(),
        "plans": _plans(agendas),
    }, ("id", "title", "purpose", "steps"))


def _plans(agendas: list[str]) -> Schema:
    keep = {"required": ["step"], "properties": {"minutes": _MINUTES}}
    add = {"not": {"required": ["step"]}, "allOf": [_given("do"), _given("minutes")]}
    props: dict[str, Schema] = {
        "step": {"type": "integer", "minimum": 1, "maximum": 30,
                 "description": "keeps the activity's step with this number"},
        "do": _nullable(_text()),
        "minutes": _nullable(_MINUTES),
    }
    assert set(props) == set(_PLAN_STEP_KEYS)
    step = {"type": "object", "properties": props, "additionalProperties": False,
            "anyOf": [keep, add],
            "description": "{step: N} keeps step N (minutes may change); {do, minutes} adds one"}
    out: Schema = {"type": "object", "additionalProperties": _nullable(_entries(step, None, 30)),
                   "description": "the steps for one agenda, by its id"}
    if agendas:
        out["propertyNames"] = {"enum": agendas}
    return out


def _agenda(activities: Schema) -> Schema:
    slot = _obj(_SLOT_KEYS, {
        "activity": activities,
        "title": _text(120, "a plain item"),
        "break": _text(120, "a break, e.g. Lunch"),
        "minutes": _MINUTES,
        "materials": _texts("instead of the activity's"),
        "output": _text(),
        "note": _text(),
    }, ("minutes",), description="an activity, a title or a break")
    slot["oneOf"] = [_given("activity"), _given("title"), _given("break")]
    day = _obj(_DAY_KEYS, {
        "title": _text(120, 'optional: "Day 1", "Day 2"... when left out'),
        "start": {"type": "string", "pattern": _CLOCK, "maxLength": 10,
                  "description": 'the 24-hour clock, quoted: "09:30"'},
        "slots": _entries(slot, None, 60, 1),
    }, ("start", "slots"))
    return _obj(_AGENDA_KEYS, {
        "id": {**_ident(), "description": "unique"},
        "title": _text(120),
        "summary": _text(),
        "days": _entries(day, None, 10, 1),
        "remote": {**_FLAG, "description": "run online: the remote kit, a break every hour"},
    }, ("id", "title", "days"), not_null=("remote",))


def _worksheet() -> Schema:
    kinds = {"enum": list(SHEET_KINDS)}
    return {"anyOf": [kinds, _obj(_WORKSHEET_KEYS, {
        "kind": kinds, "title": _text(120), "note": _text()}, ("kind",))],
        "description": "a worksheet kind, or {kind, title, note}"}


def _example(cards: Schema) -> Schema:
    out = _obj(_EXAMPLE_KEYS, {
        "kind": {"enum": list(EXAMPLE_FIELDS)},
        "title": _text(120),
        "note": _text(),
        "fill": {"type": "object", "description": "what the filled-in sheet says"},
    }, ("kind", "fill"))
    out["allOf"] = [
        {"if": {"properties": {"kind": {"const": kind}}, "required": ["kind"]},
         "then": {"properties": {"fill": _fill(kind, fields, cards)}}}
        for kind, fields in EXAMPLE_FIELDS.items()]
    return out


def _fill(kind: str, fields: dict[str, int], cards: Schema) -> Schema:
    props: dict[str, Schema] = {}
    for key, cells in fields.items():
        if cells == 0:
            props[key] = _text(400)
            continue
        row: Schema
        if cells == 1:  # one text a row; an empty one is left out
            cell = cards if (kind, key) == ("jtbd-pitch", "cards") else _text(400)
            row = _nullable(cell)
        elif (kind, key) == ("recipe-builder", "rows"):
            row = {"type": "array", "prefixItems": [cards, _text(_ITEM_MAX)], "items": False,
                   "minItems": 2, "description": "a card id, then the words"}
        else:
            row = {"type": "array", "items": _text(_ITEM_MAX), "minItems": cells,
                   "maxItems": cells, "description": f"{cells} cells"}
        props[key] = _entries(row, None, 12)
    return _obj(fields, props)


def _recipe_row() -> Schema:
    return _obj(_RECIPE_KEYS, {
        "role": {**_ident(), "description": "the categories with this role fill the row"},
        "word": _text(20, "what the row reads as, e.g. IF"),
        "label": _text(120, "what the row holds when no category has the role"),
        "meaning": _text(120, "the role in a few words, for the category legend"),
        "guardrail": {**_FLAG, "description": "a row only the recipe builder prints"},
    }, ("role", "word", "label"), not_null=("guardrail",))


def _part() -> Schema:
    return _obj(_PART_KEYS, {
        "element": {"type": "string", "pattern": _ELEMENT.pattern, "maxLength": 80,
                    "description": "a layout element, e.g. title, or a flow's field, "
                                   "e.g. flow.prompts"},
        "name": _text(80),
        "note": _text(400),
    }, ("element", "name"))


def _sheets() -> Schema:
    label = {"anyOf": [_text(200), _obj(_LABEL_KEYS, {"name": _text(200), "note": _text(400)},
                                        ("name",))]}
    words = {"anyOf": [_text(200), _entries(label, None, 12)],
             "description": "a word, or a list of words, each a text or {name, note}"}
    props = {
        kind: _obj((*_SHEET_KEYS, *spec.words), {
            "title": _text(120), "note": _text(), **{slot: words for slot in spec.words}})
        for kind, spec in SHEET_KINDS.items()}
    return {"type": "object", "properties": {k: _nullable(v) for k, v in props.items()},
            "additionalProperties": False,
            "description": "per worksheet kind: title, note and the words its drawing prints"}


def _sections() -> Schema:
    props: dict[str, Schema] = {}
    for section in SECTION_IDS:
        columns = _SECTION_COLUMNS.get(section, 0)
        fields: dict[str, Schema] = {"title": _text(120), "intro": _paragraphs()}
        if columns:
            fields["columns"] = {**_texts("the table's column heads"), "maxItems": columns}
        keys = (*_SECTION_KEYS, *(("columns",) if columns else ()))
        props[section] = _nullable(_obj(keys, fields))
    return {"type": "object", "properties": props, "additionalProperties": False,
            "description": "a section's own title and introduction"}

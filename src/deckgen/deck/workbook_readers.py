"""workbook.yaml's building blocks: its keys, and typed readers that report with positions."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import TypeVar

from deckgen.deck import yamlsrc
from deckgen.deck.workbook_model import (
    WORKSHEET_KINDS,
    Ref,
)
from deckgen.deck.yamlsrc import Map, Node, Scalar, join
from deckgen.diagnostics import Diagnostics, did_you_mean

T = TypeVar("T")

_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")

_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")

_MAX_MINUTES = 600  # a slot or step longer than a working day is a typo

_ROOT_KEYS = ("title", "intro", "anatomy", "phases", "roles", "participants", "checklist",
              "materials", "agendas", "activities", "worksheets", "glossary",
              "ladder", "families", "grid", "risk-register", "recipe", "sheets", "sections",
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

def _check_ref(ref: Ref, path: str, what: str, known: list[str], diags: Diagnostics) -> None:
    if ref.id not in known:
        diags.add(ref.pos, path, f"the deck has no {what} '{ref.id}'", did_you_mean(ref.id, known))

def _list_of(node: Node | None, path: str, diags: Diagnostics,
             read: Callable[[Node, str, Diagnostics], T | None], max_items: int = 500,
             empty_hint: str | None = None) -> tuple[T, ...]:
    """The entries `read` accepts; with `empty_hint`, an empty list is a mistake to report,
    not a reason to drop what holds it without a word."""
    seq = yamlsrc.sequence(node, path, diags)
    if seq is None:
        return ()
    if empty_hint is not None and len(seq) == 0:
        diags.add(seq.pos, path, "is empty", empty_hint)
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

def _texts(entry: Map, key: str, path: str, diags: Diagnostics,
           empty_hint: str | None = None) -> tuple[str, ...]:
    """A list of texts; with `empty_hint`, an empty list is reported, as `_list_of` does."""
    node = entry.get(key)
    if empty_hint is not None and isinstance(node, yamlsrc.Seq) and len(node) == 0:
        diags.add(node.pos, join(path, key), "is empty", empty_hint)
        return ()
    return yamlsrc.text_list(node, join(path, key), diags)

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

def _flag(node: Node | None, path: str, diags: Diagnostics) -> bool:
    if node is None:
        return False
    if isinstance(node, Scalar) and node.value in ("true", "false"):
        return node.value == "true"
    diags.add(node.pos, path, f"must be true or false, not {yamlsrc.kind(node)}")
    return False

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


def _worksheet_kind(node: Node | None, path: str, diags: Diagnostics) -> str | None:
    value = yamlsrc.text(node, path, diags, max_len=80)
    if value is None or node is None:
        return None
    if value not in WORKSHEET_KINDS:
        hint = did_you_mean(value, WORKSHEET_KINDS) or "one of " + ", ".join(WORKSHEET_KINDS)
        diags.add(node.pos, path, f"unknown worksheet '{value}'", hint)
        return None
    return value

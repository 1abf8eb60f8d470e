"""JSON Schemas of a deck's files, for editor completion: takes a Deck, gives JSON documents.

An editor with the YAML language server completes field names, category ids and card ids and
flags a wrong type as the author types. The loader stays the judge: a schema can only describe
what the loader checks, not replace it (line-precise diagnostics, files, fonts, fit).
"""

from __future__ import annotations

from typing import Any

from deckgen.deck.fields import FieldSpec
from deckgen.deck.model import ROLES, Deck
from deckgen.units import CARD_SIZES_MM, PAPER_NAMES

Schema = dict[str, Any]
DRAFT = "https://json-schema.org/draft/2020-12/schema"
ID_PATTERN = "^[a-z0-9]+(-[a-z0-9]+)*$"
LENGTH = {"type": ["number", "string"],
          "description": "millimetres, or a length such as 3mm, 0.5in, 9pt"}
COLOR = {
    "oneOf": [
        {"type": "string", "pattern": r"^(#[0-9A-Fa-f]{6}|cmyk\(.*\))$"},
        {"type": "object", "properties": {"rgb": {"type": "string"}, "cmyk": {"type": "string"}},
         "additionalProperties": False},
    ],
    "description": '"#RRGGBB", "cmyk(c, m, y, k)" in percent, or {rgb: ..., cmyk: ...}',
}


def card_file_schema(deck: Deck) -> Schema:
    """The schema of one file in cards/: `category:` and a list `cards:`."""
    category_ids = [c.id for c in deck.categories]
    card = _card_schema(deck, category_ids)
    return {
        "$schema": DRAFT,
        "title": f"Card file of {deck.title}",
        "type": "object",
        "properties": {
            "category": {"enum": category_ids, "description": "default for the cards below"},
            "cards": {"type": "array", "items": card},
        },
        "required": ["cards"],
        "additionalProperties": False,
    }


def _card_schema(deck: Deck, category_ids: list[str]) -> Schema:
    props: dict[str, Schema] = {
        "id": {"type": "string", "pattern": ID_PATTERN,
               "description": "unique: lowercase letters, digits and -"},
        "category": {"enum": category_ids},
        "layout": {"type": "string", "description": "a layout name, e.g. standard"},
        "copies": {"type": "integer", "minimum": 1, "maximum": 1000},
    }
    card_ids = [c.id for c in deck.cards]
    for spec in deck.fields:
        props[spec.name] = _field_schema(spec, card_ids, deck.roles)
    required = ["id", *(s.name for s in deck.fields if s.required)]
    return {"type": "object", "properties": props, "required": required,
            "additionalProperties": False}


def _field_schema(spec: FieldSpec, card_ids: list[str], roles: tuple[str, ...]) -> Schema:
    out: Schema
    if spec.type == "number":
        kind = "integer" if spec.integer else "number"
        number: Schema = {"type": kind}
        if spec.min is not None:
            number["minimum"] = spec.min
        if spec.max is not None:
            number["maximum"] = spec.max
        out = {"oneOf": [number, {"enum": list(spec.names)}]} if spec.values else number
    elif spec.type in ("list", "refs"):
        item: Schema = {"type": "string"}
        if spec.type == "refs" and card_ids:
            item = {"enum": card_ids}
        out = {"type": "array", "items": item}
    elif spec.type == "recipe":
        ids: Schema = {"oneOf": [{"type": "string"}, {"type": "array",
                                                       "items": {"type": "string"}}]}
        out = {"type": "object", "properties": {role: ids for role in roles},
               "additionalProperties": False}
    elif spec.type == "axes":
        pair = {"type": "array", "items": {"type": "string"}, "minItems": 2, "maxItems": 2}
        out = {"type": "object", "properties": {"x": pair, "y": pair},
               "required": ["x", "y"], "additionalProperties": False}
    elif spec.type == "image":
        out = {"type": "string", "pattern": r"(?i)\.(png|jpe?g|svg)$"}
    elif spec.type == "url":
        out = {"type": "string", "pattern": "^(https?://|mailto:)"}
    elif spec.values:
        out = {"enum": list(spec.names)}
    else:
        out = {"type": "string"}
    described = spec.description or f"{spec.type} field"
    return {**out, "description": described}


def deck_file_schema(deck: Deck | None = None) -> Schema:
    """The schema of deck.yaml."""
    field_types = ["text", "markup", "list", "number", "image", "url", "refs"]
    roles = list(deck.roles) if deck is not None else list(ROLES)
    category = {
        "type": "object",
        "properties": {
            "id": {"type": "string", "pattern": ID_PATTERN},
            "name": {"type": "string"},
            "role": {"enum": roles},
            "question": {"type": "string"},
            "color": COLOR,
            "icon": {"type": "string"},
            "layout": {"type": "string"},
            "blanks": {"type": "integer", "minimum": 0, "maximum": 500},
        },
        "required": ["id"],
        "additionalProperties": False,
    }
    field_decl = {
        "oneOf": [
            {"enum": field_types},
            {"type": "object", "properties": {
                "type": {"enum": field_types},
                "required": {"type": "boolean"},
                "role": {"enum": roles},
                "values": {"oneOf": [{"type": "array", "items": {"type": "string"}},
                                     {"type": "object",
                                      "additionalProperties": {"type": "string"}}]},
                "min": {"type": "number"},
                "max": {"type": "number"},
                "integer": {"type": "boolean"},
                "description": {"type": "string"},
                "translate": {"type": "boolean"},
                "reference": {"type": "boolean"},
            }, "additionalProperties": False},
        ],
    }
    size = {"oneOf": [{"enum": list(CARD_SIZES_MM)},
                      {"type": "object", "properties": {"width": LENGTH, "height": LENGTH},
                       "required": ["width", "height"], "additionalProperties": False}]}
    title = f"deck.yaml of {deck.title}" if deck is not None else "deck.yaml"
    return {
        "$schema": DRAFT,
        "title": title,
        "type": "object",
        "properties": {
            "deck": {"type": "object", "properties": {
                "title": {"type": "string"}, "subtitle": {"type": "string"},
                "edition": {"type": "string"}, "language": {"type": "string"},
            }, "additionalProperties": False},
            "extends": {"type": "string", "description": "builtin:NAME or a relative path"},
            "remove": {"type": "array", "items": {"type": "string"}},
            "card": {"type": "object", "properties": {
                "size": size, "bleed": LENGTH, "safe": LENGTH,
            }, "additionalProperties": False},
            "paper": {"enum": list(PAPER_NAMES)},
            "languages": {"type": "array", "items": {"type": "string"}, "minItems": 1,
                          "description": "The deck's languages; the first is the one it is "
                                         "written in. Translations: i18n/LANG.po"},
            "brand": {"type": "object", "properties": {
                "name": {"type": "string"},
                "logo": {"type": "string"},
                "colors": {"type": "object", "additionalProperties": COLOR},
                "fonts": {"type": "object", "additionalProperties": {"type": "string"}},
            }, "additionalProperties": False},
            "roles": {"type": "array", "items": {"type": "string", "pattern": ID_PATTERN},
                      "uniqueItems": True,
                      "description": "The parts of a recipe, in reading order; categories take "
                                     "them on with `role:`. Default: who, what, when, where, "
                                     "why, measure"},
            "categories": {"type": "array", "items": category},
            "fields": {"type": "object", "additionalProperties": field_decl},
        },
        "additionalProperties": False,
    }

"""Declared fields: which values a deck's cards may carry, and reading one of each type.

Takes the `fields:` section of deck.yaml and card values as positioned YAML nodes (spreadsheet
cells arrive as the same nodes); gives FieldSpecs and typed values. Knows nothing of drawing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from deckgen.deck import yamlsrc as ys
from deckgen.diagnostics import Diagnostics, Pos, did_you_mean

FIELD_TYPES = ("text", "markup", "list", "number", "image", "url", "refs")
# Types only the format's own fields have: v1's recipe and grid axes keep their shape.
INTERNAL_TYPES = ("recipe", "axes")
# What a layout can show that a card does not carry itself.
DERIVED = ("category", "question", "role", "deck-title", "deck-subtitle", "brand-name")
# Card keys that steer the card rather than hold a value a layout shows.
RESERVED = ("id", "category", "layout", "copies")
FIELD_KEYS = ("type", "required", "role", "values", "min", "max", "integer", "description",
              "translate", "reference")
NAME_RE = re.compile(r"^[a-z][a-z0-9]*(?:[-_][a-z0-9]+)*\Z")
URL_RE = re.compile(r"^(https?://[^\s/$.?#][^\s]*|mailto:[^\s@]+@[^\s@]+)\Z", re.IGNORECASE)
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".svg")
MAX_LIST = 100

Value = str | float | tuple[str, ...] | Path


@dataclass(frozen=True)
class FieldSpec:
    """One field a card may carry. `values` names the allowed values of a text field, or the
    steps min, min+1, … of a number field, each with the label a reader sees."""

    name: str
    type: str
    required: bool = False
    role: str | None = None
    values: tuple[tuple[str, str], ...] = ()
    min: float | None = None
    max: float | None = None
    integer: bool = False
    description: str | None = None
    pos: Pos | None = None  # where a deck declared it; None for the format's own fields
    translate: bool = True  # false for values that read the same in every language (codes)
    # The value people write to point at a card (on recipes and worksheets) instead of its id.
    reference: bool = False

    def label(self, value: Value) -> str:
        """How a value reads on a card: its declared label, or the value itself."""
        if self.type == "number" and isinstance(value, (int, float)) and self.values:
            index = int(value - (self.min if self.min is not None else 1))
            if 0 <= index < len(self.values):
                return self.values[index][1]
        if isinstance(value, str):
            return dict(self.values).get(value, value)
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.values)


def _v1(name: str, type_: str, **kw: object) -> FieldSpec:
    return FieldSpec(name, type_, **kw)  # type: ignore[arg-type]


# Format v1's fields, always present: a v1 deck builds unchanged. A deck may redeclare one to
# relax `required` or to name its allowed values, not to change its type.
DEFAULT_FIELDS: tuple[FieldSpec, ...] = (
    _v1("title", "text", required=True),
    _v1("subtitle", "text"),
    _v1("body", "markup"),
    _v1("items", "list"),
    _v1("prompts", "list"),
    _v1("examples", "list"),
    _v1("family", "text"),
    _v1("level", "number", min=1.0, max=5.0, integer=True),
    _v1("recipe", "recipe"),
    _v1("axes", "axes"),
)


def read_declarations(node: ys.Node | None, inherited: Mapping[str, FieldSpec],
                      roles: Iterable[str], diags: Diagnostics) -> dict[str, FieldSpec]:
    """The `fields:` section of deck.yaml, laid over the fields the deck inherits."""
    out: dict[str, FieldSpec] = {}
    top = ys.mapping(node, "fields", diags)
    for key, value in top or ():
        name = key.value
        path = f"fields.{name}"
        if not NAME_RE.match(name):
            diags.add(key.pos, path, f"'{name}' is not a valid field name",
                      "use lowercase letters, digits, - and _, starting with a letter")
            continue
        if name in RESERVED or name in DERIVED:
            diags.add(key.pos, path, f"'{name}' is a name deckgen gives a meaning already",
                      "choose another name; reserved: " + ", ".join((*RESERVED, *DERIVED)))
            continue
        spec = _read_one(name, value, inherited.get(name), tuple(roles), path, diags)
        if spec is not None:
            out[name] = spec
    refs = [spec for spec in {**inherited, **out}.values() if spec.reference]
    for spec in refs[1:]:
        where = spec.pos if spec.pos is not None else (top.pos if top else None)
        if where is not None:
            diags.add(where, f"fields.{spec.name}.reference",
                      f"'{refs[0].name}' is the card reference already; a deck has one",
                      f"remove `reference: true` from one of '{refs[0].name}' and "
                      f"'{spec.name}'")
    return out


def _read_one(name: str, node: ys.Node, before: FieldSpec | None, roles: tuple[str, ...],
              path: str, diags: Diagnostics) -> FieldSpec | None:
    if isinstance(node, ys.Scalar) and not node.null:
        node = ys.Map(((ys.Scalar("type", True, False, node.pos), node),), node.pos)
    decl = ys.mapping(node, path, diags)
    if decl is None:
        diags.add(node.pos, path, "needs a type", "e.g. `" + name + ": {type: text}`; types: "
                  + ", ".join(FIELD_TYPES))
        return None
    ys.check_keys(decl, FIELD_KEYS, path, diags)
    type_node = decl.get("type")
    type_ = ys.text(type_node, path + ".type", diags)
    if type_ is None:
        if before is None:
            diags.add(decl.pos, path + ".type", "required field is missing",
                      "types: " + ", ".join(FIELD_TYPES))
            return None
        type_ = before.type
    elif type_ not in FIELD_TYPES:
        diags.add(type_node.pos if type_node else decl.pos, path + ".type",
                  f"unknown type '{type_}'",
                  did_you_mean(type_, FIELD_TYPES) or "types: " + ", ".join(FIELD_TYPES))
        return None
    elif before is not None and before.type != type_:
        diags.add(type_node.pos if type_node else decl.pos, path + ".type",
                  f"'{name}' is a {before.type} field already; a deck cannot change its type",
                  "declare a field with a new name instead")
        return None
    required = ys.flag(decl.get("required"), path + ".required", diags)
    role = ys.text(decl.get("role"), path + ".role", diags)
    if role is not None:
        if type_ != "refs":
            diags.add(decl.key_pos("role"), path + ".role", "only refs fields take a role")
            role = None
        elif role not in roles:
            diags.add(decl.get("role").pos, path + ".role",  # type: ignore[union-attr]
                      f"unknown role '{role}'", did_you_mean(role, roles)
                      or "roles: " + ", ".join(roles))
            role = None
    lo = _number(decl.get("min"), path + ".min", diags)
    hi = _number(decl.get("max"), path + ".max", diags)
    if (lo is not None or hi is not None) and type_ != "number":
        diags.add(decl.key_pos("min" if lo is not None else "max"), path,
                  "only number fields take min and max")
    integer = ys.flag(decl.get("integer"), path + ".integer", diags)
    translate = ys.flag(decl.get("translate"), path + ".translate", diags)
    reference = ys.flag(decl.get("reference"), path + ".reference", diags)
    if reference and type_ != "text":
        diags.add(decl.key_pos("reference"), path + ".reference",
                  "only a text field can be the card reference",
                  "declare e.g. `code: {type: text, reference: true}`")
        reference = None
    values = _read_values(decl.get("values"), path + ".values", type_, diags)
    base = before or FieldSpec(name, type_)
    if type_ == "number" and values:
        lo = lo if lo is not None else (base.min if base.min is not None else 1.0)
        hi = lo + len(values) - 1
        integer = True
    return FieldSpec(
        name=name,
        type=type_,
        required=base.required if required is None else required,
        role=role if role is not None else base.role,
        values=values or base.values,
        min=lo if lo is not None else base.min,
        max=hi if hi is not None else base.max,
        integer=base.integer if integer is None else integer,
        description=ys.text(decl.get("description"), path + ".description", diags,
                            max_len=300) or base.description,
        pos=decl.pos,
        translate=base.translate if translate is None else translate,
        reference=base.reference if reference is None else reference,
    )


def _number(node: ys.Node | None, path: str, diags: Diagnostics) -> float | None:
    value = ys.text(node, path, diags)
    if value is None or node is None:
        return None
    try:
        return float(value.replace("_", ""))
    except ValueError:
        diags.add(node.pos, path, f"must be a number, not '{ys.short(value)}'")
        return None


def _read_values(node: ys.Node | None, path: str, type_: str,
                 diags: Diagnostics) -> tuple[tuple[str, str], ...]:
    if node is None:
        return ()
    if type_ not in ("text", "number"):
        diags.add(node.pos, path, "only text and number fields take a list of values")
        return ()
    out: list[tuple[str, str]] = []
    if isinstance(node, ys.Map):
        for key, label in node:
            text = ys.text(label, ys.join(path, key.value), diags, max_len=120)
            out.append((key.value, text if text is not None else key.value))
    else:
        out = [(v, v) for v in ys.text_list(node, path, diags)]
    return tuple(out)


def read_value(spec: FieldSpec, node: ys.Node, path: str, diags: Diagnostics,
               root: Path) -> Value | None:
    """A card's value for `spec`, or None (reported) when it does not fit the field's type.

    An empty value is an absent field. Paths of image fields stay relative to the deck folder
    that names them, `root`; the loader checks the file.
    """
    if isinstance(node, ys.Scalar) and node.null:
        return None
    if spec.type in ("list", "refs"):
        entries = ys.text_list(node, path, diags, max_items=MAX_LIST)
        return tuple(e.strip() for e in entries if e.strip()) or None
    value = ys.text(node, path, diags)
    if value is None:
        return None
    if spec.type == "number":
        return _number_value(spec, value, node.pos, path, diags)
    if not value.strip():
        return None
    if spec.type == "text" and "\n" in value.strip():
        diags.add(node.pos, path, f"a list in a text field: '{spec.name}' takes one line",
                  f"join the lines, or declare `{spec.name}: {{type: markup}}` or "
                  "`{type: list}` in deck.yaml")
        return None
    if spec.type == "text" and spec.values and value not in spec.names:
        diags.add(node.pos, path, f"unknown {spec.name} '{ys.short(value)}'",
                  did_you_mean(value, spec.names) or "use one of " + ", ".join(spec.names))
        return None
    if spec.type == "url" and not URL_RE.match(value.strip()):
        diags.add(node.pos, path, f"'{ys.short(value)}' is not a web address",
                  "write it in full, e.g. https://example.com/page")
        return None
    if spec.type == "image":
        if Path(value).suffix.lower() not in IMAGE_SUFFIXES:
            diags.add(node.pos, path, f"'{ys.short(value)}' is not a PNG, JPEG or SVG file",
                      "give a path in the deck folder, e.g. assets/photo.jpg")
            return None
        return root / value.strip()
    return value.strip() if spec.type in ("text", "url") else value


def _number_value(spec: FieldSpec, value: str, pos: Pos, path: str,
                  diags: Diagnostics) -> float | None:
    text = value.strip().replace("_", "")
    if spec.values and text in spec.names:
        return spec.names.index(text) + (spec.min if spec.min is not None else 1.0)
    try:
        number = float(text)
    except ValueError:
        hint = "write a number such as 3 or 2.5"
        if spec.integer and spec.min is not None and spec.max is not None:
            hint = f"write a whole number from {_fmt(spec.min)} to {_fmt(spec.max)}"
        if spec.values:
            hint = "write a number or one of " + ", ".join(spec.names)
        diags.add(pos, path, f"must be a number, not '{ys.short(value)}'", hint)
        return None
    if number != number or number in (float("inf"), float("-inf")):
        diags.add(pos, path, f"must be a number, not '{ys.short(value)}'")
        return None
    if spec.integer and not number.is_integer():
        diags.add(pos, path, f"must be a whole number, not '{ys.short(value)}'")
        return None
    lo, hi = spec.min, spec.max
    if (lo is not None and number < lo) or (hi is not None and number > hi):
        diags.add(pos, path, f"must be between {_fmt(lo)} and {_fmt(hi)}, not {_fmt(number)}")
        return None
    return int(number) if spec.integer else number


def _fmt(number: float | None) -> str:
    if number is None:
        return "…"
    return str(int(number)) if float(number).is_integer() else f"{number:g}"


def merged(inherited: Mapping[str, FieldSpec],
           declared: Mapping[str, FieldSpec]) -> dict[str, FieldSpec]:
    return {**inherited, **declared}


def defaults() -> dict[str, FieldSpec]:
    return {spec.name: spec for spec in DEFAULT_FIELDS}

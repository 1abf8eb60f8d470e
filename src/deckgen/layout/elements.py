"""Layout elements: the kinds, their options and how each option is read and checked."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from deckgen.deck import yamlsrc as ys
from deckgen.diagnostics import Diagnostics, Pos, did_you_mean
from deckgen.units import UnitError, parse_length

ART_KINDS = ("image", "qr")  # issue 12: pictures and QR codes

KINDS = ("fill", "band", "text", "rule", "flow", "recipe", "level", "grid", "footer", "logo",
         "icon", "lines", "idbox", "frame", "mark", *ART_KINDS)

FIELD_RE = re.compile(r"^[a-z][a-z0-9]*(?:[-_][a-z0-9]+)*\Z")

COLORS = ("text", "muted", "category", "white", "primary", "back", "paper", "tint")

ALIGNS = ("left", "center", "right")

WEIGHTS = ("regular", "bold", "black")

# Card art (issue 12): `src`/`field` of an image or QR code, how a picture fills its box, a
# bundled icon by name, and on every element `rotate` and `order` (paint order).
ART_KEYS = ("src", "value", "fit", "radius", "bleed", "icon", "rotate", "order")

ROTATIONS = (0, 90, 180, 270)

ELEMENT_KEYS = ("kind", "field", "fields", "top", "bottom", "height", "left", "right", "after",
                "gap", "font", "weight", "italic", "size", "min-size", "leading", "align",
                "color", "fill", "max-lines", "uppercase", "label", "labels", "more-labels",
                "thickness",
                "width", "spacing", "valign", "draw", "above", "clearance", "fallback",
                "separator", "inline", *ART_KEYS)

FIELD_STYLE_KEYS = ("field", "label", "bullet", "italic", "bold", "color")

NOWHERE = Pos(Path("."))
Length = tuple[float, bool]  # (value, is_percent): percent of the card's trim height or width

@dataclass(frozen=True)
class Element:
    """One element of a layout, with unresolved lengths (they depend on the card size)."""

    name: str
    kind: str
    options: dict[str, object] = field(default_factory=dict)
    pos: Pos = NOWHERE
    option_pos: dict[str, Pos] = field(default_factory=dict, compare=False)

    def where(self, key: str) -> Pos:
        """Where the layout gives option `key`, or the element itself."""
        return self.option_pos.get(key, self.pos)

    def get(self, key: str, default: object = None) -> object:
        return self.options.get(key, default)

    def str_opt(self, key: str, default: str) -> str:
        value = self.options.get(key, default)
        return value if isinstance(value, str) else default

    def num(self, key: str, default: float) -> float:
        value = self.options.get(key, default)
        return float(value) if isinstance(value, (int, float)) else default

    def flag(self, key: str, default: bool = False) -> bool:
        value = self.options.get(key, default)
        return value if isinstance(value, bool) else default

def _read_element(name: str, spec: ys.Map, path: str, diags: Diagnostics,
                  inherited: Element | None) -> Element | None:
    ys.check_keys(spec, ELEMENT_KEYS, path, diags)
    options: dict[str, object] = dict(inherited.options) if inherited else {}
    kind = ys.text(spec.get("kind"), path + ".kind", diags)
    if kind is None:
        if inherited is None:
            diags.add(spec.pos, path + ".kind", "required field is missing",
                      "e.g. kind: text; kinds: " + ", ".join(KINDS))
            return None
        kind = inherited.kind
    elif kind not in KINDS:
        diags.add(spec.get("kind").pos, path + ".kind", f"unknown kind '{kind}'",  # type: ignore[union-attr]
                  did_you_mean(kind, KINDS) or "kinds: " + ", ".join(KINDS))
        return None
    for key, value in spec:
        k = key.value
        where = f"{path}.{k}"
        if k in ("kind",) or k not in ELEMENT_KEYS:
            continue
        if kind in (*ART_KINDS, "icon") and k == "field":
            parsed: object = ys.text(value, where, diags)  # a card value: any declared field
        else:
            parsed = _option(k, value, where, diags)
        if parsed is not None:
            options[k] = parsed
        if k == "fields":
            options["field-styles"] = flow_styles(value, where, diags)
    positions = dict(inherited.option_pos) if inherited else {}
    positions.update({key.value: value.pos for key, value in spec})
    return Element(name, kind, options, spec.pos, positions)

_CHOICES: dict[str, tuple[str, ...]] = {
    "color": COLORS, "fill": COLORS, "align": ALIGNS, "weight": WEIGHTS,
    "valign": ("top", "middle", "bottom"),
}

def _option(key: str, node: ys.Node, where: str, diags: Diagnostics) -> object:
    if key in ("top", "bottom", "height", "left", "right", "gap", "width", "thickness",
               "spacing", "clearance"):
        value = ys.text(node, where, diags)
        return None if value is None else _parse_box_length(value, node.pos, where, diags)
    if key in ("size", "min-size", "leading"):
        value = ys.text(node, where, diags)
        if value is None:
            return None
        try:
            number = float(value)
        except ValueError:
            diags.add(node.pos, where, f"must be a number, not '{value}'")
            return None
        if not 0 < number <= 200:
            diags.add(node.pos, where, f"{number:g} is out of range")
            return None
        return number
    if key == "max-lines":
        return ys.integer(node, where, diags, lo=1, hi=50)
    if key == "icon" and isinstance(node, ys.Scalar) and node.value.lower() in (
            "true", "yes", "on", "false", "no", "off"):
        return node.value.lower() in ("true", "yes", "on")  # the band's icon, shown or not
    if key in ART_KEYS:
        return _art_option(key, node, where, diags)
    if key in ("italic", "uppercase", "draw", "inline"):
        return ys.flag(node, where, diags)
    if key == "fields":
        return _flow_fields(node, where, diags)
    if key == "fallback":
        return ys.text_list(node, where, diags)
    if key == "field":
        value = ys.text(node, where, diags)
        if value is not None and not FIELD_RE.match(value):
            diags.add(node.pos, where, f"'{value}' is not a field name",
                      "name a field the deck declares, e.g. title or body")
            return None
        return value
    if key in ("labels", "more-labels"):
        labels = ys.mapping(node, where, diags)
        out: dict[str, str] = {}
        for k, v in labels or ():
            text = ys.text(v, f"{where}.{k.value}", diags)
            if text is not None:
                out[k.value] = text
        return out
    value = ys.text(node, where, diags)
    if value is None:
        return None
    choices = _CHOICES.get(key)
    if choices and value not in choices and not (key in ("color", "fill")
                                                 and value.startswith("#")):
        diags.add(node.pos, where, f"unknown value '{value}'",
                  did_you_mean(value, choices) or "use one of " + ", ".join(choices))
        return None
    return value

def _flow_fields(node: ys.Node, where: str, diags: Diagnostics) -> tuple[str, ...] | None:
    """A flow's `fields:` entries: names, or {field: NAME, label, bullet, italic, bold, color}.

    Which names the deck declares is checked when a deck is drawn: layouts serve every deck.
    """
    seq = ys.sequence(node, where, diags)
    if seq is None:
        return None
    names: list[str] = []
    for i, item in enumerate(seq):
        path = ys.join(where, i)
        if isinstance(item, ys.Map):
            ys.check_keys(item, FIELD_STYLE_KEYS, path, diags, required=("field",))
            name = ys.text(item.get("field"), path + ".field", diags)
        else:
            name = ys.text(item, path, diags, required=True)
        if name is None:
            continue
        if not FIELD_RE.match(name):
            diags.add(item.pos, path, f"'{name}' is not a field name")
            continue
        names.append(name)
    return tuple(names)

def flow_styles(node: ys.Node, where: str, diags: Diagnostics) -> dict[str, dict[str, object]]:
    """Per-field styles given in a flow's `fields:` list, by field name."""
    out: dict[str, dict[str, object]] = {}
    for i, item in enumerate(node if isinstance(node, ys.Seq) else ()):
        if not isinstance(item, ys.Map) or not isinstance(item.get("field"), ys.Scalar):
            continue
        path = ys.join(where, i)
        style: dict[str, object] = {}
        for key, value in item:
            k = key.value
            if k in ("italic", "bold"):
                flag = _option("italic", value, f"{path}.{k}", diags)
                if isinstance(flag, bool):
                    style[k] = flag
            elif k == "color":
                color = _option("color", value, f"{path}.{k}", diags)
                if color is not None:
                    style[k] = color
            elif k in ("label", "bullet"):
                text = ys.text(value, f"{path}.{k}", diags)
                style[k] = text if text is not None else ""
        out[item.get("field").value] = style  # type: ignore[union-attr]
    return out

def _art_option(key: str, node: ys.Node, where: str, diags: Diagnostics) -> object:
    value = ys.text(node, where, diags)
    if value is None:
        return None
    if key in ("rotate", "order"):
        try:
            number = int(value)
        except ValueError:
            diags.add(node.pos, where, f"must be a whole number, not '{value}'",
                      "rotate: 0, 90, 180 or 270" if key == "rotate" else "e.g. order: -1")
            return None
        if key == "rotate" and number not in ROTATIONS:
            diags.add(node.pos, where, f"{number} is not a quarter turn",
                      "use 0, 90, 180 or 270 (degrees, anticlockwise)")
            return None
        if key == "order" and not -1000 <= number <= 1000:
            diags.add(node.pos, where, f"{number} is out of range", "use -1000 to 1000")
            return None
        return number
    if key == "radius":
        return _parse_box_length(value, node.pos, where, diags)
    if key == "bleed":
        return ys.flag(node, where, diags)
    if key == "fit" and value not in ("contain", "cover"):
        diags.add(node.pos, where, f"unknown value '{value}'",
                  did_you_mean(value, ("contain", "cover")) or "use contain or cover")
        return None
    if key == "icon":
        from deckgen.deck import icons

        if not icons.is_icon(value):
            diags.add(node.pos, where, f"no bundled icon is called '{value}'",
                      did_you_mean(value, icons.names())
                      or "`deckgen icons --search WORD` lists them")
            return None
    return value

def _parse_box_length(value: str, pos: Pos, where: str, diags: Diagnostics) -> Length | None:
    text = value.strip()
    if text.endswith("%"):
        try:
            return (float(text[:-1]), True)
        except ValueError:
            diags.add(pos, where, f"'{value}' is not a percentage")
            return None
    try:
        return (parse_length(text), False)
    except UnitError as exc:
        diags.add(pos, where, str(exc), "or a percentage of the card, e.g. 20%")
        return None

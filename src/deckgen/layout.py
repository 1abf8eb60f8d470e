"""Layouts: YAML templates with `extends`, resolved into element specs for one card size."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from deckgen import yamlsrc as ys
from deckgen.diagnostics import DeckError, Diagnostics, Pos, did_you_mean
from deckgen.resources import data_dir
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
                "color", "fill", "max-lines", "uppercase", "label", "labels", "thickness",
                "width", "spacing", "valign", "draw", "above", "clearance", "fallback",
                "separator", "inline", *ART_KEYS)
FIELD_STYLE_KEYS = ("field", "label", "bullet", "italic", "bold", "color")
LAYOUT_KEYS = ("extends", "elements", "remove", "description")

NOWHERE = Pos(Path("."))
# Glyphs such as A, V and italics overhang their origin a little; this keeps their ink, not
# just their origin, inside the safe zone.
TEXT_INSET = 0.8
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


@dataclass(frozen=True)
class Layout:
    name: str
    elements: tuple[Element, ...]
    pos: Pos
    removed: frozenset[str] = frozenset()  # elements it or a layout it extends removed


@dataclass(frozen=True)
class Box:
    """A rectangle in points relative to the trim box's lower-left corner."""

    x: float
    y: float
    w: float
    h: float

    @property
    def top(self) -> float:
        return self.y + self.h

    @property
    def right(self) -> float:
        return self.x + self.w


def resolve_length(value: Length, total: float) -> float:
    number, percent = value
    return total * number / 100 if percent else number


def element_box(el: Element, width: float, height: float, safe: float,
                top_override: float | None = None, bottom_override: float | None = None) -> Box:
    """The element's box on a card of `width` × `height` points.

    Text elements are clamped to the safe zone whatever the layout says, so a layout can never
    push text where a trimmer might cut it.
    """
    def opt(key: str, total: float) -> float | None:
        value = el.options.get(key)
        return resolve_length(value, total) if isinstance(value, tuple) else None

    art = el.kind in ("fill", "band", "frame", "mark") or el.options.get("bleed") is True
    default_inset = 0.0 if art else safe
    left = opt("left", width)
    right = opt("right", width)
    x0 = default_inset if left is None else left
    x1 = width - (default_inset if right is None else right)
    top = opt("top", height)
    bottom = opt("bottom", height)
    if bottom_override is not None:
        bottom = bottom_override if bottom is None else max(bottom, bottom_override)
    span = opt("height", height)
    y_top = height - (top if top is not None else (0.0 if art else safe))
    if top_override is not None:
        y_top = top_override
    elif top is None and span is not None and bottom is not None:
        y_top = bottom + span  # anchored to the bottom edge, e.g. a footer
    if span is not None:
        y_bottom = y_top - span
        if bottom is not None:
            y_bottom = max(y_bottom, bottom)
    else:
        y_bottom = bottom if bottom is not None else (0.0 if art else safe)
    if not art:
        inner = safe + TEXT_INSET
        x0, x1 = max(x0, inner), min(x1, width - inner)
        y_top, y_bottom = min(y_top, height - inner), max(y_bottom, inner)
    return Box(x0, y_bottom, max(x1 - x0, 0.0), max(y_top - y_bottom, 0.0))


class LayoutSet:
    """Every layout available to a deck: built-in ones overridden by the deck's own."""

    def __init__(self, layouts: dict[str, Layout],
                 broken: dict[str, Diagnostics] | None = None) -> None:
        self.layouts = layouts
        # Built-in layouts that a deck's override of a layout they extend left unusable; each is
        # reported only if the deck needs it (see `problems`).
        self.broken = broken or {}

    def problems(self, name: str) -> Diagnostics:
        return self.broken.get(name, Diagnostics())

    def __contains__(self, name: str) -> bool:
        return name in self.layouts

    def get(self, name: str) -> Layout:
        return self.layouts[name]

    def names(self) -> list[str]:
        return sorted(self.layouts)


Layer = dict[str, ys.Map]  # the layouts one folder defines, by name
_Key = tuple[str, int]  # a layout's name and the layer that defines it

CYCLE_HINT = ("a layout can extend one of its own name only to build on the built-in or base "
              "deck's layout; make one of these layouts stop extending the other")


def load_layouts(deck_layout_dirs: tuple[Path, ...] = ()) -> LayoutSet:
    """Built-in layouts plus those in the deck folders' `layouts/`; DeckError on problems.

    Folders are layers: the built-in one, then each deck's from the base deck to the most
    specific. A layout overrides any of its name in a lower layer; `extends:` its own name builds
    on that lower one, which is how a branded deck tweaks one element of a built-in layout.
    """
    diags = Diagnostics()
    layers: list[Layer] = []
    for folder in (data_dir("layouts"), *reversed(deck_layout_dirs)):
        layer: Layer = {}
        for path in sorted(folder.glob("*.yaml")):
            layer.update(_read_layout_file(path, diags))
        layers.append(layer)
    resolver = _Resolver(layers, diags)
    layouts: dict[str, Layout] = {}
    broken: dict[str, Diagnostics] = {}
    for name in resolver.names():
        if resolver.top(name) == 0 and len(layers) > 1:
            layout = _builtin_over_deck(resolver, name, broken)
        else:
            layout = resolver.resolve(name)
        if layout is not None:
            layouts[name] = layout
    if diags:
        raise DeckError(diags)
    return LayoutSet(layouts, broken)


def _builtin_over_deck(resolver: _Resolver, name: str,
                       broken: dict[str, Diagnostics]) -> Layout | None:
    """Resolve a layout only the package defines, which may extend one a deck overrides.

    Its problems then come from the deck's override, so they are said there, and only when the
    deck needs the layout: an unused built-in layout must not fail a deck.
    """
    main = resolver.diags
    resolver.diags = scratch = Diagnostics()
    try:
        layout = resolver.resolve(name)
    finally:
        resolver.diags = main
    if not scratch:
        return layout
    parent, where = name, resolver.layers[0][name].pos
    while (node := resolver.layers[0].get(parent)) is not None:
        up = ys.text(node.get("extends"), "", Diagnostics())
        if up is None or up == parent:
            break
        parent = up
        layer = resolver.top(parent)
        if layer:
            where = resolver.layers[layer][parent].pos
            break
    said = Diagnostics()
    for diag in scratch.items:
        said.add(where, f"{parent}", f"the built-in layout '{name}' builds on your layout "
                 f"'{parent}', and then {diag.message}",
                 f"keep what '{name}' needs in your '{parent}', or override '{name}' as well")
    broken[name] = said
    resolver.done = {k: v for k, v in resolver.done.items() if k[1] != 0 or v is not None}
    return None


def _read_layout_file(path: Path, diags: Diagnostics) -> dict[str, ys.Map]:
    node = ys.read_yaml(path, diags)
    top = ys.mapping(node, "", diags) if node is not None else None
    out: dict[str, ys.Map] = {}
    for key, value in top or ():
        layout = ys.mapping(value, key.value, diags)
        if layout is None:
            continue
        ys.check_keys(layout, LAYOUT_KEYS, key.value, diags)
        out[key.value] = layout
    return out


class _Resolver:
    """Resolves layouts across layers, each once; a cycle is reported once, where it closes."""

    def __init__(self, layers: list[Layer], diags: Diagnostics) -> None:
        self.layers = layers
        self.diags = diags
        self.done: dict[_Key, Layout | None] = {}

    def names(self) -> list[str]:
        return list(dict.fromkeys(name for layer in self.layers for name in layer))

    def top(self, name: str, below: int | None = None) -> int | None:
        """The highest layer (under `below`, if given) that defines `name`."""
        end = len(self.layers) if below is None else below
        for i in range(end - 1, -1, -1):
            if name in self.layers[i]:
                return i
        return None

    def resolve(self, name: str) -> Layout | None:
        layer = self.top(name)
        return None if layer is None else self._resolve((name, layer), ())

    def _resolve(self, key: _Key, stack: tuple[_Key, ...]) -> Layout | None:
        if key in self.done:
            return self.done[key]
        name, layer = key
        node = self.layers[layer][name]
        elements: dict[str, Element] = {}
        removed: frozenset[str] = frozenset()
        parent = ys.text(node.get("extends"), f"{name}.extends", self.diags)
        failed = False
        if parent is not None:
            where = node.get("extends").pos  # type: ignore[union-attr]
            # Extending its own name means the definition underneath this one.
            base_layer = self.top(parent, below=layer) if parent == name else self.top(parent)
            if base_layer is None:
                if parent == name:
                    self.diags.add(where, f"{name}.extends",
                                   f"layout '{name}' extends itself, and there is no built-in "
                                   f"or base-deck layout '{name}' underneath it to extend",
                                   "extend another layout, or drop extends:")
                else:
                    self.diags.add(where, f"{name}.extends", f"no layout is called '{parent}'",
                                   did_you_mean(parent, self.names()))
                failed = True
            elif (parent, base_layer) in (*stack, key):
                names = [n for n, _ in (*stack, key)]
                start = names.index(parent) if parent in names else 0
                self.diags.add(where, f"{name}.extends", "layouts extend each other in a cycle: "
                               + " → ".join((*names[start:], parent)), CYCLE_HINT)
                failed = True
            else:
                base = self._resolve((parent, base_layer), (*stack, key))
                if base is None:
                    failed = True
                else:
                    elements = {el.name: el for el in base.elements}
                    removed = base.removed
        if failed:
            self.done[key] = None
            return None
        layout = _build(name, node, elements, removed, self.diags)
        self.done[key] = layout
        return layout


def _build(name: str, node: ys.Map, elements: dict[str, Element], removed: frozenset[str],
           diags: Diagnostics) -> Layout:
    """A layout from its YAML and the elements (and removals) it inherits."""
    for i, item in enumerate(ys.sequence(node.get("remove"), f"{name}.remove", diags) or ()):
        gone = ys.text(item, f"{name}.remove[{i}]", diags)
        if gone is not None:
            removed |= {gone}
        if gone is not None and elements.pop(gone, None) is None:
            diags.add(item.pos, f"{name}.remove", f"the layout has no element '{gone}'",
                      did_you_mean(gone, elements))
    for key, value in ys.mapping(node.get("elements"), f"{name}.elements", diags) or ():
        path = f"{name}.elements.{key.value}"
        spec = ys.mapping(value, path, diags)
        if spec is None:
            continue
        inherited = elements.get(key.value)
        el = _read_element(key.value, spec, path, diags, inherited)
        if el is not None:
            elements[key.value] = el
    for el in elements.values():
        for anchor in ("after", "above"):
            other = el.options.get(anchor)
            # Keeping above a removed element (say the footer) just falls back to the safe zone.
            if anchor == "above" and other in removed:
                continue
            if isinstance(other, str) and other not in elements:
                diags.add(el.pos, f"{name}.elements.{el.name}.{anchor}",
                          f"the layout has no element '{other}'", did_you_mean(other, elements))
    return Layout(name, _after_first(elements), node.pos, removed)


def _after_first(elements: dict[str, Element]) -> tuple[Element, ...]:
    """Elements in their given order, except that each comes after the one it is `after`."""
    ordered: list[Element] = []
    placed: set[str] = set()

    def place(el: Element, visiting: frozenset[str]) -> None:
        if el.name in placed or el.name in visiting:
            return
        after = el.options.get("after")
        if isinstance(after, str) and after in elements:
            place(elements[after], visiting | {el.name})
        placed.add(el.name)
        ordered.append(el)

    for el in elements.values():
        place(el, frozenset())
    return tuple(ordered)


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
        value = ys.text(node, where, diags)
        if value is None:
            return None
        if value.lower() in ("true", "yes", "on"):
            return True
        if value.lower() in ("false", "no", "off"):
            return False
        diags.add(node.pos, where, f"must be true or false, not '{value}'")
        return None
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
    if key == "labels":
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
        if value.lower() in ("true", "yes", "on"):
            return True
        if value.lower() in ("false", "no", "off"):
            return False
        diags.add(node.pos, where, f"must be true or false, not '{value}'")
        return None
    if key == "fit" and value not in ("contain", "cover"):
        diags.add(node.pos, where, f"unknown value '{value}'",
                  did_you_mean(value, ("contain", "cover")) or "use contain or cover")
        return None
    if key == "icon":
        from deckgen import icons

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


Side = Literal["front", "back"]

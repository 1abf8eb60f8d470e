"""Layouts: YAML templates with `extends`, resolved into element specs for one card size."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from deckgen.deck import yamlsrc as ys
from deckgen.diagnostics import DeckError, Diagnostics, Pos, did_you_mean
from deckgen.layout.elements import Element, _read_element
from deckgen.resources import data_dir

LAYOUT_KEYS = ("extends", "elements", "remove", "description")

@dataclass(frozen=True)
class Layout:
    name: str
    elements: tuple[Element, ...]
    pos: Pos
    removed: frozenset[str] = frozenset()  # elements it or a layout it extends removed

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

Side = Literal["front", "back"]

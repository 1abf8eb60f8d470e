"""Card files (YAML, CSV, XLSX) and the catalogue: positioned records into Cards."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from deckgen.deck import sheets
from deckgen.deck import yamlsrc as ys
from deckgen.deck.assets import check_image, resolve_asset
from deckgen.deck.fields import (
    INTERNAL_TYPES,
    RESERVED,
    FieldSpec,
    Value,
    read_value,
)
from deckgen.deck.model import (
    ROLES,
    Card,
    CatalogueEntry,
    slug,
)
from deckgen.deck.settings import ID_RE
from deckgen.diagnostics import Diagnostics, Pos, did_you_mean

if TYPE_CHECKING:
    from deckgen.deck.load import _Layer


MAX_CARDS_PER_FILE = 20_000

CARD_FILE_KEYS = ("category", "cards")

MAX_TEXT = {"title": 300, "subtitle": 300}

CATALOGUE_KEYS = ("name", "family", "level", "channel", "note")

def _read_card_files(layer: _Layer, diags: Diagnostics) -> None:
    folder = layer.root / "cards"
    if not folder.is_dir():
        return
    seen: dict[str, Pos] = {}
    sheet_files = [p for p in folder.glob("*.*") if sheets.is_source(p)]
    for path in sorted([*folder.glob("*.yaml"), *folder.glob("*.yml"), *sheet_files]):
        if path.resolve().parent != folder.resolve():
            diags.add(Pos(path), "", "card file is a link to a file outside cards/")
            layer.incomplete = True
            continue
        layer.sources.append(path)
        if sheets.is_source(path):  # a row's field paths are its column headers: path ""
            rows, complete = sheets.read_rows(path, layer.fields, diags)
            layer.incomplete = layer.incomplete or not complete
            _add_cards(layer, [(row, "") for row in rows], None, Pos(path), seen, diags)
            continue
        file_start = len(diags)
        node = ys.read_yaml(path, diags)
        if node is None:
            layer.incomplete = True
            continue
        if isinstance(node, ys.Scalar) and node.null:
            continue
        if not isinstance(node, ys.Map):
            diags.add(node.pos, "", f"must be a mapping of keys to values, not {ys.kind(node)}",
                      "a card file holds `category:` and a list `cards:`")
            layer.incomplete = True
            continue
        top = node
        ys.check_keys(top, CARD_FILE_KEYS, "", diags, required=("cards",))
        default_category = ys.text(top.get("category"), "category", diags)
        default_pos = top.get("category").pos if top.get("category") else top.pos  # type: ignore[union-attr]
        cards = ys.sequence(top.get("cards"), "cards", diags)
        if cards is None:
            layer.incomplete = layer.incomplete or len(diags) > file_start
            continue
        if len(cards) > MAX_CARDS_PER_FILE:
            diags.add(cards.pos, "cards", f"{len(cards)} cards in one file is too many")
            layer.incomplete = True
            continue
        _add_cards(layer, [(item, ys.join("cards", i)) for i, item in enumerate(cards)],
                   default_category, default_pos, seen, diags)

def _add_cards(layer: _Layer, items: list[tuple[ys.Node, str]], default_category: str | None,
               default_pos: Pos, seen: dict[str, Pos], diags: Diagnostics) -> None:
    """Read cards (each with its field path) into the layer; `seen` spans the deck's files."""
    for item, where in items:
        before = len(diags)
        card = _read_card(item, where, default_category, default_pos, diags,
                          layer.fields, layer.root, layer.roles)
        raw_id = item.get("id") if isinstance(item, ys.Map) else None
        valid_id = (raw_id.value if isinstance(raw_id, ys.Scalar)
                    and ID_RE.match(raw_id.value) else None)
        # Checked on the raw id, so a card with other mistakes still reports a clash now
        # instead of after the user has fixed the rest.
        if valid_id is not None and isinstance(item, ys.Map) and valid_id in seen:
            first = seen[valid_id]
            diags.add(item.pos, ys.join(where, "id"),
                      f"card id '{valid_id}' is used twice (first at "
                      f"{_short_path(first.file, layer.root)}:{first.line})",
                      "give each card its own id")
            continue
        if valid_id is not None and isinstance(item, ys.Map):
            seen[valid_id] = item.pos
        if card is None:
            if len(diags) > before:  # remember it so references to it add no more noise
                if valid_id is not None:
                    layer.broken_ids.add(valid_id)
                    _remember_category(layer, item, valid_id, default_category, default_pos)
                else:
                    layer.incomplete = True
            continue
        layer.cards[card.id] = card

def _remember_category(layer: _Layer, item: ys.Node, card_id: str,
                       default_category: str | None, default_pos: Pos) -> None:
    """A card left out for another mistake still gets its category checked, so an unknown
    category is reported in the same run rather than after the first fix."""
    node = item.get("category") if isinstance(item, ys.Map) else None
    if isinstance(node, ys.Scalar) and not node.null and node.value:
        layer.broken_categories.append((card_id, node.value, node.pos))
    elif node is None and default_category is not None:
        layer.broken_categories.append((card_id, default_category, default_pos))

def _short_path(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)

def _read_card(node: ys.Node, path: str, default_category: str | None, default_pos: Pos,
               diags: Diagnostics, fields: dict[str, FieldSpec], root: Path,
               roles: tuple[str, ...] = ROLES) -> Card | None:
    card = ys.mapping(node, path, diags)
    if card is None:
        return None
    before = len(diags)
    title_spec = fields.get("title")
    required = ["id", *(n for n, spec in fields.items() if spec.required)]
    ys.check_keys(card, (*RESERVED, *fields), path, diags, required=required)
    field_pos = {key.value: value.pos for key, value in card}
    card_id = ys.text(card.get("id"), ys.join(path, "id"), diags)
    if card_id is not None and not ID_RE.match(card_id):
        suggestion = slug(card_id)
        diags.add(field_pos["id"], ys.join(path, "id"), f"'{card_id}' is not a valid id",
                  f"use lowercase letters, digits and -, e.g. '{suggestion or 'my-card'}'")
        card_id = None
    category = ys.text(card.get("category"), ys.join(path, "category"), diags) or default_category
    category_pos = field_pos.get("category", default_pos)
    if category is None:
        diags.add(card.pos, ys.join(path, "category"), "the card has no category",
                  "add `category:` to the card or at the top of the file")
    copies = ys.integer(card.get("copies"), ys.join(path, "copies"), diags, lo=1, hi=1000)
    layout = ys.text(card.get("layout"), ys.join(path, "layout"), diags)
    values: dict[str, Value] = {}
    for key, value_node in card:
        spec = fields.get(key.value)
        if spec is None or spec.type in INTERNAL_TYPES:
            continue
        where = ys.join(path, key.value)
        value = read_value(spec, value_node, where, diags, root)
        if value is None:
            continue
        if isinstance(value, str) and len(value) > MAX_TEXT.get(key.value, 5000):
            diags.add(value_node.pos, where, f"text is {len(value)} characters; the limit is "
                      f"{MAX_TEXT.get(key.value, 5000)}")
            continue
        if isinstance(value, Path) and not _image_usable(value, root, value_node, where, diags):
            continue
        values[key.value] = value
    recipe = _read_recipe(card.get("recipe"), ys.join(path, "recipe"), diags, roles)
    axes = _read_axes(card.get("axes"), ys.join(path, "axes"), diags)
    for name in required[1:]:  # an empty value is an absent field, and a required one is missing
        node_v = card.get(name)
        if node_v is not None and name not in values and not (
                isinstance(node_v, ys.Scalar) and node_v.null) and len(diags) == before:
            diags.add(node_v.pos, ys.join(path, name), "required field is empty")
    if len(diags) > before or card_id is None or category is None:
        return None
    title = values.get("title")
    if title_spec is not None and title_spec.required and not isinstance(title, str):
        return None
    field_pos["category"] = category_pos
    recipe_node = card.get("recipe")
    if isinstance(recipe_node, ys.Map):
        for role_key, role_node in recipe_node:
            field_pos[f"recipe.{role_key.value}"] = role_node.pos

    def text(name: str) -> str | None:
        value = values.get(name)
        return value if isinstance(value, str) else None

    def entries(name: str) -> tuple[str, ...]:
        value = values.get(name)
        return value if isinstance(value, tuple) else ()

    level = values.get("level")
    return Card(
        id=card_id,
        title=title if isinstance(title, str) else card_id,
        category=category,
        subtitle=text("subtitle"),
        body=text("body"),
        items=entries("items"),
        prompts=entries("prompts"),
        examples=entries("examples"),
        layout=layout,
        copies=copies or 1,
        family=text("family"),
        level=int(level) if isinstance(level, (int, float)) else None,
        recipe=recipe,
        axes=axes,
        pos=card.pos,
        field_pos=field_pos,
        values=values,
    )

def _image_usable(path: Path, root: Path, node: ys.Node, where: str,
                  diags: Diagnostics) -> bool:
    value = str(path.relative_to(root)) if path.is_relative_to(root) else str(path)
    resolved = resolve_asset(root, value, node.pos, where, diags)
    return resolved is not None and check_image(resolved, node.pos, where, diags)

def _read_axes(node: ys.Node | None, path: str,
               diags: Diagnostics) -> tuple[tuple[str, str], tuple[str, str]] | None:
    axes = ys.mapping(node, path, diags)
    if axes is None:
        return None
    ys.check_keys(axes, ("x", "y"), path, diags, required=("x", "y"))
    pairs: list[tuple[str, str]] = []
    for key, hint in (("x", "[left end, right end]"), ("y", "[top end, bottom end]")):
        ends = ys.text_list(axes.get(key), f"{path}.{key}", diags)
        if axes.get(key) is not None and len(ends) != 2:
            diags.add(axes.key_pos(key), f"{path}.{key}", "needs exactly two labels",
                      f"write {key}: {hint}")
            return None
        pairs.append((ends[0], ends[1]) if len(ends) == 2 else ("", ""))
    return (pairs[0], pairs[1])

def _read_recipe(node: ys.Node | None, path: str, diags: Diagnostics,
                 roles: tuple[str, ...]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    recipe = ys.mapping(node, path, diags)
    if recipe is None:
        return ()
    out: list[tuple[str, tuple[str, ...]]] = []
    for key, value in recipe:
        if key.value not in roles:
            diags.add(key.pos, f"{path}.{key.value}", "unknown recipe role",
                      did_you_mean(key.value, roles) or ("use " + ", ".join(roles) if roles
                      else "this deck declares no roles: list them under `roles:`"))
            continue
        if isinstance(value, ys.Scalar) and not value.null:
            ids: tuple[str, ...] = (value.value,)
        else:
            ids = ys.text_list(value, f"{path}.{key.value}", diags)
        out.append((key.value, ids))
    order = {role: i for i, role in enumerate(roles)}
    return tuple(sorted(out, key=lambda pair: order[pair[0]]))

def _read_catalogue(layer: _Layer, diags: Diagnostics) -> None:
    path = layer.root / "catalogue.yaml"
    if not path.is_file():
        return
    layer.sources.append(path)
    node = ys.read_yaml(path, diags)
    top = ys.mapping(node, "", diags) if node is not None else None
    if top is None:
        return
    ys.check_keys(top, ("catalogue",), "", diags, required=("catalogue",))
    entries: list[CatalogueEntry] = []
    names: dict[str, Pos] = {}
    for i, item in enumerate(ys.sequence(top.get("catalogue"), "catalogue", diags) or ()):
        where = ys.join("catalogue", i)
        entry = ys.mapping(item, where, diags)
        if entry is None:
            continue
        ys.check_keys(entry, CATALOGUE_KEYS, where, diags,
                      required=("name", "family", "level", "channel"))
        values = {k: ys.text(entry.get(k), f"{where}.{k}", diags, max_len=200)
                  for k in CATALOGUE_KEYS}
        # An entry's family and level are checked against the values the deck declares for
        # its cards' fields of the same names, so the catalogue and the cards agree.
        unknown = False
        for key, noun in (("level", "size level"), ("family", "family")):
            allowed = layer.fields[key].names if key in layer.fields else ()
            value = values[key]
            if allowed and value is not None and value not in allowed:
                node = entry.get(key)
                diags.add(node.pos if node else entry.pos, f"{where}.{key}",
                          f"unknown {noun} '{value}'",
                          did_you_mean(value, allowed) or "use " + ", ".join(allowed))
                unknown = True
        if unknown:
            continue
        name, family, level, channel = (values[k] for k in ("name", "family", "level", "channel"))
        if name is None or family is None or level is None or channel is None:
            continue
        if name in names:
            diags.add(entry.pos, where + ".name",
                      f"'{name}' is already in the catalogue (line {names[name].line})")
            continue
        names[name] = entry.pos
        entries.append(CatalogueEntry(name, family, level, channel, values["note"]))
    layer.catalogue = tuple(entries)

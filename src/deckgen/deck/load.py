"""Loading: a deck folder (and the decks it extends) into a checked, immutable Deck."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from deckgen.deck import yamlsrc as ys
from deckgen.deck.assets import path_problem, printable
from deckgen.deck.cards import _read_card_files, _read_catalogue
from deckgen.deck.fields import (
    FieldSpec,
    defaults,
    read_declarations,
)
from deckgen.deck.model import (
    ROLES,
    Brand,
    Card,
    CardSpec,
    CatalogueEntry,
    Category,
    Deck,
    FontRef,
)
from deckgen.deck.settings import (
    TOP_KEYS,
    _read_brand,
    _read_card_spec,
    _read_categories,
    _read_languages,
    _read_meta,
    _read_paper,
    _read_roles,
)
from deckgen.deck.workbook_model import Workbook
from deckgen.diagnostics import DeckError, Diagnostics, Pos, did_you_mean
from deckgen.resources import builtin_deck
from deckgen.units import (
    Color,
    mm,
)

MAX_EXTENDS_DEPTH = 8

@dataclass
class _Layer:
    """What one deck folder says, before it is merged over the decks it extends."""

    root: Path
    meta: dict[str, str | None] = field(default_factory=dict)
    meta_pos: Pos | None = None
    card_spec: CardSpec | None = None
    card_keys: frozenset[str] = frozenset()  # the `card:` keys this folder gave
    paper: str | None = None
    brand_name: str | None = None
    logo: Path | None = None
    colors: dict[str, Color] = field(default_factory=dict)
    fonts: dict[str, FontRef] = field(default_factory=dict)
    categories: dict[str, dict[str, object]] = field(default_factory=dict)
    category_pos: dict[str, Pos] = field(default_factory=dict)
    cards: dict[str, Card] = field(default_factory=dict)
    broken_ids: set[str] = field(default_factory=set)  # cards left out because of a problem
    # (card id, category, where) of those cards, so their category is checked all the same
    broken_categories: list[tuple[str, str, Pos]] = field(default_factory=list)
    incomplete: bool = False  # some cards could not be read at all (e.g. a YAML syntax error)
    removed: list[tuple[str, Pos]] = field(default_factory=list)
    layout_dirs: list[Path] = field(default_factory=list)
    catalogue: tuple[CatalogueEntry, ...] | None = None
    workbook: Workbook | None = None
    has_workbook: bool = False
    sources: list[Path] = field(default_factory=list)
    fields: dict[str, FieldSpec] = field(default_factory=defaults)  # inherited ones included
    languages: tuple[str, ...] | None = None
    roles: tuple[str, ...] = ROLES  # what recipes are made of; format v1's unless declared

def load_deck(folder: Path | str) -> Deck:
    """Load and check a deck folder; raise DeckError listing every problem found."""
    diags = Diagnostics()
    root = Path(folder)
    layer = _load_layer(root, diags, stack=())
    deck = _finish(layer, diags) if layer is not None else None
    if diags or deck is None:
        if not diags:
            diags.add(Pos(root), "", "the deck could not be loaded")
        raise DeckError(diags, more_checks=True)
    return deck

def resolve_extends(value: str, here: Path) -> Path | None:
    """The folder named by an `extends:` value, or None for an unknown built-in."""
    if value.startswith("builtin:"):
        return builtin_deck(value.removeprefix("builtin:"))
    return (here / value).resolve()

def _load_layer(root: Path, diags: Diagnostics, stack: tuple[Path, ...]) -> _Layer | None:
    deck_file = root / "deck.yaml"
    if not root.is_dir():
        if root.is_file():
            holder = root.parent if root.name == "deck.yaml" else None
            diags.add(Pos(root), "", "is a file; deckgen reads a deck folder",
                      f"give the folder instead: `{holder}`" if holder is not None
                      else "give the folder that holds deck.yaml, e.g. `deckgen build deck`")
            return None
        diags.add(Pos(root), "", "deck folder does not exist",
                  "give the folder that holds deck.yaml, e.g. `deckgen build deck`")
        return None
    if not deck_file.is_file():
        diags.add(Pos(deck_file), "", "deck.yaml is missing",
                  "every deck folder needs a deck.yaml; `deckgen new DIR` makes one")
        return None
    node = ys.read_yaml(deck_file, diags)
    if node is None:
        return None
    top = ys.mapping(node, "", diags)
    if top is None:
        if isinstance(node, ys.Scalar) and node.null:
            diags.add(node.pos, "deck", "deck.yaml is empty", "start with `deck:` and a `title:`")
        return None
    ys.check_keys(top, TOP_KEYS, "", diags)

    base: _Layer | None = None
    extends = ys.text(top.get("extends"), "extends", diags)
    if extends is not None:
        base = _load_base(extends, top.key_pos("extends"), root, diags, stack)
        if base is None:
            return None

    layer = _Layer(root=root)
    layer.sources.append(deck_file)
    _read_meta(top, layer, diags, required=base is None)
    _read_languages(top, layer, diags)
    _read_card_spec(top, layer, diags)
    _read_paper(top, layer, diags)
    _read_brand(top, layer, diags)
    _read_roles(top, layer, diags, inherited=base.roles if base else ROLES)
    _read_categories(top, layer, diags, inherited=base.categories if base else {})
    inherited_fields = base.fields if base is not None else defaults()
    layer.fields = {**inherited_fields,
                    **read_declarations(top.get("fields"), inherited_fields, layer.roles, diags)}
    _read_card_files(layer, diags)
    _read_catalogue(layer, diags)
    _read_workbook(layer, diags)
    if (root / "layouts").is_dir():
        layer.layout_dirs.append(root / "layouts")
    remove = top.get("remove")
    for i, item in enumerate(ys.sequence(remove, "remove", diags) or ()):
        value = ys.text(item, ys.join("remove", i), diags, required=True)
        if value is not None:
            layer.removed.append((value, item.pos))
    if remove is not None and base is None:
        diags.add(top.key_pos("remove"), "remove", "`remove` needs `extends`",
                  "remove drops cards of the deck this one extends; delete the card instead")
    return _merge(base, layer, diags) if base is not None else layer

def _load_base(value: str, pos: Pos, root: Path, diags: Diagnostics,
               stack: tuple[Path, ...]) -> _Layer | None:
    try:
        base_dir = resolve_extends(value, root)
        is_deck = base_dir is not None and (base_dir / "deck.yaml").is_file()
    except (OSError, RuntimeError, ValueError) as exc:
        diags.add(pos, "extends", f"'{printable(value)}' cannot be used as a path "
                  f"({path_problem(exc)})", "give builtin:NAME or a path to a deck folder")
        return None
    if base_dir is None:
        diags.add(pos, "extends", f"there is no built-in deck '{value.removeprefix('builtin:')}'",
                  "use builtin:prepersonalization or a path to a deck folder")
        return None
    here = root.resolve()
    chain = (*stack, here)
    if base_dir in chain:
        names = " → ".join(str(p) for p in (*chain, base_dir))
        diags.add(pos, "extends", f"decks extend each other in a cycle: {names}",
                  "one of these decks must stop extending the other")
        return None
    if len(chain) > MAX_EXTENDS_DEPTH:
        diags.add(pos, "extends", f"more than {MAX_EXTENDS_DEPTH} decks extend each other")
        return None
    if not is_deck:
        diags.add(pos, "extends", f"'{value}' is not a deck folder (no deck.yaml in {base_dir})",
                  "paths are relative to this deck folder")
        return None
    return _load_layer(base_dir, diags, chain)

def _read_workbook(layer: _Layer, diags: Diagnostics) -> None:
    path = layer.root / "workbook.yaml"
    if not path.is_file():
        return
    layer.sources.append(path)
    layer.has_workbook = True
    node = ys.read_yaml(path, diags)
    if node is None:
        return
    from deckgen.deck.workbook_load import parse_workbook

    layer.workbook = parse_workbook(node, diags)

def _merge(base: _Layer, layer: _Layer, diags: Diagnostics) -> _Layer:
    """Lay `layer` over `base`: cards replace by id, categories and brand merge key by key."""
    merged = _Layer(root=layer.root)
    merged.meta = {**base.meta, **{k: v for k, v in layer.meta.items() if v is not None}}
    merged.meta_pos = layer.meta_pos or base.meta_pos
    merged.card_spec = _merge_card_spec(base.card_spec, layer.card_spec, layer.card_keys)
    merged.paper = layer.paper or base.paper
    merged.brand_name = layer.brand_name or base.brand_name
    merged.logo = layer.logo or base.logo
    merged.colors = {**base.colors, **layer.colors}
    merged.fonts = {**base.fonts, **layer.fonts}
    merged.categories = {k: dict(v) for k, v in base.categories.items()}
    merged.category_pos = dict(base.category_pos)
    for cat_id, values in layer.categories.items():
        merged.categories.setdefault(cat_id, {}).update(values)
        merged.category_pos[cat_id] = layer.category_pos[cat_id]
    merged.cards = dict(base.cards)
    for card_id, pos in layer.removed:
        if card_id in merged.cards:
            del merged.cards[card_id]
        else:
            diags.add(pos, "remove", f"the base deck has no card '{card_id}'",
                      did_you_mean(card_id, merged.cards))
    merged.cards.update(layer.cards)
    merged.broken_ids = base.broken_ids | layer.broken_ids
    merged.broken_categories = base.broken_categories + layer.broken_categories
    merged.incomplete = base.incomplete or layer.incomplete
    merged.layout_dirs = layer.layout_dirs + base.layout_dirs
    merged.catalogue = layer.catalogue if layer.catalogue is not None else base.catalogue
    merged.has_workbook = layer.has_workbook or base.has_workbook
    merged.workbook = layer.workbook if layer.has_workbook else base.workbook
    merged.sources = layer.sources + base.sources
    merged.fields = layer.fields
    merged.languages = layer.languages if layer.languages is not None else base.languages
    merged.roles = layer.roles
    return merged

def _merge_card_spec(base: CardSpec | None, spec: CardSpec | None,
                     given: frozenset[str]) -> CardSpec | None:
    """Card settings merge key by key: `card: {safe: 4mm}` keeps the base's size and bleed."""
    if base is None or spec is None:
        return spec or base
    size = (spec.size_name, spec.width, spec.height) if "size" in given else (
        base.size_name, base.width, base.height)
    return CardSpec(*size, bleed=spec.bleed if "bleed" in given else base.bleed,
                    safe=spec.safe if "safe" in given else base.safe)

def _finish(layer: _Layer, diags: Diagnostics) -> Deck | None:
    categories = _finish_categories(layer, diags)
    by_id = {c.id: c for c in categories}
    cards = [c for c in layer.cards.values() if _check_card(c, by_id, layer, diags)]
    for card_id, category, pos in layer.broken_categories:
        _check_category(card_id, category, pos, by_id, layer, diags)
    _check_references_unique(cards, layer, diags)
    order = {c.id: i for i, c in enumerate(categories)}
    cards.sort(key=lambda c: order.get(c.category, len(order)))  # stable: file order inside
    title = layer.meta.get("title")
    if title is None:
        if layer.meta_pos is not None:
            diags.add(layer.meta_pos, "deck.title", "required field is missing")
        return None
    spec = layer.card_spec or CardSpec("poker", mm(63.5), mm(88.9), mm(3), mm(3))
    brand = Brand(
        name=layer.brand_name or title,
        logo=layer.logo,
        colors=layer.colors,
        fonts=layer.fonts,
    )
    return Deck(
        root=layer.root,
        title=title,
        subtitle=layer.meta.get("subtitle"),
        edition=layer.meta.get("edition"),
        language=layer.meta.get("language") or "en",
        card=spec,
        paper=layer.paper or "a4",
        brand=brand,
        categories=tuple(categories),
        cards=tuple(cards),
        layout_dirs=tuple(layer.layout_dirs),
        catalogue=layer.catalogue or (),
        workbook=layer.workbook,
        sources=tuple(layer.sources),
        fields=tuple(layer.fields.values()),
        languages=layer.languages or (layer.meta.get("language") or "en",),
        roles=layer.roles,
    )

def _check_references_unique(cards: list[Card], layer: _Layer, diags: Diagnostics) -> None:
    """Two cards with one code would send a reader of a recipe to the wrong card."""
    name = next((spec.name for spec in layer.fields.values() if spec.reference), None)
    if name is None:
        return
    seen: dict[str, Card] = {}
    for card in cards:
        value = card.values.get(name)
        if not isinstance(value, str) or not value:
            continue
        first = seen.setdefault(value.casefold(), card)
        if first is not card:
            where = first.where(name)
            diags.add(card.where(name), name,
                      f"card '{card.id}': {name} '{value}' is card '{first.id}'s already "
                      f"({where.file.name}:{where.line})",
                      f"give each card its own {name}: people write it to find the card")

def _finish_categories(layer: _Layer, diags: Diagnostics) -> list[Category]:
    out: list[Category] = []
    for cat_id, values in layer.categories.items():
        pos = layer.category_pos[cat_id]
        name = values.get("name")
        color = values.get("color")
        if not isinstance(name, str) or not isinstance(color, Color):
            continue  # already reported where the category was declared
        role = values.get("role")
        question = values.get("question")
        layout = values.get("layout")
        icon = values.get("icon")
        blanks = values.get("blanks")
        out.append(Category(
            id=cat_id,
            name=name,
            role=role if isinstance(role, str) else None,
            question=question if isinstance(question, str) else "",
            color=color,
            icon=icon if isinstance(icon, Path) else None,
            layout=layout if isinstance(layout, str) else None,
            blanks=blanks if isinstance(blanks, int) else None,
            pos=pos,
        ))
    return out

def _check_card(card: Card, categories: dict[str, Category], layer: _Layer,
                diags: Diagnostics) -> bool:
    if not _check_category(card.id, card.category, card.where("category"), categories, layer,
                           diags):
        return False
    ok = _check_refs(card, categories, layer, diags)
    for role, ids in card.recipe:
        for ref in ids:
            target = layer.cards.get(ref)
            where = card.where(f"recipe.{role}")
            if target is None:
                # A card left out because of another problem, or in a file that could not be
                # read, is already reported: saying "no card has the id" would mislead.
                if not (diags and (ref in layer.broken_ids or layer.incomplete)):
                    diags.add(where, f"recipe.{role}",
                              f"card '{card.id}': no card has the id '{ref}'",
                              did_you_mean(ref, layer.cards))
                ok = False
                continue
            target_cat = categories.get(target.category)
            if target_cat is None:  # its category is undeclared or invalid: reported there
                ok = False
                continue
            if target_cat.role != role and not layer.categories[target_cat.id].get("bad_role"):
                diags.add(where, f"recipe.{role}",
                          f"card '{card.id}': '{ref}' is in category '{target.category}' "
                          f"(role {target_cat.role or 'none'}), not a {role} card",
                          _role_hint(role, categories))
                ok = False
    return ok

def _check_category(card_id: str, category: str, pos: Pos, categories: dict[str, Category],
                    layer: _Layer, diags: Diagnostics) -> bool:
    if category in categories:
        return True
    if category not in layer.categories:  # an invalid declared one is reported there
        diags.add(pos, "category",
                  f"card '{card_id}': category '{category}' is not declared in deck.yaml",
                  did_you_mean(category, categories)
                  or "declare it under `categories:` in deck.yaml")
    return False

def _check_refs(card: Card, categories: dict[str, Category], layer: _Layer,
                diags: Diagnostics) -> bool:
    """Each `refs` value names a card, of a category with the field's role if it has one."""
    ok = True
    for name, value in card.values.items():
        spec = layer.fields.get(name)
        if spec is None or spec.type != "refs" or not isinstance(value, tuple):
            continue
        for ref in value:
            target = layer.cards.get(ref)
            if target is None:
                if not (diags and (ref in layer.broken_ids or layer.incomplete)):
                    diags.add(card.where(name), name,
                              f"card '{card.id}': no card has the id '{ref}'",
                              did_you_mean(ref, layer.cards))
                ok = False
                continue
            target_cat = categories.get(target.category)
            if spec.role is not None and target_cat is not None and target_cat.role != spec.role:
                diags.add(card.where(name), name,
                          f"card '{card.id}': '{ref}' is in category '{target.category}' "
                          f"(role {target_cat.role or 'none'}), not a {spec.role} card",
                          _role_hint(spec.role, categories))
                ok = False
    return ok

def _role_hint(role: str, categories: dict[str, Category]) -> str:
    names = [c.name for c in categories.values() if c.role == role]
    if not names:
        return f"no category has the role '{role}'"
    return f"{role} takes cards of: " + ", ".join(names)

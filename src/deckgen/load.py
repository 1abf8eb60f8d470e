"""Loading: a deck folder (and the decks it extends) into a checked, immutable Deck."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from deckgen import yamlsrc as ys
from deckgen.assets import check_image, path_problem, printable, resolve_asset
from deckgen.diagnostics import DeckError, Diagnostics, Pos, did_you_mean, source_line
from deckgen.fields import (
    INTERNAL_TYPES,
    RESERVED,
    FieldSpec,
    Value,
    defaults,
    read_declarations,
    read_value,
)
from deckgen.i18n.langs import problem as lang_problem
from deckgen.icons import resolve_icon
from deckgen.model import (
    ROLES,
    Brand,
    Card,
    CardSpec,
    CatalogueEntry,
    Category,
    Deck,
    FontRef,
    slug,
)
from deckgen.resources import builtin_deck
from deckgen.units import (
    CARD_SIZES_MM,
    PAPER_NAMES,
    Color,
    UnitError,
    mm,
    parse_color,
    parse_length,
)
from deckgen.workbook_model import Workbook

ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*\Z")
MAX_CARDS_PER_FILE = 20_000
MAX_EXTENDS_DEPTH = 8

TOP_KEYS = ("deck", "extends", "remove", "card", "paper", "brand", "categories", "fields",
            "languages")
DECK_KEYS = ("title", "subtitle", "edition", "language")
CARD_SPEC_KEYS = ("size", "bleed", "safe")
BRAND_KEYS = ("name", "logo", "colors", "fonts")
FONT_ROLES = ("heading", "body")
CATEGORY_KEYS = ("id", "name", "role", "question", "color", "icon", "layout", "blanks")
CARD_FILE_KEYS = ("category", "cards")
MAX_TEXT = {"title": 300, "subtitle": 300}
CATALOGUE_KEYS = ("name", "family", "level", "channel", "note")


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
    incomplete: bool = False  # some cards could not be read at all (e.g. a YAML syntax error)
    removed: list[tuple[str, Pos]] = field(default_factory=list)
    layout_dirs: list[Path] = field(default_factory=list)
    catalogue: tuple[CatalogueEntry, ...] | None = None
    workbook: Workbook | None = None
    has_workbook: bool = False
    sources: list[Path] = field(default_factory=list)
    fields: dict[str, FieldSpec] = field(default_factory=defaults)  # inherited ones included
    languages: tuple[str, ...] | None = None


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
    _read_categories(top, layer, diags, inherited=base.categories if base else {})
    inherited_fields = base.fields if base is not None else defaults()
    layer.fields = {**inherited_fields,
                    **read_declarations(top.get("fields"), inherited_fields, ROLES, diags)}
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


def _read_meta(top: ys.Map, layer: _Layer, diags: Diagnostics, required: bool) -> None:
    node = top.get("deck")
    meta = ys.mapping(node, "deck", diags)
    if meta is None:
        if required and (node is None or (isinstance(node, ys.Scalar) and node.null)):
            diags.add(top.pos if node is None else node.pos, "deck",
                      "required section is " + ("missing" if node is None else "empty"),
                      "add `deck:` with at least `title: Your deck title`")
        return
    layer.meta_pos = meta.pos
    ys.check_keys(meta, DECK_KEYS, "deck", diags, required=("title",) if required else ())
    for key in DECK_KEYS:
        if meta.get(key) is not None:
            layer.meta[key] = ys.text(meta.get(key), f"deck.{key}", diags, max_len=200)
    language = layer.meta.get("language")
    if language is not None and not re.fullmatch(r"[a-zA-Z]{2,3}([_-][a-zA-Z]{2})?", language):
        diags.add(meta.get("language").pos, "deck.language",  # type: ignore[union-attr]
                  f"'{language}' is not a language code", "write e.g. en, en_GB or de")


def _read_languages(top: ys.Map, layer: _Layer, diags: Diagnostics) -> None:
    """`languages: [en, de]`: the first is the one the deck is written in (see deckgen.i18n)."""
    node = top.get("languages")
    if node is None:
        return
    codes: list[str] = []
    for i, item in enumerate(ys.sequence(node, "languages", diags) or ()):
        code = ys.text(item, ys.join("languages", i), diags, required=True)
        if code is None:
            continue
        why = lang_problem(code)
        if why is not None:
            diags.add(item.pos, ys.join("languages", i), why, "write e.g. en, de, ru or pt_BR")
        elif code in codes:
            diags.add(item.pos, ys.join("languages", i), f"'{code}' is listed twice")
        else:
            codes.append(code)
    if codes:
        layer.languages = tuple(codes)
        language = layer.meta.get("language")
        if language is None:  # the first language is the one the deck is written in
            layer.meta["language"] = codes[0]
        if language is not None and language != codes[0]:
            diags.add(node.pos, "languages", f"the first language is '{codes[0]}', but "
                      f"deck.language is '{language}'",
                      "list the language the cards are written in first")


def _read_card_spec(top: ys.Map, layer: _Layer, diags: Diagnostics) -> None:
    spec = ys.mapping(top.get("card"), "card", diags)
    if spec is None:
        return
    ys.check_keys(spec, CARD_SPEC_KEYS, "card", diags)
    layer.card_keys = frozenset(spec.keys())
    size_name, width, height = "poker", mm(63.5), mm(88.9)
    size = spec.get("size")
    if isinstance(size, ys.Map):
        ys.check_keys(size, ("width", "height"), "card.size", diags, required=("width", "height"))
        w = _length(size.get("width"), "card.size.width", diags, lo=mm(20), hi=mm(300))
        h = _length(size.get("height"), "card.size.height", diags, lo=mm(20), hi=mm(300))
        if w is not None and h is not None:
            size_name, width, height = "custom", w, h
    elif size is not None:
        name = ys.text(size, "card.size", diags)
        if name is not None:
            if name.lower() in CARD_SIZES_MM:
                size_name = name.lower()
                width, height = (mm(v) for v in CARD_SIZES_MM[size_name])
            else:
                diags.add(size.pos, "card.size", f"unknown card size '{name}'",
                          did_you_mean(name.lower(), CARD_SIZES_MM)
                          or "use " + ", ".join(CARD_SIZES_MM) + " or {width: …, height: …}")
    bleed = _length(spec.get("bleed"), "card.bleed", diags, lo=0, hi=mm(10))
    safe = _length(spec.get("safe"), "card.safe", diags, lo=0, hi=mm(15))
    bleed = mm(3) if bleed is None else bleed
    safe = mm(3) if safe is None else safe
    if safe * 2 >= min(width, height) * 0.6:
        diags.add(spec.get("safe").pos if spec.get("safe") else spec.pos,  # type: ignore[union-attr]
                  "card.safe", "the safe zone leaves almost no room for text",
                  "use 3mm to 5mm")
    layer.card_spec = CardSpec(size_name, width, height, bleed, safe)


def _length(node: ys.Node | None, path: str, diags: Diagnostics, *, lo: float,
            hi: float) -> float | None:
    value = ys.text(node, path, diags)
    if value is None or node is None:
        return None
    try:
        points = parse_length(value)
    except UnitError as exc:
        diags.add(node.pos, path, str(exc))
        return None
    if not lo <= points <= hi:
        diags.add(node.pos, path, f"{ys.short(value)} is out of range",
                  f"use a value from {lo / mm(1):g}mm to {hi / mm(1):g}mm")
        return None
    return points


def _color(node: ys.Node | None, path: str, diags: Diagnostics) -> Color | None:
    if isinstance(node, ys.Map):
        # Both values: the screen shows the brand's own RGB, print uses its own CMYK.
        ys.check_keys(node, ("rgb", "cmyk"), path, diags)
        screen = _color(node.get("rgb"), path + ".rgb", diags)
        press = _color(node.get("cmyk"), path + ".cmyk", diags)
        if screen is not None and node.get("rgb") is not None and screen.cmyk is not None:
            diags.add(node.get("rgb").pos, path + ".rgb",  # type: ignore[union-attr]
                      "give rgb as #RRGGBB", "the CMYK value goes under cmyk:")
            return None
        if press is not None and node.get("cmyk") is not None and press.cmyk is None:
            diags.add(node.get("cmyk").pos, path + ".cmyk",  # type: ignore[union-attr]
                      "give cmyk as cmyk(c, m, y, k)", "the RGB value goes under rgb:")
            return None
        if screen is None or press is None:
            if not node.entries:
                diags.add(node.pos, path, "no colour given", 'write {rgb: "#…", cmyk: "cmyk(…)"}')
            return screen or press
        return Color(screen.rgb, press.cmyk)
    if isinstance(node, ys.Scalar) and node.null:
        # `color: #1F3A5F` without quotes is a comment, so YAML sees no value at all.
        after = (source_line(node.pos) or "")[max(node.pos.col - 1, 0):]
        diags.add(node.pos, path, "no colour given",
                  'write the colour in quotes, e.g. "#1F3A5F": YAML reads # as the start of a '
                  "comment" if after.lstrip().startswith("#") else 'write e.g. "#1F3A5F"')
        return None
    value = ys.text(node, path, diags)
    if value is None or node is None:
        return None
    try:
        return parse_color(value)
    except UnitError as exc:
        hint = None
        if re.fullmatch(r"[0-9a-fA-F]{6}", value):
            hint = f'write "#{value}" in quotes: YAML reads # as the start of a comment'
        diags.add(node.pos, path, str(exc), hint)
        return None


def _read_paper(top: ys.Map, layer: _Layer, diags: Diagnostics) -> None:
    node = top.get("paper")
    value = ys.text(node, "paper", diags)
    if value is None or node is None:
        return
    if value.lower() not in PAPER_NAMES:
        diags.add(node.pos, "paper", f"unknown paper '{value}'",
                  did_you_mean(value.lower(), PAPER_NAMES) or "use a4 or letter")
        return
    layer.paper = value.lower()


def _read_brand(top: ys.Map, layer: _Layer, diags: Diagnostics) -> None:
    brand = ys.mapping(top.get("brand"), "brand", diags)
    if brand is None:
        return
    ys.check_keys(brand, BRAND_KEYS, "brand", diags)
    layer.brand_name = ys.text(brand.get("name"), "brand.name", diags, max_len=100)
    logo_node = brand.get("logo")
    logo = ys.text(logo_node, "brand.logo", diags)
    if logo is not None and logo_node is not None:
        path = resolve_asset(layer.root, logo, logo_node.pos, "brand.logo", diags)
        if path is not None and check_image(path, logo_node.pos, "brand.logo", diags):
            layer.logo = path
    colors = ys.mapping(brand.get("colors"), "brand.colors", diags)
    for key, value in colors or ():
        if not ID_RE.match(key.value):
            diags.add(key.pos, f"brand.colors.{key.value}", "colour names are [a-z0-9-]")
            continue
        color = _color(value, f"brand.colors.{key.value}", diags)
        if color is not None:
            layer.colors[key.value] = color
    fonts = ys.mapping(brand.get("fonts"), "brand.fonts", diags)
    if fonts is not None:
        # heading and body are what the built-in layouts use; any other name is a font that a
        # deck's own layout can ask for with `font: NAME`.
        for key, node in fonts:
            role = key.value
            if not ID_RE.match(role):
                diags.add(key.pos, f"brand.fonts.{printable(role)}",
                          "font names are lowercase letters, digits and -",
                          did_you_mean(role.lower(), FONT_ROLES) or "e.g. heading, body, accent")
                continue
            spec = ys.text(node, f"brand.fonts.{role}", diags)
            if spec is None:
                continue
            if _font_usable(spec, layer.root, node.pos, f"brand.fonts.{role}", diags):
                layer.fonts[role] = FontRef(spec, layer.root, node.pos)


def _font_usable(spec: str, root: Path, pos: Pos, path: str, diags: Diagnostics) -> bool:
    """Check and load a brand font now, so a bad one is reported at its line in deck.yaml.

    Anything but a bundled family name is a file in the deck folder, checked like any asset.
    """
    from deckgen.fonts import (
        FontError,
        bundled_name,
        load_family,
        looks_like_path,
        unknown_font_hint,
    )

    if bundled_name(spec) is None:
        if not looks_like_path(spec) and not _exists(root / spec):
            diags.add(pos, path, f"unknown font '{printable(spec)}'", unknown_font_hint(spec))
            return False
        if resolve_asset(root, spec, pos, path, diags, suffixes=(".ttf",),
                         hint=unknown_font_hint(spec)) is None:
            return False
    try:
        load_family(spec, root)
    except FontError as exc:
        diags.add(pos, path, str(exc))
        return False
    except (OSError, RuntimeError) as exc:  # the folder changed since the checks above
        diags.add(pos, path, f"'{printable(spec)}' cannot be used ({path_problem(exc)})")
        return False
    return True


def _exists(path: Path) -> bool:
    """Whether anything, even a broken link, is at `path`."""
    try:
        return path.is_symlink() or path.exists()
    except (OSError, ValueError):
        return True  # let the asset checks say what is wrong with it


def _read_categories(top: ys.Map, layer: _Layer, diags: Diagnostics,
                     inherited: dict[str, dict[str, object]]) -> None:
    seq = ys.sequence(top.get("categories"), "categories", diags)
    if seq is None:
        return
    for i, item in enumerate(seq):
        path = ys.join("categories", i)
        cat = ys.mapping(item, path, diags)
        if cat is None:
            continue
        cat_id = ys.text(cat.get("id"), path + ".id", diags, required=True)
        if cat.get("id") is None:
            diags.add(cat.pos, path + ".id", "required field is missing",
                      "every category needs an id such as `id: audiences`")
            continue
        if cat_id is None:
            continue
        if not ID_RE.match(cat_id):
            diags.add(cat.get("id").pos, path + ".id",  # type: ignore[union-attr]
                      f"'{cat_id}' is not a valid id", "use lowercase letters, digits and -")
            continue
        if cat_id in layer.categories:
            first = layer.category_pos[cat_id]
            diags.add(cat.pos, path + ".id",
                      f"category '{cat_id}' is declared twice (first on line {first.line})")
            continue
        is_new = cat_id not in inherited
        ys.check_keys(cat, CATEGORY_KEYS, path, diags,  # an empty colour is reported below
                      required=("name", *(("color",) if cat.get("color") is None else ()))
                      if is_new else ())
        values: dict[str, object] = {}
        for key in ("name", "question", "layout"):
            if cat.get(key) is not None:
                values[key] = ys.text(cat.get(key), f"{path}.{key}", diags, max_len=120)
        role_node = cat.get("role")
        role = ys.text(role_node, path + ".role", diags)
        if role is not None and role_node is not None:
            if role not in ROLES:
                diags.add(role_node.pos, path + ".role", f"unknown role '{role}'",
                          did_you_mean(role, ROLES) or "use one of " + ", ".join(ROLES))
                values["bad_role"] = True  # recipes using its cards are not blamed as well
            else:
                values["role"] = role
        if cat.get("color") is not None:
            color = _color(cat.get("color"), path + ".color", diags)
            if color is not None:
                values["color"] = color
        icon_node = cat.get("icon")
        icon = ys.text(icon_node, path + ".icon", diags)
        if icon is not None and icon_node is not None:
            icon_path = resolve_icon(layer.root, icon, icon_node.pos, path + ".icon", diags)
            if icon_path is not None:
                values["icon"] = icon_path
        blanks = ys.integer(cat.get("blanks"), path + ".blanks", diags, lo=0, hi=500)
        if blanks is not None:
            values["blanks"] = blanks
        layer.categories[cat_id] = values
        layer.category_pos[cat_id] = cat.pos


def _read_card_files(layer: _Layer, diags: Diagnostics) -> None:
    folder = layer.root / "cards"
    if not folder.is_dir():
        return
    seen: dict[str, Pos] = {}
    for path in sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")]):  # one name order
        if path.resolve().parent != folder.resolve():
            diags.add(Pos(path), "", "card file is a link to a file outside cards/")
            layer.incomplete = True
            continue
        layer.sources.append(path)
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
        for i, item in enumerate(cards):
            before = len(diags)
            card = _read_card(item, ys.join("cards", i), default_category, default_pos, diags,
                              layer.fields, layer.root)
            raw_id = item.get("id") if isinstance(item, ys.Map) else None
            valid_id = (raw_id.value if isinstance(raw_id, ys.Scalar)
                        and ID_RE.match(raw_id.value) else None)
            # Checked on the raw id, so a card with other mistakes still reports a clash now
            # instead of after the user has fixed the rest.
            if valid_id is not None and isinstance(item, ys.Map) and valid_id in seen:
                first = seen[valid_id]
                diags.add(item.pos, f"cards[{i}].id",
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
                    else:
                        layer.incomplete = True
                continue
            layer.cards[card.id] = card


def _short_path(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


def _read_card(node: ys.Node, path: str, default_category: str | None, default_pos: Pos,
               diags: Diagnostics, fields: dict[str, FieldSpec], root: Path) -> Card | None:
    card = ys.mapping(node, path, diags)
    if card is None:
        return None
    before = len(diags)
    title_spec = fields.get("title")
    required = ["id", *(n for n, spec in fields.items() if spec.required)]
    ys.check_keys(card, (*RESERVED, *fields), path, diags, required=required)
    field_pos = {key.value: value.pos for key, value in card}
    card_id = ys.text(card.get("id"), path + ".id", diags)
    if card_id is not None and not ID_RE.match(card_id):
        suggestion = slug(card_id)
        diags.add(field_pos["id"], path + ".id", f"'{card_id}' is not a valid id",
                  f"use lowercase letters, digits and -, e.g. '{suggestion or 'my-card'}'")
        card_id = None
    category = ys.text(card.get("category"), path + ".category", diags) or default_category
    category_pos = field_pos.get("category", default_pos)
    if category is None:
        diags.add(card.pos, path + ".category", "the card has no category",
                  "add `category:` to the card or at the top of the file")
    copies = ys.integer(card.get("copies"), path + ".copies", diags, lo=1, hi=1000)
    layout = ys.text(card.get("layout"), path + ".layout", diags)
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
    recipe = _read_recipe(card.get("recipe"), path + ".recipe", diags)
    axes = _read_axes(card.get("axes"), path + ".axes", diags)
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


def _read_recipe(node: ys.Node | None, path: str,
                 diags: Diagnostics) -> tuple[tuple[str, tuple[str, ...]], ...]:
    recipe = ys.mapping(node, path, diags)
    if recipe is None:
        return ()
    out: list[tuple[str, tuple[str, ...]]] = []
    for key, value in recipe:
        if key.value not in ROLES:
            diags.add(key.pos, f"{path}.{key.value}", "unknown recipe role",
                      did_you_mean(key.value, ROLES) or "use " + ", ".join(ROLES))
            continue
        if isinstance(value, ys.Scalar) and not value.null:
            ids: tuple[str, ...] = (value.value,)
        else:
            ids = ys.text_list(value, f"{path}.{key.value}", diags)
        out.append((key.value, ids))
    order = {role: i for i, role in enumerate(ROLES)}
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


def _read_workbook(layer: _Layer, diags: Diagnostics) -> None:
    path = layer.root / "workbook.yaml"
    if not path.is_file():
        return
    layer.sources.append(path)
    layer.has_workbook = True
    node = ys.read_yaml(path, diags)
    if node is None:
        return
    from deckgen.workbook_load import parse_workbook

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
    merged.incomplete = base.incomplete or layer.incomplete
    merged.layout_dirs = layer.layout_dirs + base.layout_dirs
    merged.catalogue = layer.catalogue if layer.catalogue is not None else base.catalogue
    merged.has_workbook = layer.has_workbook or base.has_workbook
    merged.workbook = layer.workbook if layer.has_workbook else base.workbook
    merged.sources = layer.sources + base.sources
    merged.fields = layer.fields
    merged.languages = layer.languages if layer.languages is not None else base.languages
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
    )


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
    if card.category not in categories:
        if card.category not in layer.categories:  # an invalid declared one is reported there
            diags.add(card.where("category"), "category",
                      f"card '{card.id}': category '{card.category}' is not declared in deck.yaml",
                      did_you_mean(card.category, categories)
                      or "declare it under `categories:` in deck.yaml")
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

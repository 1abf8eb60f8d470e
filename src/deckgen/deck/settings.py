"""deck.yaml's own sections: deck, card, paper, brand, categories (positioned checks)."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from deckgen.deck import yamlsrc as ys
from deckgen.deck.assets import check_image, path_problem, printable, resolve_asset
from deckgen.deck.icons import resolve_icon
from deckgen.deck.model import (
    CardSpec,
    FontRef,
)
from deckgen.diagnostics import Diagnostics, Pos, did_you_mean, source_line
from deckgen.i18n.langs import problem as lang_problem
from deckgen.units import (
    CARD_SIZES_MM,
    PAPER_NAMES,
    Color,
    UnitError,
    mm,
    parse_color,
    parse_length,
)

if TYPE_CHECKING:
    from deckgen.deck.load import _Layer


ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*\Z")

TOP_KEYS = ("deck", "extends", "remove", "card", "paper", "brand", "categories", "fields",
            "languages", "roles")

DECK_KEYS = ("title", "subtitle", "edition", "language")

CARD_SPEC_KEYS = ("size", "bleed", "safe")

BRAND_KEYS = ("name", "logo", "colors", "fonts")

FONT_ROLES = ("heading", "body")

CATEGORY_KEYS = ("id", "name", "role", "question", "color", "icon", "layout", "blanks")

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

    def problem(code: str) -> tuple[str, str] | None:
        why = lang_problem(code)
        return None if why is None else (why, "write e.g. en, de, ru or pt_BR")

    codes = _distinct(node, "languages", problem, diags)
    if codes:
        layer.languages = tuple(codes)
        language = layer.meta.get("language")
        if language is None:  # the first language is the one the deck is written in
            layer.meta["language"] = codes[0]
        if language is not None and language != codes[0]:
            diags.add(node.pos, "languages", f"the first language is '{codes[0]}', but "
                      f"deck.language is '{language}'",
                      "list the language the cards are written in first")


def _read_roles(top: ys.Map, layer: _Layer, diags: Diagnostics,
                inherited: tuple[str, ...]) -> None:
    """`roles: [hero, place, twist]`: the parts of a recipe, which categories then take on.

    A deck that says nothing keeps its base deck's roles, or format v1's six questions.
    """
    layer.roles = inherited
    node = top.get("roles")
    if node is None:
        return
    def problem(role: str) -> tuple[str, str] | None:
        return None if ID_RE.match(role) else (
            f"'{role}' is not a valid role name",
            "use lowercase letters, digits and -, e.g. who or main-character")

    layer.roles = tuple(_distinct(node, "roles", problem, diags))


def _distinct(node: ys.Node, path: str, problem: Callable[[str], tuple[str, str] | None],
              diags: Diagnostics) -> list[str]:
    """A list of names, each valid (`problem` says why not, and a hint) and given once."""
    out: list[str] = []
    for i, item in enumerate(ys.sequence(node, path, diags) or ()):
        value = ys.text(item, ys.join(path, i), diags, required=True)
        if value is None:
            continue
        found = problem(value)
        if found is not None:
            diags.add(item.pos, ys.join(path, i), *found)
        elif value in out:
            diags.add(item.pos, ys.join(path, i), f"'{value}' is listed twice")
        else:
            out.append(value)
    return out


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
    from deckgen.text.fonts import (
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
            if role not in layer.roles:
                diags.add(role_node.pos, path + ".role", f"unknown role '{role}'",
                          did_you_mean(role, layer.roles) or _roles_hint(layer.roles))
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


def _roles_hint(roles: tuple[str, ...]) -> str:
    if not roles:
        return "this deck declares no roles; list them under `roles:` in deck.yaml"
    return "use one of " + ", ".join(roles) + " (or declare more under `roles:`)"

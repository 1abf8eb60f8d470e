"""Scaffolding: `deckgen new` writes a branded deck folder that extends another deck."""

from __future__ import annotations

import json
import os
import re
import textwrap
from contextlib import suppress
from io import BytesIO
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from deckgen.deck.model import Card, Category, Deck
from deckgen.deck.schema import card_file_schema, deck_file_schema
from deckgen.deck.workbook_schema import workbook_file_schema
from deckgen.diagnostics import DeckError
from deckgen.i18n.langs import problem as lang_problem
from deckgen.resources import builtin_deck, data_dir
from deckgen.units import Color

__all__ = ["ScaffoldError", "scaffold"]

DEFAULT_BASE = "builtin:prepersonalization"
LOGO_PX = 240  # about 20 mm at 300 dpi: enough for a card back and the workbook cover
FALLBACK_PRIMARY = Color((0.12, 0.23, 0.37))


class ScaffoldError(Exception):
    """The deck cannot be scaffolded; the message says why and what to do."""


def scaffold(directory: Path, base: str = DEFAULT_BASE, lang: str | None = None) -> None:
    """Create `directory` holding a deck that extends `base` and builds as it is; `lang`: the
    language it is for (see _language_lines)."""
    directory = Path(directory)
    if lang is not None and (why := lang_problem(lang)) is not None:
        raise ScaffoldError(f"{why}; write e.g. de, ru or pt_BR")
    base_dir, extends = _resolve_base(base, directory)
    base_deck = _load_base(base_dir, base)
    _check_target(directory)

    client = _client_name(directory, base_deck)
    primary = base_deck.color("primary", base_deck.categories[0].color
                              if base_deck.categories else FALLBACK_PRIMARY)
    category = _example_category(base_deck)
    files: dict[str, str | bytes] = {
        "deck.yaml": _deck_yaml(base_deck, extends, client, primary, category)
        + _language_lines(base_deck, lang),
        "cards/10-our-cards.yaml": _cards_yaml(base_deck, category),
        "README.md": _readme(client, extends) + _language_readme(base_deck, lang),
        "schemas/deck.schema.json": _json(deck_file_schema(base_deck)),
        "schemas/cards.schema.json": _json(card_file_schema(base_deck)),
        # No ids of the base's workbook: a workbook.yaml here replaces it, ids and all.
        "schemas/workbook.schema.json": _json(workbook_file_schema(base_deck)),
    }
    if base_deck.brand.logo is None:  # a base's own logo is inherited, never replaced
        files["assets/logo.png"] = _logo_png(_initials(client), primary)
    _write(directory, files)
    if lang is not None and lang != base_deck.language and lang in base_deck.languages:
        from deckgen.deck.load import load_deck
        from deckgen.i18n.apply import inherited
        from deckgen.i18n.catalog import extract
        from deckgen.i18n.po import update

        deck = load_deck(directory)
        update(directory, extract(deck), deck.languages, lambda code: inherited(deck, code))
    if not _builds(directory):
        # The base's layouts may have less room than the example needs: a deck that does not
        # validate as it is would be a poor start, so the example shrinks to a bare card.
        _write(directory, {"cards/10-our-cards.yaml": _cards_yaml(base_deck, category,
                                                                  bare=True)})


def _write(directory: Path, files: dict[str, str | bytes]) -> None:
    try:
        directory.mkdir(parents=True, exist_ok=True)
        for name, content in files.items():
            path = directory / name
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8", newline="\n")
    except OSError as exc:
        raise ScaffoldError(f"cannot write {directory}: {exc.strerror or exc}") from None


def _language_lines(base: Deck, lang: str | None) -> str:
    """deck.yaml lines for `new --lang`. A base translated into the language lends the deck
    its translation (i18n/LANG.po starts from it); otherwise the deck is written in it."""
    if lang is None or lang == base.language:
        return ""
    if lang in base.languages:
        return "\n".join([
            _c(f"languages: [{base.language}, {lang}]",
               f"cards are written in {base.language}; i18n/{lang}.po translates them"), ""])
    return "\n".join([
        _c(f"languages: [{lang}]", f"written in {lang}; the base deck's cards stay in "
           f"{base.language} until replaced"), ""])


def _language_readme(base: Deck, lang: str | None) -> str:
    if lang is None or lang == base.language:
        return ""
    if lang in base.languages:
        return f"""
## Language

The cards are written in `{base.language}` and built in `{lang}`: `i18n/{lang}.po` holds the
translation, started from the base deck's. After adding or changing cards, run
`deckgen i18n .` and translate the new entries (Poedit or any PO editor), then
`deckgen build . -o build --lang {lang}` (`--strict` fails on anything left untranslated).
"""
    return f"""
## Language

This deck is written in `{lang}`; the deck it extends is in `{base.language}`, so its cards
stay in that language until you replace them by id or translate the base deck.
"""


def _builds(directory: Path) -> bool:
    from deckgen.deck.load import load_deck
    from deckgen.draw.renderer import CardRenderer

    try:
        return not CardRenderer(load_deck(directory)).check()
    except DeckError:
        return False


def _json(schema: dict[str, object]) -> str:
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


# -- checks -------------------------------------------------------------------------------------


def _resolve_base(base: str, directory: Path) -> tuple[Path, str]:
    """The base deck's folder and the `extends:` value that names it from `directory`."""
    if base.startswith("builtin:"):
        name = base.removeprefix("builtin:")
        folder = builtin_deck(name)
        if folder is None:
            raise ScaffoldError(f"there is no built-in deck '{name}'; "
                                f"use --from {DEFAULT_BASE} or --from PATH/TO/DECK")
        return folder, base
    folder = Path(base).expanduser().resolve()
    if not folder.is_dir():
        raise ScaffoldError(f"the base deck '{base}' does not exist; give a deck folder "
                            f"(one holding deck.yaml) or {DEFAULT_BASE}")
    if not (folder / "deck.yaml").is_file():
        raise ScaffoldError(f"'{base}' is not a deck folder: it has no deck.yaml; "
                            f"give a deck folder or {DEFAULT_BASE}")
    target = directory.expanduser().resolve()
    if folder == target:
        raise ScaffoldError(f"a deck cannot extend itself: '{base}' is the new folder")
    try:
        relative = os.path.relpath(folder, target)
    except ValueError:  # another drive on Windows: only an absolute path reaches it
        return folder, folder.as_posix()
    return folder, Path(relative).as_posix()


def _load_base(folder: Path, base: str) -> Deck:
    from deckgen.deck.load import load_deck

    try:
        return load_deck(folder)
    except DeckError as error:
        count = len(error.diagnostics)
        raise ScaffoldError(
            f"the base deck '{base}' has {count} problem{'s' if count != 1 else ''}; "
            f"fix them first (`deckgen validate {folder}`):\n{error.diagnostics.format()}"
        ) from None


def _check_target(directory: Path) -> None:
    if directory.is_dir():
        try:
            entries = sorted(p.name for p in directory.iterdir())
        except OSError as exc:
            raise ScaffoldError(f"cannot read {directory}: {exc.strerror or exc}") from None
        if entries:
            shown = ", ".join(entries[:3]) + (", …" if len(entries) > 3 else "")
            raise ScaffoldError(
                f"{directory} already exists and is not empty ({shown}); "
                "give a new folder name, or empty it first: deckgen new never overwrites files")
    elif directory.exists():
        raise ScaffoldError(f"{directory} exists and is a file; give a folder name")


# -- content ------------------------------------------------------------------------------------


def _client_name(directory: Path, base: Deck) -> str:
    """A placeholder client name from the folder name, in characters the deck's fonts have."""
    name = directory.expanduser().resolve().name
    words = [w for w in re.split(r"[\s_.-]+", name) if w]
    client = " ".join(w[:1].upper() + w[1:] for w in words)[:60]
    return client if client and _printable(client, base) else "Client"


def _printable(text: str, deck: Deck) -> bool:
    from deckgen.text.fonts import FontChain, FontError, default_chain, load_family

    chain = default_chain()
    ref = deck.brand.fonts.get("body")
    if ref is not None:
        with suppress(FontError):  # the loader has reported a font it cannot use
            chain = FontChain(load_family(ref.spec, ref.base_dir), chain.families)
    return not chain.uncovered(text) and not chain.uncovered(text, bold=True)


def _initials(client: str) -> str:
    letters = [w[0] for w in client.split() if w[:1].isalnum()]
    return "".join(letters[:2]).upper() or "CO"


def _example_category(deck: Deck) -> Category | None:
    """A category for the example card: the `who` one if there is one, never a recipe one."""
    plain = [c for c in deck.categories if not any(card.recipe for card in deck.cards_in(c.id))
             and c.layout in (None, "standard")]
    for cat in plain:
        if cat.role == "who":
            return cat
    if plain:
        return plain[0]
    return deck.categories[0] if deck.categories else None


def _removable_card(deck: Deck, category: Category | None) -> Card | None:
    """A card of the base that nothing else points at, for the commented `remove:` example."""
    used: set[str] = {ref for card in deck.cards for _, ids in card.recipe for ref in ids}
    if deck.workbook is not None:
        if deck.workbook.anatomy is not None:
            used.add(deck.workbook.anatomy.id)
        for act in deck.workbook.activities:
            used.update(ref.id for ref in act.cards)
    candidates = [c for c in deck.cards if c.id not in used and not c.recipe]
    preferred = [c for c in candidates if category is not None and c.category == category.id]
    pick = preferred or candidates
    return pick[0] if pick else None


def _example_id(deck: Deck) -> str:
    taken = {c.id for c in deck.cards}
    card_id, n = "our-example-card", 2
    while card_id in taken:
        card_id, n = f"our-example-card-{n}", n + 1
    return card_id


def _c(code: str, comment: str) -> str:
    """A YAML line with its comment lined up at column 40."""
    return f"{code:<39} # {comment}"


def _q(value: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(value, ensure_ascii=False)


def _deck_yaml(base: Deck, extends: str, client: str, primary: Color,
               category: Category | None) -> str:
    text = base.color("text", Color((0.10, 0.10, 0.10)))
    back = base.color("back", primary)
    removable = _removable_card(base, category)
    cat_id = category.id if category is not None else "our-cards"
    title = f"{client} {base.title}"[:200]
    logo = (_c("  # logo: assets/logo.png", "inherited from the base; PNG, JPEG or SVG")
            if base.brand.logo is not None else
            _c("  logo: assets/logo.png", "PNG or JPEG: card backs, workbook cover, header"))
    lines = [
        "# yaml-language-server: $schema=schemas/deck.schema.json",
        f"# {client}: a branded deck. It inherits every category, card and layout of the deck",
        "# it extends; write here only what differs. Paths are relative to this folder.",
        "# Check: deckgen validate .        Build: deckgen build . -o build",
        "deck:",
        _c(f"  title: {_q(title)}", "on every card and the workbook"),
        "",
        _c(f"extends: {_q(extends)}", "the deck this one builds on"),
        "",
        "brand:",
        _c(f"  name: {_q(client)}", "workbook header and PDF metadata"),
        logo,
        "  colors:",
        _c(f'    primary: "{primary.hex}"', "workbook headings, cover and rules"),
        _c(f'    text: "{text.hex}"', "text on cards and in the workbook"),
        _c(f'    back: "{back.hex}"', "card backs whose layout says `fill: back`"),
        _c("  # fonts:", "bundled: Lato, DejaVu Sans; or a .ttf in assets/"),
        "  #   heading: DejaVu Sans",
        _c("  #   body: assets/MyBrand-Regular.ttf", "MyBrand-Bold.ttf beside it is used too"),
        "",
        "# Categories merge by id: give only what changes. A new category needs name and color.",
        *(["# categories:", f"#   - id: {cat_id}", '#     color: "#0B6E4F"'] if category else [
            "categories:                            # the base deck has none: the cards need one",
            f"  - id: {cat_id}",
            "    name: Our cards",
            f'    color: "{primary.hex}"',
        ]),
        "#   - id: our-products",
        "#     name: Our products",
        "#     question: What do we sell?",
        '#     color: "#8A3B12"',
        "",
        "# Cards of the base deck you do not need, by id (`deckgen list .` shows every id):",
        f"# remove: [{removable.id if removable is not None else 'card-id'}]",
        "",
    ]
    return "\n".join(lines)


def _cards_yaml(base: Deck, category: Category | None, *, bare: bool = False) -> str:
    cat_id = category.id if category is not None else "our-cards"
    ids = textwrap.wrap(", ".join(c.id for c in base.categories), 86)
    example = ["    title: Our card"] if bare else [
        "    title: Our typical customer",
        "    body: Describe one customer **you** know well. What would make their next visit "
        "*better*?",
        "    prompts:",
        "      - What do they already trust us with?",
    ]
    return "\n".join([
        "# yaml-language-server: $schema=../schemas/cards.schema.json",
        "# Your own cards, read after the base deck's. A card with the id of a card in the base",
        "# deck replaces that card. Add more files here: cards/*.yaml, read in name order.",
        "# Categories of the base deck:",
        *(f"#   {line}" for line in ids),
        f"category: {cat_id}",
        "cards:",
        f"  - id: {_example_id(base)}",
        *example,
        *_required_values(base),
        "",
    ])


def _required_values(base: Deck) -> list[str]:
    """A placeholder for each field the base deck requires besides the title."""
    out: list[str] = []
    for spec in base.fields:
        if not spec.required or spec.name == "title":
            continue
        if spec.values:
            value = _q(spec.names[0])
        elif spec.type == "number":
            value = f"{spec.min if spec.min is not None else 1:g}"
        elif spec.type in ("list", "refs"):
            first = base.cards[0].id if base.cards and spec.type == "refs" else "Example"
            value = f"[{_q(first)}]"
        elif spec.type == "url":
            value = _q("https://example.com/")
        else:
            value = _q("Example")
        out.append(f"    {spec.name}: {value}")
    return out


def _readme(name: str, extends: str) -> str:
    return f"""# {name}

A branded card deck made with `deckgen new`. It extends `{extends}`: every category, card and
layout of that deck is inherited, and the files here say only what differs.

## Edit

- `deck.yaml`: the title, the brand (name, logo, colours, fonts), category colours, and
  `remove:` for base cards you do not need. The comments show each setting.
- `cards/*.yaml`: your own cards. A card with the id of a base card replaces it;
  `deckgen list .` shows every card and its id.
- `assets/`: the logo (`assets/logo.png` is a placeholder; use a PNG or JPEG at least
  300 pixels high) and any `.ttf` fonts.
- `layouts/` (optional): layouts that add to or override the built-in ones.
- `workbook.yaml` (optional): the facilitator workbook's agendas, activities and worksheets.
  Without one, the deck uses the workbook of the deck it extends; with one, that workbook is
  replaced as a whole. Start it with
  `# yaml-language-server: $schema=schemas/workbook.schema.json` for completion.

## Build

```
deckgen validate .            # every problem at once, with file and line
deckgen build . -o build      # cards.pdf, cards-print-shop.pdf, blank-cards.pdf, workbook.pdf
deckgen build . -o build --only print-shop
```
"""


def _logo_png(initials: str, primary: Color) -> bytes:
    """A placeholder logo: a white rounded square with a coloured ring and the initials."""
    size = LOGO_PX
    colour = tuple(round(v * 255) for v in primary.rgb)
    ink = (colour[0], colour[1], colour[2], 255)
    image = Image.new("RGBA", (size, size), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((4, 4, size - 5, size - 5), radius=size // 5,
                           fill=(255, 255, 255, 255), outline=ink, width=size // 16)
    font = _logo_font(size * 0.42 if len(initials) > 1 else size * 0.52)
    draw.text((size / 2, size / 2), initials, fill=ink, font=font, anchor="mm")
    palette = image.quantize(colors=32, method=Image.Quantize.FASTOCTREE)
    out = BytesIO()
    palette.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _logo_font(size: float) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    try:
        return ImageFont.truetype(str(data_dir("fonts") / "dejavu" / "DejaVuSans-Bold.ttf"),
                                  round(size))
    except OSError:
        return ImageFont.load_default(size)

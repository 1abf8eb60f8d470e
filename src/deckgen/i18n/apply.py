"""A deck in another language: its texts replaced from i18n/LANG.po, each gap reported.

`in_language` returns a new immutable Deck (dataclasses.replace all the way down); a text that
is untranslated or fuzzy stays in the source language, with a warning at its .po line (an error
with `strict`). The engine's own words go into Deck.words for deckgen.i18n.word.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from deckgen.deck.model import Card, Deck
from deckgen.deck.workbook_model import Ref, Workbook
from deckgen.diagnostics import DeckError, Diagnostics, Pos
from deckgen.i18n import ENGINE
from deckgen.i18n.catalog import SKIP_ATTRS, card_refs, extract
from deckgen.i18n.langs import base
from deckgen.i18n.po import Translation, check_folder, po_path, read

Lookup = Callable[[str, str], str]  # (context, source text) -> the text in the language
SHIPPED = Path(__file__).resolve().parent / "words"  # the engine's words, translated
MAX_LISTED = 20  # gaps named one by one; beyond, one line counts them


def check_translations(deck: Deck, diags: Diagnostics) -> None:
    """What `validate` checks in i18n/: every file, every entry, for every listed language."""
    check_folder(deck.root, deck.languages, diags)
    paths = [path for language in deck.languages[1:]
             if (path := po_path(deck.root, language)).exists()]
    if not paths:
        return  # a deck in one language: nothing to read, and no catalogue to build
    known = {e.context: e.text for e in extract(deck, engine=False)}
    for path in paths:
        read(path, known, diags)


def in_language(deck: Deck, language: str, *, strict: bool = False, gaps: bool = True
                ) -> tuple[Deck, Diagnostics]:
    """The deck in `language` and warnings for its gaps; DeckError when its file is broken
    (or, with `strict`, has gaps)."""
    diags = Diagnostics()
    if language == (deck.languages[0] if deck.languages else deck.language):
        return deck, diags
    if language not in deck.languages:
        diags.add(Pos(deck.root / "deck.yaml"), "--lang",
                  f"the deck is not translated into '{language}'",
                  "languages: " + ", ".join(deck.languages))
        raise DeckError(diags)
    path = po_path(deck.root, language)
    entries = extract(deck)
    known = {e.context: e.text for e in entries if e.context != ENGINE}
    found = read(path, known, diags) if path.exists() else {}
    if diags:
        raise DeckError(diags)
    fallback = inherited(deck, language)
    table: dict[tuple[str, str], str] = {}
    where: dict[str, Pos] = {}  # context -> its msgstr: where a problem with the text is fixed
    missing: list[tuple[str, str, Translation | None]] = []
    for entry in entries:
        key = (entry.context, entry.text)
        got = found.get(key)
        if got is not None and got.text and not got.fuzzy:
            table[key] = got.text
            where[entry.context] = got.pos
            continue
        if key in fallback:
            table[key] = fallback[key]
            continue
        if entry.context == ENGINE and got is None:
            continue  # an engine word the deck's file does not carry: English, as shipped
        missing.append((entry.context, entry.text, got))
    for context, text, got in missing[:MAX_LISTED if len(missing) > MAX_LISTED + 1 else None]:
        _report(diags, path, context, text, got, language, strict)
    if len(missing) > MAX_LISTED + 1:
        # A file just started has hundreds of gaps: name a few, count the rest.
        more = len(missing) - MAX_LISTED
        message = (f"[{language}] {more} more texts are untranslated or fuzzy; they stay in "
                   "the source language")
        hint = "`deckgen i18n DECK` shows each language's coverage"
        (diags.add if strict else diags.warn)(Pos(path), "", message, hint)
    if not gaps and not strict:
        diags = Diagnostics()  # `validate` counts the gaps instead (po.coverage)
    if strict and diags:
        raise DeckError(diags)
    return _translate(deck, language, table, where), diags


def inherited(deck: Deck, language: str) -> dict[tuple[str, str], str]:
    """Translations a deck has without writing them: its base decks' (nearest first), then
    the words the engine ships for the language (deckgen/i18n/words/LANG.po)."""
    files = [po_path(source.parent, language) for source in deck.sources
             if source.name == "deck.yaml" and source.parent != deck.root]
    files += [SHIPPED / f"{language}.po", SHIPPED / f"{base(language)}.po"]
    out: dict[tuple[str, str], str] = {}
    for path in files:
        if not path.is_file():
            continue
        # A base deck's file is checked when that deck is; here only its good entries count.
        for key, got in read(path, None, Diagnostics()).items():
            if got.text and not got.fuzzy and (path.parent != SHIPPED or key[0] == ENGINE):
                out.setdefault(key, got.text)
    return out


def _report(diags: Diagnostics, path: Path, context: str, text: str, got: Translation | None,
            language: str, strict: bool) -> None:
    short = text if len(text) <= 40 else text[:39] + "…"
    if got is None:
        message = f"[{language}] '{short}' is not in {path.name}; it stays in the source language"
        hint = "run `deckgen i18n DECK` to add it, then translate it"
        pos = Pos(path)
    else:
        state = "fuzzy" if got.fuzzy else "untranslated"
        message = f"[{language}] '{short}' is {state}; it stays in the source language"
        hint = ("check the translation and remove the fuzzy flag" if got.fuzzy else
                "fill in its msgstr")
        pos = got.pos
    if strict:
        diags.add(pos, context, message, hint)
    else:
        diags.warn(pos, context, message, hint)


def _translate(deck: Deck, language: str, table: dict[tuple[str, str], str],
               where: dict[str, Pos]) -> Deck:
    def t(context: str, text: str) -> str:
        return table.get((context, text), text)

    categories = tuple(replace(c, name=t(f"category/{c.id}/name", c.name),
                               question=t(f"category/{c.id}/question", c.question),
                               pos=where.get(f"category/{c.id}/name", c.pos))
                       for c in deck.categories)
    fields = tuple(replace(spec, values=tuple(
        (v, t(f"field/{spec.name}/values/{v}", label)) for v, label in spec.values))
        for spec in deck.fields)
    cards = tuple(_card(deck, card, t, where) for card in deck.cards)
    catalogue = tuple(replace(e, name=t(f"catalogue/{i}/name", e.name),
                              channel=t(f"catalogue/{i}/channel", e.channel),
                              note=t(f"catalogue/{i}/note", e.note) if e.note else e.note)
                      for i, e in enumerate(deck.catalogue, start=1))
    workbook = _tree(deck.workbook, "workbook", t) if deck.workbook is not None else None
    assert workbook is None or isinstance(workbook, Workbook)
    words = {text: value for (context, text), value in table.items() if context == ENGINE}
    title = t("deck/title", deck.title)
    # A deck without a brand name goes by its title (load.py): it then follows the title.
    brand = replace(deck.brand, name=title) if deck.brand.name == deck.title else deck.brand
    return replace(deck, title=title, brand=brand,
                   subtitle=t("deck/subtitle", deck.subtitle) if deck.subtitle else None,
                   language=language, categories=categories, fields=fields, cards=cards,
                   catalogue=catalogue, workbook=workbook, words=words)


def _card(deck: Deck, card: Card, t: Lookup, where: dict[str, Pos]) -> Card:
    values = dict(card.values)
    for spec in deck.fields:
        value = values.get(spec.name)
        base = f"card/{card.id}/{spec.name}"
        if spec.type in ("text", "markup") and isinstance(value, str) and not spec.values:
            values[spec.name] = t(base, value)
        elif spec.type == "list" and isinstance(value, tuple):
            values[spec.name] = tuple(t(f"{base}/{i}", v) for i, v in enumerate(value, start=1))
    axes = card.axes
    if axes is not None:
        (x0, x1), (y0, y1) = axes
        base = f"card/{card.id}/axes"
        axes = ((t(f"{base}/x/1", x0), t(f"{base}/x/2", x1)),
                (t(f"{base}/y/1", y0), t(f"{base}/y/2", y1)))
    # The v1 attributes mirror their fields: the drawer and the workbook read both.
    v1: dict[str, object] = {}
    for name in ("subtitle", "body"):
        value = values.get(name)
        v1[name] = value if isinstance(value, str) else getattr(card, name)
    for name in ("items", "prompts", "examples"):
        value = values.get(name)
        v1[name] = value if isinstance(value, tuple) else getattr(card, name)
    title = values.get("title")
    # A problem with a translated text (it overflows, a glyph is missing) is fixed in the .po.
    field_pos = dict(card.field_pos)
    for name in values:
        base = f"card/{card.id}/{name}"
        pos = where.get(base) or where.get(f"{base}/1")
        if pos is not None:
            field_pos[name] = pos
    return replace(card, title=title if isinstance(title, str) else card.title, axes=axes,
                   field_pos=field_pos,
                   values=values, **v1)  # type: ignore[arg-type]


def _tree(node: object, path: str, t: Lookup, skip: frozenset[str] = frozenset()) -> object:
    """A workbook model tree with every text replaced (same walk as catalog.walk)."""
    if isinstance(node, str):
        return node if node in skip else t(path, node)
    if isinstance(node, Ref) or node is None or isinstance(node, (bool, int, float)):
        return node
    if dataclasses.is_dataclass(node) and not isinstance(node, type):
        refs = card_refs(node) or skip
        changes = {f.name: _tree(getattr(node, f.name), f"{path}/{f.name}", t, refs)
                   for f in dataclasses.fields(node) if f.name not in SKIP_ATTRS}
        return replace(node, **changes)  # type: ignore[type-var,unused-ignore]
    if isinstance(node, dict):
        return {k: _tree(v, f"{path}/{k}", t, skip) for k, v in node.items()}
    if isinstance(node, tuple):
        out = []
        for i, item in enumerate(node, start=1):
            name = getattr(item, "id", None)
            out.append(_tree(item, f"{path}/{name if isinstance(name, str) else i}", t, skip))
        return tuple(out)
    return node

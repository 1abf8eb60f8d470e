"""The catalogue of a deck's texts: every text a reader sees, with its gettext context.

Contexts (design.md, "Translations"): `deck/title`, `deck/subtitle`, `category/ID/name`,
`category/ID/question`, `card/ID/FIELD`, `card/ID/FIELD/N` (a list field, N from 1),
`card/ID/axes/x/N` (a grid card's axis ends), `field/NAME/values/VALUE` (a declared value's
label), `catalogue/N/FIELD` (N from 1), `workbook/...` and `deckgen` for the engine's own words.

Workbook contexts are the key path in workbook.yaml: a list entry with an `id` is named by it,
any other entry by its place from 1, a mapping entry by its key, e.g.
`workbook/activities/size-it/steps/2/do`, `workbook/roles/1/does/3`, `workbook/families/search`,
`workbook/sheets/roadmap/words/lanes/2/note`. Ids and references are not texts.

Engine words (`deckgen`, msgid = the English word) are found the way xgettext finds them: in
the engine's source, as the literal strings handed to the functions that put words on a page
(see ENGINE_CALLS), plus the worksheet kinds' words and every label the deck's layouts print.
"""

from __future__ import annotations

import ast
import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from deckgen.deck.model import Card, Deck
from deckgen.deck.workbook_model import SHEET_KINDS, Example, Ref
from deckgen.diagnostics import Pos
from deckgen.i18n import ENGINE


@dataclass(frozen=True)
class Entry:
    context: str
    text: str
    pos: Pos | None = None  # where the source text is written, for translators' references


# Workbook attributes that hold ids, references or numbers, never a text a reader sees.
SKIP_ATTRS = frozenset({"id", "phase", "activity", "kind", "role", "element", "ids", "pos",
                        "anatomy", "grid", "risk_register", "ladder", "category", "start",
                        "minutes", "is_break", "guardrail", "landscape", "cards", "categories",
                        "worksheet"})
# Functions whose literal string arguments reach a page as they are (or through deckgen.i18n).
ENGINE_CALLS = frozenset({"w", "word", "mark", "p", "new_section", "subheading", "section_text",
                          "Heading", "Mark", "Lines", "draw_label", "draw_block", "grid_table",
                          "booklet_table", "fitted_para"})
# Keyword arguments of those functions that steer rather than print.
_STEERING = frozenset({"key", "align", "template", "style", "toc", "outline"})
_LIST_TYPES = ("list",)
_TEXT_TYPES = ("text", "markup")


def extract(deck: Deck, *, engine: bool = True) -> list[Entry]:
    """Every translatable text of the deck, in reading order, each context once; without
    `engine`, the deck's own texts only (the engine's words cost a parse of its source)."""
    out: list[Entry] = []
    out.append(Entry("deck/title", deck.title))
    if deck.subtitle:
        out.append(Entry("deck/subtitle", deck.subtitle))
    for cat in deck.categories:
        out.append(Entry(f"category/{cat.id}/name", cat.name, cat.pos))
        if cat.question:
            out.append(Entry(f"category/{cat.id}/question", cat.question, cat.pos))
    for spec in deck.fields:
        for value, label in spec.values:
            if label and label != value:
                out.append(Entry(f"field/{spec.name}/values/{value}", label, spec.pos))
    for card in deck.cards:
        out += card_entries(deck, card)
    for i, item in enumerate(deck.catalogue, start=1):
        out.append(Entry(f"catalogue/{i}/name", item.name))
        out.append(Entry(f"catalogue/{i}/channel", item.channel))
        if item.note:
            out.append(Entry(f"catalogue/{i}/note", item.note))
    if deck.workbook is not None:
        out += [Entry(ctx, text, pos) for ctx, text, pos in walk(deck.workbook, "workbook")]
    if engine:
        out += [Entry(ENGINE, text) for text in engine_words(deck)]
    seen: set[str] = set()
    unique = []
    for entry in out:
        key = entry.context + "\x04" + entry.text if entry.context == ENGINE else entry.context
        if entry.text.strip() and key not in seen:
            seen.add(key)
            unique.append(entry)
    return unique


def card_entries(deck: Deck, card: Card) -> Iterator[Entry]:
    for spec in deck.fields:
        if not spec.translate:
            continue  # codes, icon names: the same in every language
        value = card.values.get(spec.name)
        where = card.where(spec.name)
        if spec.type in _TEXT_TYPES and isinstance(value, str) and not spec.values:
            yield Entry(f"card/{card.id}/{spec.name}", value, where)
        elif spec.type in _LIST_TYPES and isinstance(value, tuple):
            for i, item in enumerate(value, start=1):
                yield Entry(f"card/{card.id}/{spec.name}/{i}", item, where)
    if card.axes is not None:
        for axis, ends in zip("xy", card.axes, strict=True):
            for i, end in enumerate(ends, start=1):
                yield Entry(f"card/{card.id}/axes/{axis}/{i}", end, card.where("axes"))


def card_refs(node: object) -> frozenset[str]:
    """The card ids a filled-in example names in its rows: references, not words to translate."""
    return frozenset(ref.id for ref in node.refs) if isinstance(node, Example) else frozenset()


def walk(node: object, path: str, skip: frozenset[str] = frozenset()
         ) -> Iterator[tuple[str, str, Pos | None]]:
    """(context, text, position) of every text in a workbook model tree."""
    if isinstance(node, str):
        # "0", "12:30": positions and times; an example's card ids: references, not words.
        if any(ch.isalpha() for ch in node) and node not in skip:
            yield path, node, None
    elif isinstance(node, Ref) or node is None or isinstance(node, (bool, int, float)):
        return
    elif dataclasses.is_dataclass(node) and not isinstance(node, type):
        pos = getattr(node, "pos", None)
        refs = card_refs(node) or skip
        for f in dataclasses.fields(node):
            if f.name in SKIP_ATTRS:
                continue
            for ctx, text, where in walk(getattr(node, f.name), f"{path}/{f.name}", refs):
                yield ctx, text, where or (pos if isinstance(pos, Pos) and pos.line else None)
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from walk(value, f"{path}/{key}", skip)
    elif isinstance(node, tuple):
        for i, item in enumerate(node, start=1):
            name = getattr(item, "id", None)
            yield from walk(item, f"{path}/{name if isinstance(name, str) else i}", skip)


def engine_words(deck: Deck) -> list[str]:
    """The engine's own words a deck's pages may show, in a stable order."""
    words = list(_source_words())
    for kind in SHEET_KINDS.values():
        words += [kind.title, kind.note]
        for labels in kind.words.values():
            for label in labels:
                words += [label.name, *([label.note] if label.note else [])]
    words += [role.upper() for role in deck.roles]  # the role a category band names
    words += list(deck.roles)  # ... and the workbook's legend
    words += layout_labels(deck)
    return list(dict.fromkeys(w for w in words if w.strip()))  # ids kept: roles are words too


def layout_labels(deck: Deck) -> list[str]:
    """Every label the deck's layouts print: text labels, flow and recipe labels, templates."""
    from deckgen.diagnostics import DeckError
    from deckgen.layout.templates import load_layouts

    try:
        layouts = load_layouts(deck.layout_dirs)
    except DeckError:
        return []  # validate reports a broken layout; the catalogue has nothing to add
    found: list[str] = []
    for name in layouts.names():
        for el in layouts.get(name).elements:
            label = el.get("label")
            if isinstance(label, str) and el.kind in ("text", "level"):
                found.append(label)
            for key in ("labels", "more-labels"):
                labels = el.get(key)
                if isinstance(labels, dict):
                    found += [str(v) for v in labels.values()]
            styles = el.get("field-styles")
            for style in styles.values() if isinstance(styles, dict) else ():
                if isinstance(style, dict) and isinstance(style.get("label"), str):
                    found.append(str(style["label"]))
            fallback = el.get("fallback")
            if isinstance(fallback, tuple):
                found += [str(t) for t in fallback]
            if el.kind == "level" and not isinstance(label, str):
                found.append("{value} / {max}")
            fields = el.get("fields")
            if el.kind == "flow" and isinstance(fields, tuple):
                # v1's flows label prompts and examples by the field's name when unlabelled
                found += [f.title() for f in fields if f in ("prompts", "examples")]
    return found


@cache
def _source_words() -> tuple[str, ...]:
    root = Path(__file__).resolve().parent.parent
    words: list[str] = []
    for path in [*sorted((root / "draw").glob("*.py")), *sorted((root / "workbook").rglob("*.py")),
                 *sorted((root / "outputs").glob("*.py"))]:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        # The drawer's and outputs' own calls named like the workbook's (p, w) are not words.
        calls = ENGINE_CALLS if path.parent.name not in ("draw", "outputs") else {"word", "mark"}
        if path.name == "words.py":
            words += [n.value.value for n in tree.body if isinstance(n, ast.Assign)
                      and isinstance(n.value, ast.Constant) and isinstance(n.value.value, str)]
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and _name(node.func) in calls:
                args = [*node.args, *(k.value for k in node.keywords if k.arg not in _STEERING)]
                for arg in args:
                    words += _strings(arg)
            elif _column(node):
                assert isinstance(node, ast.Tuple) and isinstance(node.elts[0], ast.Constant)
                words.append(str(node.elts[0].value))  # a write-in table's column
    return tuple(w for w in words if _is_prose(w))


def _column(node: ast.AST) -> bool:
    """A write-in table's column as the worksheets give it: ("Head", width fraction)."""
    if not isinstance(node, ast.Tuple) or len(node.elts) != 2:
        return False
    head, width = node.elts
    return (isinstance(head, ast.Constant) and isinstance(head.value, str)
            and isinstance(width, ast.Constant) and isinstance(width.value, float))


def _name(func: ast.expr) -> str:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def _strings(node: ast.expr) -> list[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, (ast.Tuple, ast.List)):
        return [s for elt in node.elts for s in _strings(elt)]
    if isinstance(node, ast.IfExp):
        return _strings(node.body) + _strings(node.orelse)
    return []


def _is_prose(text: str) -> bool:
    """A word a reader sees, not an id, a style or a glyph."""
    stripped = text.strip()
    return any(ch.isalpha() for ch in stripped) and not (
        stripped.islower() and " " not in text) and "_" not in stripped

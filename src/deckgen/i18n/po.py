"""The translation files: i18n/deck.pot written from the catalogue, i18n/LANG.po merged and read.

polib reads and writes them (no hand-written parser); everything read from a .po is checked
here, with a position, before a build uses it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import polib  # type: ignore[import-untyped]

from deckgen.deck.model import Deck
from deckgen.diagnostics import DeckError, Diagnostics, Pos
from deckgen.i18n import ENGINE
from deckgen.i18n.catalog import Entry
from deckgen.i18n.langs import problem as lang_problem

FOLDER = "i18n"
TEMPLATE = "deck.pot"
MAX_PO_BYTES = 20_000_000  # far beyond a deck's texts in any language; a bigger file is a mistake
# A placeholder's name must survive translation; its `|lower` may go (German capitalises nouns).
# A keyword line or a continuation line of a .po file: its string must be closed on the line.
_PO_STRING = re.compile(r'^(#~ ?)?((msgctxt|msgid|msgid_plural|msgstr(\[\d+\])?)\s+)?'
                        r'"(?:[^"\\]|\\.)*"\s*$')
_PLACEHOLDER = re.compile(r"\{([a-z][a-z0-9_-]*)(?:\|lower)?\}")
_WRAP = 0  # no wrapping: one line per entry keeps diffs and diagnostics' lines readable


@dataclass(frozen=True)
class Translation:
    text: str  # empty: untranslated
    fuzzy: bool
    pos: Pos  # where its entry starts in the .po


@dataclass(frozen=True)
class Coverage:
    language: str
    translated: int
    fuzzy: int
    untranslated: int

    @property
    def percent(self) -> float:
        total = self.translated + self.fuzzy + self.untranslated
        return 100.0 * self.translated / total if total else 100.0


def po_path(root: Path, language: str) -> Path:
    return root / FOLDER / f"{language}.po"


def _header(language: str | None) -> dict[str, str]:
    head = {"Project-Id-Version": "deck", "MIME-Version": "1.0",
            "Content-Type": "text/plain; charset=UTF-8", "Content-Transfer-Encoding": "8bit"}
    if language:
        head["Language"] = language
    return head


def template(entries: list[Entry], root: Path) -> polib.POFile:
    pot = polib.POFile(wrapwidth=_WRAP)
    pot.metadata = _header(None)
    for entry in entries:
        item = polib.POEntry(msgctxt=entry.context, msgid=entry.text, msgstr="")
        if entry.pos is not None and entry.pos.line:
            try:
                where = entry.pos.file.resolve().relative_to(root.resolve())
                item.occurrences = [(where.as_posix(), str(entry.pos.line))]
            except ValueError:
                pass  # a text inherited from a base deck: no place in this folder
        pot.append(item)
    return pot


def merge(pot: polib.POFile, path: Path, language: str,
          inherited: Mapping[tuple[str, str], str] | None = None) -> polib.POFile:
    """The language's file brought up to the template: new texts empty, a text whose source
    changed keeps its old translation marked fuzzy (with the old source as #| msgid), texts
    the deck no longer has kept as obsolete entries (#~), so no translator's work is lost."""
    old = polib.pofile(str(path), wrapwidth=_WRAP) if path.exists() else None
    po = polib.POFile(wrapwidth=_WRAP)
    po.metadata = dict(old.metadata) if old is not None else _header(language)
    po.metadata["Language"] = language
    by_key = {(e.msgctxt, e.msgid): e for e in old or () if not e.obsolete}
    by_context = {e.msgctxt: e for e in old or () if not e.obsolete and e.msgctxt != ENGINE}
    used: set[int] = set()
    for item in pot:
        entry = polib.POEntry(msgctxt=item.msgctxt, msgid=item.msgid, msgstr="",
                              occurrences=item.occurrences)
        same = by_key.get((item.msgctxt, item.msgid))
        moved = by_context.get(item.msgctxt) if same is None else None
        if same is not None:
            entry.msgstr, entry.flags = same.msgstr, list(same.flags)
            entry.tcomment = same.tcomment
            used.add(id(same))
        elif moved is not None and moved.msgstr:
            entry.msgstr, entry.flags = moved.msgstr, ["fuzzy"]
            entry.previous_msgid = moved.msgid
            entry.tcomment = moved.tcomment
            used.add(id(moved))
        elif inherited and (item.msgctxt, item.msgid) in inherited:
            # What the base deck or the engine already says in this language: a start the
            # translator may change, rather than a blank to fill again.
            entry.msgstr = inherited[(item.msgctxt, item.msgid)]
        po.append(entry)
    for entry in old or ():
        if id(entry) not in used and (entry.obsolete or entry.msgstr):
            entry.obsolete = True
            po.append(entry)
    return po


def coverage(po: polib.POFile, language: str) -> Coverage:
    live = [e for e in po if not e.obsolete]
    fuzzy = sum(1 for e in live if e.fuzzy)
    translated = sum(1 for e in live if e.msgstr and not e.fuzzy)
    return Coverage(language, translated, fuzzy, len(live) - translated - fuzzy)


def read(path: Path, known: dict[str, str] | None, diags: Diagnostics
         ) -> dict[tuple[str, str], Translation]:
    """A language's translations by (context, msgid); problems with a position in `diags`.

    `known` maps the deck's contexts (engine words excluded) to their source text: an entry
    for a context the deck does not have is an error, its card or field may have been renamed.
    None: any context is fine (a base deck's file, the engine's words).
    """
    where = Pos(path, 1, 1)
    try:
        size = path.stat().st_size
    except OSError as error:
        diags.add(where, "", f"cannot be read: {error.strerror}")
        return {}
    if size > MAX_PO_BYTES:
        diags.add(where, "", f"is {size:,} bytes; a translation file is at most "
                  f"{MAX_PO_BYTES:,}")
        return {}
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[:error.start].count(b"\n") + 1
        diags.add(Pos(path, line, 1), "", "is not UTF-8 text", "save it as UTF-8")
        return {}
    charset = re.search(r'"Content-Type:[^"]*charset=([^"\\\s]+)', text)
    if charset is not None and charset.group(1).lower().replace("_", "-") != "utf-8":
        line = text[:charset.start()].count("\n") + 1
        diags.add(Pos(path, line, 1), "charset",
                  f"declares charset {charset.group(1)}; translations are UTF-8",
                  "write `charset=UTF-8` and save the file as UTF-8")
        return {}
    if _unclosed_strings(path, text, diags):
        return {}
    try:
        po = polib.pofile(text, wrapwidth=_WRAP)
    except (OSError, ValueError) as error:
        diags.add(_error_pos(path, str(error)), "", f"is not a valid .po file: {error}",
                  "open it in a PO editor (e.g. Poedit), or run `deckgen i18n` on a copy")
        return {}
    lines = text.splitlines()
    out: dict[tuple[str, str], Translation] = {}
    for entry in po:
        if entry.obsolete:
            continue
        pos = Pos(path, _msgstr_line(lines, entry.linenum), 1)
        context = entry.msgctxt or ""
        if known is not None and context != ENGINE and context not in known:
            diags.add(pos, context or "msgctxt", _unknown(context),
                      "run `deckgen i18n DECK` to mark it obsolete, or fix the context")
            continue
        if entry.msgstr:
            _check_text(entry.msgid, entry.msgstr, pos, context, diags)
        out[(context, entry.msgid)] = Translation(entry.msgstr, entry.fuzzy, pos)
    return out


def _unclosed_strings(path: Path, text: str, diags: Diagnostics) -> bool:
    """Lines whose quoted string is not closed: polib would drop such an entry without a word,
    and its text would fall back to the source language as if it were never translated."""
    found = False
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        # Other mistakes (a keyword without its text, a stray line) are polib's to report.
        has_string = '"' in stripped and (stripped.startswith('"')
                                          or re.match(r"(#~ ?)?msg", stripped))
        if has_string and not _PO_STRING.match(stripped):
            diags.add(Pos(path, number, line.index(stripped[0]) + 1), "",
                      "a quoted text is not closed on this line",
                      'end it with " (write \\" for a quote inside the text)')
            found = True
    return found


def _unknown(context: str) -> str:
    if not context:
        return "entry has no msgctxt; every deck text has one (e.g. card/ID/title)"
    kind = context.partition("/")[0]
    if kind == "card":
        return f"the deck has no card or field for '{context}'"
    if kind in ("category", "catalogue", "workbook", "deck", "field"):
        return f"the deck has no text '{context}'"
    return f"'{context}' is not a context deckgen writes"


def _check_text(source: str, text: str, pos: Pos, context: str, diags: Diagnostics) -> None:
    """A translation's markup and placeholders must match what the drawer expects."""
    for mark in ("**", "*"):
        def odd(value: str, mark: str = mark) -> bool:
            return (value.replace("**", "") if mark == "*" else value).count(mark) % 2 == 1

        # A source that itself has a lone * (say "5 * 3") is not markup there either.
        if odd(text) and not odd(source):
            diags.add(pos, context, f"markup does not balance: '{mark}' without its pair",
                      f"close every {mark}text{mark}")
            return
    wanted = sorted(_PLACEHOLDER.findall(source))
    if sorted(_PLACEHOLDER.findall(text)) != wanted:
        diags.add(pos, context, "the translation must keep the placeholders "
                  + (", ".join(wanted) if wanted else "of the source (it has none)"),
                  "copy each {name} from the source text unchanged")


def _msgstr_line(lines: list[str], start: int) -> int:
    """The line of an entry's msgstr: where a translator types, so where a message points."""
    for number in range(max(start, 1), min(start + 200, len(lines)) + 1):
        if lines[number - 1].startswith("msgstr"):
            return number
    return start


def _error_pos(path: Path, message: str) -> Pos:
    found = re.search(r"line (\d+)", message)
    return Pos(path, int(found.group(1)) if found else 1, 1)


def check_folder(root: Path, languages: tuple[str, ...], diags: Diagnostics) -> None:
    """Files in i18n/ that no build would read: a .po for a language not listed, or not one."""
    folder = root / FOLDER
    if not folder.is_dir():
        return
    for path in sorted(folder.glob("*.po")):
        code = path.stem
        why = lang_problem(code)
        if why is not None:
            diags.add(Pos(path), "", why, "name translation files by language: de.po, pt_BR.po")
        elif code not in languages[1:]:
            diags.add(Pos(path), "", f"translates into '{code}', which deck.yaml does not list",
                      "add it to `languages:` in deck.yaml, or delete the file")


def update(root: Path, entries: list[Entry], languages: tuple[str, ...],
           inherited: Callable[[str], Mapping[tuple[str, str], str]] | None = None
           ) -> list[Coverage]:
    """`deckgen i18n`: write i18n/deck.pot, merge it into each translation; their coverage."""
    diags = Diagnostics()
    for language in languages[1:]:
        # A file that does not parse would be lost in the merge: report it, change nothing.
        # (An entry for a text the deck no longer has is fine here: the merge retires it.)
        if po_path(root, language).exists():
            read(po_path(root, language), None, diags)
    if diags:
        raise DeckError(diags)
    pot = template(entries, root)
    folder = root / FOLDER
    folder.mkdir(exist_ok=True)
    pot.save(str(folder / TEMPLATE))
    out = []
    for language in languages[1:]:
        path = po_path(root, language)
        po = merge(pot, path, language, inherited(language) if inherited else None)
        po.save(str(path))
        out.append(coverage(po, language))
    return out


def read_coverage(deck: Deck) -> list[Coverage]:
    """Each translation's coverage as its file stands (no merge: nothing is written)."""
    from deckgen.i18n.catalog import extract

    wanted = {(e.context, e.text) for e in extract(deck)}
    out = []
    for language in deck.languages[1:]:
        path = po_path(deck.root, language)
        entries = {} if not path.exists() else {
            (e.msgctxt or "", e.msgid): e for e in polib.pofile(str(path), wrapwidth=_WRAP)
            if not e.obsolete}
        done = sum(1 for key in wanted if key in entries and entries[key].msgstr
                   and not entries[key].fuzzy)
        fuzzy = sum(1 for key in wanted if key in entries and entries[key].fuzzy)
        out.append(Coverage(language, done, fuzzy, len(wanted) - done - fuzzy))
    return out

"""Ship the engine's words in a language: copy the `deckgen` entries of a finished translation
into deckgen/i18n/words/LANG.po, which every deck in that language then uses.

    python -m deckgen.i18n.ship deck/i18n/de.po
"""

from __future__ import annotations

import sys
from pathlib import Path

import polib  # type: ignore[import-untyped]

from deckgen.i18n import ENGINE
from deckgen.i18n.apply import SHIPPED
from deckgen.i18n.langs import problem


def ship(source: Path) -> tuple[Path, int]:
    """Write the shipped words of `source`'s language; the file and how many words it holds."""
    language = source.stem
    why = problem(language)
    if why is not None:
        raise ValueError(why)
    po = polib.pofile(str(source), wrapwidth=0)
    out = polib.POFile(wrapwidth=0)
    out.metadata = {"Language": language, "MIME-Version": "1.0",
                    "Content-Type": "text/plain; charset=UTF-8",
                    "Content-Transfer-Encoding": "8bit"}
    for entry in po:
        if entry.msgctxt == ENGINE and entry.msgstr and not entry.fuzzy and not entry.obsolete:
            out.append(polib.POEntry(msgctxt=ENGINE, msgid=entry.msgid, msgstr=entry.msgstr))
    SHIPPED.mkdir(exist_ok=True)
    target = SHIPPED / f"{language}.po"
    out.save(str(target))
    return target, len(out)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python -m deckgen.i18n.ship PATH/LANG.po")
    path, count = ship(Path(sys.argv[1]))
    print(f"wrote {path}: {count} words")

"""The bundled icon set: SVG icons usable by name (`icon: users`, `:users:` in text)."""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

from deckgen.assets import check_image, resolve_asset
from deckgen.diagnostics import Diagnostics, Pos, did_you_mean
from deckgen.resources import data_dir

ICON_SET = "lucide"
NAME = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
# Inline icons are carried through text layout as one private-use character each, so a word
# made of an icon is measured, broken and kept together like any other word.
FIRST_CODEPOINT = 0xF0000
ICON_FONT = "deckgen-icon"  # the pseudo-font name runs of inline icons are set in
ICON_ADVANCE = 1.1  # ems an inline icon takes on its line, a little space either side
ICON_SIZE = 1.0  # ems: the icon's drawn square (Lucide leaves about 1/12 blank around it)
ICON_DROP = 0.16  # ems the square sits below the baseline, centring it on the capitals


def icon_dir() -> Path:
    return data_dir("icons") / ICON_SET


@lru_cache(maxsize=1)
def names() -> tuple[str, ...]:
    """Every bundled icon's name, sorted."""
    folder = icon_dir()
    if not folder.is_dir():
        return ()
    return tuple(sorted(p.stem for p in folder.glob("*.svg")))


@lru_cache(maxsize=1)
def _name_set() -> frozenset[str]:
    return frozenset(names())


def is_icon(name: str) -> bool:
    return name in _name_set()


def icon_path(name: str) -> Path | None:
    return icon_dir() / f"{name}.svg" if is_icon(name) else None


@lru_cache(maxsize=1)
def tags() -> dict[str, tuple[str, ...]]:
    try:
        raw = json.loads((icon_dir() / "tags.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {k: tuple(str(t) for t in v) for k, v in raw.items() if isinstance(v, list)}


def search(word: str | None) -> list[str]:
    """Icons whose name or tags contain `word` (every icon without one); names first."""
    if not word:
        return list(names())
    w = word.lower()
    by_name = [n for n in names() if w in n]
    by_tag = [n for n in names() if n not in by_name and any(w in t for t in tags().get(n, ()))]
    return by_name + by_tag


def char_for(name: str) -> str | None:
    """The private-use character standing for icon `name` inside laid-out text."""
    try:
        return chr(FIRST_CODEPOINT + names().index(name))
    except ValueError:
        return None


def name_for(ch: str) -> str | None:
    index = ord(ch) - FIRST_CODEPOINT
    all_names = names()
    return all_names[index] if 0 <= index < len(all_names) else None


def is_icon_char(ch: str) -> bool:
    return 0 <= ord(ch) - FIRST_CODEPOINT < len(names())


def resolve_icon(root: Path, value: str, pos: Pos, field: str, diags: Diagnostics) -> Path | None:
    """An `icon:` value: a bundled icon's name, or a picture file in the deck folder."""
    if NAME.fullmatch(value):
        path = icon_path(value)
        if path is None:
            diags.add(pos, field, f"no bundled icon is called '{value}'",
                      did_you_mean(value, names())
                      or "`deckgen icons --search WORD` lists them; or give a file such as "
                      "assets/icon.svg")
        return path
    path = resolve_asset(root, value, pos, field, diags)
    if path is not None and check_image(path, pos, field, diags):
        return path
    return None

"""Inline markup: **bold**, *italic* and :icon: into styled spans, and the characters
a font chain cannot draw."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from deckgen.deck import icons
from deckgen.text.fonts import FontChain


@dataclass(frozen=True)
class Span:
    """A run of text in one style."""

    text: str
    bold: bool = False
    italic: bool = False

class _Delim:
    """A run of unescaped asterisks while emphasis is being matched."""

    __slots__ = ("can_close", "can_open", "close_marks", "count", "open_marks", "orig")

    def __init__(self, count: int, can_open: bool, can_close: bool) -> None:
        self.count = count
        self.orig = count
        self.can_open = can_open
        self.can_close = can_close
        self.open_marks: list[str] = []
        self.close_marks: list[str] = []

def _may_match(opener: _Delim, closer: _Delim) -> bool:
    # CommonMark's "rule of three": stops "*a**b*" from pairing the wrong runs.
    both = (opener.can_open and opener.can_close) or (closer.can_open and closer.can_close)
    if not both:
        return True
    total = opener.orig + closer.orig
    return total % 3 != 0 or (opener.orig % 3 == 0 and closer.orig % 3 == 0)

_ICON = re.compile(r":([a-z0-9]+(?:-[a-z0-9]+)*):")

def parse_inline(s: str, bold: bool = False, italic: bool = False) -> tuple[Span, ...]:
    """Split `**bold**` / `*italic*` markup (nestable, `\\*` escapes) into styled spans.

    `:name:` with the name of a bundled icon becomes that icon, set as one character of the
    text (see deckgen.deck.icons); any other `:word:` and `\\:` stay colons.

    Markers without a partner stay as literal asterisks; `bold`/`italic` apply to every span.
    """
    return _parse_inline(s, bold, italic)

@functools.lru_cache(maxsize=8192)
def _parse_inline(s: str, bold: bool, italic: bool) -> tuple[Span, ...]:
    nodes: list[str | _Delim] = []
    buf: list[str] = []
    i, n = 0, len(s)
    while i < n:
        c = s[i]
        if c == "\\" and i + 1 < n and s[i + 1] == "*":
            buf.append("*")
            i += 2
            continue
        if c == "\\" and i + 1 < n and s[i + 1] == ":":
            buf.append(":")  # a colon that never starts an :icon:
            i += 2
            continue
        if c == ":" and (m := _ICON.match(s, i)) and (ch := icons.char_for(m.group(1))):
            buf.append(ch)
            i = m.end()
            continue
        if c != "*":
            buf.append(c)
            i += 1
            continue
        j = i
        while j < n and s[j] == "*":
            j += 1
        before = s[i - 1] if i > 0 else " "
        after = s[j] if j < n else " "
        if buf:
            nodes.append("".join(buf))
            buf = []
        nodes.append(_Delim(j - i, can_open=not after.isspace(), can_close=not before.isspace()))
        i = j
    if buf:
        nodes.append("".join(buf))

    openers: list[_Delim] = []
    for node in nodes:
        if isinstance(node, str):
            continue
        if node.can_close:
            while node.count > 0:
                k = len(openers) - 1
                while k >= 0 and not _may_match(openers[k], node):
                    k -= 1
                if k < 0:
                    break
                opener = openers[k]
                use = 2 if opener.count >= 2 and node.count >= 2 else 1
                mark = "b" if use == 2 else "i"
                opener.count -= use
                node.count -= use
                # Each later match wraps the earlier ones, so it sits further out on both sides.
                opener.open_marks.insert(0, mark)
                node.close_marks.append(mark)
                # Runs between a matched pair can no longer open anything.
                del openers[k + 1 :]
                if opener.count == 0:
                    openers.pop()
        if node.can_open and node.count > 0:
            openers.append(node)

    spans: list[Span] = []
    depth = {"b": 0, "i": 0}

    def emit(text: str) -> None:
        if not text:
            return
        b = bold or depth["b"] > 0
        it = italic or depth["i"] > 0
        if spans and spans[-1].bold == b and spans[-1].italic == it:
            spans[-1] = Span(spans[-1].text + text, b, it)
        else:
            spans.append(Span(text, b, it))

    for node in nodes:
        if isinstance(node, str):
            emit(node)
            continue
        for mark in node.close_marks:
            depth[mark] -= 1
        emit("*" * node.count)
        for mark in node.open_marks:
            depth[mark] += 1
    return tuple(spans)

def uncovered(s: str, chain: FontChain, bold: bool = False, italic: bool = False) -> list[str]:
    """Distinct characters of marked-up text that no font of `chain` covers in their style."""
    seen: set[str] = set()
    missing: list[str] = []
    for span in parse_inline(s, bold, italic):
        for ch in chain.uncovered(span.text, span.bold, span.italic):
            if ch not in seen:
                seen.add(ch)
                missing.append(ch)
    return missing

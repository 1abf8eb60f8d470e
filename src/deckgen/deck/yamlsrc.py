"""YAML reading: a safe parse into nodes that remember where they came from."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from deckgen.diagnostics import Diagnostics, Pos, did_you_mean

MAX_FILE_BYTES = 4_000_000
# Aliases can make a small file expand to billions of nodes; nothing a deck needs comes close.
MAX_NODES = 200_000
MAX_DEPTH = 64

_CORE = "tag:yaml.org,2002:"
_ALLOWED_TAGS = {_CORE + t for t in ("str", "int", "float", "bool", "null", "map", "seq")}


@dataclass(frozen=True, eq=False)
class Scalar:
    """A scalar kept as its source text: `title: No` stays the text 'No'."""

    value: str
    plain: bool
    null: bool
    pos: Pos


@dataclass(frozen=True, eq=False)
class Map:
    entries: tuple[tuple[Scalar, Node], ...]
    pos: Pos

    def get(self, key: str) -> Node | None:
        for k, v in self.entries:
            if k.value == key:
                return v
        return None

    def key_pos(self, key: str) -> Pos:
        for k, _ in self.entries:
            if k.value == key:
                return k.pos
        return self.pos

    def keys(self) -> list[str]:
        return [k.value for k, _ in self.entries]

    def __iter__(self) -> Iterator[tuple[Scalar, Node]]:
        return iter(self.entries)


@dataclass(frozen=True, eq=False)
class Seq:
    items: tuple[Node, ...]
    pos: Pos

    def __iter__(self) -> Iterator[Node]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)


Node = Scalar | Map | Seq


def kind(node: Node) -> str:
    if isinstance(node, Map):
        return "a mapping"
    if isinstance(node, Seq):
        return "a list"
    return "empty" if node.null else f"the text '{short(node.value)}'"


def short(text: str) -> str:
    return text if len(text) <= 30 else text[:29] + "…"


def read_yaml(path: Path, diags: Diagnostics) -> Node | None:
    """Parse one YAML file; problems go to `diags` and give None."""
    try:
        if not path.is_file():  # a folder, a pipe or a device would fail or never end
            diags.add(Pos(path), "", "not a regular file", "deck files are plain text files")
            return None
        data = path.read_bytes()
    except OSError as exc:
        diags.add(Pos(path), "", f"cannot read the file: {exc.strerror or exc}")
        return None
    if len(data) > MAX_FILE_BYTES:
        diags.add(Pos(path), "", f"file is {len(data):,} bytes; the limit is {MAX_FILE_BYTES:,}",
                  "split the cards over several files in cards/")
        return None
    text = _decode(path, data, diags)
    if text is None:
        return None
    return parse_yaml(text, path, diags)


def decode_utf8(path: Path, data: bytes, diags: Diagnostics,
                hint: str = "save the file as UTF-8 in your editor") -> str | None:
    """The text of a file that must be UTF-8 (a byte order mark is fine), or None, reported at
    the line and column of the first byte that is not."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        col = len(before[before.rfind(b"\n") + 1:].decode("utf-8", "replace")) + 1
        diags.add(Pos(path, line, col), "", f"the file is not UTF-8 (byte 0x{data[exc.start]:02X})",
                  hint)
        return None


def _decode(path: Path, data: bytes, diags: Diagnostics) -> str | None:
    text = decode_utf8(path, data, diags)
    if text is None:
        return None
    bad = _NOT_YAML.search(text)
    if bad is not None:
        ch = bad.group()
        lineno = text.count("\n", 0, bad.start()) + 1
        colno = bad.start() - text.rfind("\n", 0, bad.start())
        what = "control character" if ord(ch) < 0xA0 else "character"
        diags.add(Pos(path, lineno, colno), "", f"{what} U+{ord(ch):04X} is not allowed in YAML",
                  "delete it; it is invisible in most editors")
        return None
    return text


# What YAML does not allow in a file (as PyYAML's reader checks it), besides tab, CR and LF.
_NOT_YAML = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def parse_yaml(text: str, path: Path, diags: Diagnostics) -> Node | None:
    fast = _parse_clean(text, path)
    return fast if fast is not None else parse_yaml_python(text, path, diags)


def parse_yaml_python(text: str, path: Path, diags: Diagnostics) -> Node | None:
    """The pure-Python parse, which reports every problem with PyYAML's words and marks."""
    try:
        loader = _Loader(text)
    except yaml.YAMLError as exc:  # only reached by text that skipped _decode's checks
        diags.add(Pos(path), "", f"YAML syntax: {exc}")
        return None
    try:
        root = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        if exc.context_mark and any(w in (exc.problem or "") for w in _AT_END):
            mark = exc.context_mark  # point at what was left open, not past the last line
        line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        problem = exc.problem or "invalid YAML"
        if exc.context and exc.problem:
            problem = f"{exc.context}, {exc.problem}"
        diags.add(Pos(path, line, col), "", f"YAML syntax: {problem}", _syntax_hint(problem))
        return None
    except yaml.YAMLError as exc:
        diags.add(Pos(path), "", f"YAML syntax: {exc}")
        return None
    except RecursionError:
        diags.add(Pos(path), "", "the YAML is nested too deeply", "flatten the structure")
        return None
    finally:
        loader.dispose()
    if root is None:
        return Scalar("", True, True, Pos(path, 1, 1))
    converter = _Converter(path, diags)
    try:
        node = converter.convert(root, 0)
    except _TooBig as exc:
        diags.add(exc.pos, "", str(exc), exc.hint)
        return None
    # A tagged value is reported once; reading the rest would only add confusing follow-ups.
    return None if converter.bad_tags else node


def _parse_clean(text: str, path: Path) -> Node | None:
    """The nodes of a file with no problem at all, parsed by libyaml (ten times faster), or None.

    Anything libyaml rejects, and any file with a problem, is read again by the pure-Python
    parser below, so every message and position a user sees comes from one parser.
    """
    if not yaml.__with_libyaml__:
        return None
    try:
        loader = yaml.CSafeLoader(text)
    except Exception:
        return None
    try:
        root = loader.get_single_node()
    except Exception:  # libyaml's errors are retold by the Python parser, in its words
        return None
    finally:
        loader.dispose()
    if root is None:
        return None
    scratch = Diagnostics()
    converter = _Converter(path, scratch)
    try:
        node = converter.convert(root, 0)
    except (_TooBig, RecursionError):
        return None
    return node if not scratch.items and not converter.bad_tags else None


_AT_END = ("end of stream", "<stream end>")
_TOO_DEEP = f"more than {MAX_DEPTH} levels of [ ] or {{ }} inside each other"


class _Loader(yaml.SafeLoader):
    """PyYAML's safe loader, stopping early on deep [ ] / { } nesting (slow, quadratic)."""

    def fetch_flow_collection_start(self, TokenClass: Any) -> None:
        if self.flow_level >= MAX_DEPTH:
            raise yaml.scanner.ScannerError(None, None, _TOO_DEEP, self.get_mark())
        super().fetch_flow_collection_start(TokenClass)


def _syntax_hint(problem: str) -> str:
    if _TOO_DEEP in problem:
        return "flatten the structure"
    if "tab" in problem or "'\\t'" in problem:
        return "indent with spaces, not tabs"
    if "mapping values are not allowed" in problem:
        return "put text containing ': ' in quotes"
    if "found character '@'" in problem or "found character '`'" in problem:
        return "put the value in quotes"
    if "flow" in problem:
        return "inside [ ] or { }, put text that contains ? : , or # in quotes"
    return "check the indentation, and put text containing : # [ ] { } in quotes"


class _TooBig(Exception):
    def __init__(self, message: str, pos: Pos, hint: str) -> None:
        super().__init__(message)
        self.pos = pos
        self.hint = hint


class _Converter:
    def __init__(self, path: Path, diags: Diagnostics) -> None:
        self.path = path
        self.diags = diags
        self.count = 0
        self.bad_tags = 0

    def pos(self, node: yaml.Node) -> Pos:
        mark = node.start_mark
        return Pos(self.path, mark.line + 1, mark.column + 1)

    def convert(self, node: yaml.Node, depth: int) -> Node:
        self.count += 1
        pos = self.pos(node)
        if self.count > MAX_NODES:
            raise _TooBig("the YAML expands to too many values (aliases?)", pos,
                          "write the values out instead of nesting aliases")
        if depth > MAX_DEPTH:
            raise _TooBig("the YAML is nested too deeply (or an alias refers to itself)", pos,
                          "flatten the structure; an alias must not refer to itself")
        if node.tag not in _ALLOWED_TAGS:
            self.bad_tags += 1
            self.diags.add(pos, "", f"YAML tag '{node.tag}' is not allowed",
                           "remove the '!' tag; deck files hold plain text, numbers and lists")
        if isinstance(node, yaml.ScalarNode):
            plain = not node.style  # None from the Python parser, "" from libyaml
            null = plain and node.tag == _CORE + "null"
            return Scalar(str(node.value), plain, null, pos)
        if isinstance(node, yaml.SequenceNode):
            return Seq(tuple(self.convert(item, depth + 1) for item in node.value), pos)
        assert isinstance(node, yaml.MappingNode)
        entries: list[tuple[Scalar, Node]] = []
        seen: dict[str, Pos] = {}
        for key_node, value_node in node.value:
            key = self.convert(key_node, depth + 1)
            value = self.convert(value_node, depth + 1)
            if not isinstance(key, Scalar):
                self.diags.add(key.pos, "", "a key must be plain text, not " + kind(key))
                continue
            if key.value in seen:
                first = seen[key.value]
                self.diags.add(key.pos, key.value,
                               f"duplicate key (first given on line {first.line})",
                               "keep one of them; YAML would silently use the last")
                continue
            seen[key.value] = key.pos
            entries.append((key, value))
        return Map(tuple(entries), pos)


# Typed readers: each reports a problem and returns None rather than raising.


def check_keys(node: Map, allowed: Iterable[str], path: str, diags: Diagnostics,
               required: Iterable[str] = ()) -> None:
    allowed_set = list(allowed)
    for key, _ in node:
        if key.value not in allowed_set:
            hint = did_you_mean(key.value, allowed_set) or "allowed here: " + ", ".join(allowed_set)
            diags.add(key.pos, join(path, key.value), "unknown key", hint)
    for name in required:
        value = node.get(name)
        if value is None or (isinstance(value, Scalar) and value.null):
            diags.add(node.pos if value is None else value.pos, join(path, name),
                      "required field is missing" if value is None else "required field is empty")


def join(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def text(node: Node | None, path: str, diags: Diagnostics, *, required: bool = False,
         max_len: int = 5000) -> str | None:
    if node is None:
        return None
    if isinstance(node, Scalar):
        if node.null:
            if required:
                diags.add(node.pos, path, "must not be empty")
            return None
        value = node.value
        if len(value) > max_len:
            diags.add(node.pos, path, f"text is {len(value)} characters; the limit is {max_len}")
            return None
        return value
    diags.add(node.pos, path, f"must be text, not {kind(node)}",
              "write it on one line after the colon" if isinstance(node, Seq) else None)
    return None


def integer(node: Node | None, path: str, diags: Diagnostics, *, lo: int, hi: int) -> int | None:
    if node is None:
        return None
    if isinstance(node, Scalar) and not node.null:
        try:
            value = int(node.value.replace("_", ""), 10)
        except ValueError:
            diags.add(node.pos, path, f"must be a whole number, not '{short(node.value)}'")
            return None
        if not lo <= value <= hi:
            diags.add(node.pos, path, f"must be between {lo} and {hi}, not {value}")
            return None
        return value
    diags.add(node.pos, path, f"must be a whole number, not {kind(node)}")
    return None


def flag(node: Node | None, path: str, diags: Diagnostics) -> bool | None:
    """true/false (also yes/no, on/off), or None (reported when it is anything else)."""
    value = text(node, path, diags)
    if value is None or node is None:
        return None
    if value.lower() in ("true", "yes", "on"):
        return True
    if value.lower() in ("false", "no", "off"):
        return False
    diags.add(node.pos, path, f"must be true or false, not '{short(value)}'")
    return None


def text_list(node: Node | None, path: str, diags: Diagnostics, *,
              max_items: int = 100) -> tuple[str, ...]:
    if node is None or (isinstance(node, Scalar) and node.null):
        return ()
    if not isinstance(node, Seq):
        diags.add(node.pos, path, f"must be a list, not {kind(node)}",
                  "write each entry on its own line starting with '- '")
        return ()
    if len(node) > max_items:
        diags.add(node.pos, path, f"has {len(node)} entries; the limit is {max_items}")
        return ()
    out: list[str] = []
    for i, item in enumerate(node):
        value = text(item, join(path, i), diags, required=True)
        if value is not None:
            out.append(value)
    return tuple(out)


def mapping(node: Node | None, path: str, diags: Diagnostics) -> Map | None:
    if node is None or (isinstance(node, Scalar) and node.null):
        return None
    if not isinstance(node, Map):
        diags.add(node.pos, path, f"must be a mapping of keys to values, not {kind(node)}",
                  "indent the keys below this one")
        return None
    return node


def sequence(node: Node | None, path: str, diags: Diagnostics) -> Seq | None:
    if node is None or (isinstance(node, Scalar) and node.null):
        return None
    if not isinstance(node, Seq):
        diags.add(node.pos, path, f"must be a list, not {kind(node)}",
                  "write each entry on its own line starting with '- '")
        return None
    return node

"""Paths into parsed YAML documents, and copies with one path changed: for the fuzz tests."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any


def paths(node: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield prefix
    if isinstance(node, dict):
        for key, value in node.items():
            yield from paths(value, (*prefix, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from paths(value, (*prefix, i))


def put(doc: Any, path: tuple[Any, ...], value: Any, delete: bool = False) -> Any:
    """A copy of `doc` with `path` set to `value` (or deleted), creating maps on the way."""
    if not path:
        return value
    head, rest = path[0], path[1:]
    if isinstance(doc, dict):
        out = dict(doc)
        if delete and not rest:
            out.pop(head, None)
        else:
            out[head] = put(doc.get(head, {}), rest, value, delete)
        return out
    if isinstance(doc, list) and isinstance(head, int) and head < len(doc):
        items = list(doc)
        if delete and not rest:
            del items[head]
        else:
            items[head] = put(doc[head], rest, value, delete)
        return items
    return doc  # a path through a value an earlier mutation replaced: nothing to set

"""Property tests for spreadsheet sources: whatever a CSV or XLSX file holds, the loader answers
with a Deck or with diagnostics, and a deck that loads passes the drawer's checks without raising.

Mutations: lines deleted, doubled or cut, odd cells and quotes, stray delimiters and line ends,
random and non-UTF-8 bytes, truncation; workbooks with random sheets and cells of every type,
and workbooks whose bytes are damaged.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deckgen.deck.load import load_deck
from deckgen.diagnostics import DeckError, forget_sources
from deckgen.draw.renderer import CardRenderer
from test_sheets import DECK, GOOD_CSV, HEADER, xlsx

FUZZ = settings(max_examples=80, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.function_scoped_fixture])

SEED_CSV = GOOD_CSV + (
    'italy,europe,Italy,5,10,"One\n""Two""\nThree",france\n'
    "malta,europe,,1,,,\n"
)


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("sheets") / "deck"
    (folder / "cards").mkdir(parents=True)
    (folder / "deck.yaml").write_text(DECK, encoding="utf-8")
    return folder


def load_with(root: Path, name: str, data: bytes) -> None:
    """The property: a Deck that the drawer can check, or a DeckError that formats."""
    for old in (root / "cards").iterdir():
        old.unlink()
    (root / "cards" / name).write_bytes(data)
    forget_sources()
    try:
        deck = load_deck(root)
    except DeckError as error:
        assert error.diagnostics, "a DeckError must carry at least one diagnostic"
        assert all(d.message for d in error.diagnostics.items)
        error.diagnostics.format()
        return
    for diag in CardRenderer(deck).check().sorted():
        diag.format()


ODD_CELLS = st.one_of(
    st.text(max_size=30),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=12),
    st.sampled_from(['"', '""', '"x', 'x"', '"a""b"', ",", ";", "\t", "\r", "\n", "\r\n", "\0",
                     "\ufeff", "\u202e", "europe", "asia", "france", "spain", "3", "-1", "1e999",
                     "nan", "11", "2.5", "#N/A", "=A1", "x" * 6000, "a\nb\nc"]),
)


@st.composite
def mutated_csv(draw: st.DrawFn) -> bytes:
    lines = SEED_CSV.split("\n")
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        i = draw(st.integers(min_value=0, max_value=max(len(lines) - 1, 0)))
        op = draw(st.sampled_from(["delete", "duplicate", "cell", "insert", "cut"]))
        if op == "delete" and lines:
            del lines[i]
        elif op == "duplicate" and lines:
            lines.insert(i, lines[i])
        elif op == "cell" and lines:
            cells = lines[i].split(",")
            cells[draw(st.integers(0, len(cells) - 1))] = draw(ODD_CELLS)
            lines[i] = ",".join(cells)
        elif op == "insert":
            lines.insert(i, ",".join(draw(st.lists(ODD_CELLS, max_size=9))))
        elif op == "cut" and lines:
            lines[i] = lines[i][: draw(st.integers(0, len(lines[i])))]
    data = draw(st.sampled_from(["\n", "\r\n", "\r"])).join(lines).encode("utf-8")
    byte_op = draw(st.sampled_from(["none", "bom", "bytes", "truncate"]))
    if byte_op == "bom":
        data = b"\xef\xbb\xbf" + data
    elif byte_op == "bytes":
        at = draw(st.integers(min_value=0, max_value=len(data)))
        data = data[:at] + draw(st.binary(min_size=1, max_size=8)) + data[at:]
    elif byte_op == "truncate":
        data = data[: draw(st.integers(min_value=0, max_value=len(data)))]
    return data


@settings(FUZZ, max_examples=60)
@given(data=mutated_csv())
def test_mutated_csv_gives_a_deck_or_diagnostics(root: Path, data: bytes) -> None:
    load_with(root, "cards.csv", data)


CELL_VALUES = st.one_of(
    st.none(),
    ODD_CELLS.map(lambda s: "".join(ch for ch in s if ch >= " " or ch in "\n\t")),
    st.integers(min_value=-(10**15), max_value=10**15),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.datetimes(min_value=dt.datetime(1900, 3, 1), max_value=dt.datetime(2200, 1, 1)),
    st.sampled_from(["=A1", "=1/0", '=UPPER("x")', "#REF!"]),
)
SHEET_NAMES = st.text(alphabet="abcdefghijklmnopqrstuvwxyz ABC0123_'", min_size=1,
                      max_size=20).filter(lambda s: s.strip() == s and s != "History"
                                          and not s.startswith("'") and not s.endswith("'"))


@st.composite
def random_workbook(draw: st.DrawFn) -> bytes:
    base = [HEADER, ["france", "europe", "France", 7, 3, "Atlas", "spain"],
            ["spain", "europe", "Spain", 9]]
    rows: list[list[object]] = [list(r) for r in base]
    for _ in range(draw(st.integers(min_value=0, max_value=6))):
        r = draw(st.integers(min_value=0, max_value=len(rows)))
        if r == len(rows):
            rows.append(draw(st.lists(CELL_VALUES, max_size=9)))
        else:
            row = rows[r] or [None]
            row[draw(st.integers(0, len(row) - 1))] = draw(CELL_VALUES)
            rows[r] = row
    title, *names = draw(st.lists(SHEET_NAMES, min_size=1, max_size=3, unique_by=str.lower))
    more = {n: draw(st.lists(st.lists(CELL_VALUES, max_size=5), max_size=4)) for n in names}
    return xlsx(rows, title=title, more=more)


@settings(FUZZ, max_examples=40)
@given(data=random_workbook())
def test_random_workbooks_give_a_deck_or_diagnostics(root: Path, data: bytes) -> None:
    load_with(root, "cards.xlsx", data)


GOOD_BOOK = xlsx([HEADER, ["france", "europe", "France", 7, 3, "Atlas\nAlmanac", "spain"],
                  ["spain", "europe", "Spain", 9]])


@st.composite
def damaged_workbook(draw: st.DrawFn) -> bytes:
    data = bytearray(GOOD_BOOK)
    op = draw(st.sampled_from(["flip", "flip", "truncate", "splice"]))
    if op == "flip":
        for _ in range(draw(st.integers(min_value=1, max_value=8))):
            data[draw(st.integers(0, len(data) - 1))] = draw(st.integers(0, 255))
    elif op == "truncate":
        del data[draw(st.integers(0, len(data) - 1)):]
    else:
        at = draw(st.integers(0, len(data)))
        data[at:at] = draw(st.binary(min_size=1, max_size=64))
    return bytes(data)


@settings(FUZZ, max_examples=60)
@given(data=damaged_workbook())
def test_damaged_workbooks_give_a_deck_or_diagnostics(root: Path, data: bytes) -> None:
    load_with(root, "cards.xlsx", data)

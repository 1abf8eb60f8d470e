"""Cards from spreadsheets: cards/*.csv and cards/*.xlsx read, checked and positioned like YAML."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from deckgen.cli import main
from deckgen.deck import sheets
from deckgen.deck.load import load_deck
from deckgen.diagnostics import DeckError

DECK = """\
deck:
  title: Capital Quiz
fields:
  title: {type: text, required: false}
  value: {type: text, required: true}
  refs: {type: list}
  points: {type: number, min: 1, max: 10, integer: true}
  see: {type: refs}
categories:
  - id: europe
    name: Europe
    question: Which capital?
    color: "#1D5E8C"
  - id: asia
    name: Asia
    question: Which capital?
    color: "#8C1D5E"
"""

HEADER = ["id", "category", "title", "value", "points", "refs", "see"]
GOOD_CSV = (
    "id,category,title,value,points,refs,see\n"
    'france,europe,France,7,3,"Atlas p. 12\nEncyclopaedia vol. 3",spain\n'
    "spain,europe,Spain,9,,,\n"
)


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # diagnostics name files relative to the working folder


def deck_with(tmp_path: Path, files: dict[str, str | bytes]) -> Path:
    root = tmp_path / "quiz"
    (root / "cards").mkdir(parents=True)
    (root / "deck.yaml").write_text(DECK, encoding="utf-8")
    for name, content in files.items():
        target = root / "cards" / name
        if isinstance(content, str):
            target.write_bytes(content.encode("utf-8"))
        else:
            target.write_bytes(content)
    return root


def xlsx(rows: list[list[object]], *, title: str = "Sheet1",
         more: dict[str, list[list[object]]] | None = None) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title
    for row in rows:
        sheet.append(row)
    for name, extra in (more or {}).items():
        other = book.create_sheet(name)
        for row in extra:
            other.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def problems(root: Path) -> list[str]:
    with pytest.raises(DeckError) as info:
        load_deck(root)
    return [d.format() for d in info.value.diagnostics.sorted()]


def one_problem(root: Path) -> str:
    found = problems(root)
    assert len(found) == 1, found
    return found[0]


# Reading ---------------------------------------------------------------------------------------


def test_a_csv_deck_loads_with_lists_refs_and_numbers(tmp_path: Path) -> None:
    deck = load_deck(deck_with(tmp_path, {"quiz.csv": GOOD_CSV}))
    cards = {c.id: c for c in deck.cards}
    assert set(cards) == {"france", "spain"}
    france = cards["france"]
    assert france.title == "France"
    assert france.value("value") == "7"
    assert france.value("points") == 3
    # One entry per line of the cell; an empty cell is an absent field.
    assert france.value("refs") == ("Atlas p. 12", "Encyclopaedia vol. 3")
    assert france.value("see") == ("spain",)
    assert cards["spain"].value("points") is None
    assert cards["spain"].value("refs") is None


def test_list_json_shows_the_fields_of_spreadsheet_cards(tmp_path: Path) -> None:
    root = deck_with(tmp_path, {"quiz.csv": GOOD_CSV})
    result = CliRunner().invoke(main, ["list", str(root), "--json"])
    assert result.exit_code == 0, result.output
    cards = {c["id"]: c for c in json.loads(result.output)}
    assert cards["france"]["refs"] == ["Atlas p. 12", "Encyclopaedia vol. 3"]
    assert cards["france"]["points"] == 3


def test_a_byte_order_mark_is_accepted_silently(tmp_path: Path) -> None:
    deck = load_deck(deck_with(tmp_path, {"quiz.csv": b"\xef\xbb\xbf" + GOOD_CSV.encode()}))
    assert {c.id for c in deck.cards} == {"france", "spain"}


@pytest.mark.parametrize("sep", [";", "\t"])
def test_a_semicolon_or_tab_header_sets_the_delimiter(tmp_path: Path, sep: str) -> None:
    text = GOOD_CSV.replace(",", sep).replace("Atlas p. 12", "Atlas, p. 12")
    deck = load_deck(deck_with(tmp_path, {"quiz.csv": text}))
    france = next(c for c in deck.cards if c.id == "france")
    assert france.value("refs") == ("Atlas, p. 12", "Encyclopaedia vol. 3")


def test_formats_mix_in_one_name_order_and_ids_clash_across_them(tmp_path: Path) -> None:
    yaml_cards = "category: asia\ncards:\n  - id: japan\n    value: '3'\n    see: [france]\n"
    root = deck_with(tmp_path, {"a.yaml": yaml_cards, "b.csv": GOOD_CSV})
    deck = load_deck(root)
    assert [c.id for c in deck.cards] == ["france", "spain", "japan"]  # category order
    clash = GOOD_CSV + "japan,asia,Japan again,4,,,\n"
    (root / "cards" / "b.csv").write_text(clash, encoding="utf-8")
    message = one_problem(root)
    assert message.startswith("quiz/cards/b.csv:5:1: id: card id 'japan' is used twice "
                              "(first at cards/a.yaml:3)"), message


def test_excels_lock_file_is_not_read_as_a_workbook(tmp_path: Path) -> None:
    root = deck_with(tmp_path, {"quiz.csv": GOOD_CSV, "~$deck.xlsx": b"\x00locked by me"})
    assert len(load_deck(root).cards) == 2


def test_a_hidden_sheet_is_not_read_and_a_visible_one_without_cards_is_reported(
        tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    cards = book.active
    assert cards is not None
    for row in ([HEADER, ["france", "europe", "France", 7]]):
        cards.append(row)
    choices = book.create_sheet("Choices")
    choices.append(["europe"])
    choices.append(["asia"])
    choices.sheet_state = "hidden"
    out = io.BytesIO()
    book.save(out)
    root = deck_with(tmp_path, {"Deck.XLSX": out.getvalue()})
    assert [c.id for c in load_deck(root).cards] == ["france"]
    choices.sheet_state = "visible"
    book.save(root / "cards" / "Deck.XLSX")
    message = one_problem(root)
    assert message.startswith("quiz/cards/Deck.XLSX:1:1: Choices!A1: no column 'id', "
                              "'category', 'value'; every card needs them"), message
    assert "can be hidden" in message


def test_an_xlsx_deck_reads_every_sheet_and_cells_as_typed(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        HEADER,
        ["france", "europe", "France", 7.0, 3, "Atlas p. 12\nEncyclopaedia", "spain"],
        [],  # an empty row between groups is skipped
        ["spain", "europe", dt.datetime(2024, 5, 1), 2.5, None, None, None],
    ]
    more: dict[str, list[list[object]]] = {
        "Asia": [[], ["id", "category", "value"], ["japan", "asia", True]]}
    deck = load_deck(deck_with(tmp_path, {"deck.xlsx": xlsx(rows, more=more)}))
    cards = {c.id: c for c in deck.cards}
    assert cards["france"].value("value") == "7"  # stored as 7.0, typed as 7
    assert cards["france"].value("refs") == ("Atlas p. 12", "Encyclopaedia")
    assert cards["spain"].title == "2024-05-01"
    assert cards["spain"].value("value") == "2.5"
    assert cards["japan"].value("value") == "TRUE"


def with_saved_result(book: bytes, cell: str, result: str) -> bytes:
    """The workbook as Excel saves it: the formula's result stored beside the formula."""
    src = zipfile.ZipFile(io.BytesIO(book))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                # openpyxl writes <v></v> or <v /> (with lxml or without): no saved result.
                pattern = rb'<c r="%s"([^>]*)><f>(.*?)</f>(?:<v ?/>|<v></v>)</c>' % cell.encode()
                saved = rb'<c r="%s" t="str"><f>\2</f><v>%s</v></c>' % (cell.encode(),
                                                                         result.encode())
                data, found = re.subn(pattern, saved, data)
                assert found == 1, data
            dst.writestr(item, data)
    return out.getvalue()


def test_a_formula_gives_its_saved_result(tmp_path: Path) -> None:
    rows: list[list[object]] = [HEADER, ["france", "europe", "France", '=UPPER("ab")']]
    book = with_saved_result(xlsx(rows), "D2", "AB")
    deck = load_deck(deck_with(tmp_path, {"deck.xlsx": book}))
    assert deck.cards[0].value("value") == "AB"


def test_a_workbook_whose_formulas_were_never_calculated_is_refused(tmp_path: Path) -> None:
    rows: list[list[object]] = [HEADER, ["france", "europe", "France", "=A2"]]
    message = one_problem(deck_with(tmp_path, {"deck.xlsx": xlsx(rows)}))
    assert message.startswith("quiz/cards/deck.xlsx:2:4: Sheet1!D2: the formula =A2 has no "
                              "saved result"), message
    assert "save it" in message


def test_an_error_cell_is_reported_at_its_cell(tmp_path: Path) -> None:
    rows: list[list[object]] = [HEADER, ["france", "europe", "France", "#N/A"]]
    message = one_problem(deck_with(tmp_path, {"deck.xlsx": xlsx(rows)}))
    assert message.startswith("quiz/cards/deck.xlsx:2:4: Sheet1!D2: the cell shows the error "
                              "#N/A"), message


# Mistakes, positioned: the same checks as YAML cards, at the cell ------------------------------


def csv_with(row: str) -> str:
    return GOOD_CSV + row + "\n"


# (row added after GOOD_CSV, which ends on line 4; expected start of the one message)
CSV_MISTAKES = {
    "unknown category": (
        "italy,europ,Italy,5,,,",
        "quiz/cards/quiz.csv:5:2: category: card 'italy': category 'europ' is not declared "
        "in deck.yaml\n  hint: did you mean 'europe'?"),
    "unknown card id": (
        "italy,europe,Italy,5,,,fance",
        "quiz/cards/quiz.csv:5:7: see: card 'italy': no card has the id 'fance'\n"
        "  hint: did you mean 'france'?"),
    "bad number": (
        "italy,europe,Italy,5,three,,",
        "quiz/cards/quiz.csv:5:5: points: must be a number, not 'three'"),
    "list in a text field": (
        'italy,europe,"Italy\nRome",5,,,',
        "quiz/cards/quiz.csv:5:3: title: a list in a text field: 'title' takes one line"),
    "required field empty": (
        "italy,europe,Italy,,,,",
        "quiz/cards/quiz.csv:5:4: value: required field is empty"),
    "more cells": (
        "italy,europe,Italy,5,,,,x",
        "quiz/cards/quiz.csv:5:8: this row has 8 cells but the header has 7\n"
        '  hint: put a value that holds a comma in double quotes: "red, green"'),
    "fewer cells": (
        "italy,europe,Italy,5",
        "quiz/cards/quiz.csv:5:5: this row has 4 cells but the header has 7"),
    "control character": (
        "italy,europe,It\x01aly,5,,,",
        "quiz/cards/quiz.csv:5:3: the cell holds the invisible control character U+0001"),
}


@pytest.mark.parametrize("case", CSV_MISTAKES)
def test_csv_mistakes_are_positioned_at_the_cell(tmp_path: Path, case: str) -> None:
    row, expected = CSV_MISTAKES[case]
    message = one_problem(deck_with(tmp_path, {"quiz.csv": csv_with(row)}))
    assert message.startswith(expected), message
    # The column is a cell number, not a character offset: no caret under the line.
    assert "^" not in message


def test_a_cell_with_line_breaks_pushes_later_records_down(tmp_path: Path) -> None:
    text = GOOD_CSV + 'italy,europe,Italy,"5",,"one\r\ntwo\nthree",\nmalta,europe,Malta,1,x,,\n'
    # france takes lines 2-3, spain 4, italy 5-7 (a CRLF and a LF inside its quotes): malta 8.
    message = one_problem(deck_with(tmp_path, {"quiz.csv": text}))
    assert message.startswith("quiz/cards/quiz.csv:8:5: points: must be a number, not 'x'")


@pytest.mark.parametrize("header, expected", [
    ("id,category,title,value,pionts",
     "quiz/cards/quiz.csv:1:5: pionts: unknown column 'pionts'\n  hint: did you mean 'points'?"),
    ("id,category,title,value,title",
     "quiz/cards/quiz.csv:1:5: title: column 'title' appears twice (first in column 3)"),
    ("id,category,title,value,",
     "quiz/cards/quiz.csv:1:5: column 5 has values but no header"),
    ("id,title,value,points,refs",
     "quiz/cards/quiz.csv:1:1: no column 'category'; every card needs one"),
])
def test_a_column_problem_is_reported_once_at_line_1(tmp_path: Path, header: str,
                                                     expected: str) -> None:
    rows = "".join(f"c{i},europe,T{i},{i},{i}\n" for i in range(1, 6))
    message = one_problem(deck_with(tmp_path, {"quiz.csv": header + "\n" + rows}))
    assert message.startswith(expected), message


def test_headers_match_field_names_whatever_their_case(tmp_path: Path) -> None:
    text = GOOD_CSV.replace("id,category,title,value", "ID,Category,Title,Value")
    assert len(load_deck(deck_with(tmp_path, {"quiz.csv": text})).cards) == 2


def test_an_empty_unused_column_is_ignored(tmp_path: Path) -> None:
    text = "".join(line + ",,\n" for line in GOOD_CSV.splitlines(keepends=False)
                   if "Atlas" not in line and "Encyclopaedia" not in line)
    assert [c.id for c in load_deck(deck_with(tmp_path, {"quiz.csv": text})).cards] == ["spain"]


def test_a_file_that_is_not_utf8_names_the_first_bad_byte(tmp_path: Path) -> None:
    data = GOOD_CSV.encode() + "italy,europe,Itàly,5,,,\n".encode("latin-1")
    message = one_problem(deck_with(tmp_path, {"quiz.csv": data}))
    assert message.startswith("quiz/cards/quiz.csv:5:16: the file is not UTF-8 (byte 0xE0)")
    assert "CSV UTF-8" in message


@pytest.mark.parametrize("row, expected", [
    ('italy,europe,"Italy,5,,,', "quiz/cards/quiz.csv:5:3: a quote opened on line 5 is never "
                                 "closed"),
    ('italy,europe,"Italy"x,5,,,', "quiz/cards/quiz.csv:5:3: text after a closing quote"),
])
def test_quote_mistakes_are_positioned(tmp_path: Path, row: str, expected: str) -> None:
    message = one_problem(deck_with(tmp_path, {"quiz.csv": csv_with(row)}))
    assert message.startswith(expected), message


XLSX_MISTAKES = {
    "unknown category": (
        ["italy", "europ", "Italy", 5],
        "quiz/cards/deck.xlsx:12:2: Cards!B12: category: card 'italy': category 'europ' is not "
        "declared in deck.yaml\n  hint: did you mean 'europe'?"),
    "unknown card id": (
        ["italy", "europe", "Italy", 5, None, None, "fance"],
        "quiz/cards/deck.xlsx:12:7: Cards!G12: see: card 'italy': no card has the id 'fance'\n"
        "  hint: did you mean 'france'?"),
    "bad number": (
        ["italy", "europe", "Italy", 5, "three"],
        "quiz/cards/deck.xlsx:12:5: Cards!E12: points: must be a number, not 'three'"),
    "list in a text field": (
        ["italy", "europe", "Italy\nRome", 5],
        "quiz/cards/deck.xlsx:12:3: Cards!C12: title: a list in a text field"),
    "number out of range": (
        ["italy", "europe", "Italy", 5, 11.0],
        "quiz/cards/deck.xlsx:12:5: Cards!E12: points: must be between 1 and 10, not 11"),
}


@pytest.mark.parametrize("case", XLSX_MISTAKES)
def test_xlsx_mistakes_name_the_sheet_and_cell(tmp_path: Path, case: str) -> None:
    row, expected = XLSX_MISTAKES[case]
    good = [["france", "europe", "France", 7], *([[]] * 9)]  # the mistake lands on row 12
    book = xlsx([HEADER, *good, row], title="Cards")
    message = one_problem(deck_with(tmp_path, {"deck.xlsx": book}))
    assert message.startswith(expected), message


def test_an_unknown_column_is_reported_once_per_sheet(tmp_path: Path) -> None:
    rows = [["id", "category", "value", "titel"],
            *([f"c{i}", "europe", i, "T"] for i in range(1, 6))]
    found = problems(deck_with(tmp_path, {"deck.xlsx": xlsx(rows, title="My cards")}))
    assert found == ["quiz/cards/deck.xlsx:1:4: 'My cards'!D1: titel: unknown column 'titel'\n"
                     "  hint: did you mean 'title'?"]


# Untrusted workbooks ---------------------------------------------------------------------------


def zip_of(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


@pytest.mark.parametrize("data, expected", [
    (b"id,category\nfrance,europe\n", "not an Excel workbook (.xlsx): the file is not a zip"),
    (zip_of({"content.xml": b"<office/>"}), "not an Excel workbook (.xlsx): a zip archive "
                                            "without xl/workbook.xml"),
    (zip_of({"xl/workbook.xml": b"<workbook", "[Content_Types].xml": b"<"}),
     "cannot read the workbook"),
])
def test_what_is_no_workbook_gets_a_clear_message(tmp_path: Path, data: bytes,
                                                  expected: str) -> None:
    message = one_problem(deck_with(tmp_path, {"deck.xlsx": data}))
    assert message.startswith("quiz/cards/deck.xlsx: " + expected), message


def test_a_zip_bomb_is_refused_from_its_directory(tmp_path: Path) -> None:
    bomb = zip_of({"xl/workbook.xml": b"<workbook/>",
                   "xl/worksheets/sheet1.xml": b"\0" * 3_000_000})
    assert len(bomb) < 20_000
    message = one_problem(deck_with(tmp_path, {"deck.xlsx": bomb}))
    assert "likely zip bomb" in message, message


def test_a_workbook_that_unpacks_too_large_is_refused(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sheets, "MAX_UNPACKED", 10_000)
    book = xlsx([HEADER, ["france", "europe", "France", 7]])
    message = one_problem(deck_with(tmp_path, {"deck.xlsx": book}))
    assert "the workbook unpacks to" in message and "the limit is 10,000" in message, message


def test_a_sheet_of_absurd_size_is_refused(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HEADER)
    sheet.cell(row=900_000, column=1, value="far away")
    out = io.BytesIO()
    book.save(out)
    message = one_problem(deck_with(tmp_path, {"deck.xlsx": out.getvalue()}))
    assert "Sheet!A1: the sheet spans 900,000 rows" in message, message


def test_a_workbook_value_right_of_the_last_header_is_reported(tmp_path: Path) -> None:
    rows: list[list[object]] = [HEADER, ["france", "europe", "France", 7],
                                ["spain", "europe", "Spain", 9, None, None, None, None, "x"]]
    message = one_problem(deck_with(tmp_path, {"deck.xlsx": xlsx(rows)}))
    assert message.startswith("quiz/cards/deck.xlsx:1:9: Sheet1!I1: column 9 has values but no "
                              "header"), message


def test_a_workbook_of_too_many_parts_is_refused_before_they_are_listed(tmp_path: Path) -> None:
    parts = {"xl/workbook.xml": b"<workbook/>", **{f"xl/p{i}.xml": b"" for i in range(2_100)}}
    message = one_problem(deck_with(tmp_path, {"deck.xlsx": zip_of(parts)}))
    assert "the workbook has 2,101 parts; the limit is 2,000" in message, message


def test_xml_entities_in_a_workbook_are_refused_not_expanded(tmp_path: Path) -> None:
    laughs = b'<!DOCTYPE w [<!ENTITY a "aaaaaaaaaa">' + b"".join(
        b'<!ENTITY %c "%s">' % (ord("b") + i, b"&%c;" % (ord("a") + i) * 10) for i in range(8)
    ) + b"]>"
    book = zipfile.ZipFile(io.BytesIO(xlsx([HEADER, ["france", "europe", "France", 7]])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in book.infolist():
            data = book.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":  # France: 10^9 characters
                data = laughs + data.replace(b"<t>France</t>", b"<t>&i;</t>")
            dst.writestr(item, data)
    message = one_problem(deck_with(tmp_path, {"deck.xlsx": out.getvalue()}))
    assert message.startswith("quiz/cards/deck.xlsx: cannot read the workbook"), message

"""Translations: deckgen i18n, build --lang with its warnings and --strict, and bad .po files."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import polib  # type: ignore[import-untyped]
import pypdfium2 as pdfium
from click.testing import CliRunner, Result

from conftest import MINI_DECK
from deckgen.cli import main

RU_DECK = MINI_DECK.format(size="poker").replace("deck:\n  title: Test Deck\n",
                            "deck:\n  title: Test Deck\n  language: en\nlanguages: [en, ru]\n")
_LATIN = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
_CYRILLIC = "абцдефгхийклмнопярстужвхызАБЦДЕФГХИЙКЛМНОПЯРСТУЖВХЫЗ"
_TO_RU = str.maketrans(_LATIN, _CYRILLIC)


def russian(text: str) -> str:
    """A stand-in translation: every Latin letter Cyrillic, placeholders kept as they are."""
    return "".join(part if part.startswith("{") else part.translate(_TO_RU)
                   for part in re.split(r"(\{[^}]*\})", text))


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def text_of(pdf: Path) -> str:
    doc = pdfium.PdfDocument(str(pdf))
    try:
        return "\n".join(str(page.get_textpage().get_text_range()) for page in doc)
    finally:
        doc.close()


def translated_deck(make_deck: Callable[..., Path], leave_out: tuple[str, ...] = ()) -> Path:
    """The mini deck with ru.po filled in, except the entries whose context is in leave_out."""
    root = make_deck(RU_DECK)
    assert run("i18n", str(root)).exit_code == 0
    po = polib.pofile(str(root / "i18n" / "ru.po"))
    for entry in po:
        if entry.msgctxt not in leave_out:
            entry.msgstr = russian(entry.msgid)
    po.save()
    return root


MISSING = ("card/new-visitor/title", "card/lapsed/items/2", "category/triggers/question")


def test_coverage_warnings_and_strict(make_deck: Callable[..., Path], tmp_path: Path) -> None:
    root = translated_deck(make_deck, MISSING)
    result = run("i18n", str(root))
    assert result.exit_code == 0, result.output
    row = next(line for line in result.output.splitlines() if line.startswith("ru "))
    translated, fuzzy, untranslated, percent = row.split()[1:]
    assert int(translated) > 0
    assert (int(fuzzy), int(untranslated)) == (0, 3) and float(percent.rstrip("%")) < 100

    result = run("build", str(root), "-o", str(tmp_path / "out"), "--only", "cards",
                 "--lang", "ru")
    assert result.exit_code == 0, result.output
    po_text = (root / "i18n" / "ru.po").read_text(encoding="utf-8").splitlines()
    for context in MISSING:
        line = po_text.index(f'msgctxt "{context}"') + 3  # its msgstr
        assert re.search(rf"i18n/ru\.po:{line}:1: {re.escape(context)}: warning: \[ru\] .* "
                         "is untranslated", result.output), (context, result.output)
    pages = text_of(tmp_path / "out" / "cards.pdf")
    assert "New visitor" in pages  # left out: the source text, not a blank
    assert russian("Lapsed subscriber") in pages and "Lapsed subscriber" not in pages
    assert russian("Cancelled") in pages and "Card expired" in pages

    result = run("build", str(root), "-o", str(tmp_path / "strict"), "--only", "cards",
                 "--lang", "ru", "--strict")
    assert result.exit_code == 1
    assert "3 problems found" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "strict").exists()


def test_russian_workbook_has_no_english_engine_headings(make_deck: Callable[..., Path],
                                                          tmp_path: Path) -> None:
    root = translated_deck(make_deck)
    result = run("build", str(root), "-o", str(tmp_path / "out"), "--only", "workbook",
                 "--lang", "ru", "--strict")
    assert result.exit_code == 0, result.output
    pages = text_of(tmp_path / "out" / "workbook.pdf")
    for heading in ("Contents", "How to use the deck", "The categories", "Worksheets",
                    "Card reference", "Blank cards"):
        assert heading not in pages, heading
        assert russian(heading) in pages, heading


def test_lang_all_builds_each_language(make_deck: Callable[..., Path], tmp_path: Path) -> None:
    root = translated_deck(make_deck)
    result = run("build", str(root), "-o", str(tmp_path / "out"), "--only", "cards",
                 "--lang", "all")
    assert result.exit_code == 0, result.output
    assert "New visitor" in text_of(tmp_path / "out" / "en" / "cards.pdf")
    assert russian("New visitor") in text_of(tmp_path / "out" / "ru" / "cards.pdf")


def test_merge_marks_changed_fuzzy_and_removed_obsolete(make_deck: Callable[..., Path]) -> None:
    root = translated_deck(make_deck)
    cards = root / "cards" / "10-cards.yaml"
    text = cards.read_text(encoding="utf-8").replace("title: New visitor", "title: New guest")
    cards.write_text(text.replace("    items: [Cancelled, Card expired, Moved abroad]\n", ""),
                     encoding="utf-8")
    result = run("i18n", str(root))
    assert result.exit_code == 0, result.output
    po = polib.pofile(str(root / "i18n" / "ru.po"))
    title = next(e for e in po if e.msgctxt == "card/new-visitor/title")
    assert title.fuzzy and title.msgid == "New guest" and title.msgstr == russian("New visitor")
    assert all(e.obsolete for e in po if (e.msgctxt or "").startswith("card/lapsed/items"))
    assert re.search(r"^ru +\d+ +1 +0 ", result.output, re.M), result.output


def test_bad_translation_files_get_positioned_errors(make_deck: Callable[..., Path]) -> None:
    root = translated_deck(make_deck)
    path = root / "i18n" / "ru.po"
    po = polib.pofile(str(path))
    next(e for e in po if e.msgctxt == "card/new-visitor/body").msgstr = "Пришёл **впервые."
    po.append(polib.POEntry(msgctxt="card/no-such-card/title", msgid="Ghost", msgstr="Призрак"))
    po.save()
    lines = path.read_text(encoding="utf-8").splitlines()
    body_line = lines.index('msgctxt "card/new-visitor/body"') + 3
    ghost_line = lines.index('msgctxt "card/no-such-card/title"') + 3
    (root / "i18n" / "fr.po").write_text('msgid ""\nmsgstr ""\n', encoding="utf-8")
    (root / "i18n" / "xx.po").write_text('msgid ""\nmsgstr ""\n', encoding="utf-8")
    result = run("validate", str(root))
    assert result.exit_code == 1 and "Traceback" not in result.output
    out = result.output
    assert f"i18n/ru.po:{body_line}:1: card/new-visitor/body: markup does not balance" in out
    assert f"i18n/ru.po:{ghost_line}:1: card/no-such-card/title: the deck has no card" in out
    assert "i18n/fr.po: translates into 'fr', which deck.yaml does not list" in out
    assert "i18n/xx.po: 'xx' is not an ISO 639-1 language code" in out


def test_unparsable_and_non_utf8_po(make_deck: Callable[..., Path]) -> None:
    root = translated_deck(make_deck)
    path = root / "i18n" / "ru.po"
    path.write_text('msgid ""\nmsgstr ""\n\nmsgctxt "deck/title"\nmsgid "Test Deck"\n'
                    'msgstr "Тест"\nthis is not a po line\n', encoding="utf-8")
    result = run("validate", str(root))
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "i18n/ru.po:7:1: is not a valid .po file" in result.output
    # An unclosed string, which polib would drop without a word, is named at its line.
    path.write_text('msgid ""\nmsgstr ""\n\nmsgctxt "deck/title"\nmsgid "Test Deck"\n'
                    'msgstr "Тест\n', encoding="utf-8")
    result = run("validate", str(root))
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "i18n/ru.po:6:1: a quoted text is not closed on this line" in result.output
    path.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=ISO-8859-1\\n"\n',
                    encoding="utf-8")
    result = run("validate", str(root))
    assert "i18n/ru.po:3:1: charset: declares charset ISO-8859-1" in result.output


def test_language_codes_are_checked(make_deck: Callable[..., Path]) -> None:
    root = make_deck(RU_DECK.replace("languages: [en, ru]", "languages: [en, ge, en]"))
    result = run("validate", str(root))
    assert result.exit_code == 1
    assert "deck.yaml:4:" in result.output and "'ge' is not an ISO 639-1" in result.output
    assert "'en' is listed twice" in result.output


def test_a_deck_inherits_its_base_decks_translation(make_deck: Callable[..., Path],
                                                    tmp_path: Path) -> None:
    base = translated_deck(make_deck)
    child = tmp_path / "child"
    (child / "cards").mkdir(parents=True)
    (child / "deck.yaml").write_text(f"deck: {{title: Test Deck}}\nextends: {base}\n",
                                     encoding="utf-8")
    (child / "cards" / "ours.yaml").write_text(
        "category: audiences\ncards:\n  - {id: partner, title: Partner}\n", encoding="utf-8")
    result = run("build", str(child), "-o", str(tmp_path / "out"), "--only", "cards",
                 "--lang", "ru")
    assert result.exit_code == 0, result.output
    # Only the child's own card lacks a translation; the base's texts come from its ru.po.
    assert result.output.count("warning:") == 1 and "'Partner' is not in ru.po" in result.output
    pages = text_of(tmp_path / "out" / "cards.pdf")
    assert russian("Lapsed subscriber") in pages and "Partner" in pages

    result = run("i18n", str(child))  # the child's file starts from the base's translation
    assert re.search(r"^ru +\d+ +0 +1 ", result.output, re.M), result.output


def test_new_with_a_language(tmp_path: Path) -> None:
    result = run("new", str(tmp_path / "ours"), "--lang", "de")
    assert result.exit_code == 0, result.output
    assert "languages: [en, de]" in (tmp_path / "ours" / "deck.yaml").read_text(encoding="utf-8")
    assert (tmp_path / "ours" / "i18n" / "de.po").is_file()
    assert run("validate", str(tmp_path / "ours")).exit_code == 0
    result = run("new", str(tmp_path / "theirs"), "--lang", "fr")
    assert result.exit_code == 0, result.output
    assert "languages: [fr]" in (tmp_path / "theirs" / "deck.yaml").read_text(encoding="utf-8")
    result = run("new", str(tmp_path / "typo"), "--lang", "ge")
    assert result.exit_code == 1 and "'ge' is not an ISO 639-1 language code" in result.output
    assert not (tmp_path / "typo").exists()


def test_a_new_translation_names_a_few_gaps_and_counts_the_rest(
        make_deck: Callable[..., Path], tmp_path: Path) -> None:
    root = make_deck(RU_DECK)
    assert run("i18n", str(root)).exit_code == 0
    result = run("build", str(root), "-o", str(tmp_path / "out"), "--only", "cards",
                 "--lang", "ru")
    assert result.exit_code == 0, result.output
    assert result.output.count("warning:") == 21
    assert re.search(r"ru\.po: warning: \[ru\] \d+ more texts are untranslated", result.output)


def test_fit_is_checked_per_language(make_deck: Callable[..., Path]) -> None:
    root = translated_deck(make_deck)
    path = root / "i18n" / "ru.po"
    po = polib.pofile(str(path))
    next(e for e in po if e.msgctxt == "card/lapsed/body").msgstr = "Ушёл. " * 200
    po.save()
    result = run("validate", str(root))
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert re.search(r"\[ru\] card 'lapsed', field 'body': overflows", result.output), \
        result.output
    next(e for e in po if e.msgctxt == "card/lapsed/body").msgstr = "Ушёл в прошлом месяце."
    po.save()
    result = run("validate", str(root))
    assert result.exit_code == 0 and "Translated: ru 100 %." in result.output, result.output


def test_i18n_and_lang_refuse_bad_input(make_deck: Callable[..., Path], tmp_path: Path) -> None:
    root = translated_deck(make_deck)
    result = run("build", str(root), "-o", str(tmp_path / "out"), "--lang", "de")
    assert result.exit_code == 1 and "the deck is not translated into 'de'" in result.output
    path = root / "i18n" / "ru.po"
    before = path.read_text(encoding="utf-8") + 'msgctxt "x"\nmsgid\n'
    path.write_text(before, encoding="utf-8")
    result = run("i18n", str(root))
    assert result.exit_code == 1 and "is not a valid .po file" in result.output
    assert path.read_text(encoding="utf-8") == before  # nothing merged over it


def test_greek_sets_and_a_missing_glyph_names_the_language(make_deck: Callable[..., Path],
                                                           tmp_path: Path) -> None:
    root = translated_deck(make_deck)
    path = root / "i18n" / "ru.po"
    po = polib.pofile(str(path))
    next(e for e in po if e.msgctxt == "card/lapsed/title").msgstr = "Πρώην συνδρομητής"
    po.save()
    result = run("build", str(root), "-o", str(tmp_path / "out"), "--only", "cards",
                 "--lang", "ru", "--strict")
    assert result.exit_code == 0, result.output
    assert "Πρώην συνδρομητής" in text_of(tmp_path / "out" / "cards.pdf")
    next(e for e in po if e.msgctxt == "card/lapsed/title").msgstr = "漢字の購読者"
    po.save()
    result = run("validate", str(root))
    assert result.exit_code == 1
    line = path.read_text(encoding="utf-8").splitlines().index('msgstr "漢字の購読者"') + 1
    # The problem is fixed in the translation, so that is where it points.
    assert f"i18n/ru.po:{line}:1: title: [ru] card 'lapsed': no font has the character '漢'" \
        in result.output, result.output

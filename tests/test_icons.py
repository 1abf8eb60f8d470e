"""The bundled icon set: by name on categories, listed by `deckgen icons`, inline as :name:."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from click.testing import CliRunner
from pypdf import PdfReader

from conftest import MINI_CARDS, MINI_DECK
from deckgen import icons
from deckgen import text as tx
from deckgen.cli import main
from deckgen.fonts import load_family
from deckgen.render import _with_fallback
from test_svg import page_content

CHAIN = _with_fallback(load_family("Lato"))


def test_icon_set_is_bundled_with_its_licence() -> None:
    assert len(icons.names()) > 300
    assert (icons.icon_dir() / "LICENSE").read_text().startswith("ISC License")
    for name in ("users", "target", "heart", "calendar", "message-circle"):
        assert icons.is_icon(name)


def test_icons_command_lists_and_searches() -> None:
    result = CliRunner().invoke(main, ["icons", "--search", "calendar"])
    assert result.exit_code == 0
    assert "calendar" in result.output.split()
    assert "users" not in result.output.split()
    # Tags count too: "person" finds the user icons.
    assert "user" in CliRunner().invoke(main, ["icons", "--search", "person"]).output.split()
    missing = CliRunner().invoke(main, ["icons", "--search", "zzzqqq"])
    assert missing.exit_code == 1


def test_inline_icons_leave_ordinary_colons_alone() -> None:
    spans = tx.parse_inline("Ask: why? At 09:00 :users: then \\:users: and :nosuch: too")
    text = "".join(s.text for s in spans)
    users = icons.char_for("users")
    assert users is not None
    assert text == f"Ask: why? At 09:00 {users} then :users: and :nosuch: too"


def test_an_icon_is_measured_and_broken_like_a_word() -> None:
    style = tx.TextStyle(chain=CHAIN, size=10, min_size=10)
    one = tx.fit([tx.Block(tx.parse_inline(":users:"))], style, 200, 100)
    assert one.lines[0].right == round(icons.ICON_ADVANCE * 10, 6) or abs(
        one.lines[0].right - icons.ICON_ADVANCE * 10) < 1e-6
    # Twelve icons in a box eight icons wide: they wrap onto a second line, none cut.
    row = " ".join([":users:"] * 12)
    width = 8 * icons.ICON_ADVANCE * 10 + 7 * 3
    fit = tx.fit([tx.Block(tx.parse_inline(row))], style, width, 100)
    assert len(fit.lines) == 2
    assert all(line.right <= width + 1e-6 for line in fit.lines)


def test_unknown_category_icon_name_suggests_one(make_deck: Callable[..., Path],
                                                 tmp_path: Path) -> None:
    deck_text = MINI_DECK.format(size="poker").replace(
        '    color: "#2E6F95"\n', '    color: "#2E6F95"\n    icon: userz\n', 1)
    deck = make_deck(deck_text, {"10-cards.yaml": MINI_CARDS})
    result = CliRunner().invoke(main, ["validate", str(deck)])
    assert result.exit_code == 1
    line = deck_text.splitlines().index("    icon: userz") + 1
    assert f"deck.yaml:{line}:11: categories[0].icon: no bundled icon is called 'userz'" \
        in result.output
    assert "did you mean 'user'?" in result.output


def test_category_and_inline_icons_are_drawn_in_their_colours(
        make_deck: Callable[..., Path], tmp_path: Path) -> None:
    deck_text = MINI_DECK.format(size="poker").replace(
        '    color: "#2E6F95"\n', '    color: "#2E6F95"\n    icon: users\n', 1)
    cards = MINI_CARDS.replace("What would **earn** a second visit?",
                               "What would :heart: earn a second visit?").replace(
        "body: Arrives with no history. What would :heart: earn a second visit?",
        "body: \"Arrives with no history. What would :heart: earn a second visit?\"")
    deck = make_deck(deck_text, {"10-cards.yaml": cards})
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", str(deck), "-o", str(out), "-q", "--only",
                                       "print-shop"])
    assert result.exit_code == 0, result.output
    reader = PdfReader(out / "cards-print-shop.pdf")
    content, images = page_content(reader.pages[0])
    assert images == 0
    assert b"1 1 1 RG" in content  # the band icon: white strokes on the category colour
    assert b".101961 .101961 .101961 RG" in content  # the inline heart: the text's colour
    text = reader.pages[0].extract_text()
    assert "heart" not in text and "earn a second visit" in text


def test_cmyk_build_draws_svg_logo_and_icons_in_cmyk(make_deck: Callable[..., Path],
                                                     tmp_path: Path) -> None:
    from test_svg import LOGO

    deck_text = MINI_DECK.format(size="poker").replace(
        '    color: "#2E6F95"\n', '    color: "#2E6F95"\n    icon: users\n', 1).replace(
        "deck:\n  title: Test Deck\n",
        "deck:\n  title: Test Deck\nbrand:\n  name: Acme\n  logo: assets/logo.svg\n", 1)
    cards = MINI_CARDS.replace("What would **earn** a second visit?",
                               "What would :heart: earn a second visit?").replace(
        "body: Arrives with no history. What would :heart: earn a second visit?",
        "body: \"Arrives with no history. What would :heart: earn a second visit?\"")
    deck = make_deck(deck_text, {"10-cards.yaml": cards}, files={"assets/logo.svg": LOGO})
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", str(deck), "-o", str(out), "-q", "--only",
                                       "print-shop", "--cmyk"])
    assert result.exit_code == 0, result.output
    reader = PdfReader(out / "cards-print-shop.pdf")
    for page in reader.pages[:2]:
        content, _ = page_content(page)
        assert b" rg" not in content and b" RG" not in content
        assert b" k" in content
    # The logo's green, in CMYK with full black generation: (0.90, 0, 0.28, 0.57).
    back, _ = page_content(reader.pages[1])
    assert b".9 0 .281818 .568627 k" in back


def test_icon_element_draws_the_icon_a_card_names(make_deck: Callable[..., Path],
                                                  tmp_path: Path) -> None:
    # The card value is read through the renderer's one field helper (the subtitle stands in
    # for a declared `icon` field here).
    layouts = ("standard:\n  extends: standard\n  elements:\n"
               "    subtitle: {draw: false}\n"
               "    emblem: {kind: icon, field: subtitle, color: category, top: 70%, "
               "bottom: 10mm}\n")
    cards = MINI_CARDS.replace("subtitle: First time here", "subtitle: target")
    deck = make_deck(None, {"10.yaml": cards}, files={"layouts/cards.yaml": layouts.encode()})
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", str(deck), "-o", str(out), "-q", "--only",
                                       "print-shop"])
    assert result.exit_code == 0, result.output
    content, _ = page_content(PdfReader(out / "cards-print-shop.pdf").pages[0])
    assert b".180392 .435294 .584314 RG" in content  # strokes in the category's blue

    bad = make_deck(None, {"10.yaml": cards.replace("subtitle: target", "subtitle: targte")},
                    files={"layouts/cards.yaml": layouts.encode()})
    result = CliRunner().invoke(main, ["validate", str(bad)])
    assert result.exit_code == 1
    assert "10.yaml:5:15: subtitle: card 'new-visitor': no bundled icon is called 'targte'" \
        in result.output
    assert "did you mean 'target'?" in result.output

"""SVG: hostile files are refused with positioned diagnostics; good ones are drawn as vectors."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from conftest import MINI_CARDS, MINI_DECK
from deckgen.cli import main

LOGO = b"""<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 80" width="200" height="80">
  <rect x="2" y="2" width="196" height="76" rx="14" fill="#FFFFFF" stroke="#0B6E4F"/>
  <circle cx="40" cy="40" r="24" fill="#0B6E4F"/>
</svg>"""

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE svg [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100">
  <text x="0" y="20">&xxe;</text></svg>"""

LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE svg [
 <!ENTITY a "lollollollollollollollollollol">
 <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
 <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
 <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
 <!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">
 <!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">
 <!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;">
]>
<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><text>&g;</text></svg>"""

REMOTE = b"""<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"
  width="100" height="100">
  <image xlink:href="https://example.com/tracker.png" width="10" height="10"/>
</svg>"""

LOCAL_FILE = b"""<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100">
  <use href="../../../etc/passwd#x"/>
</svg>"""

CSS_IMPORT = b"""<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100">
  <style>@import url(http://example.com/a.css);</style><rect width="5" height="5"/>
</svg>"""

HUGE = (b'<svg xmlns="http://www.w3.org/2000/svg" width="200000000" height="200000000">'
        b'<rect width="1" height="1"/></svg>')

MANY = (b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">' + b"<g/>" * 1_000_000
        + b"</svg>")

MALFORMED = b"""<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">
  <rect width="5" height="5">
</svg>"""


def _deck(make_deck: Callable[..., Path], logo: bytes) -> Path:
    text = MINI_DECK.format(size="poker").replace(
        "deck:\n  title: Test Deck\n",
        "deck:\n  title: Test Deck\nbrand:\n  name: Acme\n  logo: assets/logo.svg\n", 1)
    return make_deck(text, {"10-cards.yaml": MINI_CARDS}, files={"assets/logo.svg": logo})


@pytest.mark.parametrize(("data", "line", "message"), [
    (XXE, 2, "DOCTYPE"),
    (LAUGHS, 2, "DOCTYPE"),
    (REMOTE, 3, "refers to 'https://example.com/tracker.png' outside the file"),
    (LOCAL_FILE, 2, "outside the file"),
    (CSS_IMPORT, 2, "imports another file"),
    (HUGE, 1, "absurd"),
    (MANY, 1, "more than 50,000 elements"),
    (MALFORMED, 3, "not well-formed XML"),
], ids=["xxe", "billion-laughs", "remote-href", "local-file", "css-import", "huge", "many",
        "malformed"])
def test_hostile_svg_is_refused_with_a_positioned_diagnostic(
        make_deck: Callable[..., Path], tmp_path: Path, data: bytes, line: int,
        message: str) -> None:
    deck = _deck(make_deck, data)
    started = time.monotonic()
    result = CliRunner().invoke(main, ["build", str(deck), "-o", str(tmp_path / "out"), "-q"])
    assert time.monotonic() - started < 20
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert f"logo.svg:{line}:" in result.output
    assert "brand.logo: SVG 'logo.svg' refused" in result.output
    assert message in result.output
    assert "root:" not in result.output  # nothing of /etc/passwd
    assert not (tmp_path / "out").exists()


def test_svg_logo_is_drawn_as_vectors(make_deck: Callable[..., Path], tmp_path: Path) -> None:
    deck = _deck(make_deck, LOGO)
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", str(deck), "-o", str(out), "-q",
                                       "--only", "print-shop"])
    assert result.exit_code == 0, result.output
    content, images = page_content(PdfReader(out / "cards-print-shop.pdf").pages[1])
    assert images == 0
    # The logo's green circle is painted on the back, as a path in the logo's colour.
    assert b".043137 .431373 .309804 rg" in content


def page_content(page: Any) -> tuple[bytes, int]:
    """A page's drawing operators, form XObjects included, and how many images it draws."""
    content = page.get_contents().get_data()
    images = 0
    stack = [page]
    while stack:
        holder = stack.pop()
        resources = holder.get("/Resources")
        for ref in ((resources.get_object().get("/XObject") or {}) if resources else {}).values():
            obj = ref.get_object()
            if obj.get("/Subtype") == "/Image":
                images += 1
            elif obj.get("/Subtype") == "/Form":
                content += obj.get_data()
                stack.append(obj)
    return content, images

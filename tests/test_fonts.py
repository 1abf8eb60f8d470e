"""Fonts: bundled families, deck fonts, fallback for missing glyphs, and font errors."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from deckgen.resources import data_dir
from deckgen.text.fonts import (
    BUILTIN_FAMILIES,
    FontChain,
    FontError,
    default_chain,
    load_family,
)


def test_bundled_families_load_by_any_spelling() -> None:
    lato = load_family("Lato")
    assert load_family("lato") is lato
    assert lato.style(bold=True, italic=False) == "Lato-Bold"
    assert lato.style(bold=True, italic=True) == "Lato-BoldItalic"
    assert lato.black == "Lato-Black"
    dejavu = load_family("dejavu-sans")
    assert load_family("DejaVu Sans") is dejavu
    # No DejaVu italic is bundled: italic text stays upright rather than failing.
    assert dejavu.style(bold=False, italic=True) == dejavu.regular
    assert dejavu.style(bold=True, italic=True) == dejavu.bold
    assert set(BUILTIN_FAMILIES) == {"Lato", "DejaVu Sans"}


def test_fallback_supplies_glyphs_lato_lacks() -> None:
    chain = default_chain()
    # Lato covers Latin, Greek and Cyrillic itself; symbols such as ✓ and ★ come from DejaVu.
    for ch in "Ωμέγα Жизнь café":
        assert chain.font_for(ch, bold=False, italic=False) == "Lato-Regular"
    assert chain.font_for("✓", bold=False, italic=False) == "DejaVuSans"
    assert chain.font_for("★", bold=True, italic=False) == "DejaVuSans-Bold"
    assert chain.font_for("★", bold=False, italic=True) == "DejaVuSans"
    assert chain.uncovered("Ωμέγα Жизнь café ✓ ★\n\t") == []


def test_uncovered_lists_characters_no_bundled_font_has() -> None:
    chain = default_chain()
    assert chain.font_for("漢", bold=False, italic=False) is None
    assert chain.uncovered("A 漢字? 🙂 漢 ok") == ["漢", "字", "🙂"]


def test_without_fallback_symbols_are_uncovered() -> None:
    chain = FontChain(primary=load_family("Lato"), fallbacks=())
    assert chain.uncovered("café ✓") == ["✓"]
    assert chain.font_for(" ", bold=False, italic=False) == "Lato-Regular"
    assert chain.font_for("\u00ad", bold=False, italic=False) == "Lato-Regular"


def test_unknown_family_suggests_a_bundled_name() -> None:
    with pytest.raises(FontError) as info:
        load_family("Latto")
    message = str(info.value)
    assert "did you mean 'Lato'" in message
    assert "Lato, DejaVu Sans" in message
    with pytest.raises(FontError, match="Bundled fonts: Lato, DejaVu Sans"):
        load_family("Comic Sans")


def test_deck_font_with_sibling_styles(tmp_path: Path) -> None:
    lato = data_dir("fonts") / "lato"
    shutil.copy(lato / "Lato-Regular.ttf", tmp_path / "Brand.ttf")
    shutil.copy(lato / "Lato-Bold.ttf", tmp_path / "Brand-Bold.ttf")
    family = load_family("Brand.ttf", base_dir=tmp_path)
    assert family.name == "Brand"
    assert family.bold != family.regular
    assert family.italic == family.regular  # no Brand-Italic.ttf: upright is used
    assert family.black == family.bold
    # Another deck's Brand.ttf is a different font and must not collide with this one.
    other = tmp_path / "other"
    other.mkdir()
    shutil.copy(lato / "Lato-Italic.ttf", other / "Brand.ttf")
    assert load_family("Brand.ttf", base_dir=other).regular != family.regular
    assert default_chain("Brand.ttf", base_dir=tmp_path).primary == family


def test_non_font_file_is_reported(tmp_path: Path) -> None:
    (tmp_path / "notes.ttf").write_text("these are not glyphs\n" * 20)
    with pytest.raises(FontError, match="not a readable TrueType"):
        load_family("notes.ttf", base_dir=tmp_path)


def test_cff_font_is_reported(tmp_path: Path) -> None:
    (tmp_path / "Brand.otf").write_bytes(b"OTTO" + bytes(200))
    with pytest.raises(FontError, match=r"PostScript \(CFF\) outlines; deckgen needs TrueType"):
        load_family("Brand.otf", base_dir=tmp_path)


def test_missing_font_file_is_reported(tmp_path: Path) -> None:
    with pytest.raises(FontError, match="not found"):
        load_family("fonts/Missing.ttf", base_dir=tmp_path)

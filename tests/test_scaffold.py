"""Scaffolding: `deckgen new` makes a branded deck that builds as it is, installed or not."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import sysconfig
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner, Result
from PIL import Image
from pypdf import PdfReader

from conftest import BUILTIN, REPO
from deckgen.cli import main
from deckgen.deck.load import load_deck
from deckgen.scaffold import ScaffoldError, scaffold

FILES = ("deck.yaml", "cards/10-our-cards.yaml", "assets/logo.png", "README.md",
         "schemas/deck.schema.json", "schemas/cards.schema.json", "schemas/workbook.schema.json")


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def test_new_creates_a_branded_deck_extending_the_builtin(tmp_path: Path) -> None:
    target = tmp_path / "acme-bank"
    result = run("new", str(target))
    assert result.exit_code == 0, result.output
    assert f"deckgen build {target}" in result.output
    assert sorted(str(p.relative_to(target)) for p in target.rglob("*") if p.is_file()) == \
        sorted(FILES)

    config = yaml.safe_load((target / "deck.yaml").read_text(encoding="utf-8"))
    assert config["extends"] == "builtin:prepersonalization"
    assert config["deck"]["title"] == "Acme Bank Prepersonalization Deck"
    assert config["brand"]["name"] == "Acme Bank"
    assert config["brand"]["logo"] == "assets/logo.png"
    text = (target / "deck.yaml").read_text(encoding="utf-8")
    for commented in ("# fonts:", "heading: DejaVu Sans", ".ttf", "# categories:", "# remove:"):
        assert commented in text

    logo = target / "assets" / "logo.png"
    assert logo.stat().st_size < 10_000
    with Image.open(logo) as image:
        assert image.format == "PNG" and min(image.size) >= 200

    readme = (target / "README.md").read_text(encoding="utf-8")
    assert "deckgen build" in readme and "deck.yaml" in readme

    deck = load_deck(target)
    builtin = load_deck(BUILTIN)
    assert deck.title == "Acme Bank Prepersonalization Deck"
    assert deck.brand.logo == logo.resolve()
    assert len(deck.cards) == len(builtin.cards) + 1
    ours = [c for c in deck.cards if c.pos.file.is_relative_to(target)]
    assert len(ours) == 1
    assert ours[0].category in {c.id for c in builtin.categories}
    assert builtin.card_by_id(ours[0].id) is None  # adds a card, replaces none


def test_scaffold_validates_and_builds(tmp_path: Path) -> None:
    target = tmp_path / "client"
    scaffold(target)
    result = run("validate", str(target))
    assert result.exit_code == 0, result.output
    assert "no problems" in result.output
    result = run("build", str(target), "-o", str(target / "build"), "--only", "print-shop", "-q")
    assert result.exit_code == 0, result.output
    reader = PdfReader(target / "build" / "cards-print-shop.pdf")
    assert len(reader.pages) == 2 * len(load_deck(target).cards)
    assert reader.metadata is not None and reader.metadata.author == "Client"
    texts = "".join(page.extract_text() for page in reader.pages)
    assert "Our typical customer" in texts


def test_the_commented_settings_work_when_uncommented(tmp_path: Path) -> None:
    target = tmp_path / "client"
    scaffold(target)
    deck_yaml = target / "deck.yaml"
    text = deck_yaml.read_text(encoding="utf-8")
    removed = re.search(r"# remove: \[([a-z0-9-]+)\]", text)
    assert removed is not None
    lines = []
    for line in text.splitlines():
        if re.match(r"# (categories:|remove:|  [ -] )", line):
            line = line[2:]
        elif line.startswith("  # fonts:") or line.startswith("  #   heading:"):
            line = line.replace("# ", "", 1).replace("#   ", "  ", 1)
        lines.append(line)
    deck_yaml.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run("validate", str(target))
    assert result.exit_code == 0, deck_yaml.read_text(encoding="utf-8") + result.output
    deck = load_deck(target)
    assert deck.card_by_id(removed.group(1)) is None
    assert deck.categories[-1].id == "our-products"
    assert deck.brand.fonts["heading"].spec == "DejaVu Sans"


def test_new_into_an_existing_empty_folder(tmp_path: Path) -> None:
    target = tmp_path / "empty"
    target.mkdir()
    assert run("new", str(target)).exit_code == 0
    assert (target / "deck.yaml").is_file()


def test_new_refuses_a_folder_that_is_not_empty(tmp_path: Path) -> None:
    target = tmp_path / "busy"
    target.mkdir()
    (target / "notes.txt").write_text("keep me", encoding="utf-8")
    result = run("new", str(target))
    assert result.exit_code == 1
    assert "already exists and is not empty" in result.output
    assert "notes.txt" in result.output
    assert "Traceback" not in result.output
    assert [p.name for p in target.iterdir()] == ["notes.txt"]
    assert (target / "notes.txt").read_text(encoding="utf-8") == "keep me"


def test_new_from_a_path(tmp_path: Path, make_deck: Callable[..., Path],
                         monkeypatch: pytest.MonkeyPatch) -> None:
    base = make_deck()  # tmp_path/deck: audiences (who), triggers, recipes
    monkeypatch.chdir(tmp_path)
    result = run("new", "clients/acme", "--from", "deck")
    assert result.exit_code == 0, result.output
    target = tmp_path / "clients" / "acme"
    config = yaml.safe_load((target / "deck.yaml").read_text(encoding="utf-8"))
    assert config["extends"] == "../../deck"
    deck = load_deck(target)
    base_deck = load_deck(base)
    assert [c.id for c in deck.categories] == [c.id for c in base_deck.categories]
    assert len(deck.cards) == len(base_deck.cards) + 1
    example = next(c for c in deck.cards if base_deck.card_by_id(c.id) is None)
    assert example.category == "audiences"  # the base's `who` category, not its recipes
    assert run("validate", "clients/acme").exit_code == 0
    result = run("build", "clients/acme", "-o", "out", "--only", "print-shop", "-q")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "cards-print-shop.pdf").is_file()


@pytest.mark.parametrize(("base", "message"), [
    ("builtin:nope", "there is no built-in deck 'nope'"),
    ("no/such/deck", "does not exist"),
    (".", "is not a deck folder"),
])
def test_new_checks_the_base(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, base: str,
                             message: str) -> None:
    monkeypatch.chdir(tmp_path)
    result = run("new", "mydeck", "--from", base)
    assert result.exit_code == 1
    assert message in result.output
    assert "builtin:prepersonalization" in result.output  # the hint
    assert not (tmp_path / "mydeck").exists()


def test_a_base_with_problems_is_refused(tmp_path: Path,
                                         make_deck: Callable[..., Path]) -> None:
    base = make_deck(cards={"10-cards.yaml": "cards:\n  - id: x\n"})
    with pytest.raises(ScaffoldError, match=r"has \d+ problems?; fix them first") as info:
        scaffold(tmp_path / "mine", str(base))
    assert "cards[0].title: required field is missing" in str(info.value)
    assert not (tmp_path / "mine").exists()


def _site_packages(python: Path) -> Path:
    out = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()"
                          "['purelib'])"], check=True, capture_output=True, text=True)
    return Path(out.stdout.strip())


def test_installed_package_builds_a_scaffold_from_an_empty_folder(tmp_path: Path) -> None:
    """`pip install` of the wheel gives a deckgen that needs nothing from the repository."""
    wheels = tmp_path / "wheels"
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(REPO)],
        capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stdout + built.stderr
    (wheel,) = wheels.glob("deckgen-*.whl")

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True,
                   timeout=120)
    bindir = venv / ("Scripts" if os.name == "nt" else "bin")
    python = bindir / ("python.exe" if os.name == "nt" else "python")
    installed = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "-q",
         str(wheel)], capture_output=True, text=True, timeout=300)
    assert installed.returncode == 0, installed.stdout + installed.stderr
    # Dependencies come from this environment, appended after the venv's own site-packages
    # (a plain path: the .pth files there, such as the editable install's, are not run).
    site = _site_packages(python)
    here = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (site / "_deckgen_test_deps.pth").write_text("\n".join(sorted(here)) + "\n",
                                                 encoding="utf-8")

    empty = tmp_path / "empty"
    empty.mkdir()
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "PYTHONSAFEPATH")}
    deckgen = str(bindir / "deckgen")

    def sh(*args: str) -> str:
        done = subprocess.run(args, cwd=empty, env=env, capture_output=True, text=True,
                              timeout=300)
        assert done.returncode == 0, f"{args}:\n{done.stdout}{done.stderr}"
        return done.stdout

    probe = sh(str(python), "-c", textwrap.dedent("""\
        import deckgen, deckgen.resources as r
        print(deckgen.__file__)
        for name in ("deck", "layouts", "fonts"):
            print(r.data_dir(name))
        """)).splitlines()
    assert all(Path(line).resolve().is_relative_to(site.resolve()) for line in probe), probe
    assert not any(Path(line).resolve().is_relative_to(REPO) for line in probe), probe

    sh(deckgen, "new", "mydeck")
    sh(deckgen, "validate", "mydeck")
    sh(deckgen, "build", "mydeck", "-o", "out", "--only", "print-shop", "-q")
    pdf = empty / "out" / "cards-print-shop.pdf"
    assert pdf.is_file()
    assert len(PdfReader(pdf).pages) > 100
    extends = yaml.safe_load((empty / "mydeck" / "deck.yaml").read_text(encoding="utf-8"))
    assert extends["extends"] == "builtin:prepersonalization"


def test_new_from_a_deck_with_a_logo_and_little_room_builds_as_it_is(
        tmp_path: Path, make_deck: Callable[..., Path]) -> None:
    """Named after its base, its logo inherited, its example card shrunk to what fits."""
    short = "category: audiences\ncards:\n  - {id: one, title: One, body: Short.}\n"
    base = make_deck(cards={"10-cards.yaml": short},
                     files={"assets/logo.png": (REPO / "docs" / "sheet.png").read_bytes(),
                            "layouts/tight.yaml": textwrap.dedent("""\
        standard:
          extends: standard
          elements:
            flow: {fields: [body], height: 6mm, size: 9, min-size: 9}
        """).encode()})
    deck_yaml = base / "deck.yaml"
    deck_yaml.write_text(deck_yaml.read_text(encoding="utf-8")
                         + "brand:\n  logo: assets/logo.png\n", encoding="utf-8")
    target = tmp_path / "acme"
    scaffold(target, str(base))
    result = run("validate", str(target))
    assert result.exit_code == 0, result.output
    deck = load_deck(target)
    assert deck.title == "Acme Test Deck"
    assert deck.brand.logo == (base / "assets" / "logo.png").resolve()
    assert not (target / "assets" / "logo.png").exists()
    assert "title: Our card" in (target / "cards" / "10-our-cards.yaml").read_text("utf-8")

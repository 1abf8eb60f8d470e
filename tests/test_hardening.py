"""Hardening: reproducible bytes, atomic outputs, a build that survives hostile decks, feedback.

What a facilitator relies on the night before a workshop: the same deck gives the same files
whatever the machine's clock or environment; a failed, interrupted or killed build never leaves a
broken PDF or changes the previous ones; no deck, however mangled, makes `build` crash, hang or
write outside its output folder; a long build shows progress on a terminal and nothing in CI;
`deckgen watch` rebuilds on save.
"""

from __future__ import annotations

import collections
import errno
import hashlib
import math
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from conftest import MINI_CARDS, MINI_DECK, REPO
from deckgen.bench import synthetic_deck
from deckgen.cli import main
from deckgen.diagnostics import DeckError, forget_sources
from deckgen.outputs.build import BuildOptions, build
from deckgen.outputs.files import FILENAMES, STAGE_PREFIX, remove_stale_stages
from yamltree import paths, put

DECKGEN = str(REPO / ".venv" / "bin" / "deckgen")
PDF_OUTPUTS = ("cards", "print-shop", "blank", "workbook")
ALL_PDFS = BuildOptions(outputs=PDF_OUTPUTS, jobs=1)


def tree(root: Path, skip: Path | None = None) -> dict[str, str]:
    """Every file and link under `root` (not following links) with a digest of its content."""
    found: dict[str, str] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        here = Path(dirpath)
        dirnames[:] = [d for d in dirnames if skip is None or here / d != skip]
        for name in [*filenames, *(d for d in dirnames if (here / d).is_symlink())]:
            path = here / name
            rel = str(path.relative_to(root))
            if path.is_symlink():
                found[rel] = "-> " + os.readlink(path)
            else:
                found[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
        for name in dirnames:
            found.setdefault(str((here / name).relative_to(root)) + "/", "dir")
    return found


def whole_pdf(path: Path) -> bool:
    data = path.read_bytes()
    return data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")


def write_deck(root: Path, deck_yaml: str = MINI_DECK.format(size="poker"),
               cards: str = MINI_CARDS) -> Path:
    (root / "cards").mkdir(parents=True, exist_ok=True)
    (root / "deck.yaml").write_text(deck_yaml, encoding="utf-8")
    (root / "cards" / "10-cards.yaml").write_text(cards, encoding="utf-8")
    return root


def with_images(root: Path) -> Path:
    """The mini deck with a brand logo and a category icon, so images go through every output."""
    (root / "assets").mkdir(parents=True, exist_ok=True)
    logo = Image.new("RGBA", (240, 90), (31, 58, 95, 255))
    for x in range(90):
        logo.putpixel((x, x), (0, 0, 0, 0))
    logo.save(root / "assets" / "logo.png")
    Image.new("RGB", (64, 64), (46, 111, 149)).save(root / "assets" / "icon.png")
    deck = MINI_DECK.format(size="poker").replace(
        "categories:", "brand:\n  name: Acme\n  logo: assets/logo.png\ncategories:").replace(
        "    blanks: 2\n", "    blanks: 2\n    icon: assets/icon.png\n", 1)
    return write_deck(root, deck)


def run_cli(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None,
            timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([DECKGEN, *args], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=timeout, check=False)


# -- reproducible -----------------------------------------------------------------------------


def output_digests(out: Path) -> dict[str, str]:
    return {rel: digest for rel, digest in tree(out).items() if not rel.endswith("/")}


def test_two_processes_in_different_environments_write_identical_bytes(tmp_path: Path) -> None:
    # Everything a machine may differ in: clock and zone, SOURCE_DATE_EPOCH (which ReportLab
    # would otherwise use for dates and /ID), hash seed (set and dict order), locale, cwd.
    deck = with_images(tmp_path / "deck")
    first_env = {**os.environ, "TZ": "UTC", "PYTHONHASHSEED": "1", "LC_ALL": "C"}
    first_env.pop("SOURCE_DATE_EPOCH", None)
    second_env = {**os.environ, "TZ": "Pacific/Chatham", "PYTHONHASHSEED": "4242",
                  "SOURCE_DATE_EPOCH": "1700000000", "LC_ALL": "C.UTF-8"}
    (tmp_path / "elsewhere").mkdir()
    one = run_cli("build", str(deck), "-o", str(tmp_path / "one"), "--png", "--quiet",
                  cwd=tmp_path, env=first_env)
    two = run_cli("build", "../deck", "-o", str(tmp_path / "two"), "--png", "--quiet",
                  cwd=tmp_path / "elsewhere", env=second_env)
    assert one.returncode == 0 and two.returncode == 0, one.stderr + two.stderr
    first, second = output_digests(tmp_path / "one"), output_digests(tmp_path / "two")
    expected = {FILENAMES[name] for name in PDF_OUTPUTS}
    assert expected <= set(first)
    assert sum(rel.startswith("png/") for rel in first) == 2 * 4  # a front and back per card
    assert first == second


def test_the_print_date_is_fixed_whatever_the_clock(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from pypdf import PdfReader

    deck = write_deck(tmp_path / "deck")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    build(deck, tmp_path / "out", ALL_PDFS)
    for name in PDF_OUTPUTS:
        info = PdfReader(tmp_path / "out" / FILENAMES[name]).metadata
        assert info is not None and info["/CreationDate"].startswith("D:20000101"), name
    assert os.environ["SOURCE_DATE_EPOCH"] == "1700000000"  # put back for the rest of the process


def test_a_deck_moved_to_another_folder_gives_the_same_bytes(tmp_path: Path) -> None:
    first = with_images(tmp_path / "deck")
    second = tmp_path / "moved" / "elsewhere" / "deck"
    shutil.copytree(first, second)
    build(first, tmp_path / "one", ALL_PDFS)
    build(second, tmp_path / "two", ALL_PDFS)
    assert output_digests(tmp_path / "one") == output_digests(tmp_path / "two")


# -- atomic -----------------------------------------------------------------------------------


@pytest.fixture
def previous(tmp_path: Path) -> tuple[Path, Path, dict[str, str]]:
    """A deck, and an output folder holding a complete earlier build of it."""
    deck = write_deck(tmp_path / "deck")
    out = tmp_path / "out"
    build(deck, out, ALL_PDFS)
    return deck, out, output_digests(out)


def test_a_build_with_diagnostics_changes_nothing(previous: tuple[Path, Path, dict[str, str]],
                                                  ) -> None:
    deck, out, before = previous
    cards = deck / "cards" / "10-cards.yaml"
    cards.write_text(cards.read_text().replace("title: Welcome", "title: [Welcome"))
    forget_sources()
    result = CliRunner().invoke(main, ["build", str(deck), "-o", str(out)])
    assert result.exit_code == 1
    assert "Nothing was written; earlier outputs are unchanged." in result.output
    assert "Traceback" not in result.output
    assert tree(out) == {**before}


def test_a_full_disk_changes_nothing_and_says_so_plainly(
        previous: tuple[Path, Path, dict[str, str]], monkeypatch: pytest.MonkeyPatch) -> None:
    deck, out, before = previous

    def disk_full(*_args: object, **_kwargs: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr("deckgen.outputs.build.write_print_shop", disk_full)
    result = CliRunner().invoke(main, ["build", str(deck), "-o", str(out)])
    assert result.exit_code == 1
    assert result.output.strip() == ("deckgen: cannot write outputs: No space left on device; "
                                     "earlier outputs are unchanged")
    assert result.exc_info is not None and result.exc_info[0] is SystemExit  # no traceback
    assert tree(out) == before


def test_an_unwritable_output_folder_is_a_plain_message(tmp_path: Path) -> None:
    deck = write_deck(tmp_path / "deck")
    (tmp_path / "taken").write_text("a file where the output folder should be")
    result = CliRunner().invoke(main, ["build", str(deck), "-o", str(tmp_path / "taken")])
    assert result.exit_code == 1
    assert result.output.startswith("deckgen: cannot write outputs: ")
    assert f"{tmp_path / 'taken'} is a file; give -o a folder" in result.output
    assert "Traceback" not in result.output


@pytest.fixture(scope="module")
def big_deck(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # Large enough that writing takes several seconds, so a signal lands midway.
    return synthetic_deck(tmp_path_factory.mktemp("big") / "deck", 1000)


def start_and_signal(deck: Path, out: Path, sig: signal.Signals, *args: str,
                     after: str = "") -> tuple[subprocess.Popen[str], float]:
    """Start a build, wait until it is writing (its stage exists, and `after` inside it), then
    send `sig`; the process and the seconds from signal to exit."""
    process = subprocess.Popen([DECKGEN, "build", str(deck), "-o", str(out), *args],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    pattern = f"{STAGE_PREFIX}*/{after}" if after else f"{STAGE_PREFIX}*"
    while not list(out.glob(pattern)):
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the build never started writing"
        time.sleep(0.02)
    time.sleep(0.3)
    assert process.poll() is None, "the build finished before it could be interrupted"
    process.send_signal(sig)
    sent = time.monotonic()
    process.wait(timeout=60)
    return process, time.monotonic() - sent


def test_ctrl_c_midway_leaves_earlier_outputs_and_no_stage(
        previous: tuple[Path, Path, dict[str, str]], big_deck: Path) -> None:
    _, out, before = previous
    process, took = start_and_signal(big_deck, out, signal.SIGINT)
    _, stderr = process.communicate()
    assert process.returncode == 130
    assert stderr.strip() == "Interrupted; earlier outputs are unchanged."
    assert took < 15  # the whole export takes over a minute; slack for a busy machine
    assert tree(out) == before  # same files, same bytes, no stage left behind
    assert all(whole_pdf(out / FILENAMES[name]) for name in PDF_OUTPUTS)


def test_ctrl_c_during_png_export_stops_promptly(
        previous: tuple[Path, Path, dict[str, str]], big_deck: Path) -> None:
    # PNG export runs in worker processes; queued pages must be dropped, not rendered first.
    _, out, before = previous
    process, took = start_and_signal(big_deck, out, signal.SIGINT, "--only", "png",
                                     after="png/*.png")
    _, stderr = process.communicate()
    assert process.returncode == 130, stderr
    assert "Traceback" not in stderr
    assert took < 15  # the whole export takes over a minute; slack for a busy machine
    assert tree(out) == before


def test_a_killed_build_leaves_earlier_outputs_and_the_next_build_cleans_up(
        previous: tuple[Path, Path, dict[str, str]], big_deck: Path) -> None:
    deck, out, before = previous
    process, _ = start_and_signal(big_deck, out, signal.SIGKILL)
    assert process.returncode == -signal.SIGKILL
    stages = list(out.glob(f"{STAGE_PREFIX}*"))
    assert len(stages) == 1  # SIGKILL leaves no chance to clean up…
    assert {k: v for k, v in tree(out).items() if not k.startswith(STAGE_PREFIX)} == before
    assert all(whole_pdf(out / FILENAMES[name]) for name in PDF_OUTPUTS)
    build(deck, out, ALL_PDFS)  # …so the next build does
    assert not list(out.glob(f"{STAGE_PREFIX}*"))
    assert output_digests(out) == before


def test_stale_stage_cleanup_spares_a_build_still_running(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    try:
        live = out / f"{STAGE_PREFIX}{sleeper.pid}-abc"
        dead = out / f"{STAGE_PREFIX}{gone.pid}-def"
        ancient = out / f"{STAGE_PREFIX}{sleeper.pid}-old"
        foreign = out / f"{STAGE_PREFIX}legacy"
        for stage in (live, dead, ancient, foreign):
            stage.mkdir()
            (stage / "cards.pdf").write_bytes(b"%PDF-half")
        day_ago = time.time() - 2 * 24 * 3600
        os.utime(ancient, (day_ago, day_ago))
        (tmp_path / "victim").mkdir()
        (out / f"{STAGE_PREFIX}{gone.pid}-link").symlink_to(tmp_path / "victim")
        removed = remove_stale_stages(out)
        assert sorted(removed) == sorted([dead, ancient])
        assert live.is_dir() and foreign.is_dir()
        assert (tmp_path / "victim").is_dir()  # a link is never followed
    finally:
        sleeper.kill()
        sleeper.wait()


def test_a_png_folder_moved_aside_by_a_killed_build_is_put_back(tmp_path: Path) -> None:
    # Publishing png/ takes two renames (old one aside into the stage, new one in); a build
    # killed between them must not cost the user their earlier PNGs.
    out = tmp_path / "out"
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    stage = out / f"{STAGE_PREFIX}{gone.pid}-xyz"
    (stage / "old-png").mkdir(parents=True)
    (stage / "old-png" / "001-a-front.png").write_bytes(b"png")
    remove_stale_stages(out)
    assert (out / "png" / "001-a-front.png").read_bytes() == b"png"
    assert not stage.exists()


# -- robust: the whole build over hostile decks -------------------------------------------------

# YAML that safe_dump never writes: escapes, tags, anchors. Mutations insert a placeholder that
# is swapped for the raw text after dumping.
ALIAS_BOMB = ("[&a [lol, lol, lol, lol, lol, lol, lol, lol, lol], "
              + ", ".join(f"&{b} [{', '.join([f'*{a}'] * 9)}]"
                          for a, b in zip("abcdefgh", "bcdefghi", strict=True)) + "]")
RAW = {
    "surrogate": r'"lone \ud800 surrogate"',
    "nul": r'"nul \0 byte"',
    "bell": r'"\a\b\e\x7f"',
    "python": '!!python/object/apply:os.system ["touch pwned"]',
    "custom": "!card {title: x}",
    "binary": "!!binary aGVsbG8=",
    "timestamp": "2001-12-14t21:59:43.10-05:00",
    "set": "!!set {a, b}",
    "bomb": ALIAS_BOMB,
    "undefined": "*nowhere",
    "merge": "{<<: {title: merged}, body: x}",
}
ODD_TEXT = [
    "\u202eevil\u202c", "\u200f\u05e9\u05dc\u05d5\u05dd \u0645\u0631\u062d\u0628\u0627",
    "\U0001f469\u200d\U0001f4bb team", "e\u0301" * 60, "Zalgo z\u0336\u0353\u0316a\u0335",
    "\u00ad" * 30, "\ufeffBOM", "\u2028line\u2029para", "tab\there", "\x1b[31mred",
    "W" * 3000, "Pneumonoultramicroscopicsilicovolcanoconiosis" * 12, "word " * 400,
    "**", "*a **b* c**", "\U00020000\U0002a6d6 CJK ext B", "\u0e01\u0e33\u0e44", "\ufffd",
]
PATHS = [
    "assets/logo.png", "assets/not-an-image.png", "assets/folder.png", "assets/outside.png",
    "assets/loop.png", "assets/passwd.png", "../../etc/passwd", "/etc/passwd",
    "../outside/secret.png", "assets/../../outside/secret.png", "fonts/outside.ttf",
    "fonts/not-a-font.ttf", "..", ".", "../outside", "builtin:../../etc", "builtin:nope",
]
HOSTILE = st.one_of(
    st.sampled_from([
        999_999_999, 10**30, -1, 0, 1e308, -1e308, math.inf, math.nan, True, False, None, "",
        [], {}, "1e308mm", "-5mm", "0mm", "NaNmm", "1e-300mm", "3 furlongs",
        {"width": "1e308mm", "height": "1e308mm"}, {"width": "20mm", "height": "300mm"},
        {"width": "300mm", "height": "20mm"}, {"width": 0, "height": -5},
        ["x"] * 400, [{"deep": "y"}] * 50, "poker", "letter", "a4", "short", 1000, 500,
    ]),
    st.sampled_from(ODD_TEXT),
    st.sampled_from(PATHS),
    st.sampled_from([f"@@RAW:{name}@@" for name in RAW]),
    st.integers(min_value=1, max_value=300).map(lambda n: nest(n)),
    st.text(max_size=30),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(),
)
# Keys worth setting even where the seed deck leaves them out.
OPTIONAL = [
    ("deck.yaml", ("brand",)), ("deck.yaml", ("brand", "logo")),
    ("deck.yaml", ("brand", "fonts")), ("deck.yaml", ("brand", "fonts", "heading")),
    ("deck.yaml", ("brand", "fonts", "body")), ("deck.yaml", ("extends",)),
    ("deck.yaml", ("remove",)), ("deck.yaml", ("paper",)),
    ("deck.yaml", ("categories", 0, "icon")), ("deck.yaml", ("categories", 1, "layout")),
    ("cards/10-cards.yaml", ("cards", 0, "copies")),
    ("cards/10-cards.yaml", ("cards", 1, "layout")),
    ("cards/10-cards.yaml", ("cards", 2, "items")),
    ("cards/10-cards.yaml", ("cards", 3, "examples")),
]


def nest(depth: int) -> Any:
    value: Any = "bottom"
    for _ in range(depth):
        value = [value]
    return value


SEED_DOCS: dict[str, Any] = {"deck.yaml": yaml.safe_load(MINI_DECK.format(size="poker")),
                             "cards/10-cards.yaml": yaml.safe_load(MINI_CARDS)}


# Fields a user fills in with text, and values that are valid but unusual: these decks mostly
# load, so they exercise the drawing and writing code rather than the loader.
TEXT_FIELDS = [
    ("deck.yaml", ("deck", "title")), ("deck.yaml", ("deck", "subtitle")),
    ("deck.yaml", ("brand", "name")), ("deck.yaml", ("categories", 0, "name")),
    ("deck.yaml", ("categories", 1, "question")), ("deck.yaml", ("categories", 2, "name")),
    *(("cards/10-cards.yaml", ("cards", i, key)) for i in range(4)
      for key in ("title", "subtitle", "body")),
]
LIST_FIELDS = [("cards/10-cards.yaml", ("cards", i, key)) for i in range(4)
               for key in ("items", "prompts", "examples")]
TEXTS = st.one_of(st.sampled_from(ODD_TEXT), st.text(min_size=1, max_size=40),
                  st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]),
                          min_size=1, max_size=20))
UNUSUAL = [
    (("card", "size"), st.sampled_from(["poker", "bridge", "tarot", "mini", "square", "a6",
                                        {"width": "20mm", "height": "300mm"},
                                        {"width": "300mm", "height": "20mm"},
                                        {"width": "2in", "height": "100pt"}])),
    (("card", "bleed"), st.sampled_from([0, "10mm", "0.1mm"])),
    (("card", "safe"), st.sampled_from([0, "15mm", "1mm"])),
    (("paper",), st.sampled_from(["a4", "letter"])),
    (("categories", 0, "blanks"), st.integers(0, 30)),
    (("categories", 1, "color"), st.sampled_from(["#000000", "#FFFFFF", "#ffff00"])),
]


@st.composite
def hostile_deck(draw: st.DrawFn) -> dict[str, str]:
    """The mini deck's files after one to three mutations, as YAML text."""
    docs = dict(SEED_DOCS)
    odd_content = draw(st.booleans())  # else anything anywhere
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        if odd_content:
            kind = draw(st.integers(0, 3))
            if kind == 0:
                path, values = draw(st.sampled_from(UNUSUAL))
                docs["deck.yaml"] = put(docs["deck.yaml"], path, draw(values))
            elif kind == 1:
                rel, path = draw(st.sampled_from(LIST_FIELDS))
                docs[rel] = put(docs[rel], path, draw(st.lists(TEXTS, min_size=1, max_size=8)))
            else:
                rel, path = draw(st.sampled_from(TEXT_FIELDS))
                docs[rel] = put(docs[rel], path, draw(TEXTS))
            continue
        if draw(st.integers(0, 3)) == 0:
            rel, path = draw(st.sampled_from(OPTIONAL))
        else:
            rel = draw(st.sampled_from(sorted(docs)))
            path = draw(st.sampled_from(list(paths(docs[rel]))))
        delete = bool(path) and draw(st.integers(0, 4)) == 0
        docs[rel] = put(docs[rel], path, None if delete else draw(HOSTILE), delete)
    texts: dict[str, str] = {}
    for rel, doc in docs.items():
        text = yaml.safe_dump(doc, allow_unicode=draw(st.booleans()), sort_keys=False, width=80)
        for name, raw in RAW.items():
            text = text.replace(f"'@@RAW:{name}@@'", raw).replace(f"@@RAW:{name}@@", raw)
        texts[rel] = text
    return texts


@pytest.mark.parametrize("where", ["card title", "card body", "deck title"])
def test_emphasis_marks_that_do_not_pair_up_still_build(tmp_path: Path, where: str) -> None:
    odd = '"*a **b* c**"'
    cards = MINI_CARDS.replace("title: Lapsed subscriber", f"title: {odd}") if (
        where == "card title") else MINI_CARDS.replace("body: Left last month.", f"body: {odd}")
    deck_yaml = MINI_DECK.format(size="poker")
    if where == "deck title":
        cards, deck_yaml = MINI_CARDS, deck_yaml.replace("title: Test Deck", f"title: {odd}")
    deck = write_deck(tmp_path / "deck", deck_yaml, cards)
    build(deck, tmp_path / "out", ALL_PDFS)  # the card drawer copes; the workbook must too


def test_a_deck_asking_for_millions_of_pages_is_a_diagnostic(tmp_path: Path) -> None:
    cards = "category: audiences\ncards:\n" + "".join(
        f"  - {{id: card-{i}, title: Card {i}, copies: 1000}}\n" for i in range(21))
    deck = write_deck(tmp_path / "deck", cards=cards)
    started = time.monotonic()
    result = CliRunner().invoke(main, ["build", str(deck), "-o", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert "copies: the deck prints 21,000 cards counting copies; the limit is 20,000" in (
        result.output)
    assert "card 'card-0' asks for 1,000 copies" in result.output
    assert time.monotonic() - started < 30  # refused before drawing 21,000 cards (minutes)
    assert not (tmp_path / "out").exists()
    blank = CliRunner().invoke(main, ["build", str(write_deck(tmp_path / "small")), "-o",
                                      str(tmp_path / "out"), "--blank", "1000"])
    assert blank.exit_code == 0  # 3 categories × 1,000 blanks is fine


# Bugs the fuzzing found in modules this file does not own, reported and reproduced by strict
# xfail tests; while they stand, the fuzzing counts them instead of stopping at them, so it keeps
# guarding against new ones. Remove an entry once its xfail passes. None stand at present.
def known_bug(error: Exception) -> str | None:
    """A name for `error` if it is a known bug (match its type, message and traceback frames)."""
    return None


def test_a_font_path_that_loops_is_a_diagnostic(tmp_path: Path) -> None:
    deck = MINI_DECK.format(size="poker").replace(
        "categories:", "brand:\n  fonts:\n    heading: assets/loop\ncategories:")
    root = write_deck(tmp_path / "deck", deck)
    (root / "assets").mkdir()
    (root / "assets" / "loop").symlink_to(root / "assets" / "loop")
    with pytest.raises(DeckError):
        build(root, tmp_path / "out", ALL_PDFS)


def test_a_font_outside_the_deck_folder_is_refused(tmp_path: Path) -> None:
    shutil.copy(REPO / "fonts" / "lato" / "Lato-Regular.ttf", tmp_path / "font-file")
    deck = MINI_DECK.format(size="poker").replace(
        "categories:", "brand:\n  fonts:\n    heading: ../font-file\ncategories:")
    with pytest.raises(DeckError, match="outside the deck folder"):
        build(write_deck(tmp_path / "deck", deck), tmp_path / "out", ALL_PDFS)


# What the examples came to: "built" or "diagnosed" (for a run with many examples, to see that
# the mutations get past the loader often enough to exercise the drawing and writing code).
FUZZ_OUTCOMES: collections.Counter[str] = collections.Counter()


class TookTooLong(Exception):
    pass


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding the deck, things outside it that links point to, and a working dir."""
    root = tmp_path_factory.mktemp("world")
    outside = root / "outside"
    outside.mkdir()
    Image.new("RGB", (32, 32), (200, 0, 0)).save(outside / "secret.png")
    shutil.copy(REPO / "fonts" / "lato" / "Lato-Regular.ttf", outside / "font.ttf")
    deck = root / "deck"
    assets = deck / "assets"
    assets.mkdir(parents=True)
    (deck / "fonts").mkdir()
    Image.new("RGBA", (120, 40), (31, 58, 95, 255)).save(assets / "logo.png")
    (assets / "not-an-image.png").write_text("hello")
    (assets / "folder.png").mkdir()
    (assets / "outside.png").symlink_to(outside / "secret.png")
    (assets / "loop.png").symlink_to(assets / "loop.png")
    (assets / "passwd.png").symlink_to("/etc/passwd")
    (deck / "fonts" / "outside.ttf").symlink_to(outside / "font.ttf")
    (deck / "fonts" / "not-a-font.ttf").write_bytes(b"\x00\x01\x00\x00garbage")
    (root / "cwd").mkdir()
    return root


@settings(max_examples=int(os.environ.get("DECKGEN_FUZZ_EXAMPLES", "150")), deadline=None,
          derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                 HealthCheck.function_scoped_fixture])
@given(files=hostile_deck(), png=st.integers(0, 9))
def test_a_hostile_deck_builds_or_gets_diagnostics_never_a_crash_hang_or_stray_file(
        world: Path, monkeypatch: pytest.MonkeyPatch, files: dict[str, str], png: int) -> None:
    deck, out = world / "deck", world / "out"
    for rel, text in files.items():
        (deck / rel).parent.mkdir(parents=True, exist_ok=True)
        (deck / rel).write_text(text, encoding="utf-8", errors="surrogatepass")
    monkeypatch.chdir(world / "cwd")
    forget_sources()
    before, outputs_before = tree(world, skip=out), tree(out) if out.exists() else {}
    options = BuildOptions(outputs=(*PDF_OUTPUTS, *(("png",) if png == 0 else ())), jobs=1)

    def hang(_signum: int, _frame: object) -> None:
        raise TookTooLong

    previous = signal.signal(signal.SIGALRM, hang)
    signal.setitimer(signal.ITIMER_REAL, 60)
    started = time.monotonic()
    try:
        build(deck, out, options)
    except DeckError as error:
        FUZZ_OUTCOMES["diagnosed"] += 1
        assert error.diagnostics and error.diagnostics.format()
        assert tree(out) == outputs_before  # a failed build changes nothing
    except Exception as error:
        bug = known_bug(error)
        if bug is None:
            raise
        FUZZ_OUTCOMES[f"known bug: {bug}"] += 1
        assert tree(out) == outputs_before  # even a crash changes nothing
    else:
        FUZZ_OUTCOMES["built"] += 1
        names = {FILENAMES[name] for name in options.outputs}
        assert names <= {p.name for p in out.iterdir()}
        assert all(whole_pdf(out / FILENAMES[name]) for name in PDF_OUTPUTS)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    took = time.monotonic() - started
    assert took < 15, f"the build took {took:.1f} s"
    assert tree(world, skip=out) == before, "a file changed outside the output folder"
    assert not list(out.glob(f"{STAGE_PREFIX}*"))



# -- feedback: progress and watch -----------------------------------------------------------------


def test_without_a_terminal_build_prints_only_what_it_wrote(tmp_path: Path) -> None:
    deck = write_deck(tmp_path / "deck")
    result = CliRunner().invoke(main, ["build", str(deck), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert result.stderr == ""  # no progress in CI logs or pipes
    lines = result.stdout.splitlines()
    assert [line for line in lines if line.startswith("wrote ")] == [
        f"wrote {tmp_path / 'out' / FILENAMES[name]}" for name in PDF_OUTPUTS]
    assert len(lines) == len(PDF_OUTPUTS) + 1 and lines[-1].startswith("done in ")


def test_quiet_prints_nothing_at_all(tmp_path: Path) -> None:
    deck = write_deck(tmp_path / "deck")
    result = CliRunner().invoke(main, ["build", str(deck), "-o", str(tmp_path / "out"),
                                       "--quiet"])
    assert result.exit_code == 0
    assert result.output == ""


def build_on_a_terminal(deck: Path, out: Path, *args: str) -> tuple[str, str]:
    """Run `deckgen build` with stderr on a pseudo-terminal; (stdout, what the terminal saw)."""
    import pty

    leader, follower = pty.openpty()
    process = subprocess.Popen([DECKGEN, "build", str(deck), "-o", str(out), *args],
                               stdout=subprocess.PIPE, stderr=follower, text=True)
    os.close(follower)
    seen = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the terminal closes when the process ends
            break
        if not chunk:
            break
        seen += chunk
    os.close(leader)
    stdout, _ = process.communicate(timeout=120)
    assert process.returncode == 0, seen
    return stdout, seen.decode("utf-8", errors="replace")


def test_on_a_terminal_build_shows_progress_then_erases_it(tmp_path: Path) -> None:
    deck = synthetic_deck(tmp_path / "deck", 60)
    stdout, terminal = build_on_a_terminal(deck, tmp_path / "out")
    for step in ("checking…", "cards", "print-shop", "blank", "workbook…"):
        assert f"\r  {step}" in terminal, terminal
    assert "print-shop      60/60" in terminal
    assert terminal.endswith("\r" + " " * 40 + "\r")  # the last line is wiped clean
    assert stdout.count("wrote ") == len(PDF_OUTPUTS)
    _, quiet = build_on_a_terminal(deck, tmp_path / "out", "--quiet")
    assert quiet == ""


class Watcher:
    """`deckgen watch` in a subprocess, with its output lines collected as they come."""

    def __init__(self, *args: str) -> None:
        import queue
        import threading

        self.lines: queue.Queue[tuple[str, str]] = queue.Queue()
        self.seen: list[tuple[str, str]] = []
        self.process = subprocess.Popen([DECKGEN, "watch", *args], stdout=subprocess.PIPE,
                                        stderr=subprocess.PIPE, text=True)
        for name, stream in (("out", self.process.stdout), ("err", self.process.stderr)):
            threading.Thread(target=self._pump, args=(name, stream), daemon=True).start()

    def _pump(self, name: str, stream: Any) -> None:
        for line in stream:
            self.lines.put((name, line.rstrip("\n")))

    def wait_for(self, text: str, timeout: float = 60) -> str:
        import queue

        deadline = time.monotonic() + timeout
        while True:
            try:
                stream, line = self.lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise AssertionError(f"no line with {text!r}; saw {self.seen}") from None
            self.seen.append((stream, line))
            if text in line:
                return line

    def quiet_for(self, seconds: float) -> list[tuple[str, str]]:
        time.sleep(seconds)
        extra: list[tuple[str, str]] = []
        while not self.lines.empty():
            extra.append(self.lines.get())
        self.seen += extra
        return extra


def test_watch_rebuilds_on_save_survives_a_broken_edit_and_stops_cleanly(tmp_path: Path) -> None:
    deck = write_deck(tmp_path / "deck")
    out = deck / "out"  # inside the deck: its own writes must not set off another build
    pdf = out / FILENAMES["print-shop"]
    cards = deck / "cards" / "10-cards.yaml"
    watcher = Watcher(str(deck), "-o", str(out), "--only", "print-shop", "--interval", "0.2")
    try:
        watcher.wait_for("rebuilt 1 output(s)")
        first = pdf.read_bytes()
        assert watcher.quiet_for(1.0) == []  # no rebuild loop on its own outputs

        cards.write_text(cards.read_text().replace("title: Welcome", "title: Welcome aboard"))
        watcher.wait_for("rebuilt 1 output(s)")
        second = pdf.read_bytes()
        assert second != first and whole_pdf(pdf)

        cards.write_text(cards.read_text().replace("title: Welcome aboard", "title: [oops"))
        watcher.wait_for("not rebuilt; fix the problems above and save again")
        assert any("10-cards.yaml:" in line for stream, line in watcher.seen if stream == "err")
        assert pdf.read_bytes() == second  # the broken edit changed nothing
        assert watcher.process.poll() is None  # still watching

        cards.write_text(cards.read_text().replace("title: [oops", "title: Fixed"))
        watcher.wait_for("rebuilt 1 output(s)")
    finally:
        watcher.process.send_signal(signal.SIGINT)
        watcher.process.wait(timeout=30)
    watcher.quiet_for(0.2)
    assert watcher.process.returncode == 0
    assert ("out", "stopped") in watcher.seen
    assert not any("Traceback" in line for _, line in watcher.seen)

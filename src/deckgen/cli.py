"""Command line: validate, build, list, new, calibrate and watch, with plain messages."""

from __future__ import annotations

import json
import os
import signal
import sys
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn

import click

from deckgen import __version__
from deckgen.diagnostics import DeckError, Diagnostics, forget_sources
from deckgen.outputs.files import FILENAMES, OUTPUTS, BuildOptions, OutputError
from deckgen.units import UnitError, parse_length

DECK_ARG = click.argument("deck", default="deck", type=click.Path(path_type=Path))


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def _report(error: DeckError) -> None:
    diags: Diagnostics = error.diagnostics
    click.echo(diags.format(), err=True)
    count = len(diags)
    click.echo(f"\n{count} problem{'s' if count != 1 else ''} found.", err=True)
    if error.more_checks:
        click.echo("Layouts, fonts and text fit are checked once these are fixed.", err=True)


def _warn(text: str) -> None:
    click.echo(text, err=True)


def _fail(error: DeckError, nothing_written: bool = False) -> None:
    _report(error)
    if nothing_written:
        click.echo("Nothing was written; earlier outputs are unchanged.", err=True)
    sys.exit(1)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="deckgen")
def main() -> None:
    """Turn card definitions in YAML into print-ready card decks, blank sheets and workbooks."""


@main.command()
@DECK_ARG
def validate(deck: Path) -> None:
    """Load DECK and check everything; print each problem with its file and line."""
    from deckgen.outputs.build import in_checked_language, load_checked

    try:
        loaded, _ = load_checked(deck, warn=_warn)
        for code in loaded.languages[1:]:  # each translation is checked as it would print
            in_checked_language(loaded, code, warn=_warn, gaps=False)
    except DeckError as error:
        _fail(error)
    coverage = _coverage(loaded)
    if coverage:
        click.echo(coverage)
    click.echo(f"{deck}: {_count(len(loaded.cards), 'card')} in "
               f"{_count(len(loaded.categories), 'category', 'categories')}, no problems.")


def _coverage(deck: Any) -> str:
    """How much of each translation is done, for validate's last line (gaps are no problem
    there; `build --lang` names them, `deckgen i18n` counts them)."""
    from deckgen.i18n.po import read_coverage

    parts = [f"{row.language} {row.percent:.0f} %" for row in read_coverage(deck)]
    return f"Translated: {', '.join(parts)}." if parts else ""


def _json_value(value: object, root: Path) -> object:
    if isinstance(value, tuple):
        return list(value)
    if isinstance(value, Path):
        return str(value.relative_to(root)) if value.is_relative_to(root) else str(value)
    return value


@main.command(name="list")
@DECK_ARG
@click.option("--json", "as_json", is_flag=True, help="One JSON object per card.")
def list_cards(deck: Path, as_json: bool) -> None:
    """List the cards of DECK."""
    from deckgen.deck.load import load_deck

    try:
        loaded = load_deck(deck)
    except DeckError as error:
        _fail(error)
    roles = {c.id: c.role for c in loaded.categories}
    if as_json:
        rows: list[dict[str, Any]] = []
        for card in loaded.cards:
            rows.append({
                "id": card.id,
                "category": card.category,
                "role": roles.get(card.category),
                "title": card.title,
                "subtitle": card.subtitle,
                "body": card.body,
                "items": list(card.items),
                "prompts": list(card.prompts),
                "examples": list(card.examples),
                "recipe": {role: list(ids) for role, ids in card.recipe} or None,
                "layout": card.layout,
                "copies": card.copies,
                "family": card.family,
                "level": card.level,
                "axes": [list(card.axes[0]), list(card.axes[1])] if card.axes else None,
            })
            # Every other field the deck declares, as the card gives it.
            for name, value in card.values.items():
                if name not in rows[-1]:
                    rows[-1][name] = _json_value(value, loaded.root)
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    width = max((len(c.id) for c in loaded.cards), default=2)
    for card in loaded.cards:
        click.echo(f"{card.id:<{width}}  {card.category:<14} {card.title}")
    click.echo(f"{len(loaded.cards)} cards")


def _offset(_ctx: click.Context, _param: click.Parameter, value: str | None,
            ) -> tuple[float, float]:
    if not value:
        return (0.0, 0.0)
    parts = value.split(",")
    if len(parts) != 2:
        raise click.BadParameter("give X,Y in mm, e.g. --back-offset 0.5,-1")
    try:
        x, y = (parse_length(p.strip()) for p in parts)
    except UnitError as exc:
        raise click.BadParameter(str(exc)) from None
    return (x, y)


class _Progress:
    """A one-line progress display on a terminal; silent otherwise (pipes, CI, --quiet)."""

    WIDTH = 40

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.last = 0.0
        self.shown = False

    def __call__(self, name: str, done: int, total: int) -> None:
        if not self.enabled:
            return
        if total <= 0:  # a step without counts (checking, workbook): name it until the next
            self._show(f"  {name}…")
            return
        now = time.monotonic()
        if done < total and now - self.last < 0.1:
            return
        self.last = now
        self._show(f"  {name:<11} {done:>6}/{total:<6}")
        if done >= total:
            self.clear()

    def _show(self, text: str) -> None:
        # Pad so a shorter line fully covers the one before it.
        click.echo(f"\r{text:<{self.WIDTH}}", nl=False, err=True)
        self.shown = True

    def clear(self) -> None:
        """Erase the progress line, e.g. before a message takes its place."""
        if self.shown:
            click.echo("\r" + " " * self.WIDTH + "\r", nl=False, err=True)
            self.shown = False


@contextmanager
def _terminate_as_interrupt() -> Iterator[None]:
    """Treat SIGTERM (`kill`, `timeout`, a cancelled CI job) like Ctrl-C, so cleanup runs."""
    def interrupt(_signum: int, _frame: object) -> None:
        raise KeyboardInterrupt

    try:
        previous = signal.signal(signal.SIGTERM, interrupt)
    except ValueError:  # not the main thread: leave signals alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _cannot_write(error: OutputError) -> NoReturn:
    click.echo(f"deckgen: cannot write outputs: {error.reason}; earlier outputs are unchanged",
               err=True)
    sys.exit(1)


@main.command()
@DECK_ARG
@click.option("-o", "--out", default="build", type=click.Path(path_type=Path),
              show_default=True, help="Folder for the outputs.")
@click.option("--only", "only", multiple=True, type=click.Choice(OUTPUTS),
              help="Build only these outputs (repeatable).")
@click.option("--png", is_flag=True, help="Also write one PNG per face at 300 dpi.")
@click.option("--paper", type=click.Choice(["a4", "letter"]), help="Paper for sheets and workbook.")
@click.option("--duplex", type=click.Choice(["long", "short", "none"]), default="long",
              show_default=True, help="How backs line up with fronts when printed two-sided.")
@click.option("--back-offset", callback=_offset, metavar="X,Y",
              help="Shift back pages by X,Y mm to correct a printer (see `deckgen calibrate`).")
@click.option("--cmyk", is_flag=True, help="Write CMYK colours only (for print shops).")
@click.option("--blank", "blank_count", type=click.IntRange(0, 1000),
              help="Blank cards per category (default: each category's `blanks`; those "
                   "without it share one sheet).")
@click.option("--category", "categories", multiple=True, metavar="ID",
              help="Blank cards for this category only (repeatable); alone, a full sheet.")
@click.option("--printer-margin", type=click.FloatRange(0, 40), default=5.0, show_default=True,
              metavar="MM", help="Paper edge your printer leaves blank: marks and labels stay "
                                 "inside it.")
@click.option("--target", "targets", multiple=True, metavar="NAME",
              help="Also write this print target (repeatable; see `deckgen targets`).")
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but problems.")
@click.option("--lang", metavar="CODE", help="Build this language of the deck (see `deckgen "
              "i18n`); `all` builds each into OUT/LANG/.")
@click.option("--strict", is_flag=True, help="With --lang: an untranslated or fuzzy text is an "
              "error, not a warning.")
def build(deck: Path, out: Path, only: tuple[str, ...], png: bool, paper: str | None,
          duplex: str, back_offset: tuple[float, float], cmyk: bool, blank_count: int | None,
          categories: tuple[str, ...], printer_margin: float, targets: tuple[str, ...],
          quiet: bool, lang: str | None, strict: bool) -> None:
    """Build every output of DECK into OUT."""
    from deckgen.outputs.build import TargetFailed
    from deckgen.outputs.build import build as run_build

    # With --target, only the targets are built (and whatever --only or --png add).
    outputs = only or (() if targets else ("cards", "print-shop", "blank", "workbook")) + (
        ("png",) if png else ())
    options = BuildOptions(outputs=tuple(outputs), paper=paper, duplex=duplex,  # type: ignore[arg-type]
                           back_offset=back_offset, cmyk=cmyk, blank_count=blank_count,
                           blank_categories=categories,
                           printer_margin=printer_margin * 72 / 25.4, targets=targets)
    progress = _Progress(not quiet and sys.stderr.isatty())
    started = time.monotonic()
    try:
        with _terminate_as_interrupt():
            written = run_build(deck, out, options, progress, warn=_warn, lang=lang,
                                strict=strict)
    except DeckError as error:
        progress.clear()
        _fail(error, nothing_written=True)
    except OutputError as error:
        progress.clear()
        _cannot_write(error)
    except TargetFailed as failed:
        progress.clear()
        _rejected(failed)
    except KeyboardInterrupt:
        progress.clear()
        click.echo("Interrupted; earlier outputs are unchanged.", err=True)
        sys.exit(130)
    progress.clear()
    if not quiet:
        for path in written:
            click.echo(f"wrote {path}")
        click.echo(f"done in {time.monotonic() - started:.1f} s")


@main.command(name="i18n")
@DECK_ARG
def i18n_update(deck: Path) -> None:
    """Write DECK/i18n/deck.pot and merge it into each language's .po; print the coverage."""
    from deckgen.deck.load import load_deck
    from deckgen.i18n.apply import inherited
    from deckgen.i18n.catalog import extract
    from deckgen.i18n.po import update

    try:
        loaded = load_deck(deck)
        rows = update(deck, extract(loaded), loaded.languages,
                      lambda code: inherited(loaded, code))
    except DeckError as error:
        _fail(error)
    except OSError as error:
        click.echo(f"deckgen: cannot write {deck / 'i18n'}: {error.strerror}", err=True)
        sys.exit(1)
    click.echo(f"wrote {deck / 'i18n' / 'deck.pot'}")
    if not rows:
        click.echo("No translations: list languages in deck.yaml, e.g. `languages: [en, de]`.")
        return
    click.echo(f"{'language':<10}{'translated':>12}{'fuzzy':>8}{'untranslated':>14}{'percent':>9}")
    for row in rows:
        click.echo(f"{row.language:<10}{row.translated:>12}{row.fuzzy:>8}"
                   f"{row.untranslated:>14}{row.percent:>8.1f}%")


# -- print targets: `targets`, `preflight` and what `build --target` reports ---------------------


def _rejected(failed: Any) -> NoReturn:
    click.echo(f"deckgen: the {failed.target.name} file would be rejected:", err=True)
    for result in failed.results:
        click.echo("  " + result.line(), err=True)
    click.echo("Nothing was written; earlier outputs are unchanged.", err=True)
    sys.exit(1)


@main.command(name="targets")
@click.argument("deck", required=False, type=click.Path(path_type=Path))
def list_targets(deck: Path | None) -> None:
    """List the print targets: the built-in ones and DECK's own (its targets/ folder)."""
    from deckgen.outputs.targets import load_targets

    try:
        found = load_targets(deck)
    except DeckError as error:
        _fail(error)
    width = max(len(name) for name in found)
    for name, target in sorted(found.items()):
        mark = "" if target.builtin else "  [deck]"
        click.echo(f"{name:<{width}}  {target.summary()}{mark}")


@main.command(name="preflight")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--target", "target_name", required=True, metavar="NAME",
              help="The target whose rules to check (see `deckgen targets`).")
@click.option("--deck", "deck", type=click.Path(path_type=Path),
              help="A deck whose own targets/ to look in as well.")
def preflight_command(file: Path, target_name: str, deck: Path | None) -> None:
    """Check FILE.pdf against a target: one line per rule with what was measured."""
    from deckgen.outputs.preflight import preflight
    from deckgen.outputs.targets import load_targets, pick

    try:
        target = pick((target_name,), load_targets(deck), file)[0]
        if target.kind == "png":
            click.echo(f"deckgen: '{target.name}' is a PNG target: there is no PDF to check",
                       err=True)
            sys.exit(1)
        results = preflight(file, target)
    except DeckError as error:
        _fail(error)
    for result in results:
        click.echo(result.line())
    failed = [r for r in results if not r.ok]
    if failed:
        click.echo(f"{file}: {len(failed)} of {len(results)} rules failed for {target.name}",
                   err=True)
        sys.exit(1)
    click.echo(f"{file}: passes {target.name} ({len(results)} rules)")


@main.command()
@DECK_ARG
@click.option("--for", "which", type=click.Choice(["cards", "deck", "workbook"]),
              default="cards", show_default=True,
              help="The schema of card files, of deck.yaml, or of workbook.yaml.")
@click.option("-o", "--out", type=click.Path(path_type=Path), default=None,
              help="Write cards.schema.json, deck.schema.json and workbook.schema.json into "
                   "this folder instead.")
def schema(deck: Path, which: str, out: Path | None) -> None:
    """Print a JSON Schema of DECK's files, for completion in an editor.

    Put `# yaml-language-server: $schema=PATH` at the top of a YAML file to use it.
    """
    from deckgen.deck.load import load_deck
    from deckgen.deck.schema import card_file_schema, deck_file_schema
    from deckgen.deck.workbook_schema import workbook_file_schema

    try:
        loaded = load_deck(deck)
    except DeckError as error:
        _fail(error)
    # The deck's own workbook.yaml lends its phase, activity and agenda ids; an inherited one
    # does not: a workbook.yaml of the deck's own replaces it, ids and all.
    own = loaded.workbook if (loaded.root / "workbook.yaml").is_file() else None
    documents = {"cards": card_file_schema(loaded), "deck": deck_file_schema(loaded),
                 "workbook": workbook_file_schema(loaded, own)}
    if out is None:
        click.echo(json.dumps(documents[which], indent=2, ensure_ascii=False))
        return
    try:
        out.mkdir(parents=True, exist_ok=True)
        for name, document in documents.items():
            path = out / f"{name}.schema.json"
            path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n",
                            encoding="utf-8")
            click.echo(f"wrote {path}")
    except OSError as exc:
        click.echo(f"{out}: cannot write ({exc.strerror or exc})", err=True)
        sys.exit(1)


@main.command()
@click.argument("directory", type=click.Path(path_type=Path))
@click.option("--from", "base", default="builtin:prepersonalization", show_default=True,
              help="The deck to extend: builtin:NAME or a path to a deck folder.")
@click.option("--lang", metavar="CODE", help="The language the deck is for, e.g. de: "
              "translated from the base deck when it has that language.")
def new(directory: Path, base: str, lang: str | None) -> None:
    """Create a branded deck in DIRECTORY that extends another deck."""
    from deckgen.scaffold import ScaffoldError, scaffold

    try:
        scaffold(directory, base, lang)
    except ScaffoldError as exc:
        click.echo(f"deckgen new: {exc}", err=True)
        sys.exit(1)
    then = f" --lang {lang}" if lang else ""
    click.echo(f"Created {directory}. Next: deckgen build {directory} -o {directory}/build{then}")


@main.command()
@click.option("--search", "word", metavar="WORD", help="Only icons whose name or tags hold WORD.")
def icons(word: str | None) -> None:
    """List the bundled icons, usable as `icon: NAME` and as :NAME: in text."""
    from deckgen.deck import icons as icon_set

    found = icon_set.search(word)
    for name in found:
        click.echo(name)
    if not found:
        click.echo(f"no icon matches '{word}'", err=True)
        raise SystemExit(1)


@main.command()
@click.option("-o", "--out", default="build/calibration.pdf", type=click.Path(path_type=Path),
              show_default=True)
@click.option("--paper", type=click.Choice(["a4", "letter"]), default="a4", show_default=True)
def calibrate(out: Path, paper: str) -> None:
    """Write a duplex calibration sheet that tells you your printer's --back-offset."""
    from deckgen.outputs.calibrate import write_calibration
    from deckgen.outputs.files import fixed_clock, publish, staging

    try:
        with fixed_clock(), staging(out.parent) as stage:
            write_calibration(str(stage / out.name), paper)
            publish(stage, out.parent, [out.name])
    except OSError as error:
        _cannot_write(OutputError(error))
    click.echo(f"wrote {out}: print it two-sided at 100 %, then follow the instructions on it.")


@main.command()
@DECK_ARG
@click.option("-o", "--out", default="build", type=click.Path(path_type=Path), show_default=True)
@click.option("--only", "only", multiple=True, type=click.Choice(OUTPUTS))
@click.option("--interval", default=0.5, show_default=True, type=click.FloatRange(min=0.05),
              help="Seconds between checks.")
def watch(deck: Path, out: Path, only: tuple[str, ...], interval: float) -> None:
    """Rebuild DECK whenever one of its files changes (Ctrl-C to stop)."""
    options = BuildOptions(outputs=tuple(only) or ("cards", "print-shop", "blank", "workbook"))
    click.echo(f"watching {deck}; Ctrl-C to stop")
    last: dict[str, tuple[int, int]] | None = None  # None: build once at the start, whatever
    extra: tuple[Path, ...] = ()  # files read from outside DECK (a deck it extends)
    try:
        with _terminate_as_interrupt():
            while True:
                current = _snapshot(deck, out, extra)
                if current != last:
                    last = current
                    forget_sources()
                    sources = _rebuild(deck, out, options)
                    if sources is not None and set(sources) - set(extra):
                        extra = sources
                        # Start watching newly read outside files from now, without a rebuild.
                        last = {**_snapshot_files(extra), **last}
                time.sleep(interval)
    except KeyboardInterrupt:
        click.echo("stopped")


def _snapshot(deck: Path, out: Path, extra: tuple[Path, ...]) -> dict[str, tuple[int, int]]:
    """Every input file under DECK, and `extra`, with its modification time and size.

    The outputs folder is skipped (it may sit inside the deck, and our own writes must not
    trigger another build), and so are hidden files and editor backups (swap files change while
    the user types).
    """
    skip = out.resolve()
    found: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(deck):
        here = Path(dirpath)
        dirnames[:] = sorted(d for d in dirnames
                             if not d.startswith(".") and (here / d).resolve() != skip)
        found += [here / name for name in filenames
                  if not name.startswith(".") and not name.endswith("~")]
    return {**_snapshot_files(extra), **_snapshot_files(found)}


def _snapshot_files(paths: Iterable[Path]) -> dict[str, tuple[int, int]]:
    files: dict[str, tuple[int, int]] = {}
    for path in paths:
        try:
            stat = path.stat()
        except OSError:
            continue
        files[str(path)] = (stat.st_mtime_ns, stat.st_size)
    return files


def _rebuild(deck: Path, out: Path, options: BuildOptions) -> tuple[Path, ...] | None:
    """Build once and say how it went; the files read outside DECK when it loaded, else None."""
    from deckgen.outputs.build import load_checked, write_outputs

    stamp = time.strftime("%H:%M:%S")
    try:
        loaded, renderer = load_checked(deck, cmyk=options.cmyk, warn=_warn)
        inside = deck.resolve()
        sources = tuple(sorted({path.resolve() for path in loaded.sources
                                if not path.resolve().is_relative_to(inside)}))
        written = write_outputs(loaded, renderer, out, options)
    except DeckError as error:
        _report(error)
        click.echo(f"[{stamp}] not rebuilt; fix the problems above and save again", err=True)
        return None
    except OutputError as error:
        click.echo(f"[{stamp}] not rebuilt: cannot write outputs: {error.reason}; earlier "
                   "outputs are unchanged", err=True)
        return sources
    click.echo(f"[{stamp}] rebuilt {len(written)} output(s) of {deck}")
    return sources


__all__ = ["FILENAMES", "main"]

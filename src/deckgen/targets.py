"""Print targets: YAML files (the package's `targets/`, a deck's own) → Target, checked."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from deckgen.diagnostics import DeckError, Diagnostics, Pos, did_you_mean
from deckgen.resources import data_dir
from deckgen.units import UnitError, parse_color, parse_length
from deckgen.yamlsrc import Map, Node, Scalar, check_keys, join, mapping, read_yaml, text

KINDS = ("sheets", "gutter-fold", "pages", "png")
ORDERS = ("front-back", "back-front")
COLOURS = ("rgb", "cmyk")
PDFX = ("PDF/X-1a:2003", "PDF/X-4")
PAPERS = ("a4", "letter")
# Every check preflight knows; a target lists those its printer cares about.
RULES = ("page-size", "boxes", "fonts", "colour", "transparency", "image-resolution", "ink",
         "page-order", "pdfx")
# The v1 outputs: these targets keep their v1 file names directly in OUT.
V1_FILES = {"home": "cards.pdf", "print-shop": "cards-print-shop.pdf"}
RICH_BLACK = (60.0, 40.0, 40.0, 100.0)

KEYS = ("description", "extends", "kind", "paper", "card", "bleed", "order", "color",
        "pdfx", "ink-limit", "rich-black", "pixels", "min-dpi", "preflight")


@dataclass(frozen=True)
class Target:
    name: str
    description: str
    kind: str  # one of KINDS
    source: Path
    paper: str | None = None  # sheets: None = the deck's or --paper
    card: tuple[float, float] | None = None  # trim size the printer takes, points
    bleed: float | None = None  # points; None = the deck's
    order: str = "front-back"
    color: str = "rgb"
    pdfx: str | None = None
    ink_limit: float | None = None  # percent
    rich_black: tuple[float, float, float, float] = RICH_BLACK  # percent
    pixels: tuple[int, int] | None = None  # png: exact size of each face image
    min_dpi: float | None = None
    preflight: tuple[str, ...] = ()
    builtin: bool = True

    @property
    def cmyk(self) -> bool:
        return self.color == "cmyk"

    @property
    def output(self) -> str:
        """Where the target goes inside OUT: a v1 file name, NAME/ (png) or NAME/cards.pdf."""
        if self.name in V1_FILES:
            return V1_FILES[self.name]
        return self.name if self.kind == "png" else f"{self.name}/cards.pdf"

    def summary(self) -> str:
        parts: list[str] = [self.kind]
        if self.pixels:
            parts.append(f"{self.pixels[0]}×{self.pixels[1]} px")
        if self.card:
            parts.append(f"{self.card[0] / 72:.2f}×{self.card[1] / 72:.2f} in trim")
        parts.append(self.color.upper())
        if self.pdfx:
            parts.append(self.pdfx)
        if self.ink_limit:
            parts.append(f"ink ≤ {self.ink_limit:g} %")
        if self.order == "back-front":
            parts.append("back before front")
        return f"{self.description} ({', '.join(parts)})"


def builtin_dir() -> Path:
    return data_dir("targets")


def load_targets(deck_root: Path | None = None) -> dict[str, Target]:
    """Every target by name: the built-in ones, then the deck's own `targets/*.yaml`."""
    diags = Diagnostics()
    found: dict[str, Target] = {}
    for path in sorted(builtin_dir().glob("*.yaml")):
        target = _load_file(path, {}, diags, builtin=True)
        if target is not None:
            found[target.name] = target
    builtins = dict(found)
    if deck_root is not None and (deck_root / "targets").is_dir():
        for path in sorted((deck_root / "targets").glob("*.yaml")):
            target = _load_file(path, builtins, diags, builtin=False)
            if target is not None:
                found[target.name] = target
    if diags:
        raise DeckError(diags)
    return found


def pick(names: tuple[str, ...], available: dict[str, Target], where: Path) -> list[Target]:
    """The targets asked for on the command line, in order, or a diagnostic per unknown name."""
    diags = Diagnostics()
    picked: list[Target] = []
    for name in names:
        if name in available:
            if available[name] not in picked:
                picked.append(available[name])
        else:
            diags.add(Pos(where), "--target", f"there is no target '{name}'",
                      did_you_mean(name, available) or "targets: " + ", ".join(sorted(available)))
    if diags:
        raise DeckError(diags)
    return picked


def _load_file(path: Path, builtins: dict[str, Target], diags: Diagnostics, *,
               builtin: bool) -> Target | None:
    name = path.stem
    root = read_yaml(path, diags)
    node = mapping(root, "", diags)
    if node is None:
        if root is None or (isinstance(root, Scalar) and root.null):
            diags.add(Pos(path), "", "the target file is empty",
                      "give at least `kind:` (sheets, gutter-fold, pages or png)")
        return None
    check_keys(node, KEYS, "", diags)
    before = len(diags)
    base = _base(node, name, path, builtins, diags, builtin=builtin)
    kind = _choice(node, "kind", KINDS, diags)
    if base is None and kind is None:
        diags.add(node.pos, "kind", "required field is missing",
                  "kind: sheets, gutter-fold, pages or png")
        return None
    target = base or Target(name=name, description=name, kind=kind or "pages", source=path)
    target = replace(target, name=name, source=path, builtin=builtin)
    if kind is not None:
        target = replace(target, kind=kind)
    desc = text(node.get("description"), "description", diags, max_len=200)
    if desc is not None:
        target = replace(target, description=desc)
    for key, options, attr in (("order", ORDERS, "order"), ("color", COLOURS, "color"),
                               ("pdfx", PDFX, "pdfx"), ("paper", PAPERS, "paper")):
        value = _choice(node, key, options, diags)
        if value is not None:
            target = replace(target, **{attr: value})  # type: ignore[arg-type]
    target = _sizes(node, target, diags)
    rules = node.get("preflight")
    if rules is not None:
        target = replace(target, preflight=_rules(rules, diags))
    if len(diags) > before:
        return None
    _consistent(node, target, diags)
    return target


def _base(node: Map, name: str, path: Path, builtins: dict[str, Target], diags: Diagnostics,
          *, builtin: bool) -> Target | None:
    extends = text(node.get("extends"), "extends", diags)
    if extends is None:
        if not builtin and name in builtins:
            diags.add(Pos(path), "", f"'{name}' is a built-in target",
                      f"add `extends: {name}` to change just what this file names, or rename "
                      "the file")
        return None
    if builtin:
        diags.add(node.key_pos("extends"), "extends", "built-in targets do not extend others")
        return None
    if extends not in builtins:
        diags.add(node.get("extends").pos, "extends",  # type: ignore[union-attr]
                  f"there is no built-in target '{extends}'",
                  did_you_mean(extends, builtins) or "built-in: " + ", ".join(sorted(builtins)))
        return None
    return builtins[extends]


def _choice(node: Map, key: str, options: tuple[str, ...], diags: Diagnostics) -> str | None:
    raw = node.get(key)
    value = text(raw, key, diags)
    if value is None or raw is None:
        return None
    if value not in options:
        diags.add(raw.pos, key, f"'{value}' is not one of {', '.join(options)}",
                  did_you_mean(value, options))
        return None
    return value


def _length(node: Node | None, path: str, diags: Diagnostics) -> float | None:
    value = text(node, path, diags)
    if value is None or node is None:
        return None
    try:
        length = parse_length(value)
    except UnitError as exc:
        diags.add(node.pos, path, str(exc))
        return None
    if length < 0:
        diags.add(node.pos, path, "must not be negative")
        return None
    return length


def _number(node: Node | None, path: str, diags: Diagnostics, lo: float, hi: float,
            ) -> float | None:
    value = text(node, path, diags)
    if value is None or node is None:
        return None
    try:
        number = float(value.rstrip("%").strip())
    except ValueError:
        diags.add(node.pos, path, f"'{value}' is not a number")
        return None
    if not lo <= number <= hi:
        diags.add(node.pos, path, f"must be between {lo:g} and {hi:g}, not {number:g}")
        return None
    return number


def _pair(node: Node | None, path: str, diags: Diagnostics) -> tuple[Node, Node] | None:
    box = mapping(node, path, diags)
    if box is None:
        return None
    check_keys(box, ("width", "height"), path, diags, required=("width", "height"))
    width, height = box.get("width"), box.get("height")
    if width is None or height is None:
        return None
    return width, height


def _sizes(node: Map, target: Target, diags: Diagnostics) -> Target:
    card = _pair(node.get("card"), "card", diags)
    if card is not None:
        w, h = _length(card[0], "card.width", diags), _length(card[1], "card.height", diags)
        if w and h:
            target = replace(target, card=(w, h))
    bleed = _length(node.get("bleed"), "bleed", diags)
    if bleed is not None:
        target = replace(target, bleed=bleed)
    pixels = _pair(node.get("pixels"), "pixels", diags)
    if pixels is not None:
        w_px = _number(pixels[0], "pixels.width", diags, 16, 20000)
        h_px = _number(pixels[1], "pixels.height", diags, 16, 20000)
        if w_px and h_px:
            target = replace(target, pixels=(round(w_px), round(h_px)))
    ink = _number(node.get("ink-limit"), "ink-limit", diags, 100, 400)
    if ink is not None:
        target = replace(target, ink_limit=ink)
    dpi = _number(node.get("min-dpi"), "min-dpi", diags, 1, 4800)
    if dpi is not None:
        target = replace(target, min_dpi=dpi)
    rich = node.get("rich-black")
    value = text(rich, "rich-black", diags)
    if value is not None and rich is not None:
        try:
            colour = parse_color(value)
        except UnitError as exc:
            diags.add(rich.pos, "rich-black", str(exc))
        else:
            if colour.cmyk is None:
                diags.add(rich.pos, "rich-black", "give it as cmyk(c, m, y, k)",
                          "e.g. cmyk(60, 40, 40, 100)")
            else:
                target = replace(target, rich_black=tuple(  # type: ignore[arg-type]
                    100 * v for v in colour.cmyk))
    return target


def _rules(node: Node, diags: Diagnostics) -> tuple[str, ...]:
    from deckgen.yamlsrc import sequence

    seq = sequence(node, "preflight", diags)
    if seq is None:
        return ()
    rules: list[str] = []
    for i, item in enumerate(seq):
        value = text(item, join("preflight", i), diags, required=True)
        if value is None:
            continue
        if value not in RULES:
            diags.add(item.pos, join("preflight", i), f"unknown rule '{value}'",
                      did_you_mean(value, RULES) or "rules: " + ", ".join(RULES))
        else:
            rules.append(value)
    return tuple(rules)


def _consistent(node: Map, target: Target, diags: Diagnostics) -> None:
    if target.kind == "png" and target.pixels is None:
        diags.add(node.pos, "pixels", "a png target needs `pixels: {width: W, height: H}`")
    if target.pdfx == "PDF/X-1a:2003" and target.color != "cmyk":
        diags.add(node.key_pos("pdfx"), "pdfx", "PDF/X-1a allows CMYK colour only",
                  "add `color: cmyk`")
    if target.kind in ("sheets", "gutter-fold") and target.pdfx:
        diags.add(node.key_pos("pdfx"), "pdfx", "PDF/X is for print-shop pages, not home sheets",
                  "use `kind: pages`")
    if target.ink_limit is not None and target.color != "cmyk":
        diags.add(node.key_pos("ink-limit"), "ink-limit", "an ink limit needs `color: cmyk`")
    if target.ink_limit is not None and sum(target.rich_black) > target.ink_limit + 1e-6:
        diags.add(node.key_pos("rich-black"), "rich-black",
                  f"rich black uses {sum(target.rich_black):g} % ink, over the "
                  f"{target.ink_limit:g} % limit")

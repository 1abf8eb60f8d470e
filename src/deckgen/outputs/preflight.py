"""Preflight: any PDF + a target → one measured result per rule, as a shop's checker would."""

from __future__ import annotations

import io
import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pikepdf
from PIL import Image, ImageChops, ImageMath

from deckgen.diagnostics import DeckError, Diagnostics, Pos
from deckgen.outputs.targets import Target
from deckgen.units import PAPER_SIZES

PT_TOL = 0.75  # points: page sizes are written to a few decimals, and mm → in rounds
MAX_FORM_DEPTH = 12  # forms inside forms; deeper nesting in an untrusted file is refused
MAX_IMAGE_PIXELS = 40_000_000  # bigger images are not decoded to measure their ink


@dataclass(frozen=True)
class Result:
    rule: str
    ok: bool
    measured: str

    def line(self) -> str:
        return f"{'PASS' if self.ok else 'FAIL'}  {self.rule:<17} {self.measured}"


@dataclass
class _Scan:
    """What the content streams and resources of the whole file use."""

    spaces: set[str] = field(default_factory=set)
    rgb_ops: int = 0
    max_ink: float = 0.0  # percent, over every colour set and every CMYK image pixel
    ink_where: str = ""
    min_dpi: float = math.inf
    images: int = 0
    smasks: int = 0
    alphas: int = 0  # ExtGStates with constant alpha below 1 or a soft mask
    groups: int = 0  # transparency groups
    fonts: dict[str, bool] = field(default_factory=dict)  # name → embedded
    seen_images: dict[tuple[int, int], float] = field(default_factory=dict)


def preflight(path: Path, target: Target) -> list[Result]:
    """Check the PDF at `path` against every rule of `target`; an unreadable file is a
    DeckError with one diagnostic, never a traceback."""
    try:
        pdf = pikepdf.open(path)
    except (pikepdf.PdfError, OSError, ValueError) as error:
        diags = Diagnostics()
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        diags.add(Pos(path), "", f"cannot read this file as a PDF: {reason}",
                  "check that it is the PDF you meant and that it was fully downloaded")
        raise DeckError(diags) from None
    with pdf:
        try:
            return _check(pdf, target)
        except (pikepdf.PdfError, ValueError, KeyError, TypeError, AttributeError) as error:
            diags = Diagnostics()
            diags.add(Pos(path), "", f"the PDF is damaged: {error}",
                      "export it again from the program that made it")
            raise DeckError(diags) from None


def _check(pdf: pikepdf.Pdf, target: Target) -> list[Result]:
    scan = _Scan()
    for page in pdf.pages:
        _scan_page(page, scan)
    checks = {
        "page-size": _page_size, "boxes": _boxes, "fonts": _fonts, "colour": _colour,
        "transparency": _transparency, "image-resolution": _resolution, "ink": _ink,
        "page-order": _order, "pdfx": _pdfx,
    }
    return [checks[rule](pdf, target, scan) for rule in target.preflight]


# -- rules -------------------------------------------------------------------------------------


def _size(box: Any) -> tuple[float, float]:
    x0, y0, x1, y1 = (float(v) for v in box)
    return abs(x1 - x0), abs(y1 - y0)


def _fmt(w: float, h: float) -> str:
    return f"{w / 72:.2f} × {h / 72:.2f} in ({w * 25.4 / 72:.1f} × {h * 25.4 / 72:.1f} mm)"


def _page_size(pdf: pikepdf.Pdf, target: Target, _scan: _Scan) -> Result:
    sizes = sorted({tuple(round(v, 1) for v in _size(p.mediabox)) for p in pdf.pages})
    if not sizes:
        return Result("page-size", False, "the file has no pages")
    shown = "; ".join(_fmt(w, h) for w, h in sizes[:3])
    if target.kind in ("sheets", "gutter-fold"):
        papers = [PAPER_SIZES[target.paper]] if target.paper else list(PAPER_SIZES.values())
        # Either way up: gutter-fold sheets are often landscape.
        ok = all(any(abs(min(w, h) - pw) < PT_TOL and abs(max(w, h) - ph) < PT_TOL
                     for pw, ph in papers) for w, h in sizes)
        return Result("page-size", ok, f"{shown}; wants A4 or Letter paper" if not ok else shown)
    if target.card is None or target.bleed is None:
        ok = len(sizes) == 1
        return Result("page-size", ok, shown if ok else f"pages differ: {shown}")
    want = (target.card[0] + 2 * target.bleed, target.card[1] + 2 * target.bleed)
    ok = all(abs(w - want[0]) < PT_TOL and abs(h - want[1]) < PT_TOL for w, h in sizes)
    return Result("page-size", ok, shown + ("" if ok else f"; wants {_fmt(*want)}"))


def _boxes(pdf: pikepdf.Pdf, target: Target, _scan: _Scan) -> Result:
    missing, wrong, bleeds = 0, 0, set()
    for page in pdf.pages:
        obj = page.obj
        if "/TrimBox" not in obj or "/BleedBox" not in obj:
            missing += 1
            continue
        media = [float(v) for v in page.mediabox]
        trim = [float(v) for v in obj.TrimBox]
        bleed = [float(v) for v in obj.BleedBox]
        inside = (media[0] - 0.01 <= bleed[0] <= trim[0] and media[1] - 0.01 <= bleed[1] <= trim[1]
                  and trim[2] <= bleed[2] <= media[2] + 0.01
                  and trim[3] <= bleed[3] <= media[3] + 0.01)
        wrong += not inside
        bleeds.add(round(min(trim[0] - bleed[0], trim[1] - bleed[1], bleed[2] - trim[2],
                             bleed[3] - trim[3]) * 25.4 / 72, 2))
    if missing or wrong:
        return Result("boxes", False, f"{missing} page(s) without TrimBox/BleedBox, "
                                      f"{wrong} with a TrimBox outside its BleedBox")
    least = min(bleeds, default=0.0)
    want = (target.bleed or 0) * 25.4 / 72
    ok = least >= want - 0.05
    return Result("boxes", ok, f"TrimBox and BleedBox on all {len(pdf.pages)} pages, bleed "
                               f"{least:g} mm" + ("" if ok else f"; wants {want:.2f} mm"))


def _fonts(_pdf: pikepdf.Pdf, _target: Target, scan: _Scan) -> Result:
    loose = sorted(name for name, embedded in scan.fonts.items() if not embedded)
    if loose:
        return Result("fonts", False, f"not embedded: {', '.join(loose)}")
    return Result("fonts", True, f"all {len(scan.fonts)} fonts embedded")


def _colour(_pdf: pikepdf.Pdf, target: Target, scan: _Scan) -> Result:
    used = ", ".join(sorted(scan.spaces)) or "none"
    if not target.cmyk:
        return Result("colour", True, f"colour spaces used: {used}")
    rgb = sorted(s for s in scan.spaces if "RGB" in s or s in ("ICC/3", "Lab", "CalRGB"))
    ok = not rgb and not scan.rgb_ops
    detail = f"colour spaces used: {used}"
    if not ok:
        detail += f"; RGB in a CMYK target ({scan.rgb_ops} RGB colour operators)"
    return Result("colour", ok, detail)


def _transparency(_pdf: pikepdf.Pdf, _target: Target, scan: _Scan) -> Result:
    ok = not (scan.smasks or scan.alphas or scan.groups)
    return Result("transparency", ok, f"{scan.smasks} soft-masked images, {scan.alphas} "
                                      f"alpha graphics states, {scan.groups} transparency groups")


def _resolution(_pdf: pikepdf.Pdf, target: Target, scan: _Scan) -> Result:
    if not scan.images:
        return Result("image-resolution", True, "no images placed")
    want = target.min_dpi or 0
    ok = scan.min_dpi >= want - 0.5
    return Result("image-resolution", ok, f"lowest {scan.min_dpi:.0f} dpi over {scan.images} "
                  f"placed images" + ("" if ok else f"; wants ≥ {want:g} dpi"))


def _ink(_pdf: pikepdf.Pdf, target: Target, scan: _Scan) -> Result:
    limit = target.ink_limit or 400
    ok = scan.max_ink <= limit + 0.5
    where = f" ({scan.ink_where})" if scan.ink_where else ""
    return Result("ink", ok, f"maximum total ink {scan.max_ink:.0f} %{where}, limit {limit:g} %")


def face_labels(pdf: pikepdf.Pdf) -> list[str] | None:
    """The label of every page from /PageLabels prefixes ("3 back"), or None without them."""
    root = pdf.Root
    if "/PageLabels" not in root:
        return None
    nums = root.PageLabels.get("/Nums")
    if nums is None:
        return None
    starts = {int(nums[i]): str(nums[i + 1].get("/P", "")) for i in range(0, len(nums) - 1, 2)}
    labels, current = [], ""
    for index in range(len(pdf.pages)):
        current = starts.get(index, current)
        labels.append(current)
    return labels


def _order(pdf: pikepdf.Pdf, target: Target, _scan: _Scan) -> Result:
    labels = face_labels(pdf)
    if labels is None or not all(label.split(" ")[-1] in ("front", "back") for label in labels):
        return Result("page-order", True, "not checkable: the pages are not labelled front/back")
    first, second = ("back", "front") if target.order == "back-front" else ("front", "back")
    sides = [label.split(" ")[-1] for label in labels]
    bad = [i + 1 for i, side in enumerate(sides) if side != (first if i % 2 == 0 else second)]
    shown = f"{first} before {second} for each card"
    if bad:
        return Result("page-order", False, f"page {bad[0]} is a {sides[bad[0] - 1]}; wants {shown}")
    return Result("page-order", True, f"{shown} ({len(sides) // 2} cards)")


def _pdfx(pdf: pikepdf.Pdf, target: Target, _scan: _Scan) -> Result:
    problems = []
    intents = [oi for oi in pdf.Root.get("/OutputIntents", []) if oi.get("/S") == "/GTS_PDFX"]
    if not intents:
        problems.append("no OutputIntent /S /GTS_PDFX")
    version = str(pdf.docinfo.get("/GTS_PDFXVersion", "")) if pdf.trailer.get("/Info") else ""
    if target.pdfx == "PDF/X-4":
        with pdf.open_metadata() as meta:
            version = version or str(meta.get("pdfxid:GTS_PDFXVersion", ""))
    if not version:
        problems.append("no GTS_PDFXVersion")
    elif target.pdfx and version != target.pdfx:
        problems.append(f"GTS_PDFXVersion is {version}, wants {target.pdfx}")
    info: Any = pdf.docinfo if pdf.trailer.get("/Info") else {}
    if not str(info.get("/Title", "")):
        problems.append("no Title")
    if str(info.get("/Trapped", "")) not in ("/True", "/False"):
        problems.append("Trapped is not True or False")
    if problems:
        return Result("pdfx", False, "; ".join(problems))
    condition = str(intents[0].get("/OutputConditionIdentifier", ""))
    profile = "embedded profile" if "/DestOutputProfile" in intents[0] else "registered condition"
    if profile != "embedded profile" and version == "PDF/X-4":
        profile += "; a strict PDF/X-4 checker also wants the ICC profile embedded"
    return Result("pdfx", True, f"{version}, OutputIntent {condition} ({profile})")


# -- scanning content ----------------------------------------------------------------------------


def _scan_page(page: pikepdf.Page, scan: _Scan) -> None:
    obj = page.obj
    if "/Group" in obj and obj.Group.get("/S") == "/Transparency":
        scan.groups += 1
    resources = obj.get("/Resources", pikepdf.Dictionary())
    _scan_stream(page, resources, scan, (1, 0, 0, 1, 0, 0), 0, f"page {page.index + 1}")


Matrix = tuple[float, float, float, float, float, float]


def _mul(a: Matrix, b: Matrix) -> Matrix:
    return (a[0] * b[0] + a[1] * b[2], a[0] * b[1] + a[1] * b[3],
            a[2] * b[0] + a[3] * b[2], a[2] * b[1] + a[3] * b[3],
            a[4] * b[0] + a[5] * b[2] + b[4], a[4] * b[1] + a[5] * b[3] + b[5])


def _space_name(cs: object, resources: Any) -> str:
    if isinstance(cs, pikepdf.Name):
        name = str(cs)[1:]
        if name in ("DeviceRGB", "DeviceCMYK", "DeviceGray", "Pattern"):
            return name
        named = resources.get("/ColorSpace", {}).get(str(cs))
        return _space_name(named, resources) if named is not None else name
    if isinstance(cs, pikepdf.Array) and len(cs):
        family = str(cs[0])[1:]
        if family == "ICCBased":
            return f"ICC/{int(cs[1].get('/N', 0))}"
        if family == "Indexed":
            return f"Indexed {_space_name(cs[1], resources)}"
        return family
    return "unknown"


def _note_ink(scan: _Scan, cmyk: list[float], where: str) -> None:
    total = 100 * sum(cmyk)
    if total > scan.max_ink + 1e-6:
        scan.max_ink, scan.ink_where = total, where


def _scan_stream(owner: Any, resources: Any, scan: _Scan, ctm: Matrix,
                 depth: int, where: str) -> None:
    if depth > MAX_FORM_DEPTH:
        raise ValueError("forms nest too deeply")
    _scan_resources(resources, scan)
    stack: list[Matrix] = []
    fill_space = stroke_space = "DeviceGray"
    for inst in pikepdf.parse_content_stream(owner):
        operands, op = inst.operands, inst.operator
        name = str(op)
        if name == "q":
            stack.append(ctm)
        elif name == "Q" and stack:
            ctm = stack.pop()
        elif name == "cm" and len(operands) == 6:
            ctm = _mul(tuple(float(v) for v in operands), ctm)  # type: ignore[arg-type]
        elif name in ("rg", "RG"):
            scan.rgb_ops += 1
            scan.spaces.add("DeviceRGB")
        elif name in ("g", "G"):
            scan.spaces.add("DeviceGray")
        elif name in ("k", "K"):
            scan.spaces.add("DeviceCMYK")
            _note_ink(scan, [float(v) for v in operands], where)
        elif name in ("cs", "CS") and operands:
            space = _space_name(operands[0], resources)
            scan.spaces.add(space)
            if name == "cs":
                fill_space = space
            else:
                stroke_space = space
        elif name in ("sc", "scn", "SC", "SCN"):
            space = fill_space if name.islower() else stroke_space
            if "RGB" in space or space == "ICC/3":
                scan.rgb_ops += 1
            elif space in ("DeviceCMYK", "ICC/4") and len(operands) == 4:
                _note_ink(scan, [float(v) for v in operands], where)
        elif name == "gs" and operands:
            state = resources.get("/ExtGState", {}).get(str(operands[0]))
            if state is not None and _alpha(state):
                scan.alphas += 1
        elif name == "Do" and operands:
            xobject = resources.get("/XObject", {}).get(str(operands[0]))
            if xobject is not None:
                _scan_xobject(xobject, scan, ctm, depth, where)
        elif name == "INLINE IMAGE":
            scan.images += 1


def _alpha(state: Any) -> bool:
    soft = state.get("/SMask")
    return (float(state.get("/CA", 1)) < 1 or float(state.get("/ca", 1)) < 1
            or (soft is not None and soft != pikepdf.Name.None_))


def _scan_resources(resources: Any, scan: _Scan) -> None:
    for ref in resources.get("/Font", {}).values():
        _note_font(ref, scan)


def _note_font(font: Any, scan: _Scan) -> None:
    base = str(font.get("/BaseFont", "/?"))[1:]
    if font.get("/Subtype") == "/Type3":
        scan.fonts.setdefault(base, True)
        return
    if font.get("/Subtype") == "/Type0":
        for child in font.get("/DescendantFonts", []):
            _note_font(child, scan)
        return
    descriptor = font.get("/FontDescriptor")
    embedded = descriptor is not None and any(
        key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))
    scan.fonts[base] = scan.fonts.get(base, True) and embedded


def _scan_xobject(xobject: Any, scan: _Scan, ctm: Matrix, depth: int,
                  where: str) -> None:
    subtype = xobject.get("/Subtype")
    if subtype == "/Form":
        if "/Group" in xobject and xobject.Group.get("/S") == "/Transparency":
            scan.groups += 1
        matrix = tuple(float(v) for v in xobject.get("/Matrix", [1, 0, 0, 1, 0, 0]))
        inner = xobject.get("/Resources", pikepdf.Dictionary())
        _scan_stream(xobject, inner, scan, _mul(matrix, ctm), depth + 1,  # type: ignore[arg-type]
                     where)
        return
    if subtype != "/Image" or xobject.get("/ImageMask", False):
        return
    scan.images += 1
    width, height = int(xobject.get("/Width", 0)), int(xobject.get("/Height", 0))
    # The unit square is the image: its placed size is the length of the CTM's axes.
    placed_w = math.hypot(ctm[0], ctm[1]) / 72
    placed_h = math.hypot(ctm[2], ctm[3]) / 72
    if placed_w > 0 and placed_h > 0:
        scan.min_dpi = min(scan.min_dpi, width / placed_w, height / placed_h)
    if "/SMask" in xobject:
        scan.smasks += 1
    space = _space_name(xobject.get("/ColorSpace", pikepdf.Name.DeviceGray), pikepdf.Dictionary())
    scan.spaces.add(space)
    key = xobject.objgen
    if space in ("DeviceCMYK", "ICC/4") and key not in scan.seen_images:
        scan.seen_images[key] = _image_ink(xobject, width * height)
        if scan.seen_images[key] > scan.max_ink:
            scan.max_ink, scan.ink_where = scan.seen_images[key], f"{where}, image"


def _image_ink(xobject: Any, pixels: int) -> float:
    if pixels > MAX_IMAGE_PIXELS:
        return 0.0
    image = decode_image(xobject)
    return max_image_ink(image) if image is not None and image.mode == "CMYK" else 0.0


_MODES = {"/DeviceCMYK": "CMYK", "/DeviceRGB": "RGB", "/DeviceGray": "L"}


def decode_image(xobject: Any) -> Image.Image | None:
    """An image XObject's own samples, without applying its mask (which would turn CMYK into
    RGBA); None for kinds deckgen does not convert (indexed, 16-bit, JPEG 2000...)."""
    space = xobject.get("/ColorSpace")
    mode = _MODES.get(str(space)) if isinstance(space, pikepdf.Name) else None
    if mode is None and isinstance(space, pikepdf.Array) and str(space[0]) == "/ICCBased":
        mode = {1: "L", 3: "RGB", 4: "CMYK"}.get(int(space[1].get("/N", 0)))
    if mode is None or int(xobject.get("/BitsPerComponent", 8)) != 8:
        return None
    size = (int(xobject.Width), int(xobject.Height))
    filters = xobject.get("/Filter")
    names = [str(f) for f in filters] if isinstance(filters, pikepdf.Array) else (
        [str(filters)] if filters is not None else [])
    if names and names[-1] == "/DCTDecode":
        image: Image.Image = Image.open(io.BytesIO(xobject.read_raw_bytes()))
        image.load()
        if image.mode == "CMYK" and "/Decode" not in xobject:
            # Adobe writes CMYK JPEGs inverted and says so in the file, not the PDF.
            image = ImageChops.invert(image) if image.info.get("adobe") else image
        return image.convert(mode) if image.mode != mode else image
    if any(name not in ("/FlateDecode", "/LZWDecode", "/ASCII85Decode", "/ASCIIHexDecode",
                        "/RunLengthDecode") for name in names):
        return None
    data = xobject.read_bytes()
    if len(data) < size[0] * size[1] * len(mode):
        return None
    image = Image.frombytes(mode, size, data[: size[0] * size[1] * len(mode)])
    decode = xobject.get("/Decode")
    if decode is not None and [float(v) for v in decode][:2] == [1.0, 0.0]:
        image = ImageChops.invert(image)
    return image


def max_image_ink(image: Image.Image) -> float:
    """Highest C+M+Y+K of any pixel of a CMYK image, in percent."""
    c, m, y, k = image.split()
    total = ImageMath.lambda_eval(lambda e: e["c"] + e["m"] + e["y"] + e["k"],
                                  c=c, m=m, y=y, k=k)
    return float(total.getextrema()[1]) * 100 / 255


def failures(results: list[Result]) -> Iterator[Result]:
    return (r for r in results if not r.ok)

"""Press finishing: a CMYK PDF from ReportLab → colour a press accepts, PDF/X keys, page labels.

Works on the written file with pikepdf, so the card drawer stays one drawer for every output.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pikepdf
from PIL import Image

from deckgen.images import limit_ink, rgb_to_cmyk
from deckgen.preflight import decode_image
from deckgen.targets import Target

MM = 72 / 25.4
# No CMYK ICC profile we may ship was found (Debian's icc-profiles-free holds only FOGRA and
# TR characterisation data, colord-data no CMYK profile, Ghostscript's own are under its
# licence), so the OutputIntent names a characterisation registered with the ICC, which
# PDF/X-1a accepts without an embedded profile. SWOP is what DriveThruCards asks for.
OUTPUT_CONDITION = "CGATS TR 001"
OUTPUT_INFO = "U.S. Web Coated (SWOP), registered characterisation CGATS TR 001"
REGISTRY = "http://www.color.org"
# A colour this dark with this little colour in it is black to a reader: print it on K alone,
# so text and hairlines stay sharp when the plates are a little out of register.
NEAR_BLACK_K = 0.8
NEAR_BLACK_CMY = 0.15
# A dark fill at least this big on both sides is an area, printed in rich black (K alone
# looks grey next to colour); smaller fills are rules and dots, kept on K.
LARGE_AREA = 8 * MM
MASK_SCALE = 4  # explicit masks at 4× the image's resolution keep edges smooth
_PAINT_FILL = {"f", "F", "f*", "B", "B*", "b", "b*"}
_PAINT = _PAINT_FILL | {"S", "s", "n"}
_PATH = {"m", "l", "c", "v", "y", "re", "h"}


def finish(path: Path, target: Target, title: str, labels: Sequence[str] = ()) -> None:
    """Rewrite the PDF at `path` in place for `target`: press colour, PDF/X keys, labels."""
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        if target.cmyk:
            _press_colour(pdf, target)
        if labels:
            _label_pages(pdf, labels)
        if target.pdfx:
            _pdfx_keys(pdf, target, title)
        version = "1.6" if target.pdfx == "PDF/X-4" else "1.4"
        pdf.save(path, min_version=version, deterministic_id=True, compress_streams=True)


def near_black(cmyk: Sequence[float]) -> bool:
    c, m, y, k = cmyk
    # Under that much K, colour shows only in proportion to the paper K leaves uncovered.
    return k >= NEAR_BLACK_K and min(max(c, m, y), max(c, m, y) * (1 - k) * 4) <= NEAR_BLACK_CMY


def press_cmyk(cmyk: Sequence[float], limit: float | None) -> tuple[float, float, float, float]:
    """A colour as the press gets it: near-black on K alone, anything else within the ink
    limit (colour is taken out of C, M and Y; K, which carries the detail, stays)."""
    c, m, y, k = (min(1.0, max(0.0, float(v))) for v in cmyk)
    if near_black((c, m, y, k)):
        return (0.0, 0.0, 0.0, 1.0)
    if limit is not None and c + m + y + k > limit / 100:
        scale = max(0.0, limit / 100 - k) / (c + m + y)
        c, m, y = c * scale, m * scale, y * scale
    return (round(c, 4), round(m, 4), round(y, 4), round(k, 4))


def _op(name: str, values: Sequence[float]) -> Any:
    return ([round(v, 4) for v in values], pikepdf.Operator(name))


def _rgb_as_cmyk(rgb: Sequence[float]) -> tuple[float, float, float, float]:
    top = max(rgb)
    if top <= 0:
        return (0.0, 0.0, 0.0, 1.0)
    c, m, y = ((top - v) / top for v in rgb)
    return (c, m, y, 1 - top)


def _rewrite(stream: Any, target: Target, rich: tuple[float, ...]) -> None:
    """Press colour in one content stream: convert every colour operator, and paint large dark
    fills in rich black (set just before the path, and set back to K right after it)."""
    out: list[Any] = []
    fill: tuple[float, ...] = (0.0, 0.0, 0.0, 1.0)
    stack: list[tuple[float, ...]] = []
    in_text = False
    path_start, lo, hi = -1, [1e9, 1e9], [-1e9, -1e9]
    for inst in pikepdf.parse_content_stream(stream):
        operands, op = inst.operands, inst.operator
        name = str(op)
        values = [float(v) for v in operands] if name in ("k", "K", "rg", "RG", "g", "G") else []
        if name in ("rg", "RG"):
            values, name = list(_rgb_as_cmyk(values)), "k" if name == "rg" else "K"
        elif name in ("g", "G"):
            values, name = [0.0, 0.0, 0.0, 1 - values[0]], "k" if name == "g" else "K"
        if name in ("k", "K"):
            if name == "k":
                fill = tuple(values)
            out.append(_op(name, press_cmyk(values, target.ink_limit)))
            continue
        if name == "q":
            stack.append(fill)
        elif name == "Q" and stack:
            fill = stack.pop()
        elif name == "BT":
            in_text = True
        elif name == "ET":
            in_text = False
        if name in _PATH:
            if path_start < 0:
                path_start, lo, hi = len(out), [1e9, 1e9], [-1e9, -1e9]
            nums = [float(v) for v in operands]
            points = [(nums[0], nums[1]), (nums[0] + nums[2], nums[1] + nums[3])] if (
                name == "re") else list(zip(nums[::2], nums[1::2], strict=False))
            for x, y in points:
                lo = [min(lo[0], x), min(lo[1], y)]
                hi = [max(hi[0], x), max(hi[1], y)]
        out.append((list(operands), op))
        if name in _PAINT:
            large = hi[0] - lo[0] >= LARGE_AREA and hi[1] - lo[1] >= LARGE_AREA
            if (name in _PAINT_FILL and not in_text and large and path_start >= 0
                    and near_black(fill)):
                out.insert(path_start, _op("k", rich))
                out.append(_op("k", (0.0, 0.0, 0.0, 1.0)))
            path_start = -1
    stream.write(pikepdf.unparse_content_stream(out))


def _press_colour(pdf: pikepdf.Pdf, target: Target) -> None:
    rich = tuple(v / 100 for v in target.rich_black)
    forms, images, masks = [], [], set()
    for obj in pdf.objects:
        if not isinstance(obj, pikepdf.Stream):
            continue
        if obj.get("/Subtype") == "/Form":
            forms.append(obj)
        elif obj.get("/Subtype") == "/Image":
            images.append(obj)
            if "/SMask" in obj:
                masks.add(obj.SMask.objgen)
    for page in pdf.pages:
        page.contents_coalesce()
        _rewrite(page.obj.Contents, target, rich)
    for form in forms:
        _rewrite(form, target, rich)
    for image in images:
        if image.objgen not in masks and not image.get("/ImageMask", False):
            _press_image(pdf, image, target)


def _press_image(pdf: pikepdf.Pdf, image: Any, target: Target) -> None:
    """Convert an image to DeviceCMYK within the ink limit; for PDF/X-1a, which allows no
    transparency, its soft mask becomes an explicit (1-bit) mask at a finer resolution."""
    picture = decode_image(image)
    if picture is None:
        # A kind of image deckgen never writes: convert what a viewer would show.
        picture = pikepdf.PdfImage(image).as_pil_image()
    if picture.mode != "CMYK":
        picture = rgb_to_cmyk(picture.convert("RGB"))
    if target.ink_limit is not None:
        picture = limit_ink(picture, target.ink_limit)
    image.write(zlib.compress(picture.tobytes(), 6), filter=pikepdf.Name.FlateDecode)
    image.ColorSpace = pikepdf.Name.DeviceCMYK
    image.BitsPerComponent = 8
    for key in ("/DecodeParms", "/Decode"):
        if key in image:
            del image[key]
    if target.pdfx == "PDF/X-1a:2003" and "/SMask" in image:
        alpha = decode_image(image.SMask) or pikepdf.PdfImage(image.SMask).as_pil_image()
        alpha = alpha.convert("L")
        size = (alpha.width * MASK_SCALE, alpha.height * MASK_SCALE)
        fine = alpha.resize(size, Image.Resampling.BICUBIC)
        # Explicit masks paint where a sample is 0: mark the transparent half with 1.
        bits = fine.point(lambda a: 255 if a < 128 else 0).convert("1", dither=Image.Dither.NONE)
        mask = pikepdf.Stream(pdf, zlib.compress(bits.tobytes(), 6))
        mask.Type = pikepdf.Name.XObject
        mask.Subtype = pikepdf.Name.Image
        mask.Width, mask.Height = size
        mask.ImageMask = True
        mask.BitsPerComponent = 1
        mask.Filter = pikepdf.Name.FlateDecode
        del image["/SMask"]
        image.Mask = mask


def _label_pages(pdf: pikepdf.Pdf, labels: Sequence[str]) -> None:
    """Page labels ("001-new-visitor front") show in viewers and let preflight check order."""
    nums: list[object] = []
    for index, label in enumerate(labels[: len(pdf.pages)]):
        nums += [index, pikepdf.Dictionary(P=pikepdf.String(label))]
    pdf.Root.PageLabels = pikepdf.Dictionary(Nums=pikepdf.Array(nums))


def _pdfx_keys(pdf: pikepdf.Pdf, target: Target, title: str) -> None:
    intent = pikepdf.Dictionary(
        Type=pikepdf.Name.OutputIntent, S=pikepdf.Name.GTS_PDFX,
        OutputConditionIdentifier=pikepdf.String(OUTPUT_CONDITION),
        OutputCondition=pikepdf.String(OUTPUT_INFO), RegistryName=pikepdf.String(REGISTRY),
        Info=pikepdf.String(OUTPUT_INFO))
    pdf.Root.OutputIntents = pikepdf.Array([intent])
    info = pdf.docinfo
    info.Title = pikepdf.String(title)
    info.Trapped = pikepdf.Name("/False")
    info.GTS_PDFXVersion = pikepdf.String(target.pdfx or "")
    if target.pdfx == "PDF/X-1a:2003":
        info.GTS_PDFXConformance = pikepdf.String("PDF/X-1a:2003")
    else:
        # PDF/X-4 is identified in the XMP metadata.
        with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
            meta["pdfxid:GTS_PDFXVersion"] = target.pdfx or ""
            meta["dc:title"] = title

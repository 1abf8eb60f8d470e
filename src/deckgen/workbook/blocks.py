"""Workbook building blocks: card thumbnails, booklet tables, bullets and ruled notes."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph, Spacer, Table, TableStyle

from deckgen.draw.faces import Face, face_form
from deckgen.units import Color, mm
from deckgen.workbook.context import Context, Flowables, rl
from deckgen.workbook.typeset import draw_text, to_markup

# Card thumbnails


def draw_face(c: Canvas, face: Face, key: str, x: float, y: float, scale: float,
              border: Color | None) -> None:
    """Draw a face scaled, trimmed (no bleed), as a form XObject drawn once per document."""
    name = face_form(c, face, trimmed=True, key=key)
    assert name is not None  # a key is always given
    c.saveState()
    c.translate(x, y)
    c.scale(scale, scale)
    # Faces may leave the card stock unpainted; on the cover they sit over colour and shadow.
    c.setFillColor(colors.white)
    c.rect(0, 0, face.width, face.height, stroke=0, fill=1)
    c.doForm(name)
    c.restoreState()
    if border is not None:
        c.saveState()
        c.setStrokeColor(rl(border))
        c.setLineWidth(0.5)
        c.roundRect(x, y, face.width * scale, face.height * scale, mm(1.2), stroke=1, fill=0)
        c.restoreState()


class Thumb(Flowable):  # type: ignore[misc]
    def __init__(self, face: Face, key: str, width: float, border: Color) -> None:
        super().__init__()
        self.face = face
        self.key = key
        self.scale = width / face.width
        self.width = width
        self.height = face.height * self.scale
        self.border = border

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        draw_face(self.canv, self.face, self.key, 0, 0, self.scale, self.border)


ThumbSpec = tuple[Face | None, str, str, str | None]  # face, form key, caption, sub-caption


def thumb_grid(ctx: Context, thumbs: Sequence[ThumbSpec], width: float) -> Table:
    """Thumbnails in rows with captions; a None face is a text-only cell ("+ 6 more")."""
    per_row = max(1, int((ctx.width + mm(3)) // (width + mm(4))))
    cells: list[Any] = []
    for face, key, caption, sub in thumbs:
        text = to_markup(caption, ctx.fonts, bold=True) + (
            "<br/>" + to_markup(sub, ctx.fonts) if sub else "")
        if face is None:
            # Level with the middle of the thumbnails beside it.
            cells.append([Spacer(1, width * 0.7), Paragraph(text, ctx.st.caption)])
            continue
        cells.append([Thumb(face, key, width, ctx.pal.rule), Spacer(1, 3),
                      Paragraph(text, ctx.st.caption)])
    rows = [cells[i:i + per_row] for i in range(0, len(cells), per_row)]
    rows[-1] += [""] * (per_row - len(rows[-1]))
    return Table(rows, colWidths=[width + mm(4)] * per_row, hAlign="LEFT", style=TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), ctx.fonts.regular),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("ALIGN", (0, 0), (-1, -1), "CENTER"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), mm(4)),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), mm(3)),
    ]))


class Lines(Flowable):  # type: ignore[misc]
    """Ruled lines for notes filling the rest of the frame; nothing when too little is left."""

    def __init__(self, ctx: Context, title: str | None = None, pitch: float = mm(8),
                 least: float = mm(8)) -> None:
        super().__init__()
        self.ctx = ctx
        self.title = ctx.w(title) if title else title
        self.pitch = pitch
        self.least = least
        # Space above the title is drawn, not spaceBefore: on a full page the lines vanish
        # rather than push an empty notes page after it.
        self.gap = mm(4) if title else 0

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        self.width = aw
        self.height = ah - 2 if ah - 2 >= self.least + self.gap else 0
        return self.width, self.height

    def draw(self) -> None:
        if not self.height:
            return
        c = self.canv
        top = self.height - self.gap
        if self.title:
            c.setFillColor(rl(self.ctx.pal.text))
            draw_text(c, 0, top - 10, self.title, self.ctx.fonts.heading, 10.5, self.ctx.fonts)
            top -= mm(4)
        c.setStrokeColor(rl(self.ctx.pal.rule))
        c.setLineWidth(0.4)
        y = top - self.pitch
        while y >= 0:
            c.line(0, y, self.width, y)
            y -= self.pitch


def bullets(ctx: Context, items: Iterable[str], style: ParagraphStyle | None = None,
            bullet: str = "•") -> Flowables:
    st = style or ctx.st.bullet
    return [Paragraph(to_markup(item, ctx.fonts), st, bulletText=bullet) for item in items]

# A long table's last rows stay together, so its last page never holds just a row or two.
NO_ORPHAN_END = ("NOSPLIT", (0, -4), (-1, -1))


def booklet_table(rows: list[list[Any]], widths: Sequence[float], ctx: Context,
                  extra: Sequence[tuple[Any, ...]] = (), header: bool = True) -> Table:
    """A booklet table: light rules between rows, a muted header, no vertical lines."""
    commands: list[tuple[Any, ...]] = [
        ("FONTNAME", (0, 0), (-1, -1), ctx.fonts.regular),
        ("FONTSIZE", (0, 0), (-1, -1), 8.5),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 6),
        ("TOPPADDING", (0, 0), (-1, -1), 4),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
        ("LINEBELOW", (0, 0), (-1, -1), 0.4, rl(ctx.pal.rule)),
    ]
    if header:
        commands.append(("LINEBELOW", (0, 0), (-1, 0), 0.9, rl(ctx.pal.primary)))
    commands.extend(extra)
    return Table(rows, colWidths=list(widths), style=TableStyle(commands),
                 repeatRows=1 if header else 0, hAlign="LEFT")

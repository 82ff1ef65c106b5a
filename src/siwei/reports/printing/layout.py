"""A small layout layer over reportlab for the printouts (FN-8): A4 and 80 mm receipt
paper, the store header, key–value blocks, tables with wrapping Chinese text, totals,
signature images and lines, QR codes.

A document is built as a :class:`Printout` and rendered with :meth:`Printout.pdf`::

    doc = Printout(store=ro.store, title="结算单", number=ro.number, paper=A4_PAPER)
    doc.kv([("客户", "周杰"), ("车牌", "京A88888")])
    doc.table(["项目", "金额"], [["更换机油机滤", "¥150.00"]], widths=[3, 1])
    pdf_bytes = doc.pdf()
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import io
from dataclasses import dataclass, field
from decimal import Decimal
from xml.sax.saxutils import escape

from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    Flowable,
    Image,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from siwei.core import clock

from .fonts import cjk_font


@dataclass(frozen=True)
class Paper:
    code: str
    width: float
    height: float | None  # None: as long as the content (receipt roll)
    margin: float
    font_size: float


A4_PAPER = Paper("a4", A4[0], A4[1], 15 * mm, 9.5)
RECEIPT_80MM = Paper("80mm", 80 * mm, None, 4 * mm, 8)
PAPERS = {p.code: p for p in (A4_PAPER, RECEIPT_80MM)}
MAX_SIGNATURE_BYTES = 400_000


def paper_for(code: str | None, default: Paper = A4_PAPER) -> Paper:
    """``?paper=80mm`` / ``?paper=a4``; anything else is the document's default."""
    return PAPERS.get((code or "").lower(), default)


def term(chinese: str) -> str:
    """The Chinese name of a document under its title, unless the title already is in
    Chinese (the same glossary hint as the ``term`` template tag)."""
    return "" if (get_language() or "").startswith("zh") else chinese


def yuan(value) -> str:
    from siwei.core.templatetags.siwei import yuan as format_yuan

    return format_yuan(value)


def when(value: dt.datetime | dt.date | None, with_time: bool = True) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value)
        return value.strftime("%Y-%m-%d %H:%M" if with_time else "%Y-%m-%d")
    return value.strftime("%Y-%m-%d")


def quantity(value) -> str:
    if value is None:
        return ""
    text = f"{Decimal(value):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


class QRCode(Flowable):
    """A QR code drawn as vector squares (sharp on label and receipt printers)."""

    def __init__(self, text: str, size: float) -> None:
        super().__init__()
        import segno

        self.matrix = [list(row) for row in segno.make(text, error="m").matrix]
        self.size = size
        self.text = text

    def wrap(self, avail_width, avail_height):
        return self.size, self.size

    def draw(self) -> None:
        count = len(self.matrix)
        cell = self.size / (count + 2)
        canvas = self.canv
        canvas.setFillColor(colors.black)
        for y, row in enumerate(self.matrix):
            for x, dark in enumerate(row):
                if dark:
                    canvas.rect((x + 1) * cell, self.size - (y + 2) * cell, cell, cell,
                                stroke=0, fill=1)


def signature_image(data_url: str, max_width: float, max_height: float) -> Image | None:
    """The customer's signature (a ``data:image/png;base64,…`` URL from the signature
    pad) as an image, or None when there is none or it is not a readable image."""
    if not data_url or not data_url.startswith("data:image/") or "," not in data_url:
        return None
    try:
        raw = base64.b64decode(data_url.split(",", 1)[1], validate=False)
    except (binascii.Error, ValueError):
        return None
    if not raw or len(raw) > MAX_SIGNATURE_BYTES:
        return None
    try:
        from PIL import Image as PILImage

        with PILImage.open(io.BytesIO(raw)) as probe:
            probe.load()
            width, height = probe.size
    except Exception:  # any undecodable upload prints as a blank line
        return None
    if not width or not height:
        return None
    scale = min(max_width / width, max_height / height)
    return Image(io.BytesIO(raw), width=width * scale, height=height * scale)


@dataclass
class Printout:
    """One printed document: header with the store and the document number, then blocks."""

    store: object
    title: str
    number: str
    paper: Paper = A4_PAPER
    date: dt.datetime | dt.date | None = None
    subtitle: str = ""
    story: list = field(default_factory=list)

    def __post_init__(self) -> None:
        self.font = cjk_font().name
        size = self.paper.font_size
        self.body = ParagraphStyle("body", fontName=self.font, fontSize=size,
                                   leading=size * 1.35, wordWrap="CJK")
        self.small = ParagraphStyle("small", parent=self.body, fontSize=size - 1.5,
                                    leading=(size - 1.5) * 1.35, textColor=colors.HexColor("#444"))
        self.right = ParagraphStyle("right", parent=self.body, alignment=TA_RIGHT)
        self.center = ParagraphStyle("center", parent=self.body, alignment=TA_CENTER)
        self.heading = ParagraphStyle("heading", parent=self.body, fontSize=size + 4.5,
                                      leading=(size + 4.5) * 1.3)
        self.section_style = ParagraphStyle("section", parent=self.body, fontSize=size + 1,
                                            leading=(size + 1) * 1.4, spaceBefore=4,
                                            spaceAfter=2)
        self.printed_at = clock.now()
        self._header()

    # ------------------------------------------------------------------ basics
    @property
    def receipt(self) -> bool:
        return self.paper.height is None

    @property
    def width(self) -> float:
        return self.paper.width - 2 * self.paper.margin

    def p(self, text, style: ParagraphStyle | None = None) -> Paragraph:
        return Paragraph(escape(str(text if text is not None else "")).replace("\n", "<br/>"),
                         style or self.body)

    def text(self, text: str, small: bool = False) -> None:
        self.story.append(self.p(text, self.small if small else self.body))

    def section(self, text: str) -> None:
        self.story.append(self.p(text, self.section_style))

    def space(self, height_mm: float = 3) -> None:
        self.story.append(Spacer(1, height_mm * mm))

    def _header(self) -> None:
        store = self.store
        contact = " ".join(x for x in (getattr(store, "address", ""),
                                       getattr(store, "phone", "")) if x)
        number_line = self.number + (f"  {when(self.date)}" if self.date else "")
        if self.receipt:
            centre_big = ParagraphStyle("c2", parent=self.center, fontSize=self.body.fontSize + 2,
                                        leading=(self.body.fontSize + 2) * 1.3)
            self.story += [self.p(store.name, centre_big), self.p(contact, self.small),
                           Spacer(1, 2 * mm), self.p(self.title, centre_big)]
            if self.subtitle:
                self.story.append(self.p(self.subtitle, self.center))
            self.story += [self.p(number_line, self.center), Divider(self.width)]
            return
        left = [self.p(store.name, self.section_style), self.p(contact, self.small)]
        right = [self.p(self.title, ParagraphStyle("t", parent=self.heading, alignment=TA_RIGHT))]
        if self.subtitle:
            right.append(self.p(self.subtitle, self.right))
        right.append(self.p(number_line, self.right))
        table = Table([[left, right]], colWidths=[self.width * 0.5, self.width * 0.5])
        table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                                   ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.black),
                                   ("LEFTPADDING", (0, 0), (-1, -1), 0),
                                   ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                                   ("BOTTOMPADDING", (0, 0), (-1, -1), 4)]))
        self.story += [table, Spacer(1, 3 * mm)]

    # ------------------------------------------------------------------ blocks
    def kv(self, rows: list[tuple[str, object]], columns: int | None = None) -> None:
        """Label–value pairs, two pairs a row on A4, one on a receipt."""
        columns = columns or (1 if self.receipt else 2)
        cells = [[self.p(label, self.small), self.p(value)] for label, value in rows]
        grid = []
        for start in range(0, len(cells), columns):
            row = [c for pair in cells[start:start + columns] for c in pair]
            row += [""] * (2 * columns - len(row))
            grid.append(row)
        if not grid:
            return
        label_w = self.width * (0.28 if self.receipt else 0.15 if columns == 1 else 0.12)
        value_w = self.width / columns - label_w
        table = Table(grid, colWidths=[label_w, value_w] * columns)
        table.setStyle(TableStyle([*_tight(), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
        self.story += [table, Spacer(1, 2 * mm)]

    def table(self, headers: list[str], rows: list[list[object]],
              widths: list[float] | None = None, align_right: tuple[int, ...] = (),
              grid: bool = True) -> None:
        """A table whose cells wrap (Chinese text wraps between any two characters);
        ``widths`` are relative; ``align_right`` are the numeric columns."""
        widths = widths or [1] * len(headers)
        total = sum(widths)
        col_widths = [self.width * w / total for w in widths]

        def cell(value, index, style):
            return self.p(value, self.right if index in align_right and style is self.body
                          else style)

        data = [[cell(h, i, self.small) for i, h in enumerate(headers)]]
        data += [[cell(v, i, self.body) for i, v in enumerate(row)] for row in rows]
        table = Table(data, colWidths=col_widths, repeatRows=1)
        style = [*_tight(2), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                 ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee"))]
        if grid and not self.receipt:
            style.append(("GRID", (0, 0), (-1, -1), 0.4, colors.grey))
        else:
            style.append(("LINEBELOW", (0, 0), (-1, 0), 0.4, colors.grey))
        table.setStyle(TableStyle(style))
        self.story += [table, Spacer(1, 2 * mm)]

    def totals(self, rows: list[tuple[str, object]], bold_last: bool = True) -> None:
        """Right-aligned label / amount lines; the last one (the total) stands out."""
        data = [[self.p(label, self.right), self.p(value, self.right)] for label, value in rows]
        if not data:
            return
        label_w = self.width * (0.6 if self.receipt else 0.5)
        value_w = self.width * (0.4 if self.receipt else 0.16)
        table = Table(data, colWidths=[label_w, value_w], hAlign="RIGHT")
        style = _tight()
        if bold_last:
            style.append(("LINEABOVE", (0, -1), (-1, -1), 0.8, colors.black))
        table.setStyle(TableStyle(style))
        self.story += [table, Spacer(1, 2 * mm)]

    def qr(self, text: str, size_mm: float = 22, caption: str = "") -> None:
        code = QRCode(text, size_mm * mm)
        code.hAlign = "CENTER" if self.receipt else "LEFT"
        self.story.append(code)
        if caption:
            self.story.append(self.p(caption, self.center if self.receipt else self.small))

    def signatures(self, labels: list[str], image_for: dict[str, Image | None] | None = None,
                   names: dict[str, str] | None = None) -> None:
        """Signature lines side by side (stacked on a receipt); a signature image or a
        printed name sits above the line when there is one."""
        image_for, names = image_for or {}, names or {}
        per_row = 1 if self.receipt else min(len(labels), 3)
        width = self.width / per_row
        cells = []
        for label in labels:
            above = image_for.get(label) or self.p(names.get(label, ""), self.body)
            cells.append([above, Divider(width - 6 * mm),
                          self.p(f"{label}    {_('Date')}: ____________", self.small)])
        rows = [cells[i:i + per_row] for i in range(0, len(cells), per_row)]
        rows[-1] += [""] * (per_row - len(rows[-1]))
        table = Table(rows, colWidths=[width] * per_row)
        table.setStyle(TableStyle([*_tight(3), ("VALIGN", (0, 0), (-1, -1), "BOTTOM")]))
        self.story += [Spacer(1, 4 * mm), table if self.receipt else KeepTogether(table)]

    # ------------------------------------------------------------------ output
    def _footer(self, canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont(self.font, 7)
        canvas.setFillColor(colors.grey)
        text = f"{self.number}  {when(self.printed_at)}"
        if not self.receipt:
            text += f"  {canvas.getPageNumber()}"
        canvas.drawRightString(self.paper.width - self.paper.margin, self.paper.margin / 2, text)
        canvas.restoreState()

    def _height(self) -> float:
        """The receipt's length: everything wrapped at the paper's width, plus margins."""
        total = 0.0
        for flowable in self.story:
            _w, h = flowable.wrap(self.width, 10_000)
            total += h + flowable.getSpaceBefore() + flowable.getSpaceAfter()
        return max(total + 2 * self.paper.margin + 8 * mm, 60 * mm)

    def pdf(self) -> bytes:
        buffer = io.BytesIO()
        height = self.paper.height or self._height()
        doc = SimpleDocTemplate(
            buffer, pagesize=(self.paper.width, height), leftMargin=self.paper.margin,
            rightMargin=self.paper.margin, topMargin=self.paper.margin,
            bottomMargin=self.paper.margin, title=f"{self.title} {self.number}",
            author=getattr(self.store, "name", ""), creator="Siwei DMS")
        doc.build(list(self.story), onFirstPage=self._footer, onLaterPages=self._footer)
        return buffer.getvalue()


class Divider(Flowable):
    """A thin horizontal line."""

    def __init__(self, width: float, thickness: float = 0.5) -> None:
        super().__init__()
        self.line_width, self.thickness = width, thickness

    def wrap(self, avail_width, avail_height):
        return min(self.line_width, avail_width), 3 * mm

    def draw(self) -> None:
        self.canv.setLineWidth(self.thickness)
        self.canv.line(0, 1.5 * mm, self.line_width, 1.5 * mm)


def _tight(padding: float = 1) -> list:
    return [("LEFTPADDING", (0, 0), (-1, -1), padding),
            ("RIGHTPADDING", (0, 0), (-1, -1), padding),
            ("TOPPADDING", (0, 0), (-1, -1), padding),
            ("BOTTOMPADDING", (0, 0), (-1, -1), padding)]

"""FN-8 printouts of the parts store: part labels with a QR code of the part number and
location (24 to an A4 sheet, or one per 62 × 34 mm label), and stocktake count sheets."""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph

from .fonts import cjk_font
from .layout import Printout, QRCode, quantity, term, when, yuan

LABEL_SIZE = (62 * mm, 34 * mm)
SHEET_COLUMNS, SHEET_ROWS = 3, 8
SHEET_MARGIN = (4 * mm, 8 * mm)  # left/right, top/bottom of an A4 label sheet


def label_payload(part, location: str) -> str:
    """What the QR code holds: the same text as the HTML labels (``number|location``)."""
    return f"{part.number}|{location}"


def _draw_label(canvas: Canvas, part, location: str, x: float, y: float, width: float,
                height: float, font: str) -> None:
    pad = 2 * mm
    qr_size = min(height - 2 * pad, 26 * mm)
    code = QRCode(label_payload(part, location), qr_size)
    code.drawOn(canvas, x + pad, y + (height - qr_size) / 2)
    left = x + pad + qr_size + 2 * mm
    text_width = width - (left - x) - pad
    style = ParagraphStyle("label", fontName=font, fontSize=7.5, leading=9.5, wordWrap="CJK")
    big = ParagraphStyle("label-number", parent=style, fontSize=10, leading=12)
    blocks = [Paragraph(escape(part.number), big),
              Paragraph(escape(part.name), style),
              Paragraph(escape(f"{_('Location')}: {location or '—'}"), big),
              Paragraph(escape(f"{yuan(part.list_price)} / {part.unit}"), style)]
    top = y + height - pad
    for block in blocks:
        _w, h = block.wrap(text_width, height)
        if top - h < y + pad:
            break
        block.drawOn(canvas, left, top - h)
        top -= h + 0.5 * mm


def part_labels_pdf(items: list[tuple[object, str]], *, layout: str = "sheet") -> bytes:
    """Labels for ``(part, location code)`` pairs. ``layout="sheet"``: 3 × 8 labels on A4
    pages; ``layout="label"``: one label per 62 × 34 mm page (a label printer)."""
    font = cjk_font().name
    buffer = io.BytesIO()
    if layout == "label":
        canvas = Canvas(buffer, pagesize=LABEL_SIZE)
        canvas.setTitle(_("Part labels"))
        for part, location in items:
            _draw_label(canvas, part, location, 0, 0, *LABEL_SIZE, font)
            canvas.showPage()
    else:
        canvas = Canvas(buffer, pagesize=A4)
        canvas.setTitle(_("Part labels"))
        cell_w = (A4[0] - 2 * SHEET_MARGIN[0]) / SHEET_COLUMNS
        cell_h = (A4[1] - 2 * SHEET_MARGIN[1]) / SHEET_ROWS
        per_page = SHEET_COLUMNS * SHEET_ROWS
        for index, (part, location) in enumerate(items):
            slot = index % per_page
            if slot == 0 and index:
                canvas.showPage()
            column, row = slot % SHEET_COLUMNS, slot // SHEET_COLUMNS
            x = SHEET_MARGIN[0] + column * cell_w
            y = A4[1] - SHEET_MARGIN[1] - (row + 1) * cell_h
            _draw_label(canvas, part, location, x, y, cell_w, cell_h, font)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def stocktake_sheet_pdf(stocktake, *, lines: list | None = None) -> bytes:
    """The count sheet (盘点表, PT-12): location by location, with the frozen system
    quantity, an empty box for the count (or the count already entered) and signatures."""
    if lines is None:
        lines = list(stocktake.lines.select_related("part", "location", "lot"))
    doc = Printout(store=stocktake.store, title=_("Stocktake count sheet"),
                   number=stocktake.number, date=stocktake.created_at, subtitle=term("盘点表"))
    doc.kv([(_("Status"), stocktake.get_status_display()),
            (_("Cycle count class"), stocktake.abc_class or "—"),
            (_("Note"), stocktake.note or "—"), (_("Lines"), len(lines))])
    rows = []
    for line in lines:
        batch = line.batch or (getattr(line.lot, "batch", "") if line.lot_id else "")
        counted = "" if line.counted_quantity is None else quantity(line.counted_quantity)
        variance = "" if line.variance is None else quantity(line.variance)
        rows.append([line.location.code, line.part.number, line.part.name, batch or "",
                     f"{quantity(line.system_quantity)} {line.part.unit}", counted, variance])
    doc.table([_("Location"), _("Part number"), _("Part name"), _("Batch"), _("System"),
               _("Counted"), _("Variance")], rows,
              widths=[1.3, 1.8, 3, 1.2, 1.2, 1.2, 1], align_right=(4, 5, 6))
    doc.text(f"{_('Printed')} {when(doc.printed_at)}", small=True)
    doc.signatures([_("Counted by"), _("Checked by"), _("Approved by")])
    return doc.pdf()

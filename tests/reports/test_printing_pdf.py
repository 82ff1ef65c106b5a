"""FN-8 printing: every document renders a valid PDF with Chinese text for demo-like
data — page 1 is not blank, the text layer holds the document number and Chinese, the
80 mm receipt paper is 80 mm wide — through the page URL and the API, within a bounded
number of queries, and only with the document's permission in the store."""

from __future__ import annotations

import pypdfium2 as pdfium
import pytest
from django.test import Client
from reportlab.lib.units import mm

from siwei.parts.models import Location, PartStore, Stocktake
from siwei.parts.services.stocktake import stocktake_create
from siwei.reports.printing import fonts
from siwei.reports.printing.documents_sales import rmb_upper
from tests.sales import conftest as sales_fixtures
from tests.service import conftest as service_fixtures

from .printing_data import delivered_sales_order, released_repair_order

pytestmark = pytest.mark.django_db

# The workshop's and the showroom's fixtures, shared with their own tests.
crew, car, operations = service_fixtures.crew, service_fixtures.car, service_fixtures.operations
shifts, stocked_part = service_fixtures.shifts, service_fixtures.stocked_part
team, buyer = sales_fixtures.team, sales_fixtures.buyer
catalogue, stock = sales_fixtures.catalogue, sales_fixtures.stock


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def pdf_text(content: bytes) -> tuple[pdfium.PdfDocument, str]:
    assert content.startswith(b"%PDF-"), content[:200]
    document = pdfium.PdfDocument(content)
    text = document[0].get_textpage().get_text_range()
    return document, "".join(text.split())


def dark_pixels(page, crop=None) -> int:
    image = page.render(scale=1.5).to_pil().convert("L")
    if crop:
        image = image.crop(crop)
    return sum(image.histogram()[:128])


def assert_printout(content: bytes, number: str, chinese: str) -> pdfium.PdfDocument:
    """A valid PDF: page 1 rendered to an image is not blank, and its text layer holds the
    document number and a Chinese string."""
    document, text = pdf_text(content)
    assert len(document) >= 1
    assert dark_pixels(document[0]) > 500, "page 1 is blank"
    assert number in text, text[:300]
    assert chinese in text, text[:300]
    return document


@pytest.fixture
def printed(crew, car, store_bj, clock, operations, shifts, stocked_part, team, buyer,
            catalogue, stock):
    ro, payment = released_repair_order(crew, store_bj, car, clock, operations, stocked_part)
    order = delivered_sales_order(team, store_bj, buyer, catalogue, stock)
    shelf = Location.objects.get(store=store_bj, code="A-01-1")
    PartStore.objects.filter(store=store_bj, part=stocked_part).update(default_location=shelf)
    stocktake = stocktake_create(actor=crew.store_manager, store=store_bj, note="月末盘点")
    return {"ro": ro, "payment": payment, "order": order, "part": stocked_part,
            "stocktake": stocktake}


# (doc, record key, number of the document, a Chinese string on it, max queries). Every
# request costs 8 queries for the session, user, store and permissions; the rest is the
# document's, the same however many lines it has.
CASES = [
    ("repair-estimate", "ro", lambda r: r.number, "刹车有异响", 20),
    ("repair-contract", "ro", lambda r: r.number, "周杰", 20),
    ("repair-bill", "ro", lambda r: r.number, "更换机油机滤", 20),
    ("gate-pass", "ro", lambda r: r.gate_pass_number, "京A88888", 9),
    ("completion-certificate", "ro", lambda r: r.certificate_number, "更换机油机滤", 20),
    ("sales-order", "order", lambda o: o.number, "全车贴膜", 10),
    ("sales-contract", "order", lambda o: o.number, "陈明", 10),
    ("delivery-checklist", "order", lambda o: o.number, "星空蓝", 10),
    ("receipt", "payment", lambda p: p.receipt_number, "周杰", 9),
    ("part-labels", "part", lambda p: p.number, "机油滤清器", 10),
    ("stocktake-sheet", "stocktake", lambda s: s.number, "机油滤清器", 10),
]


def test_fn8_each_document_prints_a_pdf_with_chinese_text(printed, crew,
                                                           django_assert_max_num_queries):
    """One test for all documents (the records take seconds to build): each one through
    its page URL, as the store manager, within its query bound."""
    client = login(crew.store_manager)
    client.get("/")  # the session is saved once, not inside the first document's bound
    for doc, key, number, chinese, max_queries in CASES:
        record = printed[key]
        with django_assert_max_num_queries(max_queries, info=doc):
            response = client.get(f"/reports/print/{doc}/{record.pk}.pdf")
        assert response.status_code == 200, (doc, response.content[:300])
        assert response["Content-Type"] == "application/pdf"
        assert number(record) in response["Content-Disposition"]
        assert_printout(response.content, number(record), chinese)


@pytest.mark.parametrize("doc", ["repair-bill", "receipt"])
def test_fn8_api_returns_the_pdf(printed, crew, store_bj, api, doc):
    record = printed["ro" if doc == "repair-bill" else "payment"]
    client = api(crew.store_manager, store_bj)
    response = client.get(f"/api/v1/print/{doc}/{record.pk}/", HTTP_ACCEPT="application/pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    number = record.number if doc == "repair-bill" else record.receipt_number
    assert_printout(response.content, number, "周杰")
    missing = client.get(f"/api/v1/print/{doc}/999999/")
    assert missing.status_code == 404
    unknown = client.get(f"/api/v1/print/no-such-doc/{record.pk}/")
    assert unknown.status_code == 404


def test_fn8_receipt_and_gate_pass_on_80mm_paper(printed, crew):
    client = login(crew.store_manager)
    payment, ro = printed["payment"], printed["ro"]
    for url, number in [(f"/reports/print/receipt/{payment.pk}.pdf", payment.receipt_number),
                        (f"/reports/print/gate-pass/{ro.pk}.pdf?paper=80mm",
                         ro.gate_pass_number)]:
        document = assert_printout(client.get(url).content, number, "周杰"
                                   if "receipt" in url else "京A88888")
        assert len(document) == 1  # the roll is cut to the content's length
        width, height = document[0].get_size()
        assert abs(width - 80 * mm) < 0.5
        assert height > 60 * mm
    a4 = pdfium.PdfDocument(client.get(f"/reports/print/receipt/{payment.pk}.pdf?paper=a4")
                            .content)
    assert [round(v) for v in a4[0].get_size()] == [595, 842]


def test_fn8_receipt_prints_the_amount_in_chinese_capitals(printed, crew):
    payment = printed["payment"]
    content = login(crew.store_manager).get(f"/reports/print/receipt/{payment.pk}.pdf").content
    _document, text = pdf_text(content)
    assert rmb_upper(payment.amount) in text
    assert rmb_upper("1005.07") == "壹仟零伍元零柒分"
    assert rmb_upper("120800") == "壹拾贰万零捌佰元整"
    assert rmb_upper("0.5") == "伍角整"


def test_fn8_estimate_carries_the_customers_signature_image(printed, crew):
    ro = printed["ro"]
    content = login(crew.store_manager).get(
        f"/reports/print/repair-estimate/{ro.pk}.pdf").content
    document = pdfium.PdfDocument(content)
    images = [obj for page in document for obj in page.get_objects()
              if obj.type == pdfium.raw.FPDF_PAGEOBJ_IMAGE]
    assert len(images) == 1


def test_fn8_labels_several_on_a4_or_one_per_label_page(printed, crew, group):
    from siwei.parts.models import Part

    part = printed["part"]
    others = [Part.objects.create(group=group, number=f"5Q0698151{i}", name=f"前刹车片{i}",
                                  unit="套") for i in range(30)]
    client = login(crew.store_manager)
    ids = "&".join(f"part={p.pk}" for p in others)
    sheet = pdfium.PdfDocument(client.get(f"/reports/print/part-labels/{part.pk}.pdf?{ids}")
                               .content)
    assert len(sheet) == 2  # 31 labels, 24 to an A4 sheet
    assert [round(v) for v in sheet[0].get_size()] == [595, 842]
    labels = pdfium.PdfDocument(client.get(
        f"/reports/print/part-labels/{part.pk}.pdf?layout=label&part={others[0].pk}").content)
    assert len(labels) == 2
    width, height = labels[0].get_size()
    assert abs(width - 62 * mm) < 0.5 and abs(height - 34 * mm) < 0.5
    text = "".join(labels[0].get_textpage().get_text_range().split())
    assert part.number in text and "A-01-1" in text


def test_fn8_stocktake_sheet_lists_every_line(printed, crew):
    stocktake: Stocktake = printed["stocktake"]
    content = login(crew.store_manager).get(
        f"/reports/print/stocktake-sheet/{stocktake.pk}.pdf").content
    _document, text = pdf_text(content)
    for line in stocktake.lines.select_related("location"):
        assert line.location.code in text
    assert "月末盘点" in text


def test_fn8_documents_refuse_other_roles_and_stores(printed, crew, team, staff, store_sh,
                                                     api, store_bj):
    ro, order, payment = printed["ro"], printed["order"], printed["payment"]
    technician = login(crew.tech1)
    assert technician.get(f"/reports/print/sales-contract/{order.pk}.pdf").status_code == 403
    assert technician.get(f"/reports/print/receipt/{payment.pk}.pdf").status_code == 403
    consultant = login(team.consultant)
    assert consultant.get(f"/reports/print/stocktake-sheet/"
                          f"{printed['stocktake'].pk}.pdf").status_code == 403
    # Another store's advisor: the API refuses the store, the page does not find the order.
    other = staff("service_advisor", store=store_sh)
    assert api(other, store_bj).get(f"/api/v1/print/repair-bill/{ro.pk}/").status_code == 403
    assert api(other, store_sh).get(f"/api/v1/print/repair-bill/{ro.pk}/").status_code == 404
    assert login(other).get(f"/reports/print/repair-bill/{ro.pk}.pdf").status_code == 404
    assert api(crew.tech1, store_bj).get(
        f"/api/v1/print/receipt/{payment.pk}/").status_code == 403
    assert Client().get(f"/reports/print/repair-bill/{ro.pk}.pdf").status_code == 302


def test_fn8_font_choice_renders_chinese(monkeypatch, tmp_path):
    """The one font function: a configured TrueType file that is not a font is skipped, and
    without an installed CJK TrueType font the built-in STSong-Light is used; either way
    Chinese lands in the text layer of the PDF and the page is drawn."""
    from siwei.core.models import Store
    from siwei.reports.printing.layout import Printout

    bogus = tmp_path / "not-a-font.ttf"
    bogus.write_bytes(b"not a font")
    monkeypatch.setenv("SIWEI_PDF_FONT", str(bogus))
    monkeypatch.setattr(fonts, "DEBIAN_FONTS", ())
    fonts.cjk_font.cache_clear()
    try:
        chosen = fonts.cjk_font()
        assert chosen.name == fonts.FALLBACK and not chosen.embedded
        store = Store(name="北京望京四位一体4S店", address="北京市朝阳区望京东路18号",
                      phone="010-64708800")
        doc = Printout(store=store, title="结算单", number="RO-BJ01-20261122-0001")
        doc.text("汉字：更换前刹车片，四轮定位。")
        assert_printout(doc.pdf(), "RO-BJ01-20261122-0001", "更换前刹车片")
    finally:
        fonts.cjk_font.cache_clear()


def test_fn8_an_installed_truetype_cjk_font_is_embedded():
    """With a CJK TrueType font installed (e.g. Debian fonts-wqy-microhei) the glyphs are
    embedded, so the Chinese is drawn on the page by any viewer."""
    from siwei.core.models import Store
    from siwei.reports.printing.layout import Printout

    fonts.cjk_font.cache_clear()
    chosen = fonts.cjk_font()
    if not chosen.embedded:
        pytest.skip("no CJK TrueType font installed; STSong-Light (not embedded) is used")
    doc = Printout(store=Store(name="北京店"), title="出门证", number="GP-1")
    doc.text("汉字" * 40)
    document = assert_printout(doc.pdf(), "GP-1", "汉字")
    assert b"FontFile2" in doc.pdf()
    assert dark_pixels(document[0], crop=(0, 150, 900, 400)) > 500


def test_fn8_pdf_buttons_next_to_the_print_links(printed, crew, team):
    ro, order, stocktake = printed["ro"], printed["order"], printed["stocktake"]
    advisor = login(crew.advisor)
    page = advisor.get(f"/service/repair-orders/{ro.pk}/").content.decode()
    for doc in ("repair-estimate", "repair-bill", "gate-pass", "completion-certificate"):
        assert f"/reports/print/{doc}/{ro.pk}.pdf" in page
    assert f"/reports/print/receipt/{printed['payment'].pk}.pdf" in page
    html_print = advisor.get(f"/service/repair-orders/{ro.pk}/print/bill/").content.decode()
    assert f"/reports/print/repair-bill/{ro.pk}.pdf" in html_print
    sales = login(team.consultant).get(f"/sales/orders/{order.pk}/").content.decode()
    assert f"/reports/print/sales-contract/{order.pk}.pdf" in sales
    manager = login(crew.store_manager)
    sheet = manager.get(f"/parts/stocktakes/{stocktake.pk}/").content.decode()
    assert f"/reports/print/stocktake-sheet/{stocktake.pk}.pdf" in sheet
    labels = manager.get(f"/parts/labels/?part={printed['part'].pk}").content.decode()
    assert f"/reports/print/part-labels/{printed['part'].pk}.pdf" in labels


def test_fn8_unreadable_signature_prints_the_signers_name_instead():
    from siwei.reports.printing.layout import signature_image

    assert signature_image("data:image/png;base64,iVBORw0KGgo=", 100, 40) is None
    assert signature_image("data:image/png;base64,!!!", 100, 40) is None
    assert signature_image("", 100, 40) is None
    from .printing_data import signature_png

    image = signature_image(signature_png(), 100, 40)
    assert image is not None and image.drawWidth <= 100 and image.drawHeight <= 40

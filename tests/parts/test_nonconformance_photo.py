"""PT-8: a photo of rejected goods on the nonconformance record, from the receiving
screen or the API: at most 5 MB, JPEG/PNG/WebP by content; refusals name the field."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation
from PIL import Image

from siwei.core.models import AuditEvent
from siwei.core.uploads import MAX_PHOTO_BYTES, checked_photo
from siwei.parts.models import Nonconformance, POStatus, StockMove
from siwei.parts.services import (
    ReceiptLine,
    nonconformance_photo,
    purchase_order_create,
    purchase_order_receive,
    purchase_order_send,
)

pytestmark = pytest.mark.django_db


def image_bytes(fmt: str, size=(40, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format=fmt)
    return buffer.getvalue()


def upload(data: bytes, name: str = "damage.jpg", content_type: str = "image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def manager(staff, store_bj):
    return staff("parts_manager", store=store_bj)


@pytest.fixture
def sent_order(store_bj, supplier, part, clock):
    order = purchase_order_create(actor=None, store=store_bj, supplier=supplier,
                                  lines=[{"part": part, "quantity": 5, "price": "40"}])
    return purchase_order_send(actor=None, order=order)


@pytest.mark.parametrize("fmt, ext", [("JPEG", "jpg"), ("PNG", "png"), ("WEBP", "webp")])
def test_pt8_jpeg_png_and_webp_photos_are_accepted_by_their_content(fmt, ext):
    photo = checked_photo(upload(image_bytes(fmt), name="from-phone.bin"))
    assert photo.name.endswith(f".{ext}") and "from-phone" not in photo.name


@pytest.mark.parametrize("data, name, reason", [
    (b"%PDF-1.4 not an image", "damage.jpg", "JPEG, PNG or WebP"),  # the name lies
    (image_bytes("GIF"), "damage.gif", "JPEG, PNG or WebP"),  # an image, not an allowed type
    (image_bytes("PNG")[:40], "cut.png", "JPEG, PNG or WebP"),  # truncated
    (b"", "empty.jpg", "empty"),
])
def test_pt8_other_content_is_refused_naming_the_photo(data, name, reason):
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        checked_photo(upload(data, name=name), subject="06L115562B")
    message = exc.value.message_dict["photo"][0]
    assert reason in message and "06L115562B" in message


def test_pt8_photos_above_5_mb_are_refused():
    big = image_bytes("PNG") + b"\0" * MAX_PHOTO_BYTES
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        checked_photo(upload(big, name="big.png"))
    assert exc.value.message_dict["photo"][0].startswith("Photo: the file is 5.0 MB")


def test_pt8_receiving_stores_the_photo_on_the_nonconformance(sent_order, store_bj, shelf,
                                                             bad_shelf, media):
    line = sent_order.lines.get()
    order = purchase_order_receive(actor=None, order=sent_order, lines=[ReceiptLine(
        line=line, accepted=Decimal(4), rejected=Decimal(1), location=shelf, reason="外壳裂纹",
        photo=upload(image_bytes("JPEG")))])
    assert order.status == POStatus.RECEIVED
    record = Nonconformance.objects.get()
    assert record.photo.name.startswith("parts/nonconformance/2026/11/")
    assert record.photo.name.endswith(".jpg")
    assert (media / record.photo.name).exists()
    with Image.open(record.photo.path) as stored:
        assert stored.format == "JPEG"
    assert AuditEvent.objects.get(action="parts.nonconformance").after["photo"] is True


def test_pt8_a_refused_photo_refuses_the_whole_receipt(sent_order, store_bj, shelf, bad_shelf,
                                                      media):
    line = sent_order.lines.get()
    with pytest.raises(ValidationError) as exc:
        purchase_order_receive(actor=None, order=sent_order, lines=[ReceiptLine(
            line=line, accepted=Decimal(4), rejected=Decimal(1), location=shelf,
            photo=upload(b"GIF89a nope", name="x.gif", content_type="image/gif"))])
    assert "photo" in exc.value.message_dict
    assert not StockMove.objects.exists() and not Nonconformance.objects.exists()
    with pytest.raises(ValidationError) as exc:  # a photo needs rejected goods
        purchase_order_receive(actor=None, order=sent_order, lines=[ReceiptLine(
            line=line, accepted=Decimal(4), location=shelf,
            photo=upload(image_bytes("PNG"), name="p.png"))])
    assert "photo" in exc.value.message_dict
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


def test_pt8_photo_can_be_added_later_and_replaced(sent_order, staff, store_bj, shelf,
                                                  bad_shelf, media,
                                                  django_capture_on_commit_callbacks):
    line = sent_order.lines.get()
    purchase_order_receive(actor=None, order=sent_order, lines=[ReceiptLine(
        line=line, accepted=Decimal(3), rejected=Decimal(2), location=shelf)])
    record = Nonconformance.objects.get()
    assert not record.photo
    technician = staff("technician", store=store_bj)
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        nonconformance_photo(actor=technician, record=record, photo=upload(image_bytes("PNG")))
    clerk = staff("parts_clerk", store=store_bj)
    record = nonconformance_photo(actor=clerk, record=record,
                                  photo=upload(image_bytes("PNG"), name="a.png"))
    first = record.photo.name
    with django_capture_on_commit_callbacks(execute=True):
        record = nonconformance_photo(actor=clerk, record=record,
                                      photo=upload(image_bytes("WEBP"), name="b.webp"))
    assert record.photo.name.endswith(".webp") and not (media / first).exists()


def test_pt8_receiving_screen_uploads_and_shows_the_photo(manager, sent_order, store_bj,
                                                          shelf, bad_shelf, media):
    line = sent_order.lines.get()
    client = Client()
    client.force_login(manager)
    form = client.get(f"/parts/orders/{sent_order.pk}/").content.decode()
    assert 'enctype="multipart/form-data"' in form and f'name="photo_{line.pk}"' in form
    refused = client.post(f"/parts/orders/{sent_order.pk}/", {
        f"accepted_{line.pk}": "4", f"rejected_{line.pk}": "1",
        f"location_{line.pk}": shelf.pk,
        f"photo_{line.pk}": upload(b"MZ not a picture", name="virus.jpg")}, follow=True)
    text = refused.content.decode()
    assert "06L115562B" in text and ("Photo" in text or "照片" in text)
    assert not Nonconformance.objects.exists()
    response = client.post(f"/parts/orders/{sent_order.pk}/", {
        f"accepted_{line.pk}": "4", f"rejected_{line.pk}": "1",
        f"location_{line.pk}": shelf.pk, f"reason_{line.pk}": "包装破损",
        f"photo_{line.pk}": upload(image_bytes("PNG"), name="damage.png")})
    assert response.status_code == 302
    record = Nonconformance.objects.get()
    assert record.photo.name.endswith(".png")
    page = client.get(f"/parts/orders/{sent_order.pk}/").content.decode()
    url = f"/parts/nonconformances/{record.pk}/photo/"
    assert url in page
    photo = client.get(url)
    assert photo.status_code == 200 and photo["Content-Type"] == "image/png"
    assert b"".join(photo.streaming_content).startswith(b"\x89PNG")
    assert url in client.get("/").content.decode()  # the manager's home card links it


def test_pt8_photo_of_another_store_or_without_permission_is_not_served(
        staff, sent_order, store_bj, store_sh, shelf, bad_shelf, media):
    line = sent_order.lines.get()
    purchase_order_receive(actor=None, order=sent_order, lines=[ReceiptLine(
        line=line, accepted=Decimal(4), rejected=Decimal(1), location=shelf,
        photo=upload(image_bytes("JPEG")))])
    record = Nonconformance.objects.get()
    url = f"/parts/nonconformances/{record.pk}/photo/"
    sh_manager = staff("parts_manager", store=store_sh)
    client = Client()
    client.force_login(sh_manager)
    assert client.get(url).status_code == 404
    client.force_login(staff("technician", store=store_bj))
    assert client.get(url).status_code == 403


def test_pt8_photo_over_the_api(api, manager, staff, sent_order, store_bj, shelf, bad_shelf,
                                media, django_assert_max_num_queries):
    line = sent_order.lines.get()
    client = api(manager, store_bj)
    received = client.post(f"/api/v1/purchase-orders/{sent_order.pk}/receive/", {"lines": [
        {"line": line.pk, "accepted": "3", "rejected": "2", "location": shelf.pk,
         "reason": "划伤"}]}, format="json")
    assert received.status_code == 200, received.json()
    with django_assert_max_num_queries(10):
        listing = client.get("/api/v1/nonconformances/", {"purchase_order": sent_order.pk})
    row = listing.json()["results"][0]
    assert (row["quantity"], row["has_photo"], row["part_number"]) == ("2.000", False,
                                                                      "06L115562B")
    url = f"/api/v1/nonconformances/{row['id']}/photo/"
    assert client.get(url).status_code == 404
    bad = client.post(url, {"photo": upload(b"plain text", name="a.jpg")}, format="multipart")
    assert bad.status_code == 400 and "photo" in bad.json()
    big = client.post(url, {"photo": upload(image_bytes("PNG") + b"\0" * MAX_PHOTO_BYTES,
                                            name="big.png")}, format="multipart")
    assert big.status_code == 400 and "5 MB" in big.json()["photo"][0]
    technician = api(staff("technician", store=store_bj), store_bj)
    assert technician.post(url, {"photo": upload(image_bytes("PNG"))},
                           format="multipart").status_code == 403
    ok = client.post(url, {"photo": upload(image_bytes("WEBP"), name="c.webp")},
                     format="multipart")
    assert ok.status_code == 200 and ok.json()["has_photo"] is True
    download = client.get(url)
    assert download.status_code == 200 and download["Content-Type"] == "image/webp"

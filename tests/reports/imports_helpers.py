"""Helpers of the FN-9 import tests: files built in memory and the store's world."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_upload(headers, rows, name="import.xlsx") -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    sheet.append(list(headers))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=XLSX)


def csv_upload(headers, rows, name="import.csv", encoding="utf-8") -> SimpleUploadedFile:
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(headers)
    writer.writerows(rows)
    return SimpleUploadedFile(name, text.getvalue().encode(encoding), content_type="text/csv")


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def catalog(group):
    """Two parts of the group catalog."""
    from siwei.parts.models import Part

    return {
        "oil": Part.objects.create(group=group, number="06L115562B", name="机油滤清器",
                                   cost=Decimal("45.00"), list_price=Decimal("88.00")),
        "pads": Part.objects.create(group=group, number="5Q0698151A", name="前刹车片",
                                    unit="套", cost=Decimal("320.00"),
                                    list_price=Decimal("560.00"), is_key_part=True),
    }


@pytest.fixture
def locations(store_bj):
    from siwei.parts.models import Location

    return {code: Location.objects.create(store=store_bj, code=code, zone=code[0],
                                          shelf=int(code[2:4]), level=int(code[-1]))
            for code in ("A-01-1", "A-02-1")}


def errors_of(job) -> list[tuple[int, str]]:
    return [(e["row"], e["column"]) for e in job.errors]

"""The downloadable .xlsx templates of FN-9 (one per kind): the header row in Chinese
and English (``*`` marks required columns) and one example row to replace."""

from __future__ import annotations

from siwei.core.exports import xlsx_response

from .columns import COLUMNS

SHEET_TITLES = {"customers": "客户 Customers", "vehicles": "车辆 Vehicles",
                "parts": "配件价格 Parts", "stock": "期初库存 Opening stock"}


def template_sheets(kind: str):
    columns = COLUMNS[kind]
    return [(SHEET_TITLES[kind], [c.header for c in columns], [[c.example for c in columns]])]


def template_response(kind: str):
    return xlsx_response(f"siwei-import-{kind}", template_sheets(kind))

"""Reading an uploaded import file (FN-9): .xlsx through openpyxl (first sheet), or .csv
in UTF-8 (with or without BOM) or GBK/GB18030, which Chinese Excel writes. Rows keep
their spreadsheet numbers (the header is row 1); empty rows are skipped."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .columns import COLUMNS, Column, match_header

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 20000


def max_bytes() -> int:
    return getattr(settings, "SIWEI_IMPORT_MAX_BYTES", MAX_BYTES)


def max_rows() -> int:
    return getattr(settings, "SIWEI_IMPORT_MAX_ROWS", MAX_ROWS)


@dataclass
class Table:
    """The header row's columns and the data rows as ``(row number, {key: raw value})``."""

    columns: dict[int, Column]
    rows: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    missing: list[Column] = field(default_factory=list)


def _refuse(message: str) -> ValidationError:
    return ValidationError({"file": [message]})


def check_size(size: int) -> None:
    if size > max_bytes():
        raise _refuse(_("The file is larger than %(mb)s MB.")
                      % {"mb": max_bytes() // (1024 * 1024)})


def decode_csv(data: bytes) -> str:
    """UTF-8 (a BOM is dropped) or, failing that, GB18030 (a superset of GBK)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise _refuse(_("The CSV file is neither UTF-8 nor GBK text.")) from None


def _csv_rows(data: bytes) -> list[list[Any]]:
    text = decode_csv(data)
    sample = text[:4096]
    delimiter = "\t" if sample.count("\t") > sample.count(",") else ","
    return [row for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]


def _xlsx_rows(data: bytes) -> list[list[Any]]:
    from openpyxl import load_workbook

    # A damaged workbook can fail in many ways inside openpyxl (zip, XML, styles …);
    # each is the user's file, never a server error.
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:
        raise _refuse(_("The file is not a readable Excel workbook (.xlsx).")) from None
    try:
        sheet = book.worksheets[0]
        limit = max_rows() + 2
        rows = []
        for row in sheet.iter_rows(values_only=True):
            rows.append(list(row))
            if len(rows) > limit:
                break
        return rows
    except Exception:
        raise _refuse(_("The file is not a readable Excel workbook (.xlsx).")) from None
    finally:
        book.close()


def file_format(name: str, data: bytes) -> str:
    """``xlsx`` or ``csv`` from the content (a zip is a workbook) and the name."""
    if data[:4] == b"PK\x03\x04":
        return "xlsx"
    lower = (name or "").lower()
    if lower.endswith((".xlsx", ".xlsm")):
        raise _refuse(_("The file is not a readable Excel workbook (.xlsx)."))
    if lower.endswith((".csv", ".txt")) or not lower:
        return "csv"
    raise _refuse(_("Upload an Excel workbook (.xlsx) or a CSV file."))


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def read_table(kind: str, name: str, data: bytes) -> Table:
    """Parse the file into a ``Table``; an unreadable or oversized file is a
    ``ValidationError`` on ``file``."""
    if not data:
        raise _refuse(_("The file is empty."))
    check_size(len(data))
    raw = _xlsx_rows(data) if file_format(name, data) == "xlsx" else _csv_rows(data)
    # The header is the first non-empty row.
    start = next((i for i, r in enumerate(raw) if any(not _blank(v) for v in r)), None)
    if start is None:
        raise _refuse(_("The file has no header row."))
    columns = match_header(kind, raw[start])
    if not columns:
        raise _refuse(_("The header row names none of the template's columns; download "
                        "the template and use its first row."))
    table = Table(columns=columns)
    keys = {c.key for c in columns.values()}
    table.missing = [c for c in COLUMNS[kind] if c.required and c.key not in keys]
    for offset, cells in enumerate(raw[start + 1:], start=start + 2):
        if all(_blank(v) for v in cells):
            continue
        values = {column.key: cells[pos] if pos < len(cells) else None
                  for pos, column in columns.items()}
        table.rows.append((offset, values))
        if len(table.rows) > max_rows():
            raise _refuse(_("The file has more than %(n)s rows; split it.")
                          % {"n": max_rows()})
    return table


# --- cell values -----------------------------------------------------------------------

TRUE = {"是", "y", "yes", "true", "1", "√", "✓", "x", "有"}
FALSE = {"否", "n", "no", "false", "0", "", "无"}
DATE_RE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")


def as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def convert(column: Column, value: Any) -> Any:
    """The cell as the column's type; ``ValueError`` with a translated message if it
    cannot be read. Blank cells are ``None`` (text: ``""``)."""
    if column.type == "text":
        return as_text(value)
    if _blank(value):
        return None
    if column.type == "date":
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        text = as_text(value)
        match = DATE_RE.match(text) or (re.match(r"^(\d{4})(\d{2})(\d{2})$", text))
        try:
            if not match:
                raise ValueError
            return dt.date(*(int(g) for g in match.groups()))
        except ValueError:
            raise ValueError(_("Enter a date like 2026-05-31.")) from None
    if column.type == "int":
        try:
            number = Decimal(as_text(value))
            if number != number.to_integral_value():
                raise InvalidOperation
            return int(number)
        except (InvalidOperation, ValueError):
            raise ValueError(_("Enter a whole number.")) from None
    if column.type == "decimal":
        if isinstance(value, float):
            value = repr(value)
        try:
            number = Decimal(as_text(value).replace(",", "").replace("¥", "").replace("￥", ""))
            if not number.is_finite():
                raise InvalidOperation
            return number
        except (InvalidOperation, ValueError):
            raise ValueError(_("Enter a number.")) from None
    if column.type == "bool":
        if isinstance(value, bool):
            return value
        text = as_text(value).lower()
        if text in TRUE:
            return True
        if text in FALSE:
            return False
        raise ValueError(_("Enter 是 or 否 (yes or no)."))
    raise ValueError(column.type)

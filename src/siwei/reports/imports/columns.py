"""The columns of each import kind (FN-9). A template's header cell is the Chinese and
the English name (``手机号 Mobile``, ``*`` marks a required column); a file may use
either name, both, or the field key."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ..models import ImportKind


@dataclass(frozen=True)
class Column:
    key: str
    zh: str
    en: str
    type: str = "text"  # text, date, int, decimal, bool
    required: bool = False
    example: Any = ""

    @property
    def header(self) -> str:
        return f"{self.zh} {self.en}{' *' if self.required else ''}"


def _c(key: str, zh: str, en: str, type: str = "text", *, required: bool = False,
       example: Any = "") -> Column:
    return Column(key, zh, en, type, required, example)


COLUMNS: dict[str, tuple[Column, ...]] = {
    ImportKind.CUSTOMERS: (
        _c("kind", "类型", "Kind", example="个人"),
        _c("name", "姓名/名称", "Name", required=True, example="王建国"),
        _c("mobile", "手机号", "Mobile", example="13912345678"),
        _c("gender", "性别", "Gender", example="男"),
        _c("birthday", "生日", "Birthday", "date", example="1985-03-12"),
        _c("id_number", "身份证号", "Resident ID", example=""),
        _c("credit_code", "统一社会信用代码", "Credit code", example=""),
        _c("address", "地址", "Address", example="北京市朝阳区望京街10号"),
        _c("district", "区县", "District", example="朝阳区"),
        _c("occupation", "职业", "Occupation", example="工程师"),
        _c("source", "来源", "Source", example="老客户介绍"),
        _c("tags", "标签", "Tags", example="家庭用车"),
    ),
    ImportKind.VEHICLES: (
        _c("vin", "车架号", "VIN", required=True, example="LSVAU218XN2183294"),
        _c("plate", "车牌号", "Plate", example="京A12345"),
        _c("brand", "品牌", "Brand", example="大众"),
        _c("model", "车型", "Model", example="帕萨特"),
        _c("trim", "配置", "Trim", example="330TSI 豪华版"),
        _c("colour", "颜色", "Colour", example="极地白"),
        _c("engine_number", "发动机号", "Engine number", example="DKV123456"),
        _c("model_year", "年款", "Model year", "int", example=2022),
        _c("registration_date", "上牌日期", "Registration date", "date", example="2022-05-20"),
        _c("sale_date", "销售日期", "Sale date", "date", example="2022-05-18"),
        _c("sold_here", "本店销售", "Sold by us", "bool", example="是"),
        _c("owner_mobile", "车主手机号", "Owner mobile", example="13912345678"),
        _c("insurance_company", "保险公司", "Insurer", example="中国人保"),
        _c("insurance_expiry", "保险到期日", "Insurance expiry", "date", example="2027-05-17"),
    ),
    ImportKind.PARTS: (
        _c("number", "配件编号", "Part number", required=True, example="06L115562B"),
        _c("name", "配件名称", "Name", example="机油滤清器"),
        _c("brand", "品牌", "Brand", example="大众"),
        _c("category", "类别", "Category", example="保养件"),
        _c("unit", "单位", "Unit", example="个"),
        _c("cost", "采购价", "Purchase cost", "decimal", example="45.00"),
        _c("list_price", "零售价", "Retail price", "decimal", example="88.00"),
        _c("warranty_price", "索赔价", "Warranty price", "decimal", example="50.00"),
        _c("insurance_price", "保险价", "Insurance price", "decimal", example="95.00"),
        _c("attribute_class", "属性分类", "Attribute class", example="A"),
        _c("is_key_part", "关键件", "Key part", "bool", example="否"),
        _c("is_accessory", "精品", "Accessory", "bool", example="否"),
        _c("compatible_models", "适用车型", "Compatible models", example="帕萨特;迈腾"),
    ),
    ImportKind.STOCK: (
        _c("part_number", "配件编号", "Part number", required=True, example="06L115562B"),
        _c("location", "库位", "Location", required=True, example="A-01-1"),
        _c("quantity", "数量", "Quantity", "decimal", required=True, example="12"),
        _c("unit_cost", "单位成本", "Unit cost", "decimal", example="45.00"),
        _c("batch", "批次号", "Batch", example=""),
        _c("inbound_date", "入库日期", "Inbound date", "date", example="2026-10-31"),
    ),
}


def _norm(text: Any) -> str:
    return re.sub(r"[\s_*()（）]+", "", str(text or "")).lower()


def header_index(kind: str) -> dict[str, Column]:
    """Every accepted spelling of each column's header (normalised) → the column."""
    index: dict[str, Column] = {}
    for column in COLUMNS[kind]:
        spellings = [column.header, column.en, column.key]
        for zh in {column.zh, *column.zh.split("/")}:  # 姓名/名称: either, or both
            spellings += [zh, f"{zh}{column.en}", f"{column.en}{zh}"]
        for spelling in spellings:
            index.setdefault(_norm(spelling), column)
    return index


def match_header(kind: str, cells: list[Any]) -> dict[int, Column]:
    """Position in the header row → column, for the cells that name one."""
    index = header_index(kind)
    found: dict[int, Column] = {}
    for position, cell in enumerate(cells):
        column = index.get(_norm(cell))
        if column is not None and column not in found.values():
            found[position] = column
    return found


def column_of(kind: str, key: str) -> Column | None:
    return next((c for c in COLUMNS[kind] if c.key == key), None)

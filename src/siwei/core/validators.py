"""Validators for spec rule CS-2: VIN, licence plate (号牌), mobile number (手机号),
resident ID (居民身份证号码) and unified social credit code (统一社会信用代码).

Every ``validate_*`` function returns the normalised value or raises Django's
:class:`~django.core.exceptions.ValidationError` with a translatable English message
(``gettext_lazy``, ``%(name)s`` params) and a stable ``code``.  The ``*_validator``
callables are meant for ``validators=[...]`` on model and form fields.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from stdnum import exceptions as stdnum_exc
from stdnum.cn import ric, uscc


def _clean(value: str, remove: str = r"\s") -> str:
    """NFKC-fold (full-width to ASCII), drop ``remove`` characters and upper-case."""
    return re.sub(f"[{remove}]", "", unicodedata.normalize("NFKC", value)).upper()


def _invalid(message: Promise, code: str, /, **params: Any) -> ValidationError:
    return ValidationError(message, code=code, params=params or None)


def _today() -> date:
    from siwei.core import clock  # the project clock (Asia/Shanghai, freezable in tests)

    return clock.today()


# --------------------------------------------------------------------------- VIN

_VIN_VALUES: dict[str, int] = {
    **{str(d): d for d in range(10)},
    **dict(zip("ABCDEFGH", range(1, 9), strict=True)),
    **dict(zip("JKLMN", range(1, 6), strict=True)),
    "P": 7,
    "R": 9,
    **dict(zip("STUVWXYZ", range(2, 10), strict=True)),
}
_VIN_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)
# Model-year codes (position 10) in order; index 0 = 1980, 2010, 2040 ...
_YEAR_CODES = "ABCDEFGHJKLMNPRSTVWXY123456789"
# ISO 3780 ordering of the second WMI character, used for region ranges.
_WMI_ORDER = "ABCDEFGHJKLMNPRSTUVWXYZ1234567890"

# WMI → (manufacturer, brand, country).  ``brand`` is None when the maker builds
# several marques under the same WMI (e.g. FAW-Volkswagen: VW, Audi, Jetta).
_WMI: dict[str, tuple[str, str | None, str]] = {
    # Chinese joint ventures and domestic makers
    "LFV": ("FAW-Volkswagen", None, "China"),
    "LSV": ("SAIC Volkswagen", None, "China"),
    "LSG": ("SAIC General Motors", None, "China"),
    "LSJ": ("SAIC Motor", None, "China"),
    "LZW": ("SAIC-GM-Wuling", None, "China"),
    "LGB": ("Dongfeng Nissan", None, "China"),
    "LDC": ("Dongfeng Peugeot Citroën", None, "China"),
    "LVH": ("Dongfeng Honda", None, "China"),
    "LHG": ("GAC Honda", None, "China"),
    "LVG": ("GAC Toyota", "Toyota", "China"),
    "LFM": ("FAW Toyota", "Toyota", "China"),
    "LBE": ("Beijing Hyundai", "Hyundai", "China"),
    "LE4": ("Beijing Benz", "Mercedes-Benz", "China"),
    "LBV": ("BMW Brilliance", "BMW", "China"),
    "LVS": ("Changan Ford", None, "China"),
    "LVY": ("Volvo Cars Asia Pacific", "Volvo", "China"),
    "LRW": ("Tesla (Shanghai)", "Tesla", "China"),
    "LGX": ("BYD Auto", "BYD", "China"),
    "LC0": ("BYD Auto", None, "China"),
    "L6T": ("Geely Automobile", None, "China"),
    "LB3": ("Geely Automobile", None, "China"),
    "LGW": ("Great Wall Motor", None, "China"),
    "LS5": ("Changan Automobile", None, "China"),
    "LVV": ("Chery Automobile", None, "China"),
    # Europe
    "WVW": ("Volkswagen AG", "Volkswagen", "Germany"),
    "WAU": ("Audi AG", "Audi", "Germany"),
    "WBA": ("BMW AG", "BMW", "Germany"),
    "WDD": ("Daimler AG", "Mercedes-Benz", "Germany"),
    "W1K": ("Mercedes-Benz AG", "Mercedes-Benz", "Germany"),
    "WP0": ("Porsche AG", "Porsche", "Germany"),
    "WP1": ("Porsche AG", "Porsche", "Germany"),
    "WF0": ("Ford-Werke", "Ford", "Germany"),
    "VF1": ("Renault", "Renault", "France"),
    "VF3": ("Peugeot", "Peugeot", "France"),
    "VF7": ("Citroën", "Citroën", "France"),
    "VSS": ("SEAT", "SEAT", "Spain"),
    "ZFA": ("Fiat", "Fiat", "Italy"),
    "ZFF": ("Ferrari", "Ferrari", "Italy"),
    "ZAR": ("Alfa Romeo", "Alfa Romeo", "Italy"),
    "TMB": ("Škoda Auto", "Škoda", "Czech Republic"),
    "TRU": ("Audi Hungaria", "Audi", "Hungary"),
    "SAJ": ("Jaguar Land Rover", "Jaguar", "United Kingdom"),
    "SAL": ("Jaguar Land Rover", "Land Rover", "United Kingdom"),
    "YV1": ("Volvo Cars", "Volvo", "Sweden"),
    "YV4": ("Volvo Cars", "Volvo", "Sweden"),
    # Asia
    "JTH": ("Toyota Motor Corporation", "Lexus", "Japan"),
    "JTJ": ("Toyota Motor Corporation", "Lexus", "Japan"),
    "JHM": ("Honda Motor", "Honda", "Japan"),
    "JN1": ("Nissan Motor", "Nissan", "Japan"),
    "JM1": ("Mazda Motor", "Mazda", "Japan"),
    "JF1": ("Subaru Corporation", "Subaru", "Japan"),
    "KMH": ("Hyundai Motor", "Hyundai", "South Korea"),
    "KNA": ("Kia", "Kia", "South Korea"),
    # North America
    "1HG": ("Honda of America", "Honda", "United States"),
    "1FA": ("Ford Motor Company", "Ford", "United States"),
    "1G1": ("General Motors", "Chevrolet", "United States"),
    "4T1": ("Toyota Motor Manufacturing Kentucky", "Toyota", "United States"),
    "5YJ": ("Tesla", "Tesla", "United States"),
    "5UX": ("BMW Manufacturing", "BMW", "United States"),
    "2T1": ("Toyota Motor Manufacturing Canada", "Toyota", "Canada"),
    "3VW": ("Volkswagen de México", "Volkswagen", "Mexico"),
}
# Two-character prefixes used when the full WMI is not listed.
_WMI_PREFIX: dict[str, tuple[str, str | None, str]] = {
    "JT": ("Toyota Motor Corporation", "Toyota", "Japan"),
}
# (first char, second char from, second char to, country) per ISO 3780 regions.
_WMI_REGIONS: tuple[tuple[str, str, str, str], ...] = (
    ("L", "A", "0", "China"),
    ("J", "A", "0", "Japan"),
    ("K", "L", "R", "South Korea"),
    ("W", "A", "0", "Germany"),
    ("1", "A", "0", "United States"),
    ("4", "A", "0", "United States"),
    ("5", "A", "0", "United States"),
    ("2", "A", "0", "Canada"),
    ("3", "A", "W", "Mexico"),
    ("S", "A", "M", "United Kingdom"),
    ("V", "F", "R", "France"),
    ("V", "S", "W", "Spain"),
    ("Y", "F", "K", "Finland"),
    ("Y", "S", "W", "Sweden"),
    ("Z", "A", "R", "Italy"),
    ("T", "J", "P", "Czech Republic"),
    ("T", "R", "V", "Hungary"),
)


@dataclass(frozen=True)
class VinInfo:
    """What the VIN itself says about a vehicle; None where unknown."""

    vin: str
    wmi: str
    manufacturer: str | None
    brand: str | None
    country: str | None
    model_year: int | None


def normalize_vin(value: str) -> str:
    """Strip all whitespace and upper-case (full-width characters folded to ASCII)."""
    return _clean(value)


def _compute_check_digit(vin: str) -> str:
    remainder = sum(_VIN_VALUES[c] * w for c, w in zip(vin, _VIN_WEIGHTS, strict=True)) % 11
    return "X" if remainder == 10 else str(remainder)


def vin_check_digit(vin17: str) -> str:
    """Expected check digit (position 9) of a 17-character VIN per ISO 3779 / GB 16735.

    The character currently at position 9 is ignored.  Raises ValueError for input
    that is not 17 valid VIN characters.
    """
    vin = normalize_vin(vin17)
    if len(vin) != 17 or any(c not in _VIN_VALUES for c in vin):
        raise ValueError(f"not a 17-character VIN: {vin17!r}")
    return _compute_check_digit(vin)


def validate_vin(value: str) -> str:
    """Validate a VIN (车辆识别代号): length, characters, check digit; return it normalised."""
    vin = normalize_vin(value)
    if len(vin) != 17:
        raise _invalid(
            _("VIN must be exactly 17 characters long, got %(length)s."),
            "vin_length",
            length=len(vin),
        )
    bad = "".join(dict.fromkeys(c for c in vin if c not in _VIN_VALUES))
    if bad:
        raise _invalid(
            _(
                "VIN contains invalid characters: %(chars)s. Only digits and the "
                "letters A-Z except I, O and Q are allowed."
            ),
            "vin_chars",
            chars=", ".join(bad),
        )
    expected = _compute_check_digit(vin)
    if vin[8] != expected:
        raise _invalid(
            _("VIN check digit is %(actual)s, expected %(expected)s."),
            "vin_check_digit",
            actual=vin[8],
            expected=expected,
        )
    return vin


def _wmi_country(wmi: str) -> str | None:
    second = _WMI_ORDER.index(wmi[1])
    for first, low, high, country in _WMI_REGIONS:
        if wmi[0] == first and _WMI_ORDER.index(low) <= second <= _WMI_ORDER.index(high):
            return country
    return None


def _model_year(code: str, today: date) -> int | None:
    """Most recent year for ``code`` (30-year cycle) not later than next year."""
    index = _YEAR_CODES.find(code)
    latest = today.year + 1
    if index < 0 or 1980 + index > latest:
        return None
    return 1980 + index + (latest - 1980 - index) // 30 * 30


def decode_vin(value: str, *, today: date | None = None) -> VinInfo:
    """Validate ``value``; decode maker, brand, country (WMI) and model year (position 10)."""
    vin = validate_vin(value)
    wmi = vin[:3]
    known = _WMI.get(wmi) or _WMI_PREFIX.get(wmi[:2])
    manufacturer, brand, country = known if known else (None, None, _wmi_country(wmi))
    return VinInfo(
        vin=vin,
        wmi=wmi,
        manufacturer=manufacturer,
        brand=brand,
        country=country,
        model_year=_model_year(vin[9], today or _today()),
    )


# ------------------------------------------------------------------------- Plate

PLATE_PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
PLATE_SUFFIXES = "使领学警挂港澳"
PlateKind = Literal["fuel", "new_energy", "special"]

_LETTER = "A-HJ-NP-Z"  # A-Z without I and O
_ALNUM = _LETTER + "0-9"
# Patterns for everything after the province abbreviation.
_PLATE_PATTERNS: tuple[tuple[PlateKind, re.Pattern[str]], ...] = (
    ("fuel", re.compile(f"[{_LETTER}][{_ALNUM}]{{5}}")),
    ("new_energy", re.compile(f"[{_LETTER}][A-HJK][{_ALNUM}][0-9]{{4}}")),  # small NEV
    ("new_energy", re.compile(f"[{_LETTER}][0-9]{{5}}[DF]")),  # large NEV
    ("special", re.compile(f"[{_LETTER}][{_ALNUM}]{{4}}[{PLATE_SUFFIXES}]")),
)
_EMBASSY_PLATE = re.compile("使[0-9]{6}")
_PLATE_SEPARATORS = r"\s·•・‧.\-"


@dataclass(frozen=True)
class PlateInfo:
    """A parsed plate; ``province`` is None only for 使-prefixed embassy plates."""

    plate: str
    province: str | None
    kind: PlateKind
    suffix: str | None


def normalize_plate(value: str) -> str:
    """Upper-case and remove spaces and separators (·, ., •, -)."""
    return _clean(value, _PLATE_SEPARATORS)


def parse_plate(value: str) -> PlateInfo:
    """Validate a Chinese licence plate (号牌) and describe it.

    Accepted after normalising, with P a province abbreviation and L the issuing
    authority letter (A-Z without I and O):

    * fuel: P L + 5 letters (no I/O) or digits, e.g. 京A12345, 粤B8K3L2;
    * new energy, small: P L + one of A-H/J/K + letter or digit + 4 digits, e.g. 京AD12345;
    * new energy, large: P L + 5 digits + D or F, e.g. 粤B12345D;
    * special: P L + 4 letters/digits + 使/领/学/警/挂/港/澳, e.g. 京A1234学, 粤Z1234港;
    * embassy: 使 + 6 digits, e.g. 使014578 (province None, suffix 使).

    Military and armed-police (WJ) plates are not accepted.
    """
    plate = normalize_plate(value)
    if _EMBASSY_PLATE.fullmatch(plate):
        return PlateInfo(plate=plate, province=None, kind="special", suffix="使")
    if not plate or plate[0] not in PLATE_PROVINCES:
        raise _invalid(
            _("Licence plate %(plate)s must start with a province abbreviation such as 京 or 粤."),
            "plate_province",
            plate=plate,
        )
    for kind, pattern in _PLATE_PATTERNS:
        if pattern.fullmatch(plate, 1):
            suffix = plate[-1] if kind == "special" else None
            return PlateInfo(plate=plate, province=plate[0], kind=kind, suffix=suffix)
    raise _invalid(_("%(plate)s is not a valid licence plate number."), "plate_format", plate=plate)


def validate_plate(value: str) -> str:
    """Validate a licence plate and return it normalised."""
    return parse_plate(value).plate


# ------------------------------------------------------------------------ Mobile

_MOBILE = re.compile("1[3-9][0-9]{9}")
_MOBILE_PREFIX = re.compile(r"\+86[\s-]*|86[\s-]+")


def normalize_mobile(value: str) -> str:
    """Drop a ``+86`` prefix (or ``86`` followed by a space/dash), spaces and dashes."""
    text = unicodedata.normalize("NFKC", value).strip()
    prefix = _MOBILE_PREFIX.match(text)
    return re.sub(r"[\s-]", "", text[prefix.end() :] if prefix else text)


def validate_mobile(value: str) -> str:
    """Validate a mainland China mobile number (手机号) and return its 11 digits."""
    mobile = normalize_mobile(value)
    if not _MOBILE.fullmatch(mobile):
        raise _invalid(
            _("Enter a valid mobile number: 11 digits starting with 13 to 19."), "mobile_invalid"
        )
    return mobile


# ------------------------------------------------------------------- Resident ID

_RESIDENT_ID = re.compile("[0-9]{17}[0-9X]")
# GB/T 2260 province-level codes; 71/81/82/83 are Taiwan/HK/Macao residence permits.
_PROVINCE_CODES = frozenset(
    re.findall(
        r"\d\d",
        "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 "
        "50 51 52 53 54 61 62 63 64 65 71 81 82 83",
    )
)


def normalize_resident_id(value: str) -> str:
    """Strip whitespace and upper-case (trailing x becomes X)."""
    return _clean(value)


def validate_resident_id(value: str, *, today: date | None = None) -> str:
    """Validate an 18-character resident ID (GB 11643) and return it normalised.

    Checks length, format, province code, birth date (a real date, not after ``today``)
    and the ISO 7064 MOD 11-2 check character.  Unlike ``stdnum.cn.ric.validate`` the
    county code is not matched against the birth year: an ID carries the district of
    issue, which may be newer than its holder (e.g. Pudong 310115, created 1992).
    """
    number = normalize_resident_id(value)
    if len(number) != 18:
        raise _invalid(
            _("Resident ID number must be exactly 18 characters long, got %(length)s."),
            "resident_id_length",
            length=len(number),
        )
    if not _RESIDENT_ID.fullmatch(number):
        raise _invalid(
            _("Resident ID number must be 17 digits followed by a digit or X."),
            "resident_id_format",
        )
    if number[:2] not in _PROVINCE_CODES:
        raise _invalid(
            _("Resident ID number starts with an unknown region code %(code)s."),
            "resident_id_region",
            code=number[:6],
        )
    try:
        birthday = ric.get_birth_date(number)
    except stdnum_exc.InvalidComponent:
        raise _invalid(
            _("Resident ID number contains an invalid birth date %(date)s."),
            "resident_id_birth_date",
            date=number[6:14],
        ) from None
    if birthday > (today or _today()):
        raise _invalid(
            _("Resident ID birth date %(date)s is in the future."),
            "resident_id_future_birth_date",
            date=birthday.isoformat(),
        )
    if ric.calc_check_digit(number) != number[-1]:
        raise _invalid(_("Resident ID number has a wrong check character."), "resident_id_checksum")
    return number


def resident_id_birthday(value: str) -> date:
    """Birth date encoded in a resident ID (validated first)."""
    return ric.get_birth_date(validate_resident_id(value))


def resident_id_gender(value: str) -> Literal["male", "female"]:
    """Gender from the 17th digit of a resident ID (validated first): odd is male."""
    return "male" if int(validate_resident_id(value)[16]) % 2 else "female"


# ------------------------------------------------------------------- Credit code


def normalize_credit_code(value: str) -> str:
    """Strip whitespace and dashes, upper-case."""
    return _clean(value, r"\s\-")


def validate_credit_code(value: str) -> str:
    """Validate a unified social credit code (统一社会信用代码, GB 32100); return it normalised."""
    code = normalize_credit_code(value)
    try:
        return uscc.validate(code)
    except stdnum_exc.InvalidLength:
        raise _invalid(
            _("Unified social credit code must be exactly 18 characters long, got %(length)s."),
            "credit_code_length",
            length=len(code),
        ) from None
    except stdnum_exc.InvalidChecksum:
        raise _invalid(
            _("Unified social credit code check character is %(actual)s, expected %(expected)s."),
            "credit_code_checksum",
            actual=code[-1],
            expected=uscc.calc_check_digit(code),
        ) from None
    except stdnum_exc.ValidationError:
        raise _invalid(
            _(
                "Unified social credit code must be 8 digits followed by 10 digits or "
                "letters other than I, O, S, V and Z."
            ),
            "credit_code_format",
        ) from None


# -------------------------------------------------------- Django field validators


def vin_validator(value: str) -> None:
    """Field validator for VINs."""
    validate_vin(value)


def plate_validator(value: str) -> None:
    """Field validator for licence plates."""
    validate_plate(value)


def mobile_validator(value: str) -> None:
    """Field validator for mobile numbers."""
    validate_mobile(value)


def resident_id_validator(value: str) -> None:
    """Field validator for resident ID numbers."""
    validate_resident_id(value)


def credit_code_validator(value: str) -> None:
    """Field validator for unified social credit codes."""
    validate_credit_code(value)

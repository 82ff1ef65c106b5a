"""Tests for spec rule CS-2 (validation): VIN, plate, mobile, resident ID, credit code.

Check digits in the test data are verified with independent implementations written
here (ISO 3779 for VINs, ISO 7064 MOD 11-2 for resident IDs, GB 32100 for credit
codes), never with the code under test.
"""

from __future__ import annotations

import os
from datetime import date

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.functional import Promise

from siwei.core.validators import (
    PlateInfo,
    VinInfo,
    credit_code_validator,
    decode_vin,
    mobile_validator,
    normalize_mobile,
    normalize_plate,
    normalize_vin,
    parse_plate,
    plate_validator,
    resident_id_birthday,
    resident_id_gender,
    resident_id_validator,
    validate_credit_code,
    validate_mobile,
    validate_plate,
    validate_resident_id,
    validate_vin,
    vin_check_digit,
    vin_validator,
)

if not settings.configured and not os.environ.get("DJANGO_SETTINGS_MODULE"):
    settings.configure(USE_I18N=False)

TODAY = date(2025, 6, 1)


def _messages(excinfo: pytest.ExceptionInfo[ValidationError]) -> str:
    with translation.override("en"):
        return " ".join(excinfo.value.messages)


# ------------------------------------------------------- independent reference code


def _vin_value(char: str) -> int:
    """ISO 3779 transliteration: A-I / J-R count 1-9, S-Z count 2-9."""
    if char.isdigit():
        return int(char)
    return (ord(char) - ord("A")) % 9 + 1 + (char >= "S")


def _vin_weight(position: int) -> int:
    """Weights 8..2, 10, 0, 9..2 for positions 1..17."""
    if position <= 7:
        return 9 - position
    return {8: 10, 9: 0}.get(position, 19 - position)


def _ref_vin_check(vin: str) -> str:
    remainder = sum(_vin_value(c) * _vin_weight(i) for i, c in enumerate(vin, 1)) % 11
    return "X" if remainder == 10 else str(remainder)


def _with_vin_check(template: str) -> str:
    """Put the correct check digit into position 9 of a 17-character template."""
    return template[:8] + _ref_vin_check(template) + template[9:]


def _ref_ric_check(body17: str) -> str:
    """GB 11643 / ISO 7064 MOD 11-2: weights 2^(17-i) mod 11."""
    total = sum(int(d) * pow(2, 17 - i, 11) for i, d in enumerate(body17))
    return "10X98765432"[total % 11]


def _ric(region: str, birth: str, sequence: str) -> str:
    body = region + birth + sequence
    return body + _ref_ric_check(body)


_USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def _ref_uscc_check(body17: str) -> str:
    total = sum(_USCC_CHARSET.index(c) * w for c, w in zip(body17, _USCC_WEIGHTS, strict=True))
    return _USCC_CHARSET[(31 - total % 31) % 31]


def test_cs2_reference_implementations_match_published_examples():
    # Wikipedia's worked VIN example, the GB 11643 sample and the stdnum USCC sample.
    assert _ref_vin_check("1M8GDM9AXKP042788") == "X"
    assert _ref_ric_check("11010519491231002") == "X"
    assert _ref_uscc_check("91110000600037341") == "L"


# ---------------------------------------------------------------------------- VIN

# Public sample VINs; each check digit verified by _ref_vin_check below.
REAL_VINS = [
    "1M8GDM9AXKP042788",
    "5N1NJ01CXST000001",
    "1HGCM82633A004352",
    "5YJ3E1EA7HF000337",
    "JHMCM56557C404453",
    "1HGBH41JXMN109186",
    "11111111111111111",
    "5GZCZ43D13S812715",
    "JH4KA7561PC008269",
    "1G1JC5444R7252367",
]
# Chinese-market VINs in the makers' usual layout (check digits computed here).
CHINESE_VINS = [
    "LFV2A21K4N3012345",
    "LSVAU2183N2183847",
    "LSGKB54H6KV123456",
    "LGBH52E01KY123456",
    "LVGBM53K9LG123456",
    "LGXCE4CB9P0123456",
    "LC0CE4CB3R1234567",
    "L6T7844S1NN123456",
    "LGWEF6A53PH123456",
    "LE4ZG8DB9PL123456",
    "LBV5S3104PSP12345",
    "LRW3E7FA2PC123456",
]


@pytest.mark.parametrize("vin", REAL_VINS + CHINESE_VINS)
def test_cs2_vin_sample_check_digits_verified_independently(vin):
    assert vin[8] == _ref_vin_check(vin)


@pytest.mark.parametrize("vin", REAL_VINS + CHINESE_VINS)
def test_cs2_vin_valid_samples_accepted(vin):
    assert validate_vin(vin) == vin


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (" 1m8gdm9axkp042788 ", "1M8GDM9AXKP042788"),
        ("LFV2A21K4 N301 2345", "LFV2A21K4N3012345"),
        ("lsvau2183n2183847\n", "LSVAU2183N2183847"),
        ("ＬＲＷ３Ｅ７ＦＡ２ＰＣ１２３４５６", "LRW3E7FA2PC123456"),  # full-width IME input
    ],
)
def test_cs2_vin_normalised_upper_case_without_spaces(raw, expected):
    assert normalize_vin(raw) == expected
    assert validate_vin(raw) == expected


@pytest.mark.parametrize(
    "vin",
    ["", "ABC", "1M8GDM9AXKP04278", "1M8GDM9AXKP0427888", "LFV2A21K4N30123456789"],
)
def test_cs2_vin_wrong_length_refused(vin):
    with pytest.raises(ValidationError) as excinfo:
        validate_vin(vin)
    assert excinfo.value.code == "vin_length"
    assert str(len(vin)) in _messages(excinfo)


@pytest.mark.parametrize(
    ("vin", "bad"),
    [
        ("IM8GDM9AXKP042788", "I"),
        ("1M8GDM9AXKPO42788", "O"),
        ("1M8GDM9AXKP042Q88", "Q"),
        ("LFV2A21K4N3O1234I", "O, I"),
        ("1M8GDM9AXKP04278*", "*"),
        ("LSV中U2183N2183847", "中"),
    ],
)
def test_cs2_vin_forbidden_characters_refused(vin, bad):
    with pytest.raises(ValidationError) as excinfo:
        validate_vin(vin)
    assert excinfo.value.code == "vin_chars"
    assert excinfo.value.params == {"chars": bad}
    assert bad in _messages(excinfo)


@pytest.mark.parametrize(
    "vin",
    [
        "5TFEV54198X063405",
        "WBA3A5C51CF256651",
        "2T1BURHE0JC043821",
        "WP0ZZZ99ZTS392124",  # European VIN without a check digit
        "1M8GDM9A1KP042788",
        "11111111211111111",
        "LSVAU2180N2183847",  # mock VIN seen in many demo data sets
        "LVHRU5849N5012346",
        "LFV2A21K5N3012345",
    ],
)
def test_cs2_vin_wrong_check_digit_names_expected_digit(vin):
    expected = _ref_vin_check(vin)
    assert expected != vin[8]
    with pytest.raises(ValidationError) as excinfo:
        validate_vin(vin)
    assert excinfo.value.code == "vin_check_digit"
    assert excinfo.value.params == {"actual": vin[8], "expected": expected}
    assert _messages(excinfo) == f"VIN check digit is {vin[8]}, expected {expected}."


def test_cs2_vin_check_digit_x_for_remainder_ten():
    assert vin_check_digit("1M8GDM9A0KP042788") == "X"


@pytest.mark.parametrize("vin", REAL_VINS + CHINESE_VINS + ["5TFEV54198X063405"])
def test_cs2_vin_check_digit_matches_reference(vin):
    assert vin_check_digit(vin) == _ref_vin_check(vin)


@pytest.mark.parametrize("vin", ["1M8GDM9AXKP04278", "1M8GDM9AXKPO42788", ""])
def test_cs2_vin_check_digit_rejects_malformed_input(vin):
    with pytest.raises(ValueError):
        vin_check_digit(vin)


@pytest.mark.parametrize(
    ("vin", "manufacturer", "brand", "country", "model_year"),
    [
        ("LFV2A21K4N3012345", "FAW-Volkswagen", None, "China", 2022),
        ("LSVAU2183N2183847", "SAIC Volkswagen", None, "China", 2022),
        ("LSGKB54H6KV123456", "SAIC General Motors", None, "China", 2019),
        ("LGBH52E01KY123456", "Dongfeng Nissan", None, "China", 2019),
        ("LVGBM53K9LG123456", "GAC Toyota", "Toyota", "China", 2020),
        ("LGXCE4CB9P0123456", "BYD Auto", "BYD", "China", 2023),
        ("L6T7844S1NN123456", "Geely Automobile", None, "China", 2022),
        ("LGWEF6A53PH123456", "Great Wall Motor", None, "China", 2023),
        ("LE4ZG8DB9PL123456", "Beijing Benz", "Mercedes-Benz", "China", 2023),
        ("LBV5S3104PSP12345", "BMW Brilliance", "BMW", "China", 2023),
        ("LRW3E7FA2PC123456", "Tesla (Shanghai)", "Tesla", "China", 2023),
        ("5YJ3E1EA7HF000337", "Tesla", "Tesla", "United States", 2017),
        ("1HGCM82633A004352", "Honda of America", "Honda", "United States", 2003),
        ("JHMCM56557C404453", "Honda Motor", "Honda", "Japan", 2007),
        ("1G1JC5444R7252367", "General Motors", "Chevrolet", "United States", 2024),
        ("1M8GDM9AXKP042788", None, None, "United States", 2019),
        ("5N1NJ01CXST000001", None, None, "United States", 2025),
    ],
)
def test_cs2_vin_decode_known_wmis(vin, manufacturer, brand, country, model_year):
    info = decode_vin(vin, today=TODAY)
    assert info == VinInfo(
        vin=vin,
        wmi=vin[:3],
        manufacturer=manufacturer,
        brand=brand,
        country=country,
        model_year=model_year,
    )


@pytest.mark.parametrize(
    ("template", "manufacturer", "brand", "country"),
    [
        ("WVWZZZ1KZ8W000001", "Volkswagen AG", "Volkswagen", "Germany"),
        ("WAUZZZ8K0BA000001", "Audi AG", "Audi", "Germany"),
        ("WBA3A5C50CF256651", "BMW AG", "BMW", "Germany"),
        ("W1K2050420R000001", "Mercedes-Benz AG", "Mercedes-Benz", "Germany"),
        ("VF1RFB000K0000001", "Renault", "Renault", "France"),
        ("ZFA31200000000001", "Fiat", "Fiat", "Italy"),
        ("KMHD841C0LU000001", "Hyundai Motor", "Hyundai", "South Korea"),
        ("KNADM4A30E6000001", "Kia", "Kia", "South Korea"),
        ("2T1BURHE0JC043821", "Toyota Motor Manufacturing Canada", "Toyota", "Canada"),
        ("3VWDX7AJ0BM000001", "Volkswagen de México", "Volkswagen", "Mexico"),
        ("SALGS2SE0MA000001", "Jaguar Land Rover", "Land Rover", "United Kingdom"),
        ("YV1MS3820J2000001", "Volvo Cars", "Volvo", "Sweden"),
        ("TRUZZZ8J0J1000001", "Audi Hungaria", "Audi", "Hungary"),
        ("JTDKB20U073000001", "Toyota Motor Corporation", "Toyota", "Japan"),  # JT prefix
        ("JTHBA30G0J5000001", "Toyota Motor Corporation", "Lexus", "Japan"),
    ],
)
def test_cs2_vin_decode_world_makers(template, manufacturer, brand, country):
    info = decode_vin(_with_vin_check(template), today=TODAY)
    assert (info.manufacturer, info.brand, info.country) == (manufacturer, brand, country)


@pytest.mark.parametrize(
    ("wmi", "country"),
    [
        ("L9Z", "China"),
        ("JA3", "Japan"),
        ("KL1", "South Korea"),
        ("W0L", "Germany"),
        ("4JG", "United States"),
        ("2HG", "Canada"),
        ("3N1", "Mexico"),
        ("SCC", "United Kingdom"),
        ("VF8", "France"),
        ("VSK", "Spain"),
        ("YS3", "Sweden"),
        ("YK1", "Finland"),
        ("ZCF", "Italy"),
        ("TMA", "Czech Republic"),
        ("TSM", "Hungary"),
        ("KA1", None),
        ("VA1", None),
        ("3X1", None),
        ("9BW", None),
        ("SU1", None),
    ],
)
def test_cs2_vin_decode_unknown_wmi_falls_back_to_region(wmi, country):
    info = decode_vin(_with_vin_check(wmi + "ABC1230P000001"), today=TODAY)
    assert (info.wmi, info.manufacturer, info.brand, info.country) == (wmi, None, None, country)


@pytest.mark.parametrize(
    ("code", "today", "year"),
    [
        ("A", TODAY, 2010),
        ("H", TODAY, 2017),
        ("S", TODAY, 2025),
        ("T", TODAY, 2026),  # next year's models are already on sale
        ("V", TODAY, 1997),
        ("Y", TODAY, 2000),
        ("1", TODAY, 2001),
        ("9", TODAY, 2009),
        ("A", date(2009, 12, 31), 2010),
        ("B", date(2009, 12, 31), 1981),
        ("9", date(2009, 12, 31), 2009),
        ("P", date(2000, 1, 1), 1993),
        ("A", date(2039, 1, 1), 2040),
        ("Y", date(2039, 1, 1), 2030),
        ("9", date(2039, 1, 1), 2039),
        ("L", date(2048, 6, 1), 2020),
        ("L", date(2049, 6, 1), 2050),
    ],
)
def test_cs2_vin_model_year_30_year_cycle(code, today, year):
    vin = _with_vin_check(f"LFV2A21K0{code}3012345")
    assert decode_vin(vin, today=today).model_year == year


@pytest.mark.parametrize("code", ["0", "U", "Z"])
def test_cs2_vin_model_year_unknown_for_non_year_codes(code):
    vin = _with_vin_check(f"WP0ZZZ99Z{code}S392124")
    assert decode_vin(vin, today=TODAY).model_year is None


def test_cs2_vin_model_year_defaults_to_current_date():
    year = decode_vin(_with_vin_check("LFV2A21K0A3012345")).model_year
    assert year in (2010, 2040, 2070)
    assert year <= date.today().year + 1 < year + 30


def test_cs2_vin_decode_refuses_invalid_vin():
    with pytest.raises(ValidationError) as excinfo:
        decode_vin("LSVAU2180N2183847", today=TODAY)
    assert excinfo.value.code == "vin_check_digit"


def test_cs2_vin_info_is_frozen():
    info = decode_vin("LE4ZG8DB9PL123456", today=TODAY)
    with pytest.raises(AttributeError):
        info.brand = "Smart"


# -------------------------------------------------------------------------- Plate


@pytest.mark.parametrize(
    ("raw", "plate", "province", "kind", "suffix"),
    [
        ("京A12345", "京A12345", "京", "fuel", None),
        ("沪AB1234", "沪AB1234", "沪", "fuel", None),
        ("粤B8K3L2", "粤B8K3L2", "粤", "fuel", None),
        ("川A·8W8T9", "川A8W8T9", "川", "fuel", None),
        ("苏E C9Y56", "苏EC9Y56", "苏", "fuel", None),
        ("浙a-88888", "浙A88888", "浙", "fuel", None),
        ("鲁BD1234", "鲁BD1234", "鲁", "fuel", None),
        ("新J00001", "新J00001", "新", "fuel", None),
        ("藏Z12345", "藏Z12345", "藏", "fuel", None),
        ("京AD12345", "京AD12345", "京", "new_energy", None),
        ("沪AF12345", "沪AF12345", "沪", "new_energy", None),
        ("粤BDA1234", "粤BDA1234", "粤", "new_energy", None),
        ("浙A•FK8888", "浙AFK8888", "浙", "new_energy", None),
        ("京AE12345", "京AE12345", "京", "new_energy", None),
        ("沪AAF1234", "沪AAF1234", "沪", "new_energy", None),
        ("苏AK12345", "苏AK12345", "苏", "new_energy", None),
        ("粤B12345D", "粤B12345D", "粤", "new_energy", None),
        ("京A00001F", "京A00001F", "京", "new_energy", None),
        ("沪b·12345f", "沪B12345F", "沪", "new_energy", None),
        ("京A1234学", "京A1234学", "京", "special", "学"),
        ("粤Z·1234港", "粤Z1234港", "粤", "special", "港"),
        ("粤Z5678澳", "粤Z5678澳", "粤", "special", "澳"),
        ("沪A1234警", "沪A1234警", "沪", "special", "警"),
        ("苏A·A123挂", "苏AA123挂", "苏", "special", "挂"),
        ("沪A1234领", "沪A1234领", "沪", "special", "领"),
        ("京A1234使", "京A1234使", "京", "special", "使"),
        ("使014578", "使014578", None, "special", "使"),
        ("使·014·578", "使014578", None, "special", "使"),
    ],
)
def test_cs2_plate_valid_forms_parsed(raw, plate, province, kind, suffix):
    assert parse_plate(raw) == PlateInfo(plate=plate, province=province, kind=kind, suffix=suffix)
    assert validate_plate(raw) == plate


def test_cs2_plate_normaliser_removes_separators_and_upper_cases():
    assert normalize_plate(" 京 a·1.2•3-4 5 ") == "京A12345"


@pytest.mark.parametrize("plate", ["", "A12345", "港A12345", "WJ0112345", "1A12345", "使01457"])
def test_cs2_plate_without_province_refused(plate):
    with pytest.raises(ValidationError) as excinfo:
        validate_plate(plate)
    assert excinfo.value.code == "plate_province"


@pytest.mark.parametrize(
    "plate",
    [
        "京I12345",  # I/O are not issuing-authority letters
        "京O12345",
        "京112345",
        "京A1234",
        "京A123456",
        "京AI2345",
        "京AO1234",
        "京AZ12345",  # small NEV must start with A-H, J or K
        "京AD1234A",
        "京ADA123B",
        "京A12345X",  # large NEV ends with D or F
        "京A1234D5",
        "京A12345学",  # special plates have 4 characters before the suffix
        "京A123学",
        "京A1234特",
        "京A12345678",
        "京",
    ],
)
def test_cs2_plate_malformed_refused(plate):
    with pytest.raises(ValidationError) as excinfo:
        validate_plate(plate)
    assert excinfo.value.code == "plate_format"
    assert excinfo.value.params == {"plate": plate}
    assert plate in _messages(excinfo)


# ------------------------------------------------------------------------- Mobile


@pytest.mark.parametrize(
    "raw",
    [
        "13812345678",
        "+86 138 1234 5678",
        "+8613812345678",
        "+86-138-1234-5678",
        "86 13812345678",
        "86-138-1234-5678",
        "138-1234-5678",
        " 138 1234 5678 ",
        "＋８６ １３８１２３４５６７８",
    ],
)
def test_cs2_mobile_prefixes_and_separators_stripped(raw):
    assert normalize_mobile(raw) == "13812345678"
    assert validate_mobile(raw) == "13812345678"


@pytest.mark.parametrize(
    "mobile",
    [
        "13000000000",
        "14512345678",
        "15012345678",
        "16612345678",
        "17712345678",
        "18912345678",
        "19912345678",
    ],
)
def test_cs2_mobile_all_second_digits_3_to_9_accepted(mobile):
    assert validate_mobile(mobile) == mobile


@pytest.mark.parametrize(
    "mobile",
    [
        "",
        "12345678901",
        "10012345678",
        "23812345678",
        "1381234567",
        "138123456789",
        "8613812345678",  # bare 86 prefix needs a separator
        "+1 13812345678",
        "+852 13812345678",
        "138 1234 567a",
        "138.1234.5678",
        "+86",
        "+86 86 13812345678",
        "(+86)13812345678",
        "010-12345678",
    ],
)
def test_cs2_mobile_invalid_refused(mobile):
    with pytest.raises(ValidationError) as excinfo:
        validate_mobile(mobile)
    assert excinfo.value.code == "mobile_invalid"


# -------------------------------------------------------------------- Resident ID

VALID_RESIDENT_IDS = [
    "11010519491231002X",
    _ric("110101", "19750615", "123"),
    _ric("120101", "19800229", "016"),
    _ric("310104", "19800101", "001"),
    _ric("440305", "19900307", "001"),
    _ric("330106", "20000229", "001"),
    _ric("420106", "19950615", "123"),
    _ric("510107", "20050615", "124"),
    _ric("650102", "19661231", "999"),
    _ric("360426", "19910101", "007"),
    # Issued in a district newer than the holder, or a HK/Macao residence permit.
    _ric("310115", "19750615", "123"),
    _ric("810000", "19900101", "002"),
    _ric("820000", "19850505", "003"),
]


@pytest.mark.parametrize("number", VALID_RESIDENT_IDS)
def test_cs2_resident_id_valid_accepted(number):
    assert validate_resident_id(number, today=TODAY) == number


def test_cs2_resident_id_well_known_sample_checksum_is_x():
    assert _ref_ric_check("11010519491231002") == "X"
    assert validate_resident_id("11010519491231002X", today=TODAY) == "11010519491231002X"


@pytest.mark.parametrize(
    "raw", ["11010519491231002x", " 110105 19491231 002x ", "１１０１０５１９４９１２３１００２Ｘ"]
)
def test_cs2_resident_id_normalised_upper_case(raw):
    assert validate_resident_id(raw, today=TODAY) == "11010519491231002X"


def _wrong_check(number: str) -> str:
    chars = "0123456789X"
    return number[:17] + chars[(chars.index(number[17]) + 1) % len(chars)]


@pytest.mark.parametrize("number", [_wrong_check(n) for n in VALID_RESIDENT_IDS[:8]])
def test_cs2_resident_id_wrong_checksum_refused(number):
    assert number[17] != _ref_ric_check(number[:17])
    with pytest.raises(ValidationError) as excinfo:
        validate_resident_id(number, today=TODAY)
    assert excinfo.value.code == "resident_id_checksum"


@pytest.mark.parametrize(
    "birth", ["19990230", "20011301", "19990000", "20230229", "19900431", "00000101", "19991232"]
)
def test_cs2_resident_id_invalid_birth_date_refused(birth):
    with pytest.raises(ValidationError) as excinfo:
        validate_resident_id(_ric("110105", birth, "002"), today=TODAY)
    assert excinfo.value.code == "resident_id_birth_date"
    assert birth in _messages(excinfo)


@pytest.mark.parametrize(("birth", "today"), [("20240102", date(2024, 1, 1)), ("20990101", TODAY)])
def test_cs2_resident_id_future_birth_date_refused(birth, today):
    with pytest.raises(ValidationError) as excinfo:
        validate_resident_id(_ric("110105", birth, "002"), today=today)
    assert excinfo.value.code == "resident_id_future_birth_date"
    assert f"{birth[:4]}-{birth[4:6]}-{birth[6:]}" in _messages(excinfo)


def test_cs2_resident_id_born_today_accepted():
    number = _ric("110105", "20240101", "002")
    assert validate_resident_id(number, today=date(2024, 1, 1)) == number


@pytest.mark.parametrize(
    "number",
    ["", "11010519491231002", "11010519491231002X1", "110105491231002"],  # incl. old 15-digit
)
def test_cs2_resident_id_wrong_length_refused(number):
    with pytest.raises(ValidationError) as excinfo:
        validate_resident_id(number, today=TODAY)
    assert excinfo.value.code == "resident_id_length"


@pytest.mark.parametrize(
    "number",
    ["11010519491231X02X", "1101051949123100AX", "X10105194912310021", "1101051949123100-2"],
)
def test_cs2_resident_id_bad_format_refused(number):
    with pytest.raises(ValidationError) as excinfo:
        validate_resident_id(number, today=TODAY)
    assert excinfo.value.code == "resident_id_format"


@pytest.mark.parametrize("region", ["000000", "990101", "100101", "600101", "910000"])
def test_cs2_resident_id_unknown_province_refused(region):
    with pytest.raises(ValidationError) as excinfo:
        validate_resident_id(_ric(region, "19900101", "001"), today=TODAY)
    assert excinfo.value.code == "resident_id_region"
    assert region in _messages(excinfo)


@pytest.mark.parametrize(
    ("region", "birth", "sequence"),
    [
        ("110105", "19491231", "002"),
        ("110101", "19750615", "123"),
        ("440305", "19900307", "001"),
        ("330106", "20000229", "018"),
        ("650102", "19661231", "999"),
    ],
)
def test_cs2_resident_id_birthday_and_gender(region, birth, sequence):
    number = _ric(region, birth, sequence)
    expected_birthday = date(int(birth[:4]), int(birth[4:6]), int(birth[6:]))
    assert resident_id_birthday(number) == expected_birthday
    assert resident_id_gender(number) == ("male" if int(sequence[2]) % 2 else "female")


def test_cs2_resident_id_helpers_refuse_invalid_numbers():
    for helper in (resident_id_birthday, resident_id_gender):
        with pytest.raises(ValidationError):
            helper("110105194912310021")


# -------------------------------------------------------------------- Credit code

# Published codes of well-known companies; each verified by _ref_uscc_check.
REAL_CREDIT_CODES = [
    "91110000600037341L",
    "914403001922038216",
    "91440300708461136T",
    "91330100716105852F",
    "91110108551385082Q",
]
BUILT_CREDIT_CODES = [
    body + _ref_uscc_check(body)
    for body in (
        "12100000400000707",
        "51110000500000117",
        "91310000MA1FL4T23",
        "93440300MA5F0XKA0",
        "11100000000013127",
        "31110000400834282",
        "52110000MJ0000173",
    )
]


@pytest.mark.parametrize("code", REAL_CREDIT_CODES)
def test_cs2_credit_code_samples_verified_independently(code):
    assert code[-1] == _ref_uscc_check(code[:17])


@pytest.mark.parametrize("code", REAL_CREDIT_CODES + BUILT_CREDIT_CODES)
def test_cs2_credit_code_valid_accepted(code):
    assert validate_credit_code(code) == code


@pytest.mark.parametrize(
    "raw", ["91110000600037341l", " 9111 0000 6000 3734 1L ", "911100-00600037341L"]
)
def test_cs2_credit_code_normalised(raw):
    assert validate_credit_code(raw) == "91110000600037341L"


@pytest.mark.parametrize("code", REAL_CREDIT_CODES + BUILT_CREDIT_CODES[:3])
def test_cs2_credit_code_wrong_check_character_refused(code):
    expected = _ref_uscc_check(code[:17])
    wrong = _USCC_CHARSET[(_USCC_CHARSET.index(code[-1]) + 7) % 31]
    with pytest.raises(ValidationError) as excinfo:
        validate_credit_code(code[:17] + wrong)
    assert excinfo.value.code == "credit_code_checksum"
    assert excinfo.value.params == {"actual": wrong, "expected": expected}


@pytest.mark.parametrize(
    "code", ["", "9111000060003734", "91110000600037341", "91110000600037341LL"]
)
def test_cs2_credit_code_wrong_length_refused(code):
    with pytest.raises(ValidationError) as excinfo:
        validate_credit_code(code)
    assert excinfo.value.code == "credit_code_length"


@pytest.mark.parametrize(
    "code",
    [
        "A1110000600037341L",
        "9111000O600037341L",
        "91110000600037341I",
        "9111000060003734ZL",
        "91110000S00037341L",
        "91110000V00037341L",
        "911100006000373_1L",
    ],
)
def test_cs2_credit_code_bad_characters_refused(code):
    with pytest.raises(ValidationError) as excinfo:
        validate_credit_code(code)
    assert excinfo.value.code == "credit_code_format"


# --------------------------------------------------------------- field validators


@pytest.mark.parametrize(
    ("validator", "valid", "invalid"),
    [
        (vin_validator, "1M8GDM9AXKP042788", "1M8GDM9A1KP042788"),
        (plate_validator, "京AD12345", "京I12345"),
        (mobile_validator, "+86 138 1234 5678", "12345678901"),
        (resident_id_validator, "11010519491231002X", "110105194912310021"),
        (credit_code_validator, "91110000600037341L", "91110000600037341M"),
    ],
)
def test_cs2_field_validators_raise_only_for_invalid_values(validator, valid, invalid):
    assert validator(valid) is None
    with pytest.raises(ValidationError):
        validator(invalid)


def test_cs2_messages_are_translatable_lazy_strings():
    with pytest.raises(ValidationError) as excinfo:
        validate_vin("1M8GDM9A1KP042788")
    assert isinstance(excinfo.value.message, Promise)
    assert "%(expected)s" in str(excinfo.value.message)

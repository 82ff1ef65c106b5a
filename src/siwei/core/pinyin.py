"""Pinyin helpers for search: full pinyin and initials of Chinese names.

``full_pinyin("张三") == "zhangsan"``, ``initials("张三") == "zs"``. Surnames with a
special reading (曾 zeng, 单 shan, 解 xie …) are read as surnames when ``name=True``.
Non-Chinese characters are kept, lower-cased, so mixed names still match.
"""

from __future__ import annotations

from pypinyin import Style, lazy_pinyin

# Surnames whose reading differs from the character's common reading
# (syllables separated by a space).
SURNAME_READINGS = {
    "曾": "zeng",
    "单": "shan",
    "解": "xie",
    "仇": "qiu",
    "区": "ou",
    "查": "zha",
    "朴": "piao",
    "盖": "ge",
    "乐": "yue",
    "尉": "yu",
    "缪": "miao",
    "覃": "qin",
    "翟": "zhai",
    "任": "ren",
    "沈": "shen",
    "华": "hua",
    "燕": "yan",
    "纪": "ji",
    "秘": "bi",
    "万": "wan",
    "洗": "xian",
    "冼": "xian",
    "黑": "he",
    "繁": "po",
    "种": "chong",
    "长孙": "zhang sun",
    "尉迟": "yu chi",
    "单于": "chan yu",
}


def _syllables(text: str, *, name: bool) -> list[str]:
    text = (text or "").strip()
    if not text:
        return []
    head: list[str] = []
    if name:
        for surname in sorted(SURNAME_READINGS, key=len, reverse=True):
            if text.startswith(surname):
                head = SURNAME_READINGS[surname].split()
                text = text[len(surname) :]
                break
    rest = lazy_pinyin(text, style=Style.NORMAL, errors=lambda chars: list(chars))
    return [s.lower() for s in head + rest if s.strip()]


def full_pinyin(text: str, *, name: bool = True) -> str:
    """All syllables joined, no tones: 张三 -> zhangsan."""
    return "".join(_syllables(text, name=name))


def initials(text: str, *, name: bool = True) -> str:
    """First letter of each syllable: 张三 -> zs."""
    return "".join(s[0] for s in _syllables(text, name=name))

"""The font of the printouts (FN-8): one CJK font for every document.

An embedded TrueType font prints the same on every printer and viewer, so the first
installed one of these is embedded (subset):

1. the file named by ``settings.PDF_CJK_FONT`` or the ``SIWEI_PDF_FONT`` environment
   variable (a ``.ttf`` or ``.ttc`` with TrueType outlines);
2. a CJK TrueType font installed from Debian (``fonts-wqy-microhei``, ``fonts-wqy-zenhei``,
   ``fonts-arphic-uming``, ``fonts-droid-fallback``).

Otherwise reportlab's built-in CID font ``STSong-Light`` is used (not embedded: viewers
and printers substitute their own Song typeface; the text layer is the same). reportlab
cannot embed fonts with PostScript (CFF) outlines, such as the ``.otf`` Noto Sans CJK.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFError, TTFont

FALLBACK = "STSong-Light"
EMBEDDED_NAME = "SiweiCJK"

# (path, index of the face in a collection)
DEBIAN_FONTS: tuple[tuple[str, int], ...] = (
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
    ("/usr/share/fonts/truetype/arphic/uming.ttc", 0),
    ("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf", 0),
)


@dataclass(frozen=True)
class PdfFont:
    name: str  # the name registered with reportlab
    embedded: bool
    source: str  # a file path, or the CID font's name


def _candidates() -> list[tuple[str, int]]:
    configured = getattr(settings, "PDF_CJK_FONT", "") or os.environ.get("SIWEI_PDF_FONT", "")
    found = [(configured, 0)] if configured else []
    return found + list(DEBIAN_FONTS)


def _register_truetype(path: str, index: int) -> PdfFont | None:
    if not Path(path).is_file():
        return None
    try:
        pdfmetrics.registerFont(TTFont(EMBEDDED_NAME, path, subfontIndex=index))
    except (TTFError, OSError, ValueError):
        return None
    return PdfFont(EMBEDDED_NAME, True, path)


@functools.cache
def cjk_font() -> PdfFont:
    """The font all printouts use, registered with reportlab (chosen once per process)."""
    for path, index in _candidates():
        font = _register_truetype(path, index)
        if font is not None:
            return font
    return fallback_font()


def fallback_font() -> PdfFont:
    """reportlab's built-in Simplified Chinese CID font (architecture.md "PDF fonts")."""
    if FALLBACK not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FALLBACK))
    return PdfFont(FALLBACK, False, FALLBACK)

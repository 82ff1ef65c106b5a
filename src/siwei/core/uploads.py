"""Photo uploads (delivery photos, damage photos, nonconformance photos): at most 5 MB,
and a JPEG, PNG or WebP image by its content (Pillow reads it), whatever the file is
called."""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.utils.translation import gettext as _

MAX_PHOTO_BYTES = 5 * 1024 * 1024
MAX_PHOTO_PIXELS = 60_000_000  # far above any phone camera; refuses decompression bombs
PHOTO_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}


def checked_photo(upload, *, field: str = "photo", subject: str = "") -> File:
    """The upload if it is an acceptable photo, renamed ``<uuid>.<ext>`` after its real
    format; else a ``ValidationError`` on ``field`` whose message names the photo (and
    ``subject``, e.g. the part number, when given)."""
    from PIL import Image, UnidentifiedImageError

    label = (_("Photo of %(subject)s") % {"subject": subject}) if subject else _("Photo")

    def refuse(message: str):
        return ValidationError({field: [_("%(label)s: %(message)s")
                                        % {"label": label, "message": message}]})

    size = getattr(upload, "size", None)
    if size is None or size <= 0:
        raise refuse(_("the file is empty."))
    if size > MAX_PHOTO_BYTES:
        raise refuse(_("the file is %(size)s MB; at most 5 MB is accepted.")
                     % {"size": f"{size / 1024 / 1024:.1f}"})
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            kind = image.format
            width, height = image.size
            if width * height > MAX_PHOTO_PIXELS:
                raise refuse(_("the image is too large."))
            image.verify()
    except ValidationError:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError,
            ValueError):
        kind = None
    if kind not in PHOTO_FORMATS:
        raise refuse(_("upload a JPEG, PNG or WebP image."))
    upload.seek(0)
    photo = upload if isinstance(upload, File) else File(upload)
    photo.name = f"{uuid.uuid4().hex}.{PHOTO_FORMATS[kind]}"
    return photo

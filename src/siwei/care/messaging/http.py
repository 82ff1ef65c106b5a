"""A small HTTP POST on the standard library, with the failures a backend reports."""

from __future__ import annotations

import urllib.error
import urllib.request

from .base import DeliveryError


def post(url: str, body: bytes, *, headers: dict[str, str], timeout: float) -> tuple[int, bytes]:
    """POST ``body`` and return ``(status, response body)``. Network failures and
    timeouts raise ``DeliveryError``; HTTP error statuses are returned."""
    if not url.startswith(("http://", "https://")):
        raise DeliveryError(f"messaging URL not configured or not http(s): {url!r}")
    request = urllib.request.Request(  # noqa: S310 - http(s) checked above
        url, data=body, method="POST", headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read() or b""
    except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
        reason = getattr(exc, "reason", exc)
        raise DeliveryError(f"{url}: {reason}") from exc
